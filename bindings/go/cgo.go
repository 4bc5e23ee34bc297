//go:build cgo

package paperspace

// This is the only file with #cgo directives. The header is the module's own copy of the
// library's include/paperspace.h (header_test.go keeps the two identical), so the module needs
// nothing outside its directory.
//
// Default: link the static library lib/GOOS_GOARCH/libpaperspace.a (put there, with
// zz_library_digest_GOOS_GOARCH.go, by `make lib` in this directory), so a Go program is one
// self-contained binary. Only the .a is kept in that directory, so the linker cannot pick a
// shared library instead. The system libraries are the ones Rust's standard library needs
// (`pkg-config --static --libs paperspace`).
//
// Build tag paperspace_static: the same library, and a fully static program (-static; libgcc's
// static unwinder libgcc_eh instead of the shared libgcc_s).
//
// Build tag paperspace_shared: an installed libpaperspace.so found through pkg-config (`make
// install` at the top of the repository writes paperspace.pc).

/*
#cgo CFLAGS: -I${SRCDIR}
#cgo linux,amd64,!paperspace_shared LDFLAGS: -L${SRCDIR}/lib/linux_amd64
#cgo linux,arm64,!paperspace_shared LDFLAGS: -L${SRCDIR}/lib/linux_arm64
#cgo !paperspace_shared,!paperspace_static LDFLAGS: -lpaperspace -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
#cgo paperspace_static,!paperspace_shared LDFLAGS: -static -lpaperspace -lgcc_eh -lutil -lrt -lpthread -lm -ldl -lc
#cgo paperspace_shared,!paperspace_static pkg-config: paperspace

#include <stdlib.h>
#include <string.h>
#include "paperspace.h"
*/
import "C"

import "unsafe"

// operation names one C ABI call; the names are those of the error JSON's "operation".
type operation int

const (
	opTemplatesList operation = iota
	opMachinesCreate
	opMachinesAvailability
	opMachinesShow
	opMachinesList
	opMachinesWait
	opMachinesStart
	opMachinesStop
	opMachinesRestart
	opMachinesDestroy
	opUsersList
)

var operationNames = [...]string{
	opTemplatesList:        "templates_list",
	opMachinesCreate:       "machines_create",
	opMachinesAvailability: "machines_availability",
	opMachinesShow:         "machines_show",
	opMachinesList:         "machines_list",
	opMachinesWait:         "machines_wait",
	opMachinesStart:        "machines_start",
	opMachinesStop:         "machines_stop",
	opMachinesRestart:      "machines_restart",
	opMachinesDestroy:      "machines_destroy",
	opUsersList:            "users_list",
}

func (op operation) String() string { return operationNames[op] }

// cClient is the library's opaque client.
type cClient = C.ps_client

// cCancel is the library's cancellation flag.
type cCancel = C.ps_cancel

// invoke runs one operation. params is NUL-free JSON (encoding/json escapes NUL); the library
// only borrows the C copy for the duration of the call. The result (or error) JSON is handed to
// use, then freed with ps_string_free: use must not keep the slice.
func invoke(op operation, client *cClient, cancel *cCancel, params []byte, use func(status Status, out []byte)) {
	cParams := C.CString(unsafe.String(unsafe.SliceData(params), len(params)))
	defer C.free(unsafe.Pointer(cParams))
	var out *C.char
	var status C.ps_status
	switch op {
	case opTemplatesList:
		status = C.ps_templates_list(client, cParams, &out)
	case opMachinesCreate:
		status = C.ps_machines_create(client, cParams, &out)
	case opMachinesAvailability:
		status = C.ps_machines_availability(client, cParams, &out)
	case opMachinesShow:
		status = C.ps_machines_show(client, cParams, &out)
	case opMachinesList:
		status = C.ps_machines_list(client, cParams, &out)
	case opMachinesWait:
		status = C.ps_machines_wait_cancellable(client, cParams, cancel, &out)
	case opMachinesStart:
		status = C.ps_machines_start(client, cParams, &out)
	case opMachinesStop:
		status = C.ps_machines_stop(client, cParams, &out)
	case opMachinesRestart:
		status = C.ps_machines_restart(client, cParams, &out)
	case opMachinesDestroy:
		status = C.ps_machines_destroy(client, cParams, &out)
	case opUsersList:
		status = C.ps_users_list(client, cParams, &out)
	default:
		panic("paperspace: unknown operation")
	}
	defer C.ps_string_free(out)
	use(Status(status), cBytes(out))
}

// newCClient calls ps_client_new. On failure it returns the status and the error JSON (copied).
func newCClient(config []byte) (*cClient, Status, []byte) {
	cConfig := C.CString(unsafe.String(unsafe.SliceData(config), len(config)))
	defer C.free(unsafe.Pointer(cConfig))
	var client *C.ps_client
	var errJSON *C.char
	status := Status(C.ps_client_new(cConfig, &client, &errJSON))
	defer C.ps_string_free(errJSON)
	if status != StatusOK {
		return nil, status, append([]byte(nil), cBytes(errJSON)...)
	}
	return client, StatusOK, nil
}

func freeCClient(client *cClient) { C.ps_client_free(client) }

func newCancel() *cCancel { return C.ps_cancel_new() }

func triggerCancel(cancel *cCancel) { C.ps_cancel_trigger(cancel) }

func freeCancel(cancel *cCancel) { C.ps_cancel_free(cancel) }

// cBytes views a NUL-terminated C string as a byte slice without copying (nil for NULL). The
// slice is valid until the string is freed.
func cBytes(s *C.char) []byte {
	if s == nil {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(s)), C.strlen(s))
}

// LibraryVersion is the version of the linked C library (ps_version), e.g. "0.1.0".
func LibraryVersion() string { return C.GoString(C.ps_version()) }

// statusName is the library's name of a status code (ps_status_name): "unknown" for codes it
// does not know.
func statusName(code Status) string { return C.GoString(C.ps_status_name(C.int32_t(code))) }
