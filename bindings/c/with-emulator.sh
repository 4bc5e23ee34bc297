#!/usr/bin/env bash
# Runs a command against a freshly started paperspace emulator.
#
#   with-emulator.sh EMULATOR COMMAND [ARGS...]
#
# Starts `EMULATOR --listen 127.0.0.1:0 --quiet` (plus the words of $EMULATOR_ARGS, e.g.
# "--scenario file.json"), waits at most $EMULATOR_START_TIMEOUT seconds (default 20) for the
# line {"url": "http://127.0.0.1:PORT"} on its stdout, exports PAPERSPACE_API_HOST=<url> and
# PAPERSPACE_EMULATOR=<EMULATOR>, runs the command and stops the emulator (SIGTERM, then SIGKILL
# after 5 s) whatever happens. Exits with the command's status (2 when the emulator never came
# up).
set -u

if [ $# -lt 2 ]; then
    echo "usage: $0 EMULATOR COMMAND [ARGS...]" >&2
    exit 2
fi
emulator=$1
shift
if [ ! -x "$emulator" ]; then
    echo "with-emulator.sh: $emulator is not an executable (build it with 'make emulator')" >&2
    exit 2
fi

workdir=$(mktemp -d "${TMPDIR:-/tmp}/ps-emulator.XXXXXX")
pid=

stop_emulator() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null
        for _ in $(seq 1 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.05
        done
        if kill -0 "$pid" 2>/dev/null; then
            echo "with-emulator.sh: the emulator ignored SIGTERM; killing it" >&2
            kill -KILL "$pid" 2>/dev/null
        fi
        wait "$pid" 2>/dev/null
    fi
    pid=
    rm -rf "$workdir"
}
trap stop_emulator EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# shellcheck disable=SC2086 # EMULATOR_ARGS is a list of words on purpose
"$emulator" --listen 127.0.0.1:0 --quiet ${EMULATOR_ARGS:-} >"$workdir/stdout" 2>"$workdir/stderr" &
pid=$!

url=
limit=$(( ${EMULATOR_START_TIMEOUT:-20} * 20 ))
for _ in $(seq 1 "$limit"); do
    line=$(head -n 1 "$workdir/stdout" 2>/dev/null)
    case $line in
        *'}'*)
            url=$(printf '%s\n' "$line" | sed -n 's/.*"url"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p')
            break
            ;;
    esac
    if ! kill -0 "$pid" 2>/dev/null; then
        break
    fi
    sleep 0.05
done

if [ -z "$url" ]; then
    echo "with-emulator.sh: the emulator did not print its URL (first line: '${line:-}')" >&2
    sed 's/^/  emulator: /' "$workdir/stderr" >&2
    exit 2
fi

export PAPERSPACE_API_HOST="$url"
export PAPERSPACE_EMULATOR="$emulator"
"$@"
status=$?
exit "$status"
