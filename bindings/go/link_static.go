//go:build cgo && !paperspace_shared && linux && (amd64 || arm64)

package paperspace

// The static library is lib/GOOS_GOARCH/libpaperspace.a, and `make lib` writes
// zz_library_digest_GOOS_GOARCH.go beside it, defining the constant below as the library's
// SHA-256. Two things follow:
//   - before `make lib` the build (and go vet) stops with one error, "undefined:
//     requires_libpaperspace_a__run_make_lib_in_bindings_go", instead of a linker error;
//   - a rebuilt library changes this package's compiled code, so a plain `go build` relinks
//     (the Go build cache does not look at C libraries).
var linkedLibraryDigest = requires_libpaperspace_a__run_make_lib_in_bindings_go
