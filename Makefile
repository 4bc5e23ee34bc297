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

.PHONY: all lib emulator test test-rust check-header lint test-c test-python test-go test-hardening demo install bench fuzz stress clean

all: lib emulator

lib:
	$(CARGO) build --release --lib
	@# Programs linked with -lpaperspace look for the SONAME at run time, as they do once installed.
	ln -sf libpaperspace.so $(LIB_DIR)/$(SONAME)

emulator:
	CARGO_TARGET_DIR=$(EMU_DIR) $(CARGO) build --release --features emulator --bin paperspace-emulator

test: lint test-rust check-header test-c test-python test-go test-hardening

test-rust:
	$(CARGO) test --features emulator

# The committed header must be what the sources generate, and must compile alone as C11 and C++17.
check-header: lib
	git diff --exit-code -- include/paperspace.h || { echo "include/paperspace.h is stale: commit the regenerated header"; exit 1; }
	printf '#include "paperspace.h"\nint main(void){return ps_version()==0;}\n' > target/header_c.c
	cc -std=c11 -Wall -Wextra -Wpedantic -Werror -Iinclude -c target/header_c.c -o target/header_c.o
	printf '#include "paperspace.h"\nint main(){return ps_version()==nullptr;}\n' > target/header_cpp.cpp
	c++ -std=c++17 -Wall -Wextra -Wpedantic -Werror -Iinclude -c target/header_cpp.cpp -o target/header_cpp.o

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --features emulator --all-targets -- -D warnings

test-c: lib emulator
	$(MAKE) -C bindings/c test $(SUBMAKE)

test-python: lib emulator
	$(MAKE) -C bindings/python test $(SUBMAKE)

test-go: lib emulator
	$(MAKE) -C bindings/go test $(SUBMAKE)

demo: lib emulator
	$(MAKE) -C bindings/c demo $(SUBMAKE)
	$(MAKE) -C bindings/python demo $(SUBMAKE)
	$(MAKE) -C bindings/go demo $(SUBMAKE)

install: lib
	install -d $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 644 include/paperspace.h $(DESTDIR)$(PREFIX)/include/
	install -m 755 $(LIB_DIR)/libpaperspace.so $(DESTDIR)$(PREFIX)/lib/
	install -m 644 $(LIB_DIR)/libpaperspace.a $(DESTDIR)$(PREFIX)/lib/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' paperspace.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/paperspace.pc

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
