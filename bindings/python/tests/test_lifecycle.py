"""Closing, context managers and threads."""

from __future__ import annotations

import _thread
import threading
import time
from collections.abc import Callable

import pytest
from paperspace_core.testing import ADMIN_KEY, Emulator
from helpers import NY2, UBUNTU, create_c4

import paperspace_core as ps


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def make(emulator: Emulator) -> ps.Client:
    return ps.Client(api_key=ADMIN_KEY, base_url=emulator.url, max_retries=0, timeout=5)


def test_context_manager_closes(emulator: Emulator) -> None:
    with make(emulator) as c:
        assert not c.closed
        assert repr(c) == f"<paperspace_core.Client {emulator.url} open>"
        assert len(c.templates.list(id=UBUNTU)) == 1
    assert c.closed
    assert repr(c) == f"<paperspace_core.Client {emulator.url} closed>"


def test_close_is_idempotent(emulator: Emulator) -> None:
    c = make(emulator)
    c.close()
    c.close()
    assert c.closed
    with pytest.raises(ps.ClientClosedError, match="this paperspace_core.Client is closed"):
        with c:
            pass


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.templates.list(),
        lambda c: c.users.list(),
        lambda c: c.machines.list(),
        lambda c: c.machines.show("ps1"),
        lambda c: c.machines.create(
            region=NY2, machine_type="C4", size=50, billing_type="hourly", machine_name="x", template_id=UBUNTU
        ),
        lambda c: c.machines.availability(region=NY2, machine_type="GPU+"),
        lambda c: c.machines.wait("ps1", "ready"),
        lambda c: c.machines.start("ps1"),
        lambda c: c.machines.stop("ps1"),
        lambda c: c.machines.restart("ps1"),
        lambda c: c.machines.destroy("ps1"),
        lambda c: c.call("templates_list"),
    ],
)
def test_calls_after_close_raise(emulator: Emulator, call: Callable[[ps.Client], object]) -> None:
    c = make(emulator)
    c.close()
    with pytest.raises(ps.ClientClosedError, match="this paperspace_core.Client is closed"):
        call(c)


def test_eight_threads_share_one_client(client: ps.Client) -> None:
    machine = create_c4(client, "py-threads")
    errors: list[BaseException] = []
    counts = [0] * 8

    def work(i: int) -> None:
        try:
            for _ in range(15):
                assert [t["id"] for t in client.templates.list(id=UBUNTU)] == [UBUNTU]
                assert client.machines.show(machine["id"])["id"] == machine["id"]
                assert client.users.list(first_name="Ada")[0]["id"] == "uq8w3kz5"
                counts[i] += 3
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert counts == [45] * 8
    client.machines.destroy(machine["id"])


def test_calls_do_not_block_each_other(client: ps.Client, emulator: Emulator) -> None:
    emulator.add_faults(path="/templates/getTemplates", delayMs=400, count=8)
    results: list[int] = []

    def work() -> None:
        results.append(len(client.templates.list()))

    threads = [threading.Thread(target=work) for _ in range(8)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    elapsed = time.monotonic() - started
    assert results == [15] * 8
    assert elapsed < 1.6, f"8 delayed calls took {elapsed:.2f} s: they ran one after another"


def test_close_cancels_calls_in_flight_and_returns_at_once(emulator: Emulator) -> None:
    c = make(emulator)
    emulator.add_faults(path="/users/getUsers", delayMs=3000)
    caught: list[BaseException] = []

    def call() -> None:
        try:
            c.users.list(email="admin@example.com")
        except BaseException as exc:
            caught.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    wait_until(lambda: c._in_flight == 1)  # the call is in the library now
    time.sleep(0.1)
    started = time.monotonic()
    c.close()
    assert time.monotonic() - started < 0.05  # close() did not wait for the call
    assert c._native._ptr is not None  # freed only once the call has returned
    caller.join(5)
    assert time.monotonic() - started < 0.5
    assert len(caught) == 1 and type(caught[0]) is ps.CancelledError
    assert (caught[0].kind, caught[0].operation) == ("cancelled", "users_list")
    assert c._in_flight == 0 and c._native._ptr is None


def test_close_racing_with_calls(emulator: Emulator) -> None:
    c = make(emulator)
    outcomes: list[str] = []
    calls = [0] * 8

    def work(i: int) -> None:
        try:
            while True:
                c.templates.list(id=UBUNTU)
                calls[i] += 1
        except ps.ClientClosedError:
            outcomes.append("closed")
        except ps.CancelledError:  # in flight when close() came
            outcomes.append("closed")
        except BaseException as exc:  # anything else is a bug
            outcomes.append(repr(exc))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    c.close()
    for t in threads:
        t.join(5)
    assert outcomes == ["closed"] * 8
    assert all(n > 0 for n in calls)
    assert c._in_flight == 0 and c._native._ptr is None


def test_ctrl_c_in_process_cancels_the_wait(client: ps.Client) -> None:
    """KeyboardInterrupt in the main thread cancels the native wait, waits for it to end and
    leaves the client usable."""
    machine = create_c4(client, "py-interrupt-in-process", start_on_create=False)
    timer = threading.Timer(0.3, _thread.interrupt_main)
    timer.start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        client.machines.wait(machine["id"], "ready", interval=0.05, timeout=60)
    assert time.monotonic() - started < 1.0
    assert client._in_flight == 0  # the call has ended in the library
    assert client.machines.show(machine["id"])["state"] == "off"
    client.machines.destroy(machine["id"])


def test_a_calls_token_is_used_again_only_when_it_ended_well(emulator: Emulator) -> None:
    # A call's cancel token serves the next call only if nothing could have triggered it or
    # given it a deadline: a timed-out call's token, used again, would end the next call at once.
    with ps.Client(api_key=ADMIN_KEY, base_url=emulator.url) as c:
        native = c._native
        c.templates.list()
        assert len(native._spare) == 1
        kept = native._spare[0]
        c.templates.list()
        assert native._spare == [kept]  # the same token, again
        emulator.add_faults(path="/users/getUsers", delayMs=400, count=1)
        with pytest.raises(ps.PaperspaceTimeoutError):
            c.users.list(timeout=0.05)
        assert native._spare == [kept]  # the timed call's token was freed, not kept
        c.templates.list(timeout=0.3)  # ended well, but its token has a deadline
        assert native._spare == [kept]
        emulator.add_faults(path="/users/getUsers", delayMs=500, count=1)
        started = time.monotonic()
        assert c.users.list() != [] and time.monotonic() - started >= 0.49
        with pytest.raises(ps.ValidationError):
            c.machines.show("")  # a call that failed frees the token it took
        assert native._spare == [] and native.in_flight == 0
        c.templates.list()
        assert len(native._spare) == 1
    assert native._spare == [] and native._ptr is None  # freed with the client
