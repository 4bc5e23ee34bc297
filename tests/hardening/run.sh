#!/usr/bin/env bash
# Hardening runs (docs/RELIABILITY.md).
#
#   run.sh smoke    (make test-hardening, part of make test; a few minutes)
#       - the fuzz targets' bodies on their seed corpus plus generated inputs, through a normal
#         test binary (tests/hostile_inputs.rs; SMOKE_RANDOM_INPUTS per target, default 4000)
#       - tests/hardening/hostile.c under ASan+UBSan against libpaperspace.a, then once under
#         valgrind; their outputs and the emulator's log are searched for the key and password
#       - soak: 5,000 calls through the C ABI and through the Rust API (RSS growth <= 10 MiB)
#       - the Python binding's secrets check, when the binding is there
#       - schemathesis (PyPI) against the emulator's OpenAPI description: no 5xx, every answer
#         true to its schema (tests/schemathesis/run.py)
#   run.sh fuzz     (make fuzz) libFuzzer on every target for FUZZ_SECONDS each (default 60);
#                   installs cargo-fuzz from crates.io when missing; stable rustc with
#                   RUSTC_BOOTSTRAP=1 (no nightly toolchain is needed)
#   run.sh stress   (make stress) 100,000-call soaks through Rust, C, Python and Go, the hostile
#                   C program with more threads, and the Python test suite against an ASan build
#
# Inputs (set by the Makefile): LIB_DIR (libpaperspace.a/.so), EMULATOR, INCLUDE_DIR.
# Ends with "N passed, N failed" for its own steps and exits 1 if any failed.
set -euo pipefail

MODE=${1:-}
case "$MODE" in smoke | fuzz | stress) ;; *)
    echo "usage: $0 smoke|fuzz|stress" >&2
    exit 2
    ;;
esac
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
LIB_DIR=${LIB_DIR:-$ROOT/target/release}
EMULATOR=${EMULATOR:-$ROOT/target/emulator/release/paperspace-emulator}
INCLUDE_DIR=${INCLUDE_DIR:-$ROOT/include}
OUT=$ROOT/target/hardening
mkdir -p "$OUT"
CC=${CC:-cc}
# The small JSON scanner of the C binding, which hostile uses to read ps_operations().
JSONSCAN_DIR=$ROOT/bindings/c/common
SYS_LIBS=(-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc)
# A key and a password that must never show up in any output.
SECRET_KEY="sk-hardening-3b9f1c07d2e84a6f"
SECRET_PASSWORDS=("Hostile-Pw-5e1f0c7a9b" "Py-Hardening-Pw-8c1e2f")

PASSED=0
FAILED=0
FAILURES=()
STARTED=$SECONDS
PIDS=()
# Every emulator this run starts, one PID a line: steps run in subshells, whose PIDS the
# parent never sees, so the parent's cleanup reads this file too.
EMULATOR_PIDS=$OUT/emulators.pids
: >"$EMULATOR_PIDS"

# running PID: whether PID is still one of this run's emulators (not a process that reused
# the number of one that ended).
running() {
    [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "$EMULATOR --listen"
}

cleanup() {
    local pid
    for pid in "${PIDS[@]}" $(cat "$EMULATOR_PIDS" 2>/dev/null); do
        if running "$pid"; then
            kill -TERM "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
}
trap cleanup EXIT

# step NAME COMMAND...: runs the command (a function) with errexit in force, counts it.
step() {
    local name=$1 rc t0=$SECONDS
    shift
    echo "== $name"
    set +e
    (
        set -euo pipefail
        # A step that fails between start_emulator and stop_emulator stops its emulator here
        # (before, it ran on after the run ended).
        trap cleanup EXIT
        "$@"
    )
    rc=$?
    set -e
    if [ "$rc" -eq 0 ]; then
        PASSED=$((PASSED + 1))
        echo "-- ok: $name ($((SECONDS - t0)) s)"
    else
        FAILED=$((FAILED + 1))
        FAILURES+=("$name")
        echo "-- FAILED: $name (exit $rc, $((SECONDS - t0)) s)"
    fi
}

need() {
    local f
    for f in "$LIB_DIR/libpaperspace.a" "$INCLUDE_DIR/paperspace.h" "$EMULATOR"; do
        [ -e "$f" ] || {
            echo "missing $f: run 'make lib emulator' first" >&2
            exit 1
        }
    done
}

# start_emulator NAME [ARGS...]: starts the emulator, sets EMU_URL and EMU_PID; its stderr
# goes to $OUT/NAME.emulator.log.
start_emulator() {
    local name=$1 line
    shift
    local log=$OUT/$name.emulator.log fifo=$OUT/$name.emulator.url
    rm -f "$fifo"
    "$EMULATOR" --listen 127.0.0.1:0 "$@" >"$fifo" 2>"$log" &
    EMU_PID=$!
    PIDS+=("$EMU_PID")
    echo "$EMU_PID" >>"$EMULATOR_PIDS"
    for _ in $(seq 1 200); do
        line=$(head -n 1 "$fifo" 2>/dev/null || true)
        if [ -n "$line" ]; then
            EMU_URL=$(printf '%s' "$line" | sed -n 's/.*"url": *"\([^"]*\)".*/\1/p')
            [ -n "$EMU_URL" ] && return 0
        fi
        kill -0 "$EMU_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "the emulator did not start; its log:" >&2
    cat "$log" >&2
    return 1
}

stop_emulator() {
    kill -TERM "$EMU_PID" 2>/dev/null || true
    wait "$EMU_PID" 2>/dev/null || true
}

# A scenario whose administrator's key is $SECRET_KEY.
secret_scenario() {
    python3 - "$ROOT/src/emulator/default_scenario.json" "$OUT/secret-scenario.json" "$SECRET_KEY" <<'EOF'
import json, sys
scenario = json.load(open(sys.argv[1]))
scenario["users"][0]["apiKey"] = sys.argv[3]
json.dump(scenario, open(sys.argv[2], "w"))
EOF
}

# no_secrets FILE...: none of the files contains the key or a password.
no_secrets() {
    local f s
    for f in "$@"; do
        for s in "$SECRET_KEY" "${SECRET_PASSWORDS[@]}"; do
            if grep -F -q -- "$s" "$f"; then
                echo "a secret leaked into $f:" >&2
                grep -F -n -- "$s" "$f" | head -n 3 >&2
                return 1
            fi
        done
    done
    echo "no key or password in: $*"
}

# ends_clean FILE: the output closes with "N passed, 0 failed".
ends_clean() {
    grep -E -q '^[0-9]+ passed, 0 failed$' "$1" || {
        echo "no clean closing line in $1:" >&2
        tail -n 20 "$1" >&2
        return 1
    }
    grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" | tail -n 1
}

cargo_test() {
    (cd "$ROOT" && cargo test --quiet --features emulator "$@")
}

# ---- steps ----

replay_corpus() {
    HOSTILE_RANDOM_INPUTS=${SMOKE_RANDOM_INPUTS:-4000} cargo_test --test hostile_inputs -- --nocapture 2>&1 |
        tee "$OUT/replay.log" | grep -E 'generated inputs|test result|panicked|failed'
    grep -q 'test result: ok' "$OUT/replay.log"
}

build_hostile() {
    local flavour=$1
    shift
    mkdir -p "$OUT/$flavour"
    # -rdynamic: hostile looks the ps_<name> exports up by name (dlsym).
    "$CC" -std=c11 -Wall -Wextra -Wpedantic -Werror -D_DEFAULT_SOURCE -O1 -g -rdynamic "$@" \
        -I"$INCLUDE_DIR" -I"$JSONSCAN_DIR" -o "$OUT/$flavour/hostile" "$HERE/hostile.c" \
        "$JSONSCAN_DIR/jsonscan.c" "$LIB_DIR/libpaperspace.a" "${SYS_LIBS[@]}"
}

hostile_asan() {
    local threads=${1:-32} calls=${2:-40}
    build_hostile asan -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
    secret_scenario
    start_emulator hostile-asan --scenario "$OUT/secret-scenario.json"
    rm -f "$OUT/hostile-asan.strings"
    PS_URL=$EMU_URL PS_API_KEY=$SECRET_KEY HOSTILE_OUT=$OUT/hostile-asan.strings \
        HOSTILE_THREADS=$threads HOSTILE_CALLS=$calls \
        ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0 \
        UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        "$OUT/asan/hostile" checks >"$OUT/hostile-asan.out" 2>&1 || {
        tail -n 40 "$OUT/hostile-asan.out"
        return 1
    }
    stop_emulator
    ends_clean "$OUT/hostile-asan.out"
    [ "$(wc -l <"$OUT/hostile-asan.emulator.log")" -gt 100 ] || {
        echo "the emulator logged too little" >&2
        return 1
    }
    no_secrets "$OUT/hostile-asan.out" "$OUT/hostile-asan.strings" "$OUT/hostile-asan.emulator.log"
}

hostile_valgrind() {
    command -v valgrind >/dev/null || {
        echo "valgrind is not installed (apt-get install valgrind)" >&2
        return 1
    }
    build_hostile plain
    start_emulator hostile-valgrind --quiet
    PS_URL=$EMU_URL HOSTILE_THREADS=8 HOSTILE_CALLS=10 \
        valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --show-leak-kinds=definite,indirect --error-exitcode=1 \
        "$OUT/plain/hostile" checks >"$OUT/hostile-valgrind.out" 2>&1 || {
        tail -n 40 "$OUT/hostile-valgrind.out"
        return 1
    }
    stop_emulator
    ends_clean "$OUT/hostile-valgrind.out"
}

soak_c() {
    local calls=$1
    build_hostile plain
    start_emulator soak-c --quiet
    PS_URL=$EMU_URL "$OUT/plain/hostile" soak "$calls" | tee "$OUT/soak-c.out"
    stop_emulator
    ends_clean "$OUT/soak-c.out" >/dev/null
    grep '^soak c:' "$OUT/soak-c.out" >>"$OUT/soak-figures.txt"
}

soak_rust() {
    local calls=$1
    start_emulator soak-rust --quiet
    PS_URL=$EMU_URL SOAK_CALLS=$calls cargo_test --test hostile_soak -- --ignored --nocapture 2>&1 |
        tee "$OUT/soak-rust.out" | grep -E '^soak rust:|test result|panicked'
    stop_emulator
    grep -q 'test result: ok. 1 passed' "$OUT/soak-rust.out"
    grep '^soak rust:' "$OUT/soak-rust.out" >>"$OUT/soak-figures.txt"
}

have_python_binding() {
    [ -f "$ROOT/bindings/python/src/paperspace_core/__init__.py" ] && [ -f "$LIB_DIR/libpaperspace.so" ]
}

python_secrets() {
    secret_scenario
    start_emulator python-secrets --scenario "$OUT/secret-scenario.json"
    PS_URL=$EMU_URL PS_API_KEY=$SECRET_KEY PAPERSPACE_LIB=$LIB_DIR/libpaperspace.so \
        python3 "$HERE/soak.py" secrets >"$OUT/python-secrets.out" 2>&1 || {
        cat "$OUT/python-secrets.out"
        return 1
    }
    stop_emulator
    ends_clean "$OUT/python-secrets.out"
    no_secrets "$OUT/python-secrets.out" "$OUT/python-secrets.emulator.log"
}

soak_python() {
    local calls=$1
    start_emulator soak-python --quiet
    PS_URL=$EMU_URL PAPERSPACE_LIB=$LIB_DIR/libpaperspace.so \
        python3 "$HERE/soak.py" soak "$calls" | tee "$OUT/soak-python.out"
    stop_emulator
    ends_clean "$OUT/soak-python.out" >/dev/null
    grep '^soak python:' "$OUT/soak-python.out" >>"$OUT/soak-figures.txt"
}

soak_go() {
    local calls=$1
    make -s -C "$ROOT/bindings/go" lib LIB_DIR="$LIB_DIR" EMULATOR="$EMULATOR" INCLUDE_DIR="$INCLUDE_DIR"
    (cd "$HERE/gosoak" && go build -o "$OUT/gosoak" .)
    start_emulator soak-go --quiet
    PS_URL=$EMU_URL "$OUT/gosoak" "$calls" | tee "$OUT/soak-go.out"
    stop_emulator
    ends_clean "$OUT/soak-go.out" >/dev/null
    grep '^soak go:' "$OUT/soak-go.out" >>"$OUT/soak-figures.txt"
}

# The Python suite against a cdylib built with AddressSanitizer (RUSTC_BOOTSTRAP=1 lets the
# stable compiler take -Zsanitizer). Python itself leaks by design: detect_leaks=0. The two
# tests that deliver SIGINT to a waiting process are left out: with the ASan runtime preloaded
# into CPython the signal does not reach Python's handler in time (no memory error is
# reported; they pass without ASan in make test-python).
python_asan() {
    local target=$ROOT/target/asan asan_rt
    (cd "$ROOT" && RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Zsanitizer=address" CARGO_TARGET_DIR="$target" \
        cargo build --quiet --release --lib --target x86_64-unknown-linux-gnu)
    asan_rt=$("$CC" -print-file-name=libasan.so)
    [ -e "$asan_rt" ] || {
        echo "no libasan.so next to $CC" >&2
        return 1
    }
    # The suite starts its own emulators (PAPERSPACE_EMULATOR).
    (cd "$ROOT/bindings/python" &&
        PYTHONPATH=$ROOT/bindings/python/src PAPERSPACE_EMULATOR=$EMULATOR \
            PAPERSPACE_LIB=$target/x86_64-unknown-linux-gnu/release/libpaperspace.so \
            LD_PRELOAD=$asan_rt ASAN_OPTIONS=detect_leaks=0:halt_on_error=1 \
            python3 -m pytest -q -p no:cacheprovider tests \
                -k "not sigint_during_wait and not ctrl_c_in_process") >"$OUT/python-asan.out" 2>&1 || true
    tail -n 5 "$OUT/python-asan.out"
    if grep -q 'ERROR: AddressSanitizer' "$OUT/python-asan.out"; then
        grep -A 30 'ERROR: AddressSanitizer' "$OUT/python-asan.out" | head -n 40
        return 1
    fi
    if grep -E -q '[0-9]+ (failed|errors?)' "$OUT/python-asan.out"; then
        return 1
    fi
    grep -E -q '[0-9]+ passed' "$OUT/python-asan.out"
}

# A property-based run against the emulator's OpenAPI description (docs/EMULATOR.md).
schemathesis_run() {
    EMULATOR=$EMULATOR OUT=$OUT/schemathesis python3 "$ROOT/tests/schemathesis/run.py"
}

# Every target of the cargo-fuzz project (tests/fuzz/fuzz_targets/<name>.rs).
FUZZ_TARGETS=()
for f in "$ROOT"/tests/fuzz/fuzz_targets/*.rs; do
    FUZZ_TARGETS+=("$(basename "$f" .rs)")
done

install_cargo_fuzz() {
    if ! cargo fuzz --version >/dev/null 2>&1; then
        echo "installing cargo-fuzz from crates.io"
        cargo install cargo-fuzz --locked
    fi
    cargo fuzz --version
}

fuzz_target() {
    local t=$1 seconds=${FUZZ_SECONDS:-60}
    local work=$ROOT/tests/fuzz/corpus-work/$t
    mkdir -p "$work"
    (cd "$ROOT" && RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$ROOT/target/fuzz" \
        cargo fuzz run --fuzz-dir tests/fuzz "$t" "$work" "tests/fuzz/corpus/$t" -- \
        -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=4096 -max_len=65536 \
        -timeout=20) >"$OUT/fuzz-$t.log" 2>&1 || {
        tail -n 40 "$OUT/fuzz-$t.log"
        return 1
    }
    local execs
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT/fuzz-$t.log" | tail -n 1)
    echo "fuzz $t: ${execs:-?} executions in $seconds s, corpus $(ls "$work" | wc -l) inputs" |
        tee -a "$OUT/fuzz-figures.txt"
}

fuzz_build() {
    (cd "$ROOT" && RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$ROOT/target/fuzz" \
        cargo fuzz build --fuzz-dir tests/fuzz)
}

# ---- modes ----

case "$MODE" in
smoke)
    need
    : >"$OUT/soak-figures.txt"
    step "fuzz targets: corpus replay + generated inputs" replay_corpus
    step "hostile C caller under ASan+UBSan (+ secrets grep)" hostile_asan 32 40
    step "hostile C caller under valgrind" hostile_valgrind
    step "soak: 5,000 calls through the C ABI" soak_c 5000
    step "soak: 5,000 calls through the Rust API" soak_rust 5000
    if have_python_binding; then
        step "Python binding: secrets never leak" python_secrets
    else
        echo "== Python binding not built: its secrets check is skipped"
    fi
    step "schemathesis against the emulator's OpenAPI description" schemathesis_run
    ;;
fuzz)
    need
    : >"$OUT/fuzz-figures.txt"
    step "install cargo-fuzz" install_cargo_fuzz
    step "build the fuzz targets" fuzz_build
    for t in "${FUZZ_TARGETS[@]}"; do
        step "libFuzzer: $t (${FUZZ_SECONDS:-60} s)" fuzz_target "$t"
    done
    cat "$OUT/fuzz-figures.txt"
    ;;
stress)
    need
    : >"$OUT/soak-figures.txt"
    SMOKE_RANDOM_INPUTS=${STRESS_RANDOM_INPUTS:-50000} step "fuzz targets: corpus replay + 50,000 generated inputs each" replay_corpus
    step "hostile C caller under ASan+UBSan, 64 threads" hostile_asan 64 200
    step "soak: 100,000 calls through the Rust API" soak_rust 100000
    step "soak: 100,000 calls through the C ABI" soak_c 100000
    if have_python_binding; then
        step "soak: 100,000 calls through the Python binding" soak_python 100000
        step "Python test suite against an ASan build of the library" python_asan
    fi
    if [ -f "$ROOT/bindings/go/go.mod" ] && command -v go >/dev/null; then
        step "soak: 100,000 calls through the Go binding" soak_go 100000
    fi
    cat "$OUT/soak-figures.txt"
    ;;
esac

# Every emulator stopped with its step, the failed ones included.
LEFT=()
for pid in $(cat "$EMULATOR_PIDS"); do
    if running "$pid"; then LEFT+=("$pid"); fi
done
if [ "${#LEFT[@]}" -gt 0 ]; then
    FAILED=$((FAILED + 1))
    FAILURES+=("emulators still running after their steps: ${LEFT[*]}")
fi

echo "hardening $MODE: $((SECONDS - STARTED)) s"
if [ "$FAILED" -gt 0 ]; then
    printf 'failed: %s\n' "${FAILURES[@]}"
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
