#!/usr/bin/env bash
# Tests what `make install` delivers, as a user of the installed files sees it:
#
#   - the SONAME of the built library and the installed names and symlinks;
#   - stripped libraries, and DEBUG_INFO=1 keeping a separate .debug file;
#   - the pkg-config modules: paperspace links the .so, paperspace-static never does (readelf),
#     and a fully static program links with -static (ldd: "not a dynamic executable");
#   - the CMake package: tests/consumer builds with find_package(paperspace CONFIG REQUIRED) in
#     both link modes, from a prefix and from a DESTDIR tree moved elsewhere; incompatible
#     versions are refused;
#   - `make uninstall` removes every installed file.
#
# Every program runs against the emulator: run this through bindings/c/with-emulator.sh.
# Environment: ROOT (the repository), C_COMPILERS (the C compilers the pkg-config checks use;
# default cc), CC and CXX (what CMake uses; default cc and c++), CMAKE (default cmake).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=${ROOT:-$(cd "$HERE/../../.." && pwd)}
C_COMPILERS=${C_COMPILERS:-cc}
CC=${CC:-cc}
CXX=${CXX:-c++}
CMAKE=${CMAKE:-cmake}
: "${PAPERSPACE_API_HOST:?run this through bindings/c/with-emulator.sh}"
export PAPERSPACE_API_KEY=emulator-admin-key

work=$(mktemp -d "${TMPDIR:-/tmp}/ps-install.XXXXXX")
trap 'rm -rf "$work"' EXIT

passed=0
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
ok() {
    passed=$((passed + 1))
    echo "ok - $*"
}
# expect_eq ACTUAL EXPECTED WHAT
expect_eq() {
    [ "$1" == "$2" ] || fail "$3: got '$1', expected '$2'"
    ok "$3"
}

version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$ROOT/Cargo.toml" | head -n 1)
IFS=. read -r major minor _ <<<"$version"
if [ "$major" = 0 ]; then abi="0.$minor"; else abi=$major; fi
soname="libpaperspace.so.$abi"
realname="libpaperspace.so.$version"

# needed FILE: the NEEDED entries of an ELF file, one per line.
needed() {
    readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
}
# debug_sections FILE: how many .debug_* sections an ELF file or archive has.
debug_sections() {
    readelf -S -W "$1" | grep -c ' \.debug_' || true
}
# What every consumer program prints: the version, the status, and the one Ubuntu 18.04
# template of the emulator's default scenario.
consumer_output="$version ok [{\"id\":\"t04azgph\",\"name\":\"paperspace/t04azgph\",\"label\":\"Ubuntu 18.04 Server\",\"os\":\"Ubuntu 18.04 Server\",\"dtCreated\":\"2018-06-15T06:00:34.531Z\"}]"
# run_consumer PROGRAM: runs a consumer program and checks its output.
run_consumer() {
    local out
    out=$("$1") || fail "$1 exited with $?: $out"
    [ "$out" == "$consumer_output" ] || fail "$1 printed: $out"
    ok "$(basename "$1") ran against the emulator"
}

make_install() {
    make -s -C "$ROOT" "$@" >"$work/make.log" 2>&1 || { cat "$work/make.log"; fail "make $*"; }
}

echo "== the built library"
expect_eq "$(readelf -d "$ROOT/target/release/libpaperspace.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')" \
    "$soname" "target/release/libpaperspace.so has the SONAME $soname"
expect_eq "$(readlink "$ROOT/target/release/$soname")" libpaperspace.so \
    "target/release/$soname links to libpaperspace.so"

echo "== make install PREFIX=\$work/prefix"
prefix=$work/prefix
make_install install PREFIX="$prefix"
expect_eq "$(cd "$prefix" && find . \( -type f -o -type l \) | sort | tr '\n' ' ')" \
    "./include/paperspace.h ./include/paperspace.hpp ./lib/cmake/paperspace/paperspaceConfig.cmake ./lib/cmake/paperspace/paperspaceConfigVersion.cmake ./lib/libpaperspace.a ./lib/libpaperspace.so ./lib/$soname ./lib/$realname ./lib/pkgconfig/paperspace-static.pc ./lib/pkgconfig/paperspace.pc " \
    "the installed files"
expect_eq "$(readlink "$prefix/lib/libpaperspace.so")" "$soname" "libpaperspace.so -> $soname"
expect_eq "$(readlink "$prefix/lib/$soname")" "$realname" "$soname -> $realname"
[ -f "$prefix/lib/$realname" ] && [ ! -L "$prefix/lib/$realname" ] || fail "$realname is not a file"
expect_eq "$(debug_sections "$prefix/lib/$realname")" 0 "the shared library has no debug sections"
grep -q ' \.symtab ' <<<"$(readelf -S -W "$prefix/lib/$realname")" && fail "the shared library keeps .symtab"
ok "the shared library has no .symtab (--strip-unneeded)"
expect_eq "$(debug_sections "$prefix/lib/libpaperspace.a")" 0 "the archive has no debug sections"
grep -q ' T ps_client_new$' <<<"$(nm "$prefix/lib/libpaperspace.a" 2>/dev/null)" || fail "the archive lost ps_client_new"
ok "the archive keeps its symbols (--strip-debug)"
cmp -s "$ROOT/include/paperspace.h" "$prefix/include/paperspace.h" || fail "installed paperspace.h differs"
cmp -s "$HERE/../include/paperspace.hpp" "$prefix/include/paperspace.hpp" || fail "installed paperspace.hpp differs"
ok "paperspace.h and paperspace.hpp are installed as they are"

echo "== pkg-config"
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
# pc ARGS...: pkg-config's answer without the trailing blank pkgconf adds.
pc() {
    local answer
    answer=$(pkg-config "$@")
    echo "${answer% }"
}
expect_eq "$(pc --static --libs paperspace-static)" \
    "-L$prefix/lib -l:libpaperspace.a -lutil -lrt -lpthread -lm -ldl" \
    "pkg-config --static --libs paperspace-static"
expect_eq "$(pc --libs paperspace)" "-L$prefix/lib -lpaperspace" "pkg-config --libs paperspace"
expect_eq "$(pc --cflags paperspace-static)" "-I$prefix/include" "pkg-config --cflags"
expect_eq "$(pc --modversion paperspace)" "$version" "pkg-config --modversion"
src=$HERE/consumer/consumer.c
for cc in $C_COMPILERS; do
    # shellcheck disable=SC2046 # pkg-config prints a list of words
    "$cc" -std=c99 -Wall -Werror "$src" $(pkg-config --cflags --libs paperspace) \
        -Wl,-rpath,"$prefix/lib" -o "$work/shared"
    expect_eq "$(needed "$work/shared" | grep paperspace)" "$soname" "$cc, paperspace: NEEDED $soname"
    grep -q "$soname => $prefix/lib/$soname" <<<"$(ldd "$work/shared")" || fail "ldd does not resolve $soname"
    run_consumer "$work/shared"

    # shellcheck disable=SC2046
    "$cc" -std=c99 -Wall -Werror "$src" $(pkg-config --cflags --static --libs paperspace-static) \
        -o "$work/static"
    grep -q paperspace <<<"$(needed "$work/static")" && fail "$cc, paperspace-static: depends on libpaperspace"
    ok "$cc, paperspace-static: no dependency on libpaperspace.so although it is installed"
    run_consumer "$work/static"

    # glibc warns that getaddrinfo and getpwuid_r need its NSS modules at run time; the
    # program works without them for IP addresses, as here.
    # shellcheck disable=SC2046
    "$cc" -static -std=c99 -Wall -Werror "$src" \
        $(pkg-config --cflags --static --libs paperspace-static) -o "$work/full-static" 2>"$work/ld.log" \
        || { cat "$work/ld.log"; fail "$cc -static failed"; }
    expect_eq "$(ldd "$work/full-static" 2>&1 | tr -d '\t')" "not a dynamic executable" \
        "$cc -static: ldd says not a dynamic executable"
    run_consumer "$work/full-static"
done
unset PKG_CONFIG_PATH

echo "== CMake package"
# configure BUILD_DIR CMAKE_ARGS...: configures tests/consumer.
configure() {
    local build=$1
    shift
    "$CMAKE" -S "$HERE/consumer" -B "$build" \
        -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" "$@" >"$work/cmake.log" 2>&1
}
configure "$work/build" -DCMAKE_PREFIX_PATH="$prefix" || { cat "$work/cmake.log"; fail "cmake configure"; }
"$CMAKE" --build "$work/build" -j 2 >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "cmake build"; }
ok "tests/consumer builds with find_package(paperspace CONFIG REQUIRED)"
for kind in c cpp; do
    expect_eq "$(needed "$work/build/consumer_${kind}_shared" | grep paperspace)" "$soname" \
        "consumer_${kind}_shared: NEEDED $soname"
    grep -q paperspace <<<"$(needed "$work/build/consumer_${kind}_static")" \
        && fail "consumer_${kind}_static links the .so"
    ok "consumer_${kind}_static: no dependency on libpaperspace.so"
done
for program in "$work"/build/consumer_*; do
    [ -x "$program" ] && [ -f "$program" ] && run_consumer "$program"
done

configure "$work/build-v" -DCMAKE_PREFIX_PATH="$prefix" -DPAPERSPACE_WANTED="$major.$minor" || fail "find_package(paperspace $major.$minor) refused"
ok "find_package(paperspace $major.$minor) accepts $version"
if [ "$major" = 0 ]; then newer="0.$((minor + 1))"; else newer="$((major + 1)).0"; fi
for wanted in "$newer" "$((major + 1))" "$version.1"; do
    if configure "$work/build-v" -DCMAKE_PREFIX_PATH="$prefix" -DPAPERSPACE_WANTED="$wanted"; then
        fail "find_package(paperspace $wanted) accepted $version"
    fi
    grep -q "paperspaceConfig.cmake, version: $version" "$work/cmake.log" \
        || { cat "$work/cmake.log"; fail "find_package(paperspace $wanted) failed for another reason"; }
    ok "find_package(paperspace $wanted) refuses $version"
done

# A multiarch LIBDIR (lib/x86_64-linux-gnu) where the toolchain has one, which CMake searches
# under a prefix; lib64 otherwise, which CMake searches only on some systems, so the package is
# then named by paperspace_DIR.
multiarch=$("${CC%% *}" -print-multiarch 2>/dev/null || true)
libsub=lib${multiarch:+/$multiarch}
[ -n "$multiarch" ] || libsub=lib64
echo "== make install-debug DESTDIR=... PREFIX=/usr LIBDIR=/usr/$libsub, moved elsewhere"
stage=$work/stage
make_install install-debug DESTDIR="$stage" PREFIX=/usr LIBDIR="/usr/$libsub"
libdir=$stage/usr/$libsub
[ -f "$libdir/$realname.debug" ] || fail "no $realname.debug"
expect_eq "$(debug_sections "$libdir/$realname")" 0 "install-debug: the shared library is stripped"
grep -q ' \.debug_line ' <<<"$(readelf -S -W "$libdir/$realname.debug")" || fail "$realname.debug has no .debug_line"
ok "install-debug: $realname.debug holds the line tables"
grep -q "\] *$realname.debug$" <<<"$(readelf --string-dump=.gnu_debuglink "$libdir/$realname")" \
    || fail "$realname has no debuglink to $realname.debug"
ok "install-debug: $realname names $realname.debug in its debuglink"
[ -f "$stage/usr/include/paperspace.h" ] && [ -f "$libdir/cmake/paperspace/paperspaceConfig.cmake" ] \
    || fail "LIBDIR and DESTDIR not honoured"
grep -q "^libdir=\${prefix}/$libsub$" "$libdir/pkgconfig/paperspace.pc" || fail "paperspace.pc ignores LIBDIR"
ok "DESTDIR and LIBDIR are honoured"
mv "$stage/usr" "$work/moved"
found_by=(-DCMAKE_PREFIX_PATH="$work/moved")
[ -n "$multiarch" ] || found_by+=(-Dpaperspace_DIR="$work/moved/$libsub/cmake/paperspace")
configure "$work/build-moved" "${found_by[@]}" || { cat "$work/cmake.log"; fail "cmake configure (moved)"; }
"$CMAKE" --build "$work/build-moved" -j 2 >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "cmake build (moved)"; }
ok "the CMake package works from a moved DESTDIR tree"
for program in "$work"/build-moved/consumer_*; do
    [ -x "$program" ] && [ -f "$program" ] && run_consumer "$program"
done
mv "$work/moved" "$stage/usr"

echo "== make uninstall"
make_install uninstall DESTDIR="$stage" PREFIX=/usr LIBDIR="/usr/$libsub"
expect_eq "$(find "$stage" \( -type f -o -type l \) | wc -l)" 0 "uninstall removes every file install-debug wrote"
make_install uninstall PREFIX="$prefix"
expect_eq "$(find "$prefix" \( -type f -o -type l \) | wc -l)" 0 "uninstall removes every file install wrote"

echo "install tests: $passed passed"
