"""``AsyncClient``: the same resources and methods as ``Client``, as coroutines.

Each call runs in a thread of its own (the library call blocks), so the event loop never
waits for it; the coroutine awaits a future that the thread resolves. Cancelling the task
triggers the call's ``ps_cancel`` token: the library returns within about 50 ms, the coroutine
waits for that (so no thread outlives the task), then re-raises ``asyncio.CancelledError``.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Dict, NoReturn, Optional, Union

from ._async_resources import (
    AsyncMachines,
    AsyncNetworks,
    AsyncResourceDelegations,
    AsyncScripts,
    AsyncTemplates,
    AsyncUsers,
)
from ._client import decode, new_native, refuse_copy
from ._encode import invalid, millis, payload
from ._errors import ClientClosedError
from ._native import Native, Outcome, log_call, log_enabled
from ._operations import NAMES
from ._results import wrap_result

__all__ = ["AsyncClient"]

_Settled = Union[Outcome, BaseException]


def _settle(future: asyncio.Future[_Settled], value: _Settled) -> None:
    if not future.done():
        future.set_result(value)


async def _run(native: Native, name: bytes, body: Optional[bytes], timeout_ms: Optional[int]) -> Outcome:
    job = native.begin(name, body, timeout_ms)
    loop = asyncio.get_running_loop()
    done: asyncio.Future[_Settled] = loop.create_future()

    def work() -> None:
        result: _Settled
        try:
            result = job()
        except BaseException as exc:  # pragma: no cover - a bug; handed to the coroutine
            result = exc
        try:
            loop.call_soon_threadsafe(_settle, done, result)
        except RuntimeError:  # the loop is closed: nobody waits any more
            pass

    thread = threading.Thread(target=work, name="paperspace-async-call", daemon=True)
    try:
        thread.start()
    except BaseException:
        job.abandon()
        raise
    try:
        result = await asyncio.shield(done)
    except asyncio.CancelledError:
        native.cancel(job.token)
        try:
            await done  # the library returns within about 50 ms of the trigger
            thread.join(0.1)  # it only has to return now: no thread outlives the task
        except asyncio.CancelledError:  # cancelled again: stop waiting
            pass
        raise
    if isinstance(result, BaseException):  # pragma: no cover
        raise result
    return result


class AsyncClient:
    """The asyncio client: ``Client``'s arguments, resources and methods, each method a
    coroutine (``await client.machines.show(...)``). Use ``async with``; ``aclose()`` (or
    ``close()``) cancels the calls in flight. Cancelling a task cancels its call in the
    library. It cannot be copied or pickled."""

    templates: AsyncTemplates
    machines: AsyncMachines
    users: AsyncUsers
    networks: AsyncNetworks
    scripts: AsyncScripts
    resource_delegations: AsyncResourceDelegations

    def __init__(
        self,
        api_key: Optional[str] = None,
        base_url: Optional[str] = None,
        *,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        user_agent: Optional[str] = None,
    ) -> None:
        self._native, self._base_url = new_native(api_key, base_url, timeout, connect_timeout, max_retries, user_agent)
        self.templates = AsyncTemplates(self)
        self.machines = AsyncMachines(self)
        self.users = AsyncUsers(self)
        self.networks = AsyncNetworks(self)
        self.scripts = AsyncScripts(self)
        self.resource_delegations = AsyncResourceDelegations(self)

    async def __aenter__(self) -> AsyncClient:
        if self._native.closed:
            raise ClientClosedError("this paperspace_core.AsyncClient is closed")
        return self

    async def __aexit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"<paperspace_core.AsyncClient {self._base_url} {'closed' if self._native.closed else 'open'}>"

    def __copy__(self) -> NoReturn:
        refuse_copy(self)

    def __deepcopy__(self, memo: Dict[int, Any]) -> NoReturn:
        refuse_copy(self)

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        refuse_copy(self)

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def closed(self) -> bool:
        return self._native.closed

    def close(self) -> None:
        """Cancels the calls in flight and returns; idempotent (see ``Client.close``)."""
        self._native.close()

    async def aclose(self) -> None:
        """``close()``, for ``async with`` and ``contextlib.aclosing``."""
        self._native.close()

    def __del__(self) -> None:
        try:
            native = self.__dict__.get("_native")
            if native is not None:
                native.close()
        except Exception:  # pragma: no cover
            pass

    async def _call(self, operation: str, params: Optional[Mapping[str, Any]], timeout: Optional[float]) -> Any:
        body = payload(operation, params)
        timeout_ms = None if timeout is None else millis("timeout", timeout, operation)
        if log_enabled():
            started = time.perf_counter()
            status, text = await _run(self._native, NAMES[operation], body, timeout_ms)
            log_call(operation, status, text, started)
        else:
            status, text = await _run(self._native, NAMES[operation], body, timeout_ms)
        return decode(status, text, operation)

    async def call(
        self, operation: str, params: Optional[Mapping[str, Any]] = None, *, timeout: Optional[float] = None
    ) -> Any:
        """``Client.call``, as a coroutine."""
        if not isinstance(operation, str):
            raise TypeError(f"operation must be a str, not {type(operation).__name__}")
        if operation not in NAMES:
            if "\0" in operation:
                raise invalid(f"operation names contain no NUL character: {operation!r}", operation)
            status, text = await _run(self._native, operation.encode("utf-8", "surrogatepass"), None, None)
            return decode(status, text, operation)
        return wrap_result(operation, await self._call(operation, params, timeout))
