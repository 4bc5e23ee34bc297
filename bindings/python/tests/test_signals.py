"""Signal handlers run during calls: the library runs them about every 20 ms while a call waits
(``ps_call_into`` with CPython's ``PyErr_CheckSignals``). A handler that returns lets the call
go on (it is made once), one that raises stops it and its exception propagates; the GIL is free
for other threads during the call, and Python's wake-up fd is left alone. Each scenario runs in
a child process of its own (handlers are process-wide)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import paperspace_core as ps
from paperspace_core.testing import ADMIN_KEY, Emulator

SRC = str(Path(ps.__file__).resolve().parent.parent)

CHILD = r"""
import json, os, signal, socket, sys, threading, time
import paperspace_core as ps

client = ps.Client(api_key=sys.argv[1], base_url=sys.argv[2], max_retries=0, timeout=10)
scenario = sys.argv[3]
out = {}
heard = []
started = time.monotonic()

def record(signum, frame):
    heard.append(round(time.monotonic() - started, 3))

def signal_in(seconds, to=None):
    if to is None:
        threading.Timer(seconds, os.kill, (os.getpid(), signal.SIGUSR1)).start()
    else:
        threading.Timer(seconds, signal.pthread_kill, (to, signal.SIGUSR1)).start()

def users():
    return [u["id"] for u in client.users.list(email="admin@example.com")]

def ended():
    return round(time.monotonic() - started, 3)

if scenario == "quiet":
    out["templates"] = len(client.templates.list())
    out["threads"] = sorted(t.name for t in threading.enumerate())
elif scenario == "during":
    signal.signal(signal.SIGUSR1, record)
    signal_in(0.2)
    out["users"] = users()
    out["ended"] = ended()
    out["heard"] = heard
elif scenario == "create":
    signal.signal(signal.SIGUSR1, record)
    signal_in(0.2)
    machine = client.machines.create(region="East Coast (NY2)", machine_type="C4", size=50,
        billing_type="hourly", machine_name="py-signal-create", template_id="t04azgph")
    out["state"] = machine["state"]
    out["ended"] = ended()
    out["heard"] = heard
elif scenario == "raises":
    class Stop(Exception):
        pass
    def stop(signum, frame):
        raise Stop("from the handler")
    signal.signal(signal.SIGUSR1, stop)
    signal_in(0.2)
    try:
        users()
    except Stop as exc:
        out["raised"] = [type(exc).__name__, str(exc), ended()]
    out["in_flight"] = client._in_flight
    out["next"] = users()
elif scenario == "storm":
    signal.signal(signal.SIGUSR1, record)
    stop = threading.Event()
    def storm():
        while not stop.wait(0.005):
            os.kill(os.getpid(), signal.SIGUSR1)
    threading.Thread(target=storm, daemon=True).start()
    out["users"] = users()
    out["ended"] = ended()
    stop.set()
    out["heard_many"] = len(heard) > 10
elif scenario == "other_thread":
    # The signal is delivered to another thread (blocked in a wait): the handler still runs
    # in the main thread, during its call.
    signal.signal(signal.SIGUSR1, record)
    parked = threading.Event()
    helper = threading.Thread(target=parked.wait, args=(5,))
    helper.start()
    signal_in(0.2, to=helper.ident)
    out["users"] = users()
    out["ended"] = ended()
    out["heard"] = heard
    parked.set()
    helper.join()
elif scenario == "gil":
    # Another thread runs Python code while the main thread's call waits.
    ticks = []
    stop = threading.Event()
    def tick():
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.01)
    ticker = threading.Thread(target=tick)
    ticker.start()
    call_started = time.monotonic()
    out["users"] = users()
    call_ended = time.monotonic()
    stop.set()
    ticker.join()
    out["ticks_during"] = sum(call_started < t < call_ended for t in ticks) > 20
elif scenario == "wakeup_fd":
    # A wake-up fd set by the program (asyncio's, say) is left alone: it is still set, and
    # gets the byte of the signal that came during a call.
    signal.signal(signal.SIGUSR1, record)
    theirs, mine = socket.socketpair()
    theirs.setblocking(False)
    signal.set_wakeup_fd(theirs.fileno())
    signal_in(0.2)
    out["users"] = users()
    out["still_set"] = signal.set_wakeup_fd(-1) == theirs.fileno()
    mine.settimeout(1)
    out["bytes"] = list(mine.recv(16))
elif scenario == "fork_in_handler":
    # A handler forks during a call and returns in both processes: in the child, the call must
    # not go on to read the parent's answer off the connection they share.
    parent = os.getpid()
    r, w = os.pipe()
    def fork(signum, frame):
        out["forked"] = True
        os.fork()
    signal.signal(signal.SIGUSR1, fork)
    signal_in(0.2)
    try:
        result = users()
    except ps.CancelledError:
        result = "cancelled"
    if os.getpid() != parent:
        os.write(w, json.dumps(result).encode())
        os._exit(0)
    out["users"] = result
    os.wait()
    out["child"] = json.loads(os.read(r, 200))
print(json.dumps(out), flush=True)
"""


def run_child(emulator: Emulator, scenario: str) -> Any:
    env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, ADMIN_KEY, emulator.url, scenario],
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    return json.loads(proc.stdout.decode().splitlines()[-1])


def test_a_call_starts_no_thread(emulator: Emulator) -> None:
    out = run_child(emulator, "quiet")
    assert out == {"templates": 15, "threads": ["MainThread"]}


def test_a_handler_runs_during_a_call_which_goes_on_and_is_made_once(emulator: Emulator) -> None:
    emulator.add_faults(path="/users/getUsers", delayMs=1000)
    before = emulator.requests("GET /users/getUsers")
    out = run_child(emulator, "during")
    assert out["users"] == ["uq8w3kz5"]
    # The handler ran when the signal came (0.2 s), not once the answer was in (1 s)...
    assert len(out["heard"]) == 1 and 0.15 < out["heard"][0] < 0.5, out
    # ...and the call went on: one request, answered after its delay.
    assert out["ended"] >= 0.95, out
    assert emulator.requests("GET /users/getUsers") == before + 1


def test_a_handler_runs_during_a_create_which_is_made_once(emulator: Emulator) -> None:
    emulator.add_faults(path="/machines/createSingleMachinePublic", delayMs=1000)
    before = emulator.requests("POST /machines/createSingleMachinePublic")
    out = run_child(emulator, "create")
    assert out["state"] == "provisioning"
    assert len(out["heard"]) == 1 and 0.15 < out["heard"][0] < 0.5, out
    assert out["ended"] >= 0.95, out
    assert emulator.requests("POST /machines/createSingleMachinePublic") == before + 1


def test_a_handler_that_raises_stops_the_call_with_its_exception(emulator: Emulator) -> None:
    emulator.add_faults(path="/users/getUsers", delayMs=3000)
    out = run_child(emulator, "raises")
    name, message, at = out["raised"]
    assert (name, message) == ("Stop", "from the handler")
    assert 0.15 < at < 0.6, out
    assert out["in_flight"] == 0 and out["next"] == ["uq8w3kz5"]


def test_a_stream_of_signals_never_makes_a_call_start_over(emulator: Emulator) -> None:
    emulator.add_faults(path="/users/getUsers", delayMs=300, count=5)
    before = emulator.requests("GET /users/getUsers")
    out = run_child(emulator, "storm")
    assert out["users"] == ["uq8w3kz5"] and out["heard_many"], out
    assert emulator.requests("GET /users/getUsers") == before + 1
    assert out["ended"] < 1.5, out


def test_a_signal_delivered_to_another_thread_runs_its_handler_during_the_call(emulator: Emulator) -> None:
    emulator.add_faults(path="/users/getUsers", delayMs=1000)
    out = run_child(emulator, "other_thread")
    assert out["users"] == ["uq8w3kz5"]
    assert len(out["heard"]) == 1 and 0.15 < out["heard"][0] < 0.5, out
    assert out["ended"] >= 0.95, out


def test_other_threads_run_python_code_during_a_call(emulator: Emulator) -> None:
    emulator.add_faults(path="/users/getUsers", delayMs=500)
    out = run_child(emulator, "gil")
    assert out == {"users": ["uq8w3kz5"], "ticks_during": True}


def test_a_handler_that_forks_during_a_call_leaves_the_answer_to_the_parent(emulator: Emulator) -> None:
    emulator.add_faults(path="/users/getUsers", delayMs=600)
    before = emulator.requests("GET /users/getUsers")
    out = run_child(emulator, "fork_in_handler")
    assert out == {"forked": True, "users": ["uq8w3kz5"], "child": "cancelled"}
    assert emulator.requests("GET /users/getUsers") == before + 1


def test_the_programs_wakeup_fd_is_left_alone(emulator: Emulator) -> None:
    emulator.add_faults(path="/users/getUsers", delayMs=600)
    out = run_child(emulator, "wakeup_fd")
    assert out == {"users": ["uq8w3kz5"], "still_set": True, "bytes": [10]}


EXIT_WITH_CALLS_IN_FLIGHT = r"""
import socket, sys, threading, time
import paperspace_core as ps

server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(64)  # accepts, never answers
threading.Thread(target=lambda: [server.accept() for _ in range(64)], daemon=True).start()
client = ps.Client(api_key="k", base_url=f"http://127.0.0.1:{server.getsockname()[1]}", max_retries=0, timeout=10)
for _ in range(16):
    threading.Thread(target=client.users.list, daemon=True).start()
time.sleep(0.2)
print("exiting", flush=True)
"""


def test_the_interpreter_exits_cleanly_with_daemon_threads_in_calls() -> None:
    # CPython ends a daemon thread that takes the GIL back while the interpreter exits
    # (pthread_exit): were that inside the library (as it is for ps_call_into's checks), the
    # process would abort ("exception not rethrown"). Other threads therefore call ps_call.
    env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
    for _ in range(3):
        proc = subprocess.run(
            [sys.executable, "-c", EXIT_WITH_CALLS_IN_FLIGHT], capture_output=True, env=env, timeout=60
        )
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"exiting\n", b"")
