//go:build cgo && paperspace_shared && paperspace_static

package paperspace

// paperspace_static links the static library into a static program; paperspace_shared links a
// shared library. Both at once cannot be satisfied.
var _ = build_tags_paperspace_static_and_paperspace_shared_exclude_each_other
