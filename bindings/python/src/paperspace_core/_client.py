"""``Client``: configuration, lifecycle, and the one call path into the library (``ps_call``)."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from ctypes import byref, c_void_p
from types import TracebackType
from typing import Any, Dict, NoReturn, Optional, Tuple
from urllib.parse import urlsplit, urlunsplit

from ._decode import loads as _loads
from ._encode import given, invalid, millis, payload
from ._errors import ClientClosedError, error_class
from ._ffi import lib, take_string
from ._native import Native, error_for, log_call, log_enabled
from ._operations import NAMES
from ._resources import Machines, Networks, ResourceDelegations, Scripts, Templates, Users
from ._results import wrap_result

__all__ = ["Client", "DEFAULT_BASE_URL"]

DEFAULT_BASE_URL = "https://api.paperspace.io"
DEFAULT_TIMEOUT_MS = 30_000  # the library's default timeoutMs (the time limit of a call)
_perf_counter = time.perf_counter


def _display_url(url: str) -> str:
    """The base URL for a repr: scheme, host, port and path only (never user info or a
    query, in case a secret was put there)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        netloc = host if parts.port is None else f"{host}:{parts.port}"
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    except ValueError:
        return "<invalid URL>"


def new_native(
    api_key: Optional[str],
    base_url: Optional[str],
    timeout: Optional[float],
    connect_timeout: Optional[float],
    max_retries: Optional[int],
    user_agent: Optional[str],
) -> Tuple[Native, str]:
    """A native client from the constructor's arguments, and the base URL to show."""
    limit_ms = millis("timeout", timeout, "client_new")
    config = given(
        {
            "apiKey": api_key,
            "baseUrl": base_url,
            "timeoutMs": limit_ms,
            "connectTimeoutMs": millis("connect_timeout", connect_timeout, "client_new"),
            "maxRetries": max_retries,
            "userAgent": user_agent,
        }
    )
    ptr = c_void_p()
    out = c_void_p()
    try:
        status = lib.ps_client_new(payload("client_new", config), byref(ptr), byref(out))
    finally:
        text = take_string(out)
    if status != 0 or not ptr.value:
        raise error_for(status, text, "client_new")
    shown = base_url if isinstance(base_url, str) else os.environ.get("PAPERSPACE_API_HOST") or DEFAULT_BASE_URL
    return Native(ptr.value, DEFAULT_TIMEOUT_MS if limit_ms is None else limit_ms), _display_url(shown)


def decode(status: int, text: Optional[str], operation: str) -> Any:
    """The decoded result of a call, or its exception."""
    if status != 0:
        raise error_for(status, text, operation)
    if text is None:  # the ABI always sets a string; never seen
        raise error_class(98, None)("the library returned no result", code=98, kind="internal", operation=operation)
    return _loads(text)


def refuse_copy(obj: object) -> NoReturn:
    name = type(obj).__name__
    raise TypeError(
        f"a paperspace_core.{name} cannot be copied or pickled: it owns a native client (its "
        f"connections and calls in flight). Create another {name} with the same arguments instead."
    )


class Client:
    """A Paperspace Core API client.

    ``api_key`` defaults to the ``PAPERSPACE_API_KEY`` environment variable and ``base_url`` to
    ``PAPERSPACE_API_HOST``, else ``https://api.paperspace.io`` (plain ``http://`` is accepted
    for loopback hosts only, e.g. the emulator). ``timeout`` bounds each call as a whole
    (attempts and retry sleeps included) and ``connect_timeout`` establishing a connection, in
    seconds (defaults 30 and 10); every method's own ``timeout=`` replaces the client's for that
    call. ``max_retries`` is how often safe calls are retried (default 2, at most 10). ``None``
    keeps the library's default.

    One client may be shared by many threads. Ctrl-C interrupts a call of the main thread within
    about 50 ms. ``close()`` (or leaving a ``with`` block) cancels the calls in flight (they
    raise :class:`CancelledError`) and returns at once; the native client is freed when the
    last of them has returned. It is idempotent; calls after it raise
    :class:`ClientClosedError`. A client cannot be copied or pickled.
    """

    templates: Templates
    machines: Machines
    users: Users
    networks: Networks
    scripts: Scripts
    resource_delegations: ResourceDelegations

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
        self.templates = Templates(self)
        self.machines = Machines(self)
        self.users = Users(self)
        self.networks = Networks(self)
        self.scripts = Scripts(self)
        self.resource_delegations = ResourceDelegations(self)

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> Client:
        if self._native.closed:
            raise ClientClosedError("this paperspace_core.Client is closed")
        return self

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<paperspace_core.Client {self._base_url} {'closed' if self._native.closed else 'open'}>"

    def __copy__(self) -> NoReturn:
        refuse_copy(self)

    def __deepcopy__(self, memo: Dict[int, Any]) -> NoReturn:
        refuse_copy(self)

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        refuse_copy(self)

    @property
    def base_url(self) -> str:
        """The API's URL (scheme, host, port, path)."""
        return self._base_url

    @property
    def closed(self) -> bool:
        """True once ``close()`` was called."""
        return self._native.closed

    def close(self) -> None:
        """Cancels the calls in flight (they raise :class:`CancelledError`) and returns without
        waiting for them; the native client is freed once the last one has returned. Calling
        it again does nothing. Safe from a signal handler and from any thread."""
        self._native.close()

    def __del__(self) -> None:
        # A client nobody closed; never raises (e.g. at interpreter shutdown).
        try:
            native = self.__dict__.get("_native")
            if native is not None:
                native.close()
        except Exception:  # pragma: no cover
            pass

    @property
    def _in_flight(self) -> int:
        """How many calls are in flight (in the library or about to be)."""
        return self._native.in_flight

    # -- calls -----------------------------------------------------------------------------

    def _call(self, operation: str, params: Optional[Mapping[str, Any]], timeout: Optional[float]) -> Any:
        """One call with its parameters (none: ``None`` or empty): the hot path."""
        body = payload(operation, params)
        timeout_ms = None if timeout is None else millis("timeout", timeout, operation)
        if log_enabled():
            started = _perf_counter()
            status, text = self._native.call(NAMES[operation], body, timeout_ms)
            log_call(operation, status, text, started)
        else:
            status, text = self._native.call(NAMES[operation], body, timeout_ms)
        if status or text is None:
            return decode(status, text, operation)
        return _loads(text)

    def call(self, operation: str, params: Optional[Mapping[str, Any]] = None, *, timeout: Optional[float] = None) -> Any:
        """Runs an operation of the library by name (``"machines_show"``, ...; see
        ``ps_operations()``) with parameters under the API's own camelCase keys, and returns the
        decoded JSON result. The typed resource methods are the usual way; this is the escape
        hatch. An unknown name raises :class:`InvalidArgumentError` listing the known ones."""
        if not isinstance(operation, str):
            raise TypeError(f"operation must be a str, not {type(operation).__name__}")
        if operation not in NAMES:
            if "\0" in operation:
                raise invalid(f"operation names contain no NUL character: {operation!r}", operation)
            # The library's own refusal, which lists the known names.
            status, text = self._native.call(operation.encode("utf-8", "surrogatepass"), None, None)
            return decode(status, text, operation)
        return wrap_result(operation, self._call(operation, params, timeout))
