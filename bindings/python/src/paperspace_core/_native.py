"""The native client and the one path of every call into it (``ps_call``, or ``ps_call_into``
for the main thread, with a cancel token).

Every call has a ``ps_cancel`` token of its own while it is in the library (a token a call
left as new serves a later one), registered with the client, so that:

- ``timeout=`` of a call is ``ps_cancel_set_timeout`` on its token;
- ``close()`` triggers the tokens of the calls in flight and returns at once (it never waits,
  so it may be called from a signal handler while the main thread is inside a call); the native
  client is freed by whoever ends last: ``close()`` itself, or the last call in flight.

Signals: while a call of the main thread waits, the library runs Python's signal handlers
about every 20 ms (``_ffi.call_into``: CPython's ``PyErr_CheckSignals``). A handler that
returns lets the call go on; one that raises (Ctrl-C's ``KeyboardInterrupt``, say) stops it,
and its exception propagates from the call. Handlers that a call answered within 20 ms did not
reach run when it returns, as after any other function. Other threads call ``ps_call``
(handlers only ever run in the main thread), and must: a thread that takes the GIL back while
the interpreter exits is ended by CPython there and then (``pthread_exit``), which the
library's frames cannot be unwound by (the process would abort); the main thread is the one
that finalizes, so it is never ended that way.

A lock guards the bookkeeping (the closed flag, the pointer, the tokens in flight); it is
re-entrant because a signal handler may call ``close()`` while the main thread holds it.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import threading
import time
import weakref
from ctypes import c_int32, c_void_p
from typing import Callable, Optional, Tuple

from ._errors import ClientClosedError, PaperspaceError, error_class
from ._ffi import call_into as _call_into
from ._ffi import hooks as _hooks
from ._ffi import make as _make
from ._ffi import lib, status_name, text_at

__all__ = ["Native", "Outcome", "logger"]

logger = logging.getLogger("paperspace_core")
logger.addHandler(logging.NullHandler())

Outcome = Tuple[int, Optional[str]]
"""What the library answered: the status and the string it returned (copied, then freed)."""

_call = lib.ps_call
_get_ident = threading.get_ident
_main_ident = threading.main_thread().ident  # the child's own after a fork (below)
_cancel_new = lib.ps_cancel_new
_cancel_free = lib.ps_cancel_free
_cancel_trigger = lib.ps_cancel_trigger
_cancel_set_timeout = lib.ps_cancel_set_timeout
_string_free = lib.ps_string_free


class Native:
    """A native ``ps_client`` and the calls in flight on it."""

    __slots__ = ("_ptr", "_lock", "_closed", "_tokens", "_spare", "_limit_ms", "__weakref__")

    def __init__(self, ptr: int, limit_ms: int) -> None:
        self._ptr: Optional[int] = ptr
        self._limit_ms = limit_ms  # the client's time limit of a call
        self._lock = threading.RLock()
        self._closed = False
        self._tokens: set[int] = set()
        # Tokens of calls that ended well, to be used again (see ``call``): as many as calls
        # ever ran at once, freed with the client.
        self._spare: list[int] = []
        _LIVE.add(self)

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def in_flight(self) -> int:
        return len(self._tokens)

    def close(self) -> None:
        """Cancels the calls in flight and returns; the native client is freed now if none is
        in flight, else when the last one ends. Idempotent, never blocks on a call."""
        with self._lock:
            self._closed = True
            for token in self._tokens:
                _cancel_trigger(token)
        self._free_if_done()

    def cancel(self, token: int) -> None:
        """Triggers a call's token if that call is still in flight (never a freed token)."""
        with self._lock:
            if token in self._tokens:
                _cancel_trigger(token)

    def _after_fork_in_child(self) -> None:
        # The parent's calls in flight do not exist in the child (their threads were not
        # copied); a lock one of them held would stay held forever.
        self._lock = threading.RLock()
        self._tokens = set()

    def _enter(self, timeout_ms: Optional[int]) -> Tuple[int, int]:
        """Registers a call and returns the client's pointer and the call's token; whoever
        registered a call ends it with ``_leave``."""
        # Registered first, then the state read: a close() that runs in between (from a
        # signal handler, on this very thread) either sees the token and leaves the freeing
        # to _leave, or freed the client before and the call sees it closed.
        with self._lock:
            token = self._spare.pop() if self._spare and timeout_ms is None else _cancel_new()
            self._tokens.add(token)
            ptr = self._ptr
            closed = self._closed
        if timeout_ms is not None:
            _cancel_set_timeout(token, timeout_ms)
        if closed or ptr is None:
            self._leave(token)
            raise ClientClosedError("this paperspace_core.Client is closed")
        return ptr, token

    def begin(self, name: bytes, payload: Optional[bytes], timeout_ms: Optional[int]) -> _Job:
        """Registers a call (``name`` is the operation's name as bytes) and returns the job that
        runs it in another thread; running the job also ends the call's registration."""
        ptr, token = self._enter(timeout_ms)
        return _Job(self, ptr, name, payload, token)

    def call(self, name: bytes, payload: Optional[bytes], timeout_ms: Optional[int]) -> Outcome:
        """Runs one call in this thread."""
        ptr, token = self._enter(timeout_ms)
        ended_well = False
        try:
            outcome = _run(ptr, name, payload, token)
            # Its token can be used again: a call's token is triggered only by close() (then
            # the client is closed), by the library when a signal handler raised (the call then
            # raises) or in a forked child (the call ends cancelled), and has a deadline only
            # for a timeout; so a call without one that returned ok left it as new. Async
            # calls, which cancel() triggers, never hand theirs back.
            ended_well = outcome[0] == 0 and timeout_ms is None
            return outcome
        finally:
            self._leave(token, reuse=ended_well)

    def _leave(self, token: int, reuse: bool = False) -> None:
        """A call ended: unregisters its token and keeps it for another call (``reuse``) or
        frees it, and frees the client if it was the last call of a closed client."""
        with self._lock:
            self._tokens.discard(token)
            if reuse and not self._closed:
                self._spare.append(token)
                token = 0
        if token:
            _cancel_free(token)
        if self._closed:
            self._free_if_done()

    def _free_if_done(self) -> None:
        """Frees the native client and the spare tokens once it is closed and no call is in
        flight (whoever gets here first does it, once)."""
        with self._lock:
            if self._tokens or self._ptr is None:
                return
            ptr, self._ptr = self._ptr, None
            spare, self._spare = self._spare, []
        for token in spare:
            _cancel_free(token)
        lib.ps_client_free(ptr)


class _Job:
    """One registered call, to be run once (``begin``); running it also ends its registration."""

    __slots__ = ("native", "ptr", "name", "payload", "token")

    def __init__(self, native: Native, ptr: int, name: bytes, payload: Optional[bytes], token: int) -> None:
        self.native, self.ptr, self.name, self.payload, self.token = native, ptr, name, payload, token

    def abandon(self) -> None:
        """Ends a call that will never run (its thread could not start)."""
        self.native._leave(self.token)

    def __call__(self) -> Outcome:
        try:
            return _run(self.ptr, self.name, self.payload, self.token)
        finally:
            self.native._leave(self.token)


def _run(ptr: int, name: bytes, payload: Optional[bytes], token: int) -> Outcome:
    """One call into the library: ``ps_call_into`` in the main thread, ``ps_call`` in others."""
    if _get_ident() == _main_ident and _call_into is not None:
        status = c_int32()
        text: Optional[str] = _call_into(ptr, name, payload, token, _hooks, _make, status)
        return status.value, text
    out = c_void_p()
    text = None
    try:
        status_code: int = _call(ptr, name, payload, token, out)
    finally:
        address = out.value
        if address:
            try:
                text = text_at(address)
            finally:
                _string_free(address)
    return status_code, text


_LIVE: weakref.WeakSet[Native] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    global _main_ident
    _main_ident = _get_ident()  # the thread that forked is the child's main thread
    for native in list(_LIVE):
        native._after_fork_in_child()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def error_for(status: int, text: Optional[str], operation: str) -> PaperspaceError:
    """The exception for a failed call, from its error JSON (a NULL string falls back to
    ``ps_status_name``)."""
    name = status_name(status)
    if text is None:
        return error_class(status, None)(name, code=status, kind=name, operation=operation)
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return error_class(status, None)(text, code=status, kind=name, operation=operation)
    http_status = data.get("httpStatus")
    if not isinstance(http_status, int):
        http_status = None
    kind, message, op = data.get("kind"), data.get("message"), data.get("operation")
    return error_class(status, http_status)(
        message if isinstance(message, str) else name,
        code=status,
        kind=kind if isinstance(kind, str) else name,
        http_status=http_status,
        details=data.get("details"),
        operation=op if isinstance(op, str) and op else operation,
    )


def log_call(operation: str, status: int, text: Optional[str], started: float) -> None:
    """One DEBUG line per call: operation, outcome, HTTP status of an API error, duration.
    Never parameters or results (they may hold a password or a token)."""
    elapsed = (time.perf_counter() - started) * 1000
    if status == 0:
        logger.debug("%s: ok in %.1f ms", operation, elapsed)
        return
    error = error_for(status, text, operation)
    http = f" (HTTP {error.http_status})" if error.http_status is not None else ""
    logger.debug("%s: %s%s in %.1f ms", operation, error.kind, http, elapsed)


log_enabled: Callable[[], bool] = functools.partial(logger.isEnabledFor, logging.DEBUG)
"""Whether calls are logged (one frame less per call than a function that asks the logger)."""
