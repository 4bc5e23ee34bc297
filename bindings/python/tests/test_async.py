"""AsyncClient: the same methods as coroutines, a loop that never blocks, cancellation."""

from __future__ import annotations

import asyncio
import copy
import os
import pickle
import selectors
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers import NY2, UBUNTU

import paperspace_core as ps
from paperspace_core.testing import ADMIN_KEY, Emulator

SRC = str(Path(ps.__file__).resolve().parent.parent)


def async_threads() -> list[threading.Thread]:
    """The call threads still there, after giving a finished one 100 ms to exit."""
    deadline = time.monotonic() + 0.1
    while True:
        alive = [t for t in threading.enumerate() if t.name == "paperspace-async-call"]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.005)


def make(emulator: Emulator, **options: object) -> ps.AsyncClient:
    return ps.AsyncClient(api_key=ADMIN_KEY, base_url=emulator.url, max_retries=0, **options)  # type: ignore[arg-type]


def test_the_same_operations_as_coroutines(emulator: Emulator) -> None:
    async def main() -> None:
        async with make(emulator) as client:
            assert repr(client) == f"<paperspace_core.AsyncClient {emulator.url} open>"
            templates = await client.templates.list(id=UBUNTU)
            assert [t["label"] for t in templates] == ["Ubuntu 18.04 Server"]
            machine = await client.machines.create(
                region=NY2, machine_type="C4", size=50, billing_type="hourly", machine_name="py-async", template_id=UBUNTU
            )
            ready = await client.machines.wait(machine["id"], "ready", interval=0.05, timeout=10)
            assert (ready["id"], ready["state"]) == (machine["id"], "ready")
            pages = [[m["id"] for m in page] async for page in client.machines.pages(page_size=1, name="py-async")]
            assert pages == [[machine["id"]]]
            assert await client.call("users_list", {"firstname": "Ada"}) == await client.users.list(first_name="Ada")
            assert await client.machines.destroy(machine["id"]) is None  # type: ignore[func-returns-value]
            with pytest.raises(ps.NotFoundError):
                await client.machines.show("psnothere")
        assert client.closed
        with pytest.raises(ps.ClientClosedError):
            await client.templates.list()
        with pytest.raises(ps.ClientClosedError, match="AsyncClient is closed"):
            async with client:
                pass

    asyncio.run(main())
    assert async_threads() == []


def test_calls_do_not_block_the_loop(emulator: Emulator) -> None:
    emulator.add_faults(path="/templates/getTemplates", delayMs=400, count=8)

    async def main() -> tuple[list[int], int, float]:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        tick = asyncio.ensure_future(ticker())
        async with make(emulator) as client:
            started = time.monotonic()
            results = await asyncio.gather(*(client.templates.list() for _ in range(8)))
            elapsed = time.monotonic() - started
        tick.cancel()
        return [len(r) for r in results], ticks, elapsed

    lengths, ticks, elapsed = asyncio.run(main())
    assert lengths == [15] * 8
    assert elapsed < 1.6, f"8 delayed calls took {elapsed:.2f} s: they ran one after another"
    assert ticks >= 15, f"the loop ran only {ticks} ticks of 10 ms during a 400 ms call"


def test_cancelling_the_task_cancels_the_call(emulator: Emulator) -> None:
    emulator.add_faults(path="/templates/getTemplates", delayMs=10_000)

    async def main() -> float:
        async with make(emulator, timeout=30) as client:
            task = asyncio.ensure_future(client.templates.list())
            while client._native.in_flight == 0:
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.2)
            started = time.monotonic()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            elapsed = time.monotonic() - started
            # The call has ended in the library and its thread is gone.
            assert client._native.in_flight == 0
            assert async_threads() == []
            assert len(await client.templates.list(id=UBUNTU)) == 1  # still usable
            return elapsed

    started = time.monotonic()
    elapsed = asyncio.run(main())
    assert elapsed < 0.1, f"the cancelled call took {elapsed * 1000:.0f} ms to end"
    assert time.monotonic() - started < 2


def test_wait_for_timeout_and_the_calls_own_timeout(emulator: Emulator) -> None:
    async def main() -> None:
        async with make(emulator, timeout=30) as client:
            emulator.add_faults(path="/users/getUsers", delayMs=5000)
            started = time.monotonic()
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(client.users.list(), 0.2)
            assert time.monotonic() - started < 0.35
            emulator.add_faults(path="/users/getUsers", delayMs=5000)
            with pytest.raises(ps.PaperspaceTimeoutError):
                await client.users.list(timeout=0.2)
            assert time.monotonic() - started < 0.7

    started = time.monotonic()
    asyncio.run(main())  # returns at once: no thread left behind to wait for
    assert time.monotonic() - started < 1.0
    assert async_threads() == []


def test_aclose_cancels_the_calls_in_flight(emulator: Emulator) -> None:
    emulator.add_faults(path="/users/getUsers", delayMs=5000)

    async def main() -> None:
        client = make(emulator)
        task = asyncio.ensure_future(client.users.list())
        while client._native.in_flight == 0:
            await asyncio.sleep(0.01)
        await client.aclose()
        with pytest.raises(ps.CancelledError) as caught:
            await asyncio.wait_for(task, 1)
        assert caught.value.operation == "users_list"

    asyncio.run(main())


def test_an_async_client_cannot_be_copied(emulator: Emulator) -> None:
    client = make(emulator)
    for attempt in (copy.copy, copy.deepcopy, pickle.dumps):
        with pytest.raises(TypeError, match="a paperspace_core.AsyncClient cannot be copied or pickled"):
            attempt(client)
    client.close()


CHILD = r"""
import asyncio, sys, time
import paperspace_core as ps

async def main():
    async with ps.AsyncClient(api_key=sys.argv[1], base_url=sys.argv[2]) as client:
        print("calling", flush=True)
        await client.templates.list()

try:
    asyncio.run(main())
except KeyboardInterrupt:
    print(f"interrupted at {time.time():.6f}", flush=True)
    raise
"""


def test_sigint_ends_asyncio_run_promptly(emulator: Emulator) -> None:
    emulator.add_faults(path="/templates/getTemplates", delayMs=20_000)
    env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, ADMIN_KEY, emulator.url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    try:
        assert proc.stdout is not None
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ)
            assert sel.select(10)
            assert proc.stdout.readline() == b"calling\n"
        deadline = time.monotonic() + 10
        while emulator.requests("GET /templates/getTemplates") == 0:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        time.sleep(0.2)
        sent = time.time()
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGINT, stderr.decode()
    latency = float(stdout.decode().strip().removeprefix("interrupted at ")) - sent
    assert latency < 0.15, f"asyncio.run ended {latency * 1000:.0f} ms after SIGINT"
