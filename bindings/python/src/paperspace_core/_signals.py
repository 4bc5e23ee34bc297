"""Calls of the main thread run in the main thread; signals reach them through a wake-up fd.

Python runs signal handlers in the main thread only, between bytecodes: while the main thread is
inside the library, no handler can run. But CPython's C-level handler, which records the signal,
also writes its number to the file descriptor given to ``signal.set_wakeup_fd``. During a
main-thread call that descriptor is a pipe of ours, read by one thread of ours
(``paperspace-signals``), which decides what the signal does to the call:

- SIGINT under Python's default handler (Ctrl-C): that handler raises KeyboardInterrupt, so the
  call is cancelled (its token triggered), the library returns within about 20 ms, and the
  exception propagates, whatever the operation.
- Any other Python handler: whether it raises cannot be known in advance. A call that is safe
  to repeat (reads, waits) is cancelled so that the handler runs at once; unless the handler
  raised, the call is made again within what is left of its time limit. A call that is not
  safe to repeat (it changes something on the server) is left to finish, and the handler runs
  when it returns: cancelling it could leave the change made and its answer lost. From then on
  the process's main-thread calls run in a worker thread while the main thread waits
  (``_native.run_in_worker``), so that handlers run during every call: a program that uses
  signal handlers pays that hand-over (about 20-40 us a call), one that does not never does,
  and a stream of signals never makes a call start over more than once.

The wake-up descriptor is ours only while a call is in the library: set just before, restored
just after. Bytes meant for a previous one (asyncio's, say) are passed on to it. The pipe is
read under a lock by the watcher during the call and by the main thread at its end, so that a
signal is always counted against the call during which it arrived, never the next one.
"""

from __future__ import annotations

import os
import select
import signal
import threading
from typing import Callable, Optional

__all__ = ["MainCall", "state"]

_default_int_handler = signal.default_int_handler
_getsignal = signal.getsignal
_set_wakeup_fd = signal.set_wakeup_fd
_SIGINT = int(signal.SIGINT)


class _State:
    __slots__ = ("handlers_in_use",)

    def __init__(self) -> None:
        # True once a signal with a handler other than the default SIGINT one came during a
        # main-thread call: from then on such calls run in a worker.
        self.handlers_in_use = False


state = _State()


class MainCall:
    """The main thread's call in the library, from just before it enters the library to just
    after it returns: ``MainCall(...)``, the call, ``end()``.

    The constructor raises when the call cannot be watched: ValueError when the wake-up fd
    cannot be set here (not the main interpreter's main thread), RuntimeError when the watcher
    thread cannot start, OSError without a pipe. The caller then runs the call another way."""

    __slots__ = ("safe", "cancel", "interrupted", "_watch", "_outer", "_restore", "_forward")

    def __init__(self, safe: bool, cancel: Callable[[], None]) -> None:
        global _WATCH
        self.safe = safe
        self.cancel = cancel  # triggers the call's token
        self.interrupted = False  # its token was triggered because of a signal
        w = _WATCH
        if w is None:  # none yet, or none since a fork
            w = _WATCH = _Watch()
        self._watch = w
        # Registered before the fd is set, so every byte the watcher reads from now on is this
        # call's: the pipe was emptied when the previous call ended, and nothing writes to it
        # while no call has set the fd. (No lock needed here: only the main thread writes
        # w.call, and the watcher only reads it.)
        outer, w.call = w.call, self
        self._outer = outer
        try:
            self._restore = _set_wakeup_fd(w.write_fd, warn_on_full_buffer=False)
        except BaseException:
            w.call = outer
            raise
        # Where bytes are passed on: the descriptor this call replaced, or for a call that a
        # signal handler made between the steps of another, wherever that one passes them.
        self._forward: int = self._restore if outer is None else outer._forward

    def end(self) -> None:
        """The call has returned: the wake-up fd is restored, and signals that came during the
        call but were not read yet are read now, so that none is counted against a later call."""
        w = self._watch
        try:
            try:
                _set_wakeup_fd(self._restore)
            except (ValueError, OSError):  # its owner closed it, or made it blocking, meanwhile
                _set_wakeup_fd(-1)
        finally:
            with w.lock:
                w.call = self._outer
                late = w.drain() if w.pending.poll(0) else b""
            if late:
                self.hear(late)

    def hear(self, signals: bytes) -> None:
        """Signals that arrived during this call (one byte each, the signal's number)."""
        forward(self._forward, signals)
        for signum in signals:
            if signum == _SIGINT and _getsignal(signum) is _default_int_handler:
                interrupt = True
            else:
                state.handlers_in_use = True
                interrupt = self.safe
            if interrupt and not self.interrupted:
                self.interrupted = True
                self.cancel()


def forward(fd: int, data: bytes) -> None:
    if fd >= 0 and data:
        try:
            os.write(fd, data)
        except OSError:  # full or closed: its owner's business, as if the signal was dropped
            pass


class _Watch:
    """The pipe, the thread that reads it, and the main-thread call in flight."""

    def __init__(self) -> None:
        self.read_fd, self.write_fd = os.pipe()  # both close on exec
        os.set_blocking(self.read_fd, False)
        os.set_blocking(self.write_fd, False)  # set_wakeup_fd requires it
        # Re-entrant: a handler may run (and make a call) while the main thread holds it.
        self.lock = threading.RLock()
        self.call: Optional[MainCall] = None
        self.pending = select.poll()  # the main thread's look at the pipe (cheaper than a read)
        self.pending.register(self.read_fd, select.POLLIN)
        try:
            threading.Thread(target=self._run, name="paperspace-signals", daemon=True).start()
        except BaseException:  # no thread to be had: the next call tries again, with no fd left over
            self.close()
            raise

    def _run(self) -> None:
        poller = select.poll()
        poller.register(self.read_fd, select.POLLIN)
        while True:
            try:
                poller.poll()
            except OSError:  # pragma: no cover - the pipe was closed (after a fork)
                return
            with self.lock:
                data = self.drain()
                if self.call is not None and data:
                    self.call.hear(data)

    def drain(self) -> bytes:
        try:
            return os.read(self.read_fd, 512)
        except (BlockingIOError, InterruptedError):
            return b""

    def close(self) -> None:
        for fd in (self.read_fd, self.write_fd):
            try:
                os.close(fd)
            except OSError:  # pragma: no cover
                pass


_WATCH: Optional[_Watch] = None


def _after_fork_in_child() -> None:
    # The watcher did not survive the fork; the pipe is the parent's. A child forked while the
    # main thread was in a call inherited our wake-up fd: its signals must not reach the parent.
    global _WATCH
    w, _WATCH = _WATCH, None
    if w is None:
        return
    try:
        old = _set_wakeup_fd(-1)
        if old not in (-1, w.write_fd):
            _set_wakeup_fd(old)
    except (ValueError, OSError):  # pragma: no cover - not the main thread after all
        pass
    w.close()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
