# paperspace: build, test, demo, install, bench.
# `make test` is what CI runs (through .ci/run); `make demo` shows the C, Python and Go examples
# against a local emulator.

CARGO     ?= cargo
PREFIX    ?= /usr/local
ROOT      := $(abspath .)
LIB_DIR   := $(ROOT)/target/release
# The emulator is built in its own target dir so the shipped library never carries the server.
EMU_DIR   := $(ROOT)/target/emulator
EMULATOR  := $(EMU_DIR)/release/paperspace-emulator
VERSION   := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
# The shared library's SONAME (set by build.rs): 0.MINOR while the version is 0.x, MAJOR after.
SONAME    := libpaperspace.so.$(shell echo $(VERSION) | awk -F. '{print ($$1 == 0 ? "0." $$2 : $$1)}')
SUBMAKE   := LIB_DIR=$(LIB_DIR) EMULATOR=$(EMULATOR) INCLUDE_DIR=$(ROOT)/include

.PHONY: all lib emulator wheel test test-rust check-header lint test-c test-cpp test-python test-go test-hardening demo install install-debug uninstall bench fuzz stress clean

all: lib emulator

lib:
	$(CARGO) build --release --lib
	@# Programs linked with -lpaperspace look for the SONAME at run time, as they do once installed.
	ln -sf libpaperspace.so $(LIB_DIR)/$(SONAME)

emulator:
	CARGO_TARGET_DIR=$(EMU_DIR) $(CARGO) build --release --features emulator --bin paperspace-emulator

test: lint test-rust check-header test-c test-cpp test-python test-go test-hardening

test-rust:
	$(CARGO) test --features emulator

# The committed header must be what the sources generate, and must compile alone in every
# language standard its opening comment names, with gcc and clang.
HEADER_CC       ?= gcc clang
HEADER_CXX      ?= g++ clang++
HEADER_C_STDS   := c99 c11 c17 c2x
HEADER_CXX_STDS := c++11 c++14 c++17 c++20 c++2b
HEADER_FLAGS    := -Wall -Wextra -Wpedantic -Werror -Iinclude
check-header: lib
	git diff --exit-code -- include/paperspace.h || { echo "include/paperspace.h is stale: commit the regenerated header"; exit 1; }
	printf '#include "paperspace.h"\nint main(void){return ps_version()==0;}\n' > target/header_c.c
	printf '#include "paperspace.h"\nint main(){return ps_version()==nullptr;}\n' > target/header_cpp.cpp
	@for cc in $(HEADER_CC); do for std in $(HEADER_C_STDS); do echo "$$cc -std=$$std paperspace.h"; \
		$$cc -std=$$std $(HEADER_FLAGS) -c target/header_c.c -o target/header_c.o || exit 1; done; done
	@for cxx in $(HEADER_CXX); do for std in $(HEADER_CXX_STDS); do echo "$$cxx -std=$$std paperspace.h"; \
		$$cxx -std=$$std $(HEADER_FLAGS) -c target/header_cpp.cpp -o target/header_cpp.o || exit 1; done; done

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --features emulator --all-targets -- -D warnings

test-c: lib emulator
	$(MAKE) -C bindings/c test $(SUBMAKE)

# C++ and installation: the C++ header's tests, then what `make install` delivers (pkg-config,
# static linking, the CMake package), each against the emulator.
test-cpp: lib emulator
	$(MAKE) -C bindings/cpp test $(SUBMAKE)

# The Python package's sdist and manylinux wheel in dist/ (bindings/python/README.md).
wheel:
	$(MAKE) -C bindings/python dist DIST_DIR=$(ROOT)/dist

# Also builds the distributions and tests them installed in fresh venvs.
test-python: lib emulator
	$(MAKE) -C bindings/python test $(SUBMAKE) DIST_DIR=$(ROOT)/dist

test-go: lib emulator
	$(MAKE) -C bindings/go test $(SUBMAKE)

demo: lib emulator
	$(MAKE) -C bindings/c demo $(SUBMAKE)
	$(MAKE) -C bindings/python demo $(SUBMAKE)
	$(MAKE) -C bindings/go demo $(SUBMAKE)

# Install: `make install [PREFIX=/usr/local] [LIBDIR=$(PREFIX)/lib] [INCLUDEDIR=...] [DESTDIR=]`
# puts the headers (paperspace.h and the C++ paperspace.hpp), the stripped libraries
# (libpaperspace.so.X.Y.Z with symlinks for the SONAME and -lpaperspace), the pkg-config modules
# paperspace (shared) and paperspace-static, and the CMake package in LIBDIR/cmake/paperspace.
# `make install-debug` (or DEBUG_INFO=1) keeps the shared library's debug info in
# libpaperspace.so.X.Y.Z.debug beside it (gdb finds it by its debuglink) and the archive
# unstripped. `make uninstall` with the same variables removes exactly those files.
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DEBUG_INFO ?= 0
STRIP      ?= strip
OBJCOPY    ?= objcopy
REALNAME   := libpaperspace.so.$(VERSION)
CMAKEDIR   := $(LIBDIR)/cmake/paperspace
DEST_LIB   := $(DESTDIR)$(LIBDIR)
# pkg-config files say ${prefix}/... where they can, so `pkgconf --define-prefix` can relocate them.
PC_SUBST   := -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' \
              -e 's|@LIBDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))|' \
              -e 's|@INCLUDEDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))|'
# The CMake package finds the files relative to itself, so a DESTDIR tree can be moved.
CMAKE_SUBST = -e 's|@VERSION@|$(VERSION)|' -e 's|@REALNAME@|$(REALNAME)|' -e 's|@SONAME@|$(SONAME)|' \
              -e 's|@POINTER_BYTES@|$(shell expr $$(getconf LONG_BIT) / 8)|' \
              -e 's|@LIBDIR_REL@|$(shell realpath -m --relative-to=$(CMAKEDIR) $(LIBDIR))|' \
              -e 's|@INCLUDEDIR_REL@|$(shell realpath -m --relative-to=$(CMAKEDIR) $(INCLUDEDIR))|'
INSTALLED  := $(INCLUDEDIR)/paperspace.h $(INCLUDEDIR)/paperspace.hpp \
              $(LIBDIR)/$(REALNAME) $(LIBDIR)/$(REALNAME).debug $(LIBDIR)/$(SONAME) \
              $(LIBDIR)/libpaperspace.so $(LIBDIR)/libpaperspace.a \
              $(LIBDIR)/pkgconfig/paperspace.pc $(LIBDIR)/pkgconfig/paperspace-static.pc \
              $(CMAKEDIR)/paperspaceConfig.cmake $(CMAKEDIR)/paperspaceConfigVersion.cmake

install: lib
	install -d $(DESTDIR)$(INCLUDEDIR) $(DEST_LIB)/pkgconfig $(DESTDIR)$(CMAKEDIR)
	install -m 644 include/paperspace.h bindings/cpp/include/paperspace.hpp $(DESTDIR)$(INCLUDEDIR)/
	install -m 755 $(LIB_DIR)/libpaperspace.so $(DEST_LIB)/$(REALNAME)
	install -m 644 $(LIB_DIR)/libpaperspace.a $(DEST_LIB)/libpaperspace.a
	rm -f $(DEST_LIB)/$(REALNAME).debug
ifeq ($(DEBUG_INFO),1)
	$(OBJCOPY) --only-keep-debug $(DEST_LIB)/$(REALNAME) $(DEST_LIB)/$(REALNAME).debug
	chmod 644 $(DEST_LIB)/$(REALNAME).debug
	$(STRIP) --strip-unneeded $(DEST_LIB)/$(REALNAME)
	cd $(DEST_LIB) && $(OBJCOPY) --add-gnu-debuglink=$(REALNAME).debug $(REALNAME)
else
	$(STRIP) --strip-unneeded $(DEST_LIB)/$(REALNAME)
	$(STRIP) --strip-debug $(DEST_LIB)/libpaperspace.a
endif
	ln -sf $(REALNAME) $(DEST_LIB)/$(SONAME)
	ln -sf $(SONAME) $(DEST_LIB)/libpaperspace.so
	sed $(PC_SUBST) paperspace.pc.in > $(DEST_LIB)/pkgconfig/paperspace.pc
	sed $(PC_SUBST) paperspace-static.pc.in > $(DEST_LIB)/pkgconfig/paperspace-static.pc
	sed $(CMAKE_SUBST) cmake/paperspaceConfig.cmake.in > $(DESTDIR)$(CMAKEDIR)/paperspaceConfig.cmake
	sed $(CMAKE_SUBST) cmake/paperspaceConfigVersion.cmake.in > $(DESTDIR)$(CMAKEDIR)/paperspaceConfigVersion.cmake

install-debug:
	$(MAKE) install DEBUG_INFO=1

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	rmdir $(DESTDIR)$(CMAKEDIR) 2>/dev/null || true

# Hardening (docs/RELIABILITY.md): a short smoke in `make test`, longer runs on demand.
test-hardening: lib emulator
	$(SUBMAKE) bash tests/hardening/run.sh smoke

fuzz: lib emulator
	$(SUBMAKE) bash tests/hardening/run.sh fuzz

stress: lib emulator
	$(SUBMAKE) bash tests/hardening/run.sh stress

# Benchmarks (docs/PERFORMANCE.md): prints ratios measured in one run; never fails on a number.
bench: lib emulator
	$(SUBMAKE) bash benches/run.sh

clean:
	$(CARGO) clean
