"""The native client and the one path of every call into it (``ps_call`` with a cancel token).

Every call gets its own ``ps_cancel`` token, registered with the client while the call is in
the library, so that:

- ``timeout=`` of a call is ``ps_cancel_set_timeout`` on its token;
- ``close()`` triggers the tokens of the calls in flight and returns at once (it never waits,
  so it may be called from a signal handler while the main thread is inside a call); the native
  client is freed by whoever ends last: ``close()`` itself, or the last call in flight;
- Ctrl-C interrupts any call of the main thread, and other signal handlers run: see
  ``_signals`` for how a call of the main thread hears of signals while it is in the library.
  Once the process has shown it uses signal handlers, main-thread calls run in a worker thread
  while the main thread waits on a lock, which a signal interrupts: the handler runs, and an
  exception it raises triggers the token, the library returns within about 50 ms, and the
  exception propagates. Other threads never receive signals, so they always call the library
  directly.

A lock guards the bookkeeping (the closed flag, the pointer, the tokens in flight); it is
re-entrant because a signal handler may call ``close()`` while the main thread holds it.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import weakref
from ctypes import c_void_p
from typing import Callable, Optional, Tuple

from ._errors import ClientClosedError, PaperspaceError, error_class
from ._ffi import lib, status_name, text_at
from ._signals import MainCall, state

__all__ = ["Native", "Outcome", "logger"]

logger = logging.getLogger("paperspace_core")
logger.addHandler(logging.NullHandler())

Outcome = Tuple[int, Optional[str]]
"""What the library answered: the status and the string it returned (copied, then freed)."""

_call = lib.ps_call
_cancel_new = lib.ps_cancel_new
_cancel_free = lib.ps_cancel_free
_cancel_trigger = lib.ps_cancel_trigger
_cancel_set_timeout = lib.ps_cancel_set_timeout
_string_free = lib.ps_string_free
_main_thread = threading.main_thread
_current_thread = threading.current_thread
_monotonic = time.monotonic
_DEBUG = logging.DEBUG
_CANCELLED = 8  # PS_STATUS_CANCELLED


class Native:
    """A native ``ps_client`` and the calls in flight on it."""

    __slots__ = ("_ptr", "_lock", "_closed", "_tokens", "_limit_ms", "__weakref__")

    def __init__(self, ptr: int, limit_ms: int) -> None:
        self._ptr: Optional[int] = ptr
        self._limit_ms = limit_ms  # the client's time limit of a call
        self._lock = threading.RLock()
        self._closed = False
        self._tokens: set[int] = set()
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
        ptr = None
        with self._lock:
            self._closed = True
            for token in self._tokens:
                _cancel_trigger(token)
            if not self._tokens:
                ptr, self._ptr = self._ptr, None
        if ptr:
            lib.ps_client_free(ptr)

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

    def begin(self, name: bytes, payload: Optional[bytes], timeout_ms: Optional[int]) -> _Job:
        """Registers a call (``name`` is the operation's name as bytes) and returns the job that
        runs it; whoever runs the job also ends the call's registration."""
        token = _cancel_new()
        if timeout_ms is not None:
            _cancel_set_timeout(token, timeout_ms)
        # Registered first, then the state read: a close() that runs in between (from a
        # signal handler, on this very thread) either sees the token and leaves the freeing
        # to _leave, or freed the client before and the call sees it closed.
        with self._lock:
            self._tokens.add(token)
            ptr = self._ptr
            closed = self._closed
        if closed or ptr is None:
            self._leave(token)
            raise ClientClosedError("this paperspace_core.Client is closed")
        return _Job(self, ptr, name, payload, token)

    def call(self, name: bytes, payload: Optional[bytes], timeout_ms: Optional[int], safe: bool = False) -> Outcome:
        """Runs one call (``safe``: the operation may be made again) in this thread, or for the
        main thread with signals watched, or in a worker (see above)."""
        if _current_thread() is not _main_thread():
            return self.begin(name, payload, timeout_ms)()
        started = _monotonic()
        limit_ms = self._limit_ms if timeout_ms is None else timeout_ms
        while True:
            job = self.begin(name, payload, timeout_ms)
            if state.handlers_in_use:
                return run_in_worker(job, self, job.token)
            try:
                call = MainCall(safe, job.cancel)
            except Exception:  # not the main interpreter's main thread, no thread, no poll()...
                return run_in_worker(job, self, job.token)  # ...: the worker, as before
            except BaseException:  # a signal handler raised before the call could start
                job.abandon()
                raise
            try:
                outcome = job()
            finally:
                call.end()
            if not call.interrupted:
                return outcome
            _handlers_run()  # a handler that raises ends the call here, with its exception
            if outcome[0] != _CANCELLED or not safe or self._closed:
                return outcome  # (a handler that closed the client cancelled the call too)
            # The handler returned: the call is made again (in a worker, now that the process
            # uses handlers) within what is left of its time limit.
            timeout_ms = max(0, limit_ms - int((_monotonic() - started) * 1000))
            logger.debug("%s: made again after a signal handler ran", name.decode("ascii", "replace"))

    def _leave(self, token: int) -> None:
        """A call ended: unregisters and frees its token, and frees the client if it was the
        last call of a closed client."""
        ptr = None
        with self._lock:
            self._tokens.discard(token)
            if self._closed and not self._tokens:
                ptr, self._ptr = self._ptr, None
        _cancel_free(token)
        if ptr:
            lib.ps_client_free(ptr)


class _Job:
    """One call into the library; whoever runs it also cleans up after it (the worker, when the
    main thread stopped waiting for it)."""

    __slots__ = ("native", "ptr", "name", "payload", "token")

    def __init__(self, native: Native, ptr: Optional[int], name: bytes, payload: Optional[bytes], token: int) -> None:
        self.native, self.ptr, self.name, self.payload, self.token = native, ptr, name, payload, token

    def cancel(self) -> None:
        """Triggers the call's token if it is still in flight."""
        self.native.cancel(self.token)

    def abandon(self) -> None:
        """Ends a call that will never run (its thread could not start, or a signal handler
        raised before it did)."""
        self.native._leave(self.token)

    def __call__(self) -> Outcome:
        try:
            out = c_void_p()
            text = None
            try:
                status: int = _call(self.ptr, self.name, self.payload, self.token, out)
            finally:
                address = out.value
                if address:
                    try:
                        text = text_at(address)
                    finally:
                        _string_free(address)
            return status, text
        finally:
            self.native._leave(self.token)


class _Worker:
    """A thread that runs jobs for the main thread, one at a time, handed over with two locks
    (cheaper than a thread per call). Kept idle between calls."""

    __slots__ = ("_go", "done", "_job", "outcome", "error")

    def __init__(self) -> None:
        self._go = threading.Lock()
        self._go.acquire()
        self.done = threading.Lock()
        self.done.acquire()
        self._job: Optional[Callable[[], Outcome]] = None
        self.outcome: Optional[Outcome] = None
        self.error: Optional[BaseException] = None
        threading.Thread(target=self._run, name="paperspace-call", daemon=True).start()

    def _run(self) -> None:
        while True:
            self._go.acquire()
            job, self._job = self._job, None
            if job is None:  # retired
                return
            try:
                self.outcome = job()
            except BaseException as exc:  # pragma: no cover - a bug; handed to the caller
                self.error = exc
            self.done.release()

    def start(self, job: Callable[[], Outcome]) -> None:
        self.outcome = self.error = None
        self._job = job
        self._go.release()

    def retire(self) -> None:
        """Ends the thread once its current job (if any) is done."""
        self._job = None
        self._go.release()


_SLICE = 0.05  # seconds between two looks at pending exceptions while the main thread waits
_IDLE: list[_Worker] = []  # list.pop/append are atomic: no lock needed
_MAX_IDLE = 2


def run_in_worker(job: _Job, native: Native, token: int) -> Outcome:
    try:
        worker = _IDLE.pop()
    except IndexError:
        try:
            worker = _Worker()
        except RuntimeError:  # no thread to be had: run it here, not interruptible
            return job()
    worker.start(job)
    try:
        # Short slices: a real signal interrupts a blocking acquire, but an interrupt raised
        # without one (_thread.interrupt_main, an async exception) is only seen between them.
        while not worker.done.acquire(timeout=_SLICE):
            pass
    except BaseException:
        native.cancel(token)
        _finish_quietly(worker)
        raise
    outcome, error = worker.outcome, worker.error
    if len(_IDLE) < _MAX_IDLE:
        _IDLE.append(worker)
    else:
        worker.retire()
    if error is not None:  # pragma: no cover
        raise error
    assert outcome is not None
    return outcome


def _finish_quietly(worker: _Worker) -> None:
    """Waits for a cancelled call's worker (the library returns within about 50 ms); a second
    interrupt stops waiting, and the worker then ends by itself after the call."""
    try:
        while not worker.done.acquire(timeout=_SLICE):
            pass
    except BaseException:
        worker.retire()
        return
    worker.retire()


def _handlers_run() -> None:
    """Calling a Python function is a point where the interpreter runs pending signal handlers."""


_LIVE: weakref.WeakSet[Native] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    _IDLE.clear()  # their threads do not exist in the child
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


def log_enabled() -> bool:
    return logger.isEnabledFor(_DEBUG)
