//go:build !cgo

package paperspace

// Without cgo (CGO_ENABLED=0, which is also Go's default when cross-compiling) the package has
// nothing but this file, so the build stops with this one error, whose name says what to do.
var _ = paperspace_needs_cgo__build_with_CGO_ENABLED_1_and_a_C_compiler_for_the_target
