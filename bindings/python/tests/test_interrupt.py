"""Ctrl-C (SIGINT) during a wait, in a real child process."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

from paperspace_core.testing import ADMIN_KEY, Emulator
from helpers import create_c4

import paperspace_core as ps

SRC = str(Path(ps.__file__).resolve().parent.parent)

CHILD = r"""
import sys, threading, time
import paperspace_core as ps

client = ps.Client(api_key=sys.argv[1], base_url=sys.argv[2])
print("waiting", flush=True)
try:
    client.machines.wait(sys.argv[3], "ready", interval=0.05, timeout=120)
except KeyboardInterrupt:
    workers = [t for t in threading.enumerate() if t.name == "paperspace-wait"]
    print("interrupted; workers left:", len(workers), flush=True)
    # The client is still usable after the cancelled wait, and closes at once.
    print("state after:", client.machines.show(sys.argv[3])["state"], flush=True)
    client.close()
    raise
print("the wait returned", flush=True)
"""


def read_line(proc: subprocess.Popen[bytes], timeout: float) -> str:
    assert proc.stdout is not None
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        assert sel.select(timeout), "the child printed nothing"
        return proc.stdout.readline().decode().strip()


def test_sigint_during_wait_raises_keyboard_interrupt_quickly(client: ps.Client, emulator: Emulator) -> None:
    machine = create_c4(client, "py-sigint", start_on_create=False)  # never becomes ready
    env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, ADMIN_KEY, emulator.url, machine["id"]],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        assert read_line(proc, 10) == "waiting"
        time.sleep(0.5)  # well inside the native wait by now
        assert proc.poll() is None
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=5)
        elapsed = time.monotonic() - started
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert elapsed < 2.0, f"the child took {elapsed:.2f} s to stop"
    assert proc.returncode == -signal.SIGINT  # an uncaught KeyboardInterrupt ends Python by SIGINT
    assert stderr.decode().rstrip().endswith("KeyboardInterrupt")
    # What the child saw: no worker thread left, and the client still worked.
    assert stdout.decode().splitlines() == ["interrupted; workers left: 0", "state after: off"]
    client.machines.destroy(machine["id"])
