#!/usr/bin/env bash
# make bench: how close every way of calling the API gets to the wire. See docs/PERFORMANCE.md.
#
# Measures, in one run, on loopback, sequential keep-alive calls of templates list and machines
# create through: the floor (a bare ureq Agent + serde_json), the Rust Client API (typed and
# call_json), the C ABI from C, the Python and Go bindings, and what users would otherwise pick
# (Python requests and http.client, Go net/http). Clients run round-robin for several rounds;
# the report gives medians of rounds and ratios to the floor, PASS/MISS against the targets, and
# never fails on a number. Then: one call from a fresh process, threads sharing one client, the
# peak memory of a 16 MiB answer, and the requests of waits for 200 machines (the emulator).
#
# Environment: LIB_DIR (libpaperspace.{a,so}), INCLUDE_DIR (paperspace.h), both set by `make
# bench`. BENCH_QUICK=1: a short run for development. BENCH_PIN=same|split|none (default same:
# server and clients on CPU 0). BENCH_SERVER=auto|rust|nginx (default auto: the one with the
# lower sequential latency). BENCH_OUT: where results.jsonl and report.txt go (default
# target/bench-results). EMULATOR: the paperspace-emulator binary for the fleet rows (set by
# `make bench`; the other rows use the static server here).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LIB_DIR=${LIB_DIR:-$ROOT/target/release}
INCLUDE_DIR=${INCLUDE_DIR:-$ROOT/include}
OUT=${BENCH_OUT:-$ROOT/target/bench-results}
PIN=${BENCH_PIN:-same}
SERVER_CHOICE=${BENCH_SERVER:-auto}
EMULATOR=${EMULATOR:-$ROOT/target/emulator/release/paperspace-emulator}
export CARGO_TARGET_DIR=${BENCH_TARGET_DIR:-$ROOT/target/bench}

if [[ ${BENCH_QUICK:-0} == 1 ]]; then
    ROUNDS=3 SECS=0.3 WARMUP=100 CEIL_SECS=0.5 WRK_SECS=1 THREAD_ROUNDS=1 THREAD_SECS=0.5 SPAWNS=5
    MEM_ROUNDS=1
else
    ROUNDS=7 SECS=1.0 WARMUP=300 CEIL_SECS=1.5 WRK_SECS=2 THREAD_ROUNDS=5 THREAD_SECS=1.5 SPAWNS=20
    MEM_ROUNDS=3
fi
# The fleet rows: FLEET machines, polled every FLEET_INTERVAL_MS, each ready FLEET_PROVISION_MS
# after its create (a few intervals).
FLEET=200 FLEET_INTERVAL_MS=500 FLEET_PROVISION_MS=2000

log() { printf 'bench: %s\n' "$*" >&2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/paperspace-bench.XXXXXX")
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$OUT"
RES=$OUT/results.jsonl
: >"$RES"

# emit key=value...: one JSON line into the results (values that parse as JSON stay JSON).
emit() {
    python3 -c '
import json, sys
d = {}
for a in sys.argv[1:]:
    k, v = a.split("=", 1)
    try:
        d[k] = json.loads(v)
    except ValueError:
        d[k] = v
print(json.dumps(d))' "$@" >>"$RES"
}

# ---------------------------------------------------------------------------------------------
# Machine and pinning
NCPU=$(nproc)
CPU_MODEL=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
LAST_CPU=$((NCPU - 1))
if [[ $PIN == none ]] || ! command -v taskset >/dev/null; then
    PIN=none SERVER_PIN=() CLIENT_PIN=() PIN_TEXT="none"
elif [[ $PIN == split && $NCPU -ge 2 ]]; then
    SERVER_PIN=(taskset -c "$LAST_CPU") CLIENT_PIN=(taskset -c 0)
    PIN_TEXT="server on CPU $LAST_CPU, client on CPU 0 (taskset); threads phase unpinned"
else
    PIN=same SERVER_PIN=(taskset -c 0) CLIENT_PIN=(taskset -c 0)
    PIN_TEXT="server and client both on CPU 0 (taskset); threads phase unpinned"
fi
emit kind=machine "cpus=$NCPU" "cpu=$CPU_MODEL" "kernel=$(uname -r)" "load_before=$LOAD_BEFORE" \
    "settings=rounds=$ROUNDS x ${SECS}s per client and op, warm-up $WARMUP calls; threads: $THREAD_ROUNDS rounds x ${THREAD_SECS}s"
log "machine: $NCPU CPUs ($CPU_MODEL), load $LOAD_BEFORE; pinning: $PIN_TEXT"

# ---------------------------------------------------------------------------------------------
# Tools the run needs that a fresh machine may lack (each optional: its rows are skipped).
if ! command -v nginx >/dev/null && [[ -x /usr/sbin/nginx ]]; then PATH=$PATH:/usr/sbin; fi
if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
    if command -v apt-get >/dev/null && [[ $(id -u) == 0 ]]; then
        log "installing nginx and wrk from Debian's packages"
        { apt-get install -y nginx wrk || { apt-get update && apt-get install -y nginx wrk; }; } \
            >"$WORK/apt.log" 2>&1 || log "could not install nginx/wrk (see nothing of it in the table)"
        PATH=$PATH:/usr/sbin
    fi
fi
if ! python3 -c 'import requests' 2>/dev/null; then
    log "installing requests with pip"
    python3 -m pip install --quiet requests >"$WORK/pip.log" 2>&1 || log "could not install requests"
fi

# ---------------------------------------------------------------------------------------------
# Build: the Rust programs (server, load, rsbench), the C program, the Go program.
log "building the Rust bench programs (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
(cd "$ROOT/benches/rust" && cargo build --release --quiet)
BIN=$CARGO_TARGET_DIR/release
RSB=$BIN/rsbench

log "building the C bench against $LIB_DIR/libpaperspace.a"
CB=$WORK/cbench
cc -O2 -std=c11 -Wall -Wextra -I"$INCLUDE_DIR" "$ROOT/benches/c/bench.c" "$LIB_DIR/libpaperspace.a" \
    -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc -o "$CB"

HAVE_PY=0
if [[ -d $ROOT/bindings/python/src/paperspace_core ]]; then
    export PYTHONPATH=$ROOT/bindings/python/src${PYTHONPATH:+:$PYTHONPATH}
    export PAPERSPACE_LIB=$LIB_DIR/libpaperspace.so
    if python3 -c 'import paperspace_core' 2>"$WORK/py.err"; then HAVE_PY=1; else
        log "Python binding does not import: $(tail -n 1 "$WORK/py.err")"
    fi
else
    log "no Python binding yet (bindings/python): its rows are skipped"
fi
HAVE_REQUESTS=0
python3 -c 'import requests' 2>/dev/null && HAVE_REQUESTS=1

HAVE_GO=0
GB=$WORK/gobench
if [[ -f $ROOT/bindings/go/go.mod ]] && command -v go >/dev/null; then
    log "building the Go bench (binding linked statically)"
    # The binding's documented linking: its Makefile's lib target installs the static library
    # (and its digest file) into the module. A copy of the binding is built here, so the
    # checkout's bindings/go is never touched while others test.
    GOTREE=$WORK/go
    mkdir -p "$GOTREE/bindings" "$GOTREE/benches"
    cp -r "$ROOT/bindings/go" "$GOTREE/bindings/go"
    cp -r "$ROOT/benches/go" "$GOTREE/benches/go"
    cp -r "$INCLUDE_DIR" "$GOTREE/include"
    rm -rf "$GOTREE/bindings/go/lib" "$GOTREE"/bindings/go/zz_library_digest_*.go
    if (make -s -C "$GOTREE/bindings/go" lib LIB_DIR="$LIB_DIR" INCLUDE_DIR="$INCLUDE_DIR" &&
        cd "$GOTREE/benches/go" && go build -o "$GB" .) >"$WORK/go.err" 2>&1; then HAVE_GO=1; else
        log "Go bench does not build: $(tail -n 3 "$WORK/go.err")"
    fi
else
    log "no Go binding yet (bindings/go) or no go: its rows are skipped"
fi

# ---------------------------------------------------------------------------------------------
# Servers: the purpose-built one (benches/rust/src/bin/server.rs) and nginx, when present.
# Both serve the same bytes: benches/fixtures/templates10.json and machine.json.
TEMPLATES=$ROOT/benches/fixtures/templates10.json
MACHINE=$ROOT/benches/fixtures/machine.json

start_rust_server() {
    "${SERVER_PIN[@]}" "$BIN/server" --templates "$TEMPLATES" --machine "$MACHINE" --max-seconds 1800 \
        >"$WORK/server.out" &
    RUST_PID=$!
    PIDS+=("$RUST_PID")
    for _ in $(seq 100); do [[ -s $WORK/server.out ]] && break; sleep 0.05; done
    RUST_URL=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["url"])' "$WORK/server.out")
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_nginx() {
    NGINX_PID="" NGINX_URL=""
    command -v nginx >/dev/null || return 0
    local port dir=$WORK/nginx
    port=$(free_port)
    mkdir -p "$dir/logs" "$dir/tmp"
    python3 - "$TEMPLATES" "$MACHINE" "$port" "$dir" >"$dir/nginx.conf" <<'EOF'
import sys
templates, machine, port, d = sys.argv[1:]
def q(path):
    text = open(path).read()
    assert "$" not in text, "nginx would read $ as a variable"
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
print(f"""worker_processes 1;
master_process off;
daemon off;
pid {d}/nginx.pid;
error_log {d}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {d}/tmp/body;
    proxy_temp_path {d}/tmp/proxy;
    fastcgi_temp_path {d}/tmp/fastcgi;
    uwsgi_temp_path {d}/tmp/uwsgi;
    scgi_temp_path {d}/tmp/scgi;
    keepalive_requests 100000000;
    keepalive_timeout 300s;
    tcp_nodelay on;
    default_type application/json;
    server {{
        listen 127.0.0.1:{port};
        location = /templates/getTemplates {{ return 200 {q(templates)}; }}
        location = /machines/createSingleMachinePublic {{ return 200 {q(machine)}; }}
        location / {{ return 404 '{{"error":{{"name":"Error","status":404,"message":"Not found."}}}}'; }}
    }}
}}""")
EOF
    "${SERVER_PIN[@]}" nginx -p "$dir" -e "$dir/logs/error.log" -c "$dir/nginx.conf" &
    NGINX_PID=$!
    PIDS+=("$NGINX_PID")
    for _ in $(seq 100); do
        python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()' "$port" \
            2>/dev/null && { NGINX_URL=http://127.0.0.1:$port; return 0; }
        sleep 0.05
    done
    log "nginx did not start: $(tail -n 2 "$dir/logs/error.log" 2>/dev/null)"
    kill "$NGINX_PID" 2>/dev/null || true
    NGINX_PID=""
}

# Both servers must answer the same bytes.
check_server() {
    python3 - "$1" "$TEMPLATES" "$MACHINE" <<'EOF'
import sys, urllib.request
url, templates, machine = sys.argv[1:]
got = urllib.request.urlopen(url + "/templates/getTemplates", timeout=5).read()
assert got == open(templates, "rb").read(), "templates body differs"
req = urllib.request.Request(url + "/machines/createSingleMachinePublic", data=b"{}", method="POST",
                             headers={"content-type": "application/json"})
assert urllib.request.urlopen(req, timeout=5).read() == open(machine, "rb").read(), "machine body differs"
EOF
}

ceiling() { # server-name url pid
    local name=$1 url=$2 pid=$3 mode line
    for mode in "seq 1" "pipe 16" "conns 8"; do
        # shellcheck disable=SC2086
        line=$("${CLIENT_PIN[@]}" timeout 60 "$BIN/load" "$url" ${mode% *} "$CEIL_SECS" ${mode#* } "$pid")
        local label
        case ${mode% *} in
            seq) label="1 connection, sequential" ;;
            pipe) label="1 connection, pipelined x16" ;;
            conns) label="8 connections, 8 threads" ;;
        esac
        echo "{\"kind\": \"ceiling\", \"server\": \"$name\", \"mode\": \"$label\", \"raw\": ${line}}" |
            python3 -c 'import json,sys; d=json.load(sys.stdin); r=d.pop("raw"); d.update({k: r[k] for k in ("calls_per_s","p50_us","p99_us","server_cpu_us")}); print(json.dumps(d))' >>"$RES"
    done
    if [[ $PIN != none && $NCPU -ge 2 ]]; then
        # the same sequential load with the other pinning, to show why this one was chosen
        local other_server other_client other_text
        if [[ $PIN == same ]]; then
            other_server=$LAST_CPU other_client=0 other_text="split: server CPU $LAST_CPU, client CPU 0"
        else
            other_server=0 other_client=0 other_text="same: server and client CPU 0"
        fi
        taskset -a -p -c "$other_server" "$pid" >/dev/null
        line=$(taskset -c "$other_client" timeout 60 "$BIN/load" "$url" seq "$CEIL_SECS" 1 "$pid")
        echo "{\"kind\": \"ceiling\", \"server\": \"$name\", \"mode\": \"1 connection, sequential ($other_text)\", \"raw\": ${line}}" |
            python3 -c 'import json,sys; d=json.load(sys.stdin); r=d.pop("raw"); d.update({k: r[k] for k in ("calls_per_s","p50_us","p99_us","server_cpu_us")}); print(json.dumps(d))' >>"$RES"
        taskset -a -p -c "${SERVER_PIN[2]}" "$pid" >/dev/null
    fi
    if command -v wrk >/dev/null; then
        local rps
        rps=$("${CLIENT_PIN[@]}" timeout 60 wrk -t1 -c8 -d"$WRK_SECS" -H 'x-api-key: bench' \
            "$url/templates/getTemplates" 2>/dev/null | awk '/Requests\/sec/ {print $2}') || rps=""
        [[ -n $rps ]] && emit kind=ceiling "server=$name" "mode=wrk -t1 -c8" "calls_per_s=$rps"
    fi
    return 0
}

seq_p50() { # server-name: the sequential p50 recorded by ceiling
    python3 -c '
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    if d.get("kind") == "ceiling" and d["server"] == sys.argv[2] and d["mode"] == "1 connection, sequential":
        print(d["p50_us"])' "$RES" "$1"
}

log "starting the servers and measuring their ceilings"
start_rust_server
check_server "$RUST_URL"
ceiling rust-static "$RUST_URL" "$RUST_PID"
start_nginx
if [[ -n $NGINX_PID ]]; then
    if check_server "$NGINX_URL"; then ceiling nginx "$NGINX_URL" "$NGINX_PID"; else
        log "nginx answers other bytes: not used"
        kill "$NGINX_PID"
        NGINX_PID=""
    fi
fi
RUST_P50=$(seq_p50 rust-static)
NGINX_P50=$([[ -n $NGINX_PID ]] && seq_p50 nginx || echo "")
USE_NGINX=0
if [[ -n $NGINX_PID ]]; then
    case $SERVER_CHOICE in
        nginx) USE_NGINX=1 ;;
        auto) python3 -c "import sys; sys.exit(0 if $NGINX_P50 < $RUST_P50 else 1)" && USE_NGINX=1 ;;
    esac
fi
if [[ $USE_NGINX == 1 ]]; then
    URL=$NGINX_URL SERVER=nginx SERVER_PID=$NGINX_PID
    kill "$RUST_PID"
else
    URL=$RUST_URL SERVER=rust-static SERVER_PID=$RUST_PID
    [[ -n $NGINX_PID ]] && kill "$NGINX_PID"
fi
WHY="sequential p50 on one connection: rust-static ${RUST_P50} us${NGINX_P50:+, nginx ${NGINX_P50} us}; BENCH_SERVER=$SERVER_CHOICE"
emit kind=server "chosen=$SERVER" "why=$WHY" "pinning=$PIN_TEXT"
log "server: $SERVER at $URL ($WHY)"

# ---------------------------------------------------------------------------------------------
# Sequential keep-alive calls, round-robin over the clients, ROUNDS rounds.
CLIENTS=(floor rust rust_json c)
[[ $HAVE_PY == 1 ]] && CLIENTS+=(python_binding python_ctypes)
[[ $HAVE_GO == 1 ]] && CLIENTS+=(go_binding go_nethttp)
[[ $HAVE_REQUESTS == 1 ]] && CLIENTS+=(python_requests)
CLIENTS+=(python_httpclient)

client_cmd() { # mode client op n -> the command in CMD
    local mode=$1 client=$2 op=$3 n=$4 secs=$5
    case $client in
        raw) CMD=("$BIN/load" "$URL" conns "$secs" "$n") ;; # threads only: n connections, n threads
        floor | rust | rust_json) CMD=("$RSB" "$mode" "$client" "$op" "$URL" "$secs" "$n") ;;
        c) CMD=("$CB" "$mode" "$op" "$URL" "$secs" "$n") ;;
        python_*) CMD=(python3 "$ROOT/benches/python/bench.py" "$mode" "${client#python_}" "$op" "$URL" "$secs" "$n") ;;
        go_*) CMD=("$GB" "$mode" "${client#go_}" "$op" "$URL" "$secs" "$n") ;;
    esac
}

add_line() { # kind round line: the client's JSON line with kind and round added
    printf '{"kind": "%s", "round": %s, %s\n' "$1" "$2" "${3#\{}" >>"$RES"
}

ITEMS=()
for client in "${CLIENTS[@]}"; do for op in templates create; do ITEMS+=("$client:$op"); done; done
log "sequential calls: ${#ITEMS[@]} client/operation pairs x $ROUNDS rounds x ${SECS}s"
for round in $(seq "$ROUNDS"); do
    # rotate the order each round so that no client always follows the same one
    n=${#ITEMS[@]} start=$(((round - 1) * 3 % n))
    for i in $(seq 0 $((n - 1))); do
        item=${ITEMS[$(((start + i) % n))]}
        client_cmd run "${item%%:*}" "${item#*:}" "$WARMUP" "$SECS"
        if line=$("${CLIENT_PIN[@]}" timeout 120 "${CMD[@]}" 2>"$WORK/client.err"); then
            add_line run "$round" "$line"
        else
            log "$item failed: $(tail -n 2 "$WORK/client.err")"
        fi
    done
    log "round $round/$ROUNDS done (load $(cut -d' ' -f1 /proc/loadavg))"
done

# ---------------------------------------------------------------------------------------------
# One call from a fresh process: wall time and max RSS of the child (wait4).
log "fresh processes ($SPAWNS each)"
spawn() { # what cmd...
    local what=$1 line
    shift
    if line=$("${CLIENT_PIN[@]}" "$RSB" spawn "$SPAWNS" "$@" 2>"$WORK/spawn.err"); then
        printf '{"kind": "spawn", "what": "%s", %s\n' "$what" "${line#\{}" >>"$RES"
    else
        log "$what failed: $(tail -n 2 "$WORK/spawn.err")"
    fi
}
spawn "C (static libpaperspace.a)" "$CB" once "$URL"
spawn "C, nothing but exec (/bin/true)" /bin/true
if [[ $HAVE_PY == 1 ]]; then
    spawn "Python binding" python3 "$ROOT/benches/python/bench.py" once "$URL"
    spawn "Python alone (python3 -c pass)" python3 -c pass
    imports=()
    for _ in $(seq "$SPAWNS"); do imports+=("$("${CLIENT_PIN[@]}" python3 "$ROOT/benches/python/bench.py" import)"); done
    emit kind=import "repeats=$SPAWNS" \
        "ms=$(printf '%s\n' "${imports[@]}" | python3 -c 'import sys,statistics; print(statistics.median(float(x) for x in sys.stdin)*1000)')"
fi
[[ $HAVE_GO == 1 ]] && spawn "Go binding (static)" "$GB" once "$URL"

# ---------------------------------------------------------------------------------------------
# Threads sharing one client: 1, 2 and 8, unpinned (client and server may use every CPU).
if [[ $PIN != none ]]; then taskset -a -p -c "0-$LAST_CPU" "$SERVER_PID" >/dev/null; fi
TCLIENTS=(raw floor rust c)
[[ $HAVE_GO == 1 ]] && TCLIENTS+=(go_binding)
[[ $HAVE_PY == 1 ]] && TCLIENTS+=(python_binding)
log "threads: ${TCLIENTS[*]} x 1, 2, 8 x $THREAD_ROUNDS rounds x ${THREAD_SECS}s"
for round in $(seq "$THREAD_ROUNDS"); do
    for client in "${TCLIENTS[@]}"; do
        for t in 1 2 8; do
            client_cmd threads "$client" templates "$t" "$THREAD_SECS"
            if line=$(timeout 120 "${CMD[@]}" 2>"$WORK/client.err"); then
                if [[ $client == raw ]]; then
                    line="{\"client\": \"raw\", \"op\": \"templates\", \"threads\": $t, ${line#\{}"
                fi
                add_line threads "$round" "$line"
            else
                log "$client threads=$t failed: $(tail -n 2 "$WORK/client.err")"
            fi
        done
    done
done

# ---------------------------------------------------------------------------------------------
# Memory per call: peak RSS growth of one templates list whose answer is just under the 16 MiB
# body cap (the 10 templates repeated), in a fresh process after one small call; and the time
# of such a call. A server of its own (nginx has no such answer), pinned as the clients are.
BIG=$WORK/big.json
python3 - "$TEMPLATES" "$BIG" <<'EOF'
import json, sys
texts = [json.dumps(t, separators=(",", ":")) for t in json.load(open(sys.argv[1]))]
limit = 16 * 1024 * 1024 - 4096  # under the library's MAX_BODY_BYTES with the response head
out, size = [], 2
while size + len(texts[len(out) % len(texts)]) + 1 <= limit:
    out.append(texts[len(out) % len(texts)])
    size += len(out[-1]) + 1
open(sys.argv[2], "w").write("[" + ",".join(out) + "]")
EOF
"${SERVER_PIN[@]}" "$BIN/server" --templates "$TEMPLATES" --machine "$MACHINE" --big "$BIG" --max-seconds 600 \
    >"$WORK/big-server.out" &
BIG_PID=$!
PIDS+=("$BIG_PID")
for _ in $(seq 100); do [[ -s $WORK/big-server.out ]] && break; sleep 0.05; done
BIG_URL=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["url"])' "$WORK/big-server.out")
MCLIENTS=(floor rust rust_json c)
[[ $HAVE_GO == 1 ]] && MCLIENTS+=(go_binding go_nethttp)
[[ $HAVE_PY == 1 ]] && MCLIENTS+=(python_binding)
log "memory: ${MCLIENTS[*]} x $MEM_ROUNDS rounds, an answer of $(stat -c %s "$BIG") bytes"
for round in $(seq "$MEM_ROUNDS"); do
    for client in "${MCLIENTS[@]}"; do
        case $client in
            floor | rust | rust_json) CMD=("$RSB" memory "$client" "$BIG_URL" 3) ;;
            c) CMD=("$CB" memory "$BIG_URL" 3) ;;
            go_*) CMD=("$GB" memory "${client#go_}" "$BIG_URL" 3) ;;
            python_*) CMD=(python3 "$ROOT/benches/python/bench.py" memory "${client#python_}" "$BIG_URL" 3) ;;
        esac
        if line=$("${CLIENT_PIN[@]}" timeout 120 "${CMD[@]}" 2>"$WORK/client.err"); then
            add_line memory "$round" "$line"
        else
            log "memory $client failed: $(tail -n 2 "$WORK/client.err")"
        fi
    done
done
kill "$BIG_PID" 2>/dev/null || true

# ---------------------------------------------------------------------------------------------
# Fleet waits, against the emulator: FLEET machines created, then waited for with
# WaitForMachines (one list request per interval) and with one WaitForMachine per machine; the
# emulator's /__emulator/stats routes count the requests. Go binding only (it runs both).
if [[ $HAVE_GO == 1 && -x $EMULATOR ]]; then
    log "fleet waits: $FLEET machines, interval ${FLEET_INTERVAL_MS} ms, ready ${FLEET_PROVISION_MS} ms after create"
    python3 - "$ROOT/src/emulator/default_scenario.json" "$FLEET_PROVISION_MS" >"$WORK/fleet.json" <<'EOF'
import json, sys
scenario = json.load(open(sys.argv[1]))
scenario["delays"]["provisionMs"] = int(sys.argv[2])
print(json.dumps(scenario))
EOF
    "$EMULATOR" --listen 127.0.0.1:0 --scenario "$WORK/fleet.json" --quiet >"$WORK/emulator.out" 2>&1 &
    EMU_PID=$!
    PIDS+=("$EMU_PID")
    EMU_URL=""
    for _ in $(seq 100); do
        EMU_URL=$(sed -n 's/.*"url": *"\([^"]*\)".*/\1/p' "$WORK/emulator.out")
        [[ -n $EMU_URL ]] && break
        sleep 0.05
    done
    if [[ -z $EMU_URL ]]; then
        log "the emulator did not start: $(tail -n 2 "$WORK/emulator.out")"
    elif lines=$(timeout 600 "$GB" fleet "$EMU_URL" "$FLEET" "$FLEET_INTERVAL_MS" 2>"$WORK/client.err"); then
        while IFS= read -r line; do add_line fleet 1 "$line"; done <<<"$lines"
    else
        log "fleet failed: $(tail -n 2 "$WORK/client.err")"
    fi
    kill "$EMU_PID" 2>/dev/null || true
else
    log "no Go or no emulator ($EMULATOR): the fleet rows are skipped"
fi

emit kind=machine_after "load_after=$(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$ROOT/benches/report.py" "$RES" | tee "$OUT/report.txt"
log "results: $RES and $OUT/report.txt"
