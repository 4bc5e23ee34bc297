"""Calls of the main thread run in the main thread, and signals still reach them (``_signals``):
Ctrl-C cancels any call, another handler runs at once during a call that is safe to repeat (which
is then made again) and after one that is not, and from then on main-thread calls run in a
worker. Each scenario runs in a child process of its own: the worker switch lasts a process's
lifetime."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

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

def record(signum, frame):
    heard.append(time.monotonic())

def workers():
    return sorted(t.name for t in threading.enumerate() if t.name.startswith("paperspace-call"))

def signal_in(seconds):
    threading.Timer(seconds, os.kill, (os.getpid(), signal.SIGUSR1)).start()

def users():
    return [u["id"] for u in client.users.list(email="admin@example.com")]

if scenario == "quiet":
    out["templates"] = len(client.templates.list())
    out["workers"] = workers()
elif scenario == "safe":
    signal.signal(signal.SIGUSR1, record)
    started = time.monotonic()
    signal_in(0.2)
    out["users"] = users()
    ended = time.monotonic()
    out["heard_after"] = heard[0] - started
    out["ended_after"] = ended - started
    out["workers"] = workers()
elif scenario == "unsafe":
    signal.signal(signal.SIGUSR1, record)
    started = time.monotonic()
    signal_in(0.2)
    machine = client.machines.create(region="East Coast (NY2)", machine_type="C4", size=50,
        billing_type="hourly", machine_name="py-signal-unsafe", template_id="t04azgph")
    ended = time.monotonic()
    out["state"] = machine["state"]
    out["ended_after"] = ended - started
    out["heard_after"] = heard[0] - started
    out["workers_after_next"] = (users(), workers())[1]
elif scenario == "storm":
    signal.signal(signal.SIGUSR1, record)
    stop = threading.Event()
    def storm():
        while not stop.wait(0.005):
            os.kill(os.getpid(), signal.SIGUSR1)
    threading.Thread(target=storm, daemon=True).start()
    started = time.monotonic()
    out["users"] = users()
    out["ended_after"] = time.monotonic() - started
    stop.set()
    out["heard"] = len(heard) > 10
elif scenario == "forward":
    signal.signal(signal.SIGUSR1, record)
    theirs, mine = socket.socketpair()
    theirs.setblocking(False)
    signal.set_wakeup_fd(theirs.fileno())
    signal_in(0.2)
    out["users"] = users()
    out["restored"] = signal.set_wakeup_fd(-1) == theirs.fileno()
    mine.settimeout(1)
    out["forwarded"] = list(mine.recv(16))
elif scenario == "fork":
    # A thread forks while the main thread is inside a call (our wake-up fd installed).
    child_says = []
    def fork_now():
        time.sleep(0.2)
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                fd = signal.set_wakeup_fd(-1)
                count = len(client.templates.list())
                os.write(w, json.dumps([fd, count]).encode())
            finally:
                os._exit(0)
        os.close(w)
        os.waitpid(pid, 0)
        child_says.append(json.loads(os.read(r, 100)))
    forker = threading.Thread(target=fork_now)
    forker.start()
    out["users"] = users()
    forker.join()
    out["child"] = child_says[0]
elif scenario == "closed":
    # The previous wake-up fd is closed by its owner while a call is in the library.
    theirs, mine = socket.socketpair()
    theirs.setblocking(False)
    signal.set_wakeup_fd(theirs.fileno())
    threading.Timer(0.2, theirs.close).start()
    out["users"] = users()
    out["now"] = signal.set_wakeup_fd(-1)
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


def test_a_main_thread_call_runs_in_the_main_thread(emulator: Emulator) -> None:
    out = run_child(emulator, "quiet")
    assert out == {"templates": 15, "workers": []}


def test_a_handler_runs_at_once_during_a_call_that_is_safe_to_repeat(emulator: Emulator) -> None:
    emulator.add_faults(path="/users/getUsers", delayMs=2000)
    before = emulator.requests("GET /users/getUsers")
    out = run_child(emulator, "safe")
    assert out["users"] == ["uq8w3kz5"]
    # The handler ran when the signal came, not after the 2 s the first request took...
    assert 0.15 < out["heard_after"] < 0.6, out
    # ...and the call was made again at once (the fault delayed only the first request).
    assert out["ended_after"] < 1.0, out
    assert emulator.requests("GET /users/getUsers") == before + 2
    # The call was made again in a worker, as main-thread calls are from then on, so that
    # handlers run during them.
    assert out["workers"] == ["paperspace-call"]


def test_a_call_that_is_not_safe_to_repeat_finishes_before_the_handler_runs(emulator: Emulator) -> None:
    emulator.add_faults(path="/machines/createSingleMachinePublic", delayMs=1000)
    before = emulator.requests("POST /machines/createSingleMachinePublic")
    out = run_child(emulator, "unsafe")
    assert out["state"] == "provisioning"
    assert out["ended_after"] >= 1.0, out
    # The handler ran once the library had returned, not when the signal came (0.2 s).
    assert out["heard_after"] >= 0.95, out
    assert emulator.requests("POST /machines/createSingleMachinePublic") == before + 1
    assert out["workers_after_next"] == ["paperspace-call"]


def test_a_stream_of_signals_makes_a_call_start_over_once_at_most(emulator: Emulator) -> None:
    emulator.add_faults(path="/users/getUsers", delayMs=300, count=5)
    before = emulator.requests("GET /users/getUsers")
    out = run_child(emulator, "storm")
    assert out["users"] == ["uq8w3kz5"] and out["heard"], out
    assert emulator.requests("GET /users/getUsers") == before + 2
    assert out["ended_after"] < 2.0, out


def test_a_child_forked_during_a_main_thread_call_keeps_no_wakeup_fd_of_the_parent(emulator: Emulator) -> None:
    # Else the child's signals would be written to the parent's pipe and cancel its calls.
    emulator.add_faults(path="/users/getUsers", delayMs=600)
    out = run_child(emulator, "fork")
    assert out == {"users": ["uq8w3kz5"], "child": [-1, 15]}


def test_a_previous_wakeup_fd_closed_during_a_call_is_not_restored(emulator: Emulator) -> None:
    # Restoring it would fail (and, were its number reused, point signals at another file).
    emulator.add_faults(path="/users/getUsers", delayMs=600)
    out = run_child(emulator, "closed")
    assert out == {"users": ["uq8w3kz5"], "now": -1}


def test_bytes_for_an_earlier_wakeup_fd_are_passed_on(emulator: Emulator) -> None:
    emulator.add_faults(path="/users/getUsers", delayMs=1000)
    out = run_child(emulator, "forward")
    assert out == {"users": ["uq8w3kz5"], "restored": True, "forwarded": [10]}


def test_a_call_interrupted_before_it_starts_leaves_nothing_in_flight(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A handler that raises while the call is being registered with the signal watcher.
    from paperspace_core import _native, _signals

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    client = emulator.client()
    monkeypatch.setattr(_native, "MainCall", interrupted)
    monkeypatch.setattr(_signals.state, "handlers_in_use", False)
    try:
        client.templates.list()
    except KeyboardInterrupt:
        pass
    else:
        raise AssertionError("the call did not raise")
    assert client._in_flight == 0
    client.close()
    assert client._native._ptr is None  # freed at once: no call was left registered


def test_a_main_thread_call_that_cannot_be_watched_runs_in_the_worker(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No pipe to be had (out of file descriptors), or no poll() on the platform.
    from paperspace_core import _signals

    def no_pipe() -> None:
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(_signals, "_WATCH", None)
    monkeypatch.setattr(_signals, "_Watch", no_pipe)
    monkeypatch.setattr(_signals.state, "handlers_in_use", False)
    with emulator.client() as client:
        assert len(client.templates.list()) == 15
        assert client._in_flight == 0


def test_a_watcher_that_cannot_start_leaves_no_descriptor_behind(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    from paperspace_core import _signals

    class NoThread:
        def __init__(self, *args: object, **kwargs: object) -> None:
            raise RuntimeError("can't start new thread")

    monkeypatch.setattr(_signals, "_WATCH", None)
    monkeypatch.setattr(threading, "Thread", NoThread)
    monkeypatch.setattr(_signals.state, "handlers_in_use", False)
    before = len(os.listdir("/proc/self/fd"))
    with emulator.client() as client:
        for _ in range(20):
            client.users.list(email="admin@example.com")
    assert len(os.listdir("/proc/self/fd")) <= before + 2  # the client's connection, at most
