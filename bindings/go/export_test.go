//go:build cgo

package paperspace

// StatusNameFromLibrary exposes ps_status_name to the tests (test files cannot use cgo).
var StatusNameFromLibrary = statusName

// LibraryOperations exposes ps_operations() to the tests.
var LibraryOperations = libraryOperations

// ObserveCalls makes f see the operation name of every call until restore is called.
func ObserveCalls(f func(op string)) (restore func()) {
	observeCall.Store(&f)
	return func() { observeCall.Store(nil) }
}

// EncodeParams exposes the parameter encoder to the tests.
var EncodeParams = encodeParams
