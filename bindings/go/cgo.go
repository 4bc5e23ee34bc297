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
#cgo noescape ps_call
#cgo nocallback ps_call
#cgo nocallback ps_string_free

#include <stdlib.h>
#include "paperspace.h"
*/
import "C"

import (
	"encoding/json"
	"sync"
	"unsafe"
)

// cClient is the library's opaque client.
type cClient = C.ps_client

// cCancel is the library's cancellation token (a flag and a deadline).
type cCancel = C.ps_cancel

// operationNames are the C strings of the operations the library describes (ps_operations),
// made once and kept for the life of the process: a call passes its name without copying it.
var operationNames = sync.OnceValue(func() map[string]*C.char {
	var ops []struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal([]byte(libraryOperations()), &ops); err != nil {
		panic("paperspace: ps_operations() is not JSON: " + err.Error())
	}
	names := make(map[string]*C.char, len(ops))
	for _, op := range ops {
		names[op.Name] = C.CString(op.Name)
	}
	return names
})

// libraryOperations is ps_operations(): the library's JSON description of its operations.
func libraryOperations() string { return C.GoString(C.ps_operations()) }

// invoke runs one operation by name (ps_call), observing cancel (nil: none), and returns its
// status and its result (or error) JSON. params is NUL-free JSON (encoding/json escapes NUL);
// the library reads it in place, since it only borrows it for the duration of the call and the
// bytes hold no Go pointers (the cgo rules). The answer is copied into a Go string and the
// library's string freed at once, so that a big answer is held once, not twice, while it is
// decoded.
func invoke(op string, client *cClient, cancel *cCancel, params []byte) (Status, string) {
	name, known := operationNames()[op]
	if !known {
		// A name the library does not know (a newer binding with an older shared library):
		// the library answers invalid_argument with the names it knows.
		name = C.CString(op)
		defer C.free(unsafe.Pointer(name))
	}
	params = append(params, 0) // the terminating NUL; usually within the slice's capacity
	var out *C.char
	status := C.ps_call(client, name, (*C.char)(unsafe.Pointer(unsafe.SliceData(params))), cancel, &out)
	yieldSometimes()
	text := C.GoString(out) // "" for NULL
	C.ps_string_free(out)
	return Status(status), text
}

// newCClient calls ps_client_new. On failure it returns the status and the error JSON.
func newCClient(config []byte) (*cClient, Status, string) {
	cConfig := C.CString(unsafe.String(unsafe.SliceData(config), len(config)))
	defer C.free(unsafe.Pointer(cConfig))
	var client *C.ps_client
	var errJSON *C.char
	status := Status(C.ps_client_new(cConfig, &client, &errJSON))
	defer C.ps_string_free(errJSON)
	if status != StatusOK {
		return nil, status, C.GoString(errJSON)
	}
	return client, StatusOK, ""
}

func freeCClient(client *cClient) { C.ps_client_free(client) }

func newCancel() *cCancel { return C.ps_cancel_new() }

func triggerCancel(cancel *cCancel) { C.ps_cancel_trigger(cancel) }

// setCancelTimeout sets the token's deadline to ms milliseconds from now.
func setCancelTimeout(cancel *cCancel, ms int64) { C.ps_cancel_set_timeout(cancel, C.uint64_t(ms)) }

func freeCancel(cancel *cCancel) { C.ps_cancel_free(cancel) }

// LibraryVersion is the version of the linked C library (ps_version), e.g. "0.1.0".
func LibraryVersion() string { return C.GoString(C.ps_version()) }

// statusName is the library's name of a status code (ps_status_name): "unknown" for codes it
// does not know.
func statusName(code Status) string { return C.GoString(C.ps_status_name(C.int32_t(code))) }
