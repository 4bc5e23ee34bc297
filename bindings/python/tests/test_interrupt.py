"""Ctrl-C (a real SIGINT, in a child process) interrupts any call of the main thread within
100 ms, and every call is bounded by its own ``timeout=``."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import UBUNTU, create_c4

import paperspace_core as ps
from paperspace_core.testing import ADMIN_KEY, Emulator

SRC = str(Path(ps.__file__).resolve().parent.parent)

# argv: key, url, then the call to make: "list" (templates.list), "create" (machines.create) or
# "wait MACHINE_ID".
CHILD = r"""
import sys, time
import paperspace_core as ps

client = ps.Client(api_key=sys.argv[1], base_url=sys.argv[2])
print("calling", flush=True)
try:
    if sys.argv[3] == "list":
        client.templates.list()
    elif sys.argv[3] == "create":
        client.machines.create(region="East Coast (NY2)", machine_type="C4", size=50,
            billing_type="hourly", machine_name="py-sigint-create", template_id="t04azgph")
    else:
        client.machines.wait(sys.argv[4], "ready", interval=0.05, timeout=120)
except KeyboardInterrupt:
    print(f"interrupted at {time.time():.6f}", flush=True)
    # The call has ended in the library, and the client still works.
    print("in flight:", client._in_flight, flush=True)
    print("after:", len(client.templates.list(id="t04azgph")), flush=True)
    client.close()
    raise
print("the call returned", flush=True)
"""


def read_line(proc: subprocess.Popen[bytes], timeout: float) -> str:
    assert proc.stdout is not None
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        assert sel.select(timeout), "the child printed nothing"
        return proc.stdout.readline().decode().strip()


def interrupt(emulator: Emulator, *call: str, in_call: str) -> float:
    """Runs CHILD, sends SIGINT once ``in_call`` (a request key) was counted, and returns how
    long the child took to see KeyboardInterrupt."""
    env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
    before = emulator.requests(in_call)
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, ADMIN_KEY, emulator.url, *call],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        assert read_line(proc, 10) == "calling"
        deadline = time.monotonic() + 10
        while emulator.requests(in_call) == before:
            assert time.monotonic() < deadline, "the call never reached the emulator"
            time.sleep(0.01)
        time.sleep(0.2)  # well inside the library's sleep or read by now
        assert proc.poll() is None
        sent = time.time()
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    lines = stdout.decode().splitlines()
    assert proc.returncode == -signal.SIGINT, stderr.decode()  # an uncaught KeyboardInterrupt
    assert stderr.decode().rstrip().endswith("KeyboardInterrupt")
    assert lines[1:] == ["in flight: 0", "after: 1"], lines
    return float(lines[0].removeprefix("interrupted at ")) - sent


def test_sigint_during_a_retry_after_sleep(emulator: Emulator) -> None:
    # A 503 with Retry-After: 20 makes the library sleep 20 s before its retry.
    emulator.add_faults(path="/templates/getTemplates", status=503, headers={"Retry-After": "20"})
    before = emulator.requests("GET /templates/getTemplates")
    latency = interrupt(emulator, "list", in_call="GET /templates/getTemplates")
    assert latency < 0.15, f"KeyboardInterrupt came {latency * 1000:.0f} ms after SIGINT"
    # The 503 and the child's call after the interrupt: the retry never happened.
    assert emulator.requests("GET /templates/getTemplates") == before + 2


def test_sigint_during_a_stalled_request(emulator: Emulator) -> None:
    emulator.add_faults(path="/templates/getTemplates", delayMs=20_000)
    latency = interrupt(emulator, "list", in_call="GET /templates/getTemplates")
    assert latency < 0.15, f"KeyboardInterrupt came {latency * 1000:.0f} ms after SIGINT"


def test_sigint_during_a_create(emulator: Emulator) -> None:
    # A call that is not safe to repeat is cancelled by Ctrl-C all the same.
    emulator.add_faults(path="/machines/createSingleMachinePublic", delayMs=20_000)
    latency = interrupt(emulator, "create", in_call="POST /machines/createSingleMachinePublic")
    assert latency < 0.15, f"KeyboardInterrupt came {latency * 1000:.0f} ms after SIGINT"


def test_sigint_during_a_wait(client: ps.Client, emulator: Emulator) -> None:
    machine = create_c4(client, "py-sigint", start_on_create=False)  # never becomes ready
    latency = interrupt(emulator, "wait", machine["id"], in_call="GET /machines/getMachinePublic")
    assert latency < 0.15, f"KeyboardInterrupt came {latency * 1000:.0f} ms after SIGINT"
    client.machines.destroy(machine["id"])


def test_a_call_timeout_replaces_the_clients(emulator: Emulator) -> None:
    with emulator.client(max_retries=0, timeout=5) as c:
        emulator.add_faults(path="/templates/getTemplates", delayMs=2000)
        started = time.monotonic()
        with pytest.raises(ps.PaperspaceTimeoutError) as caught:
            c.templates.list(timeout=0.2)
        elapsed = time.monotonic() - started
        assert 0.19 < elapsed < 0.6, elapsed
        assert (caught.value.code, caught.value.kind, caught.value.operation) == (5, "timeout", "templates_list")
        assert c._in_flight == 0
    # Longer than the client's, too.
    with emulator.client(max_retries=0, timeout=0.2) as c:
        emulator.add_faults(path="/users/getUsers", delayMs=600)
        assert [u["id"] for u in c.users.list(email="admin@example.com", timeout=3)] == ["uq8w3kz5"]
        emulator.add_faults(path="/users/getUsers", delayMs=600)
        with pytest.raises(ps.PaperspaceTimeoutError):
            c.users.list(email="admin@example.com")


def test_timeouts_are_checked(client: ps.Client) -> None:
    with pytest.raises(TypeError, match="timeout must be a number of seconds, not str"):
        client.templates.list(timeout="1")  # type: ignore[arg-type]
    with pytest.raises(ps.InvalidArgumentError, match="timeout must be a finite, non-negative number"):
        client.machines.show("ps1", timeout=-1)
    with pytest.raises(ps.PaperspaceTimeoutError):
        client.templates.list(id=UBUNTU, timeout=0)  # a deadline already past
