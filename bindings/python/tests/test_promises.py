"""Copies, signal handlers and fork: the client's promises."""

from __future__ import annotations

import copy
import gc
import os
import pickle
import signal
import threading
import time
from collections.abc import Iterator
from types import FrameType
from typing import Optional

import pytest
from helpers import UBUNTU

import paperspace_core as ps
from paperspace_core.testing import ADMIN_KEY, Emulator


def make(emulator: Emulator) -> ps.Client:
    return ps.Client(api_key=ADMIN_KEY, base_url=emulator.url, max_retries=0, timeout=10)


@pytest.mark.parametrize("attempt", [copy.copy, copy.deepcopy, pickle.dumps])
def test_a_client_cannot_be_copied_or_pickled(emulator: Emulator, attempt: object) -> None:
    client = make(emulator)
    with pytest.raises(TypeError) as caught:
        attempt(client)  # type: ignore[operator]
    assert str(caught.value) == (
        "a paperspace_core.Client cannot be copied or pickled: it owns a native client (its "
        "connections and calls in flight). Create another Client with the same arguments instead."
    )
    gc.collect()  # nothing half-copied is left to free the native client twice
    assert len(client.templates.list(id=UBUNTU)) == 1
    client.close()
    gc.collect()
    with pytest.raises(TypeError):
        copy.deepcopy({"inside": [client]})


@pytest.fixture
def sigusr1() -> Iterator[list[BaseException]]:
    """Restores SIGUSR1's handler after the test; collects what the handler raised."""
    previous = signal.getsignal(signal.SIGUSR1)
    yield []
    signal.signal(signal.SIGUSR1, previous)


def test_close_from_a_signal_handler_during_a_call(emulator: Emulator, sigusr1: list[BaseException]) -> None:
    """The handler runs in the main thread while that thread is inside a call: close() cancels
    the call and returns (no deadlock), and the native client is freed when the call ends."""
    assert threading.current_thread() is threading.main_thread()
    client = make(emulator)
    closed_at: list[float] = []

    def handler(signum: int, frame: Optional[FrameType]) -> None:
        client.close()
        closed_at.append(time.monotonic())

    signal.signal(signal.SIGUSR1, handler)
    emulator.add_faults(path="/templates/getTemplates", delayMs=5000)
    threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGUSR1)).start()
    started = time.monotonic()
    with pytest.raises(ps.CancelledError) as caught:
        client.templates.list()
    ended = time.monotonic()
    assert caught.value.operation == "templates_list"
    assert len(closed_at) == 1 and closed_at[0] - started < 1.0
    assert ended - closed_at[0] < 0.1, "the call did not end soon after close()"
    assert client.closed and client._in_flight == 0 and client._native._ptr is None
    with pytest.raises(ps.ClientClosedError):
        client.templates.list()


def test_a_call_from_a_signal_handler_during_a_call(emulator: Emulator, sigusr1: list[BaseException]) -> None:
    """A handler may itself call the client while the main thread is inside a call."""
    client = make(emulator)
    seen: list[int] = []

    def handler(signum: int, frame: Optional[FrameType]) -> None:
        seen.append(len(client.templates.list(id=UBUNTU)))

    signal.signal(signal.SIGUSR1, handler)
    emulator.add_faults(path="/users/getUsers", delayMs=800)
    threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGUSR1)).start()
    assert [u["id"] for u in client.users.list(email="admin@example.com")] == ["uq8w3kz5"]
    assert seen == [1]
    client.close()


# Forking with a thread in flight is the point here (Python 3.12+ warns about it).
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_the_child_of_a_fork_has_its_own_bookkeeping(emulator: Emulator) -> None:
    client = make(emulator)
    emulator.add_faults(path="/users/getUsers", delayMs=1000)
    result: list[int] = []
    caller = threading.Thread(target=lambda: result.append(len(client.users.list(email="admin@example.com"))))
    caller.start()
    deadline = time.monotonic() + 5
    while client._in_flight == 0:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report, never return into pytest
        status = 1
        try:
            lines = [f"in flight: {client._in_flight}"]
            lines.append(f"templates: {len(client.templates.list(id=UBUNTU))}")
            client.close()  # frees at once: the parent's call is not the child's
            lines.append(f"freed: {client._native._ptr is None}")
            os.write(write, "\n".join(lines).encode())
            status = 0
        finally:
            os._exit(status)
    os.close(write)
    with os.fdopen(read) as pipe:
        report = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0
    assert report.splitlines() == ["in flight: 0", "templates: 1", "freed: True"]
    caller.join(5)
    assert result == [1]  # the parent's call went on undisturbed
    assert client._in_flight == 0
    client.close()
