//go:build cgo && !paperspace_shared && !(linux && (amd64 || arm64))

package paperspace

// The static-link directives of cgo.go are written for Linux on amd64 and arm64; elsewhere the
// build stops with this one error. An installed shared library works on any platform the Rust
// library builds for (build tag paperspace_shared, see README.md).
var _ = static_linking_is_set_up_for_linux_amd64_and_arm64__elsewhere_use_build_tag_paperspace_shared
