//go:build cgo

package paperspace

// StatusNameFromLibrary exposes ps_status_name to the tests (test files cannot use cgo).
var StatusNameFromLibrary = statusName
