"""The client: configuration, the one call path into the C ABI, and the three resources."""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Mapping
from ctypes import byref, c_void_p, string_at
from types import TracebackType
from typing import Any, Callable, List, Sequence, cast

from . import _ffi
from ._errors import ClientClosedError, InvalidArgumentError, PaperspaceError, error_class
from ._ffi import lib, status_name, take_string
from ._types import NULL, Availability, Filter, Machine, NullType, Template, User

__all__ = ["Client", "Templates", "Machines", "Users"]

# Module-level names: inside the resource classes `list` is the method.
TemplateList = List[Template]
MachineList = List[Machine]
UserList = List[User]

_FUNCTIONS = _ffi.FUNCTIONS
# JSON string quoting, as the C JSON encoder does it (ASCII only).
_quote: Callable[[str], str] = json.encoder.encode_basestring_ascii  # type: ignore[attr-defined,unused-ignore]
_join = "".join
_loads = json.loads
_string_at = string_at
_string_free = lib.ps_string_free

# How often the thread that called wait() wakes up to notice Ctrl-C (seconds).
_WAKE_UP = 0.1


def _raise_for(status: int, text: bytes | None, operation: str) -> PaperspaceError:
    """The exception for a failed call, from its error JSON (one json.loads). A NULL error
    string falls back to ``ps_status_name``."""
    name = status_name(status)
    if text is None:
        return error_class(status, None)(name, code=status, kind=name, operation=operation)
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raw = text.decode("utf-8", "replace")
        return error_class(status, None)(raw, code=status, kind=name, operation=operation)
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


def _result(status: int, text: bytes | None, operation: str) -> Any:
    if status != 0:
        raise _raise_for(status, text, operation)
    if text is None:  # the ABI always sets a string; never seen
        raise error_class(98, None)(
            "the library returned no result", code=98, kind="internal", operation=operation
        )
    return json.loads(text)


def _invalid(message: str, operation: str) -> InvalidArgumentError:
    return InvalidArgumentError(message, code=1, kind="invalid_argument", operation=operation)


class _Refused(TypeError):
    """A value the JSON encoder cannot take; re-raised as a TypeError naming the operation."""


def _refuse(value: object) -> Any:
    if isinstance(value, NullType):
        raise _Refused("NULL is only accepted as a list filter value")
    raise _Refused(f"a {type(value).__name__} is not a JSON value (use str, int, float, bool, None, list or dict)")


def _encode_checked(operation: str, params: Mapping[str, Any]) -> bytes:
    """The reference encoding, with the circular-reference check (what ``_encode`` falls back
    to when the fast encoder recursed too deep)."""
    try:
        return json.dumps(params, allow_nan=False, default=_refuse, separators=(",", ":")).encode("ascii")
    except _Refused as exc:
        raise TypeError(f"{operation}: {exc}") from None
    except ValueError as exc:  # NaN/infinity, circular references
        raise _invalid(f"{operation}: {exc}", operation) from None


def _fast_encoder() -> Callable[[Any, int], Sequence[str]]:
    """One JSON encoder for every call: compact separators, ASCII only, no NaN, ``_refuse`` for
    anything else. ``json.dumps`` builds an encoder (and a C encoder) on every call; this is
    the C encoder built once, without the circular-reference bookkeeping (a cycle recurses
    until RecursionError, and ``_encode`` then asks ``_encode_checked`` for the real error).
    Falls back to a ``JSONEncoder`` when the interpreter has no C encoder with that signature."""
    encoder = json.JSONEncoder(allow_nan=False, separators=(",", ":"), default=_refuse, check_circular=False)
    fallback: Callable[[Any, int], Sequence[str]] = lambda value, _level: (encoder.encode(value),)  # noqa: E731
    try:
        from json.encoder import c_make_encoder, encode_basestring_ascii  # type: ignore[attr-defined,unused-ignore]

        if c_make_encoder is None:
            return fallback
        fast: Callable[[Any, int], Sequence[str]] = c_make_encoder(
            None, _refuse, encode_basestring_ascii, None, ":", ",", False, False, False
        )
        sample = {"a": [1, -2.5, 1e300, True, False, None, "\u00e9\n\"\\"], "b": {"c": {}}, "d": []}
        if "".join(fast(sample, 0)) != json.dumps(sample, separators=(",", ":")):
            return fallback
        return fast
    except Exception:  # pragma: no cover - another interpreter's json
        return fallback


_fast = _fast_encoder()


def _encode(operation: str, params: Mapping[str, Any]) -> bytes:
    """Parameters as the NUL-free ASCII JSON the ABI reads (non-ASCII is \\u-escaped)."""
    try:
        return "".join(_fast(params, 0)).encode("ascii")
    except _Refused as exc:
        raise TypeError(f"{operation}: {exc}") from None
    except ValueError as exc:  # NaN/infinity
        raise _invalid(f"{operation}: {exc}", operation) from None
    except RecursionError:  # a circular reference, or nesting too deep for json anyway
        return _encode_checked(operation, params)


def _payload(operation: str, params: Mapping[str, Any] | None) -> bytes | None:
    """The ABI's ``params_json``: NULL (read as ``{}``) for no parameters."""
    if params is None or (type(params) is dict and not params):
        return None
    return _encode(operation, params)


def _given(**pairs: Any) -> dict[str, Any]:
    """The parameters that were given (``None`` means "not given")."""
    return {key: value for key, value in pairs.items() if value is not None}


def _filters(**pairs: Any) -> dict[str, Any]:
    """Filter parameters: ``None`` is "not given", :data:`NULL` matches JSON null."""
    return {key: (None if value is NULL else value) for key, value in pairs.items() if value is not None}


def _millis(name: str, seconds: float | None, operation: str) -> int | None:
    """Seconds (int or float) to the whole milliseconds of the ABI, rounded up."""
    if seconds is None:
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{name} must be a number of seconds, not {type(seconds).__name__}")
    if not math.isfinite(seconds):
        raise _invalid(f"{name} must be a finite number of seconds, not {seconds!r}", operation)
    return math.ceil(round(seconds * 1000, 6))


class _Cancel:
    """A ``ps_cancel`` that may be triggered from any thread until the wait using it frees it."""

    __slots__ = ("_lock", "ptr")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.ptr: Any = lib.ps_cancel_new()

    def trigger(self) -> None:
        with self._lock:
            if self.ptr:
                lib.ps_cancel_trigger(self.ptr)

    def free(self) -> None:
        with self._lock:
            ptr, self.ptr = self.ptr, None
        if ptr:
            lib.ps_cancel_free(ptr)


class Client:
    """A Paperspace Core API client.

    ``api_key`` defaults to the ``PAPERSPACE_API_KEY`` environment variable and ``base_url`` to
    ``PAPERSPACE_API_HOST``, else ``https://api.paperspace.io`` (plain ``http://`` is accepted
    for loopback hosts only, e.g. the emulator). ``timeout`` bounds each HTTP call and
    ``connect_timeout`` establishing a connection, in seconds (defaults 30 and 10);
    ``max_retries`` is how often safe calls are retried (default 2, at most 10). ``None`` keeps
    the library's default.

    One client may be shared by many threads: calls do not block each other. ``close()`` (or
    leaving a ``with`` block) cancels the waits in flight, waits for the other calls in flight
    to return, then frees the client; it is idempotent, and calls after it raise
    :class:`ClientClosedError`.
    """

    templates: Templates
    machines: Machines
    users: Users

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        timeout: float | None = None,
        connect_timeout: float | None = None,
        max_retries: int | None = None,
        user_agent: str | None = None,
    ) -> None:
        self._ptr: Any = None
        # Calls in flight: one item each in _calls (list.append and list.pop are atomic). A
        # call appends, then reads _closed; close() sets _closed, then reads _calls until it
        # is empty. Each side writes before it reads, with a lock operation in between (the
        # list's own, or _lock's release), so either the call sees _closed or close() sees the
        # call and waits for it; and a call takes no lock on its way in or out (a Lock taken
        # twice per call costs more). _lock guards _closed, _waits and the pointer; close()
        # alone waits on its Condition, notified only once the client is closed.
        self._calls: list[None] = []
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._closed = False
        self._waits: set[_Cancel] = set()
        config = _given(
            apiKey=api_key,
            baseUrl=base_url,
            timeoutMs=_millis("timeout", timeout, "client_new"),
            connectTimeoutMs=_millis("connect_timeout", connect_timeout, "client_new"),
            maxRetries=max_retries,
            userAgent=user_agent,
        )
        payload = _payload("client_new", config)
        ptr = _ffi.ClientPtr()
        out = c_void_p()
        try:
            status = lib.ps_client_new(payload, byref(ptr), byref(out))
        finally:
            text = take_string(out)
        if status != 0:
            raise _raise_for(status, text, "client_new")
        self._ptr = ptr
        self.templates = Templates(self)
        self.machines = Machines(self)
        self.users = Users(self)

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<paperspace_core.Client {'closed' if self._closed else 'open'}>"

    @property
    def closed(self) -> bool:
        """True once ``close()`` was called."""
        return self._closed

    def close(self) -> None:
        """Frees the client. Waits in flight are cancelled (they raise :class:`CancelledError`);
        other calls in flight are waited for. Calling it again does nothing."""
        with self._lock:
            self._closed = True
            for cancel in self._waits:
                cancel.trigger()
        with self._idle:
            while self._calls:
                self._idle.wait()
            ptr, self._ptr = self._ptr, None
        if ptr:
            lib.ps_client_free(ptr)

    def __del__(self) -> None:
        # Safety net for a client nobody closed; never raises (e.g. at interpreter shutdown).
        try:
            ptr = self.__dict__.get("_ptr")
            if ptr and not self._in_flight:
                self._ptr = None
                lib.ps_client_free(ptr)
        except Exception:  # pragma: no cover
            pass

    @property
    def _in_flight(self) -> int:
        """How many calls are in flight (in the library or about to be)."""
        return len(self._calls)

    def _enter(self, cancel: _Cancel | None = None) -> Any:
        with self._lock:
            if self._closed:
                raise ClientClosedError("this paperspace_core.Client is closed")
            self._calls.append(None)
            if cancel is not None:
                self._waits.add(cancel)
            return self._ptr

    def _leave(self, cancel: _Cancel | None = None) -> None:
        with self._lock:
            self._calls.pop()
            if cancel is not None:
                self._waits.discard(cancel)
            if self._closed and not self._calls:
                self._idle.notify_all()

    def _wake_closer(self) -> None:
        """Tells close() that the last call in flight has returned."""
        with self._idle:
            self._idle.notify_all()

    # -- calls -----------------------------------------------------------------------------

    def _call(self, operation: str, params: Mapping[str, Any] | None) -> Any:
        """One operation: ``params`` (``None`` or ``{}`` for none) encoded once, then ``_send``."""
        if params is None or (type(params) is dict and not params):
            return self._send(operation, None)
        return self._send(operation, _encode(operation, params))

    def _send(self, operation: str, payload: bytes | None) -> Any:
        """The foreign call with its JSON (``None``: no parameters), the answer copied out once
        and decoded by one ``json.loads``. This is the hot path: what ``_enter``/``_leave``/
        ``take_string``/``_result`` do, inlined."""
        fn = _FUNCTIONS[operation]
        calls = self._calls
        calls.append(None)  # first in flight, then the check: see __init__
        try:
            if self._closed:
                raise ClientClosedError("this paperspace_core.Client is closed")
            out = c_void_p()
            text = None
            try:
                status = fn(self._ptr, payload, out)  # a c_void_p for a c_void_p*: ctypes passes byref
            finally:
                address = out.value
                if address:
                    try:
                        text = _string_at(address)
                    finally:
                        _string_free(address)
        finally:
            calls.pop()
            if self._closed and not calls:
                self._wake_closer()
        if status or text is None:
            return _result(status, text, operation)
        # Decoded here rather than by json.loads, whose bytes path first guesses the encoding in
        # Python; the library's strings are always UTF-8 (what json.loads would pick too).
        return _loads(text.decode("utf-8", "surrogatepass"))

    def _wait(self, params: Mapping[str, Any] | None) -> Any:
        """``ps_machines_wait_cancellable`` in a worker thread, so that this thread stays
        responsive: on Ctrl-C (or any exception) the wait is cancelled and the exception
        re-raised once the worker has returned (within about 50 ms)."""
        operation = "machines_wait"
        payload = _payload(operation, params)
        cancel = _Cancel()
        try:
            ptr = self._enter(cancel)
        except BaseException:
            cancel.free()
            raise
        outcome: list[tuple[int, bytes | None]] = []
        # Completion is signalled with an Event, not observed with Thread.join: a join that a
        # KeyboardInterrupt interrupts can mark a still-running thread as stopped.
        done = threading.Event()

        def work() -> None:
            try:
                out = c_void_p()
                try:
                    status = lib.ps_machines_wait_cancellable(ptr, payload, cancel.ptr, byref(out))
                finally:
                    text = take_string(out)
                outcome.append((status, text))
            finally:
                cancel.free()
                self._leave(cancel)
                done.set()

        worker = threading.Thread(target=work, name="paperspace-wait", daemon=True)
        try:
            worker.start()
        except BaseException:
            cancel.free()
            self._leave(cancel)
            raise
        try:
            while not done.wait(_WAKE_UP):
                pass
        except BaseException:
            cancel.trigger()
            _finish_quietly(done, worker)
            raise
        worker.join()
        if not outcome:  # the worker died without a status (cannot happen short of a bug)
            raise error_class(98, None)(
                "the wait's worker thread ended without a result", code=98, kind="internal", operation=operation
            )
        return _result(*outcome[0], operation)

    def call(self, operation: str, params: Mapping[str, Any] | None = None) -> Any:
        """Runs an operation of the C ABI by name (``"machines_show"``, ...) with parameters
        under the API's own camelCase keys, and returns the decoded JSON result. The typed
        resource methods are the usual way; this is the escape hatch."""
        if operation not in _ffi.OPERATIONS:
            raise ValueError(f"unknown operation {operation!r}; one of {', '.join(_ffi.OPERATIONS)}")
        if operation == "machines_wait":
            return self._wait(params)
        return self._call(operation, params)


def _finish_quietly(done: threading.Event, worker: threading.Thread) -> None:
    """Waits for a cancelled wait's worker (about 50 ms, or the end of the HTTP poll in
    flight); a second Ctrl-C stops waiting for it (the worker then cleans up by itself)."""
    try:
        while not done.wait(_WAKE_UP):
            pass
        worker.join()
    except KeyboardInterrupt:
        pass


class _Resource:
    __slots__ = ("_client",)

    def __init__(self, client: Client) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<paperspace_core.{type(self).__name__} of {self._client!r}>"


class Templates(_Resource):
    """``client.templates``."""

    __slots__ = ()

    def list(
        self,
        *,
        id: Filter[str] = None,
        name: Filter[str] = None,
        label: Filter[str] = None,
        os: Filter[str] = None,
        dt_created: Filter[str] = None,
        team_id: Filter[str] = None,
        user_id: Filter[str] = None,
        region: Filter[str] = None,
    ) -> TemplateList:
        """Templates matching every given filter exactly (``NULL`` matches null)."""
        if (
            id is None
            and name is None
            and label is None
            and os is None
            and dt_created is None
            and team_id is None
            and user_id is None
            and region is None
        ):
            result: TemplateList = self._client._send("templates_list", None)
            return result
        params = _filters(
            id=id, name=name, label=label, os=os, dtCreated=dt_created, teamId=team_id, userId=user_id, region=region
        )
        return cast(TemplateList, self._client._call("templates_list", params))


class Machines(_Resource):
    """``client.machines``."""

    __slots__ = ()

    def create(
        self,
        *,
        region: str,
        machine_type: str,
        size: int,
        billing_type: str,
        machine_name: str,
        template_id: str,
        assign_public_ip: bool | None = None,
        dynamic_public_ip: bool | None = None,
        start_on_create: bool | None = None,
        network_id: str | None = None,
        team_id: str | None = None,
        user_id: str | None = None,
        email: str | None = None,
        password: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        notification_email: str | None = None,
        script_id: str | None = None,
        take_initial_snapshot: bool | None = None,
        mark_snapshot_as_restore_point: bool | None = None,
        restore_point_frequency: str | None = None,
        enable_nvlink: bool | None = None,
    ) -> Machine:
        """Creates a machine (never retried once sent) and returns it, usually in state
        ``provisioning``: follow with :meth:`wait`. With the new-user fields (``email``,
        ``password``, ``first_name``, ``last_name``) a failure's ``details`` say whether the
        user was created anyway: ``{"userCreated": True/False/None, "user": ..., "response":
        ...}``."""
        if (
            assign_public_ip is None
            and dynamic_public_ip is None
            and start_on_create is None
            and network_id is None
            and team_id is None
            and user_id is None
            and email is None
            and password is None
            and first_name is None
            and last_name is None
            and notification_email is None
            and script_id is None
            and take_initial_snapshot is None
            and mark_snapshot_as_restore_point is None
            and restore_point_frequency is None
            and enable_nvlink is None
            and type(region) is str
            and type(machine_type) is str
            and type(size) is int
            and type(billing_type) is str
            and type(machine_name) is str
            and type(template_id) is str
        ):
            # The usual create, encoded exactly as the JSON encoder would, without it (one join
            # is cheaper than a % format, and both than the encoder).
            payload = _join(
                (
                    '{"region":',
                    _quote(region),
                    ',"machineType":',
                    _quote(machine_type),
                    ',"size":',
                    repr(size),
                    ',"billingType":',
                    _quote(billing_type),
                    ',"machineName":',
                    _quote(machine_name),
                    ',"templateId":',
                    _quote(template_id),
                    "}",
                )
            ).encode("ascii")
            machine: Machine = self._client._send("machines_create", payload)
            return machine
        # Built by hand rather than with _given(**22 keywords).
        params: dict[str, Any] = {
            "region": region,
            "machineType": machine_type,
            "size": size,
            "billingType": billing_type,
            "machineName": machine_name,
            "templateId": template_id,
        }
        if (
            region is None
            or machine_type is None
            or size is None
            or billing_type is None
            or machine_name is None
            or template_id is None
        ):
            params = {key: value for key, value in params.items() if value is not None}
        if assign_public_ip is not None:
            params["assignPublicIp"] = assign_public_ip
        if dynamic_public_ip is not None:
            params["dynamicPublicIp"] = dynamic_public_ip
        if start_on_create is not None:
            params["startOnCreate"] = start_on_create
        if network_id is not None:
            params["networkId"] = network_id
        if team_id is not None:
            params["teamId"] = team_id
        if user_id is not None:
            params["userId"] = user_id
        if email is not None:
            params["email"] = email
        if password is not None:
            params["password"] = password
        if first_name is not None:
            params["firstName"] = first_name
        if last_name is not None:
            params["lastName"] = last_name
        if notification_email is not None:
            params["notificationEmail"] = notification_email
        if script_id is not None:
            params["scriptId"] = script_id
        if take_initial_snapshot is not None:
            params["takeInitialSnapshot"] = take_initial_snapshot
        if mark_snapshot_as_restore_point is not None:
            params["markSnapshotAsRestorePoint"] = mark_snapshot_as_restore_point
        if restore_point_frequency is not None:
            params["restorePointFrequency"] = restore_point_frequency
        if enable_nvlink is not None:
            params["enableNvlink"] = enable_nvlink
        return cast(Machine, self._client._call("machines_create", params))

    def availability(self, *, region: str, machine_type: str) -> Availability:
        """Whether a dedicated-GPU type (``GPU+``, ``P4000``, ``P5000``, ``P6000``, ``V100``)
        can currently be requested in a region: ``{"available": bool}``."""
        params = _given(region=region, machineType=machine_type)
        return cast(Availability, self._client._call("machines_availability", params))

    def show(self, machine_id: str) -> Machine:
        """One machine with its last 10 events (``events``, newest first)."""
        return cast(Machine, self._client._call("machines_show", _given(machineId=machine_id)))

    def list(
        self,
        *,
        machine_id: Filter[str] = None,
        name: Filter[str] = None,
        os: Filter[str] = None,
        ram: Filter[str] = None,
        cpus: Filter[int] = None,
        gpu: Filter[str] = None,
        storage_total: Filter[str] = None,
        storage_used: Filter[str] = None,
        usage_rate: Filter[str] = None,
        shutdown_timeout_in_hours: Filter[int] = None,
        perform_auto_snapshot: Filter[bool] = None,
        auto_snapshot_frequency: Filter[str] = None,
        auto_snapshot_save_count: Filter[int] = None,
        agent_type: Filter[str] = None,
        dt_created: Filter[str] = None,
        state: Filter[str] = None,
        updates_pending: Filter[bool] = None,
        network_id: Filter[str] = None,
        private_ip_address: Filter[str] = None,
        public_ip_address: Filter[str] = None,
        region: Filter[str] = None,
        user_id: Filter[str] = None,
        team_id: Filter[str] = None,
        script_id: Filter[str] = None,
        dt_last_run: Filter[str] = None,
        limit: int | None = None,
        skip: int | None = None,
    ) -> MachineList:
        """Machines matching every given filter exactly (``NULL`` matches null), paged by
        ``limit`` (at least 1) and ``skip``. ``ram``, ``storage_total`` and ``storage_used``
        are decimal strings, as the API sends them."""
        params = _filters(
            machineId=machine_id,
            name=name,
            os=os,
            ram=ram,
            cpus=cpus,
            gpu=gpu,
            storageTotal=storage_total,
            storageUsed=storage_used,
            usageRate=usage_rate,
            shutdownTimeoutInHours=shutdown_timeout_in_hours,
            performAutoSnapshot=perform_auto_snapshot,
            autoSnapshotFrequency=auto_snapshot_frequency,
            autoSnapshotSaveCount=auto_snapshot_save_count,
            agentType=agent_type,
            dtCreated=dt_created,
            state=state,
            updatesPending=updates_pending,
            networkId=network_id,
            privateIpAddress=private_ip_address,
            publicIpAddress=public_ip_address,
            region=region,
            userId=user_id,
            teamId=team_id,
            scriptId=script_id,
            dtLastRun=dt_last_run,
        )
        params.update(_given(limit=limit, skip=skip))
        return cast(MachineList, self._client._call("machines_list", params))

    def wait(
        self,
        machine_id: str,
        state: str,
        *,
        interval: float | None = None,
        timeout: float | None = None,
    ) -> Machine:
        """Polls the machine every ``interval`` seconds (default 5) until its state is
        ``state`` (``"off"``, ``"serviceready"`` or ``"ready"``, any case) and returns it as
        last shown. Raises :class:`MachineError` as soon as its newest event failed,
        :class:`TimeoutError` after ``timeout`` seconds (default 600), and on Ctrl-C cancels
        the wait and re-raises ``KeyboardInterrupt`` within about a second."""
        params = _given(
            machineId=machine_id,
            state=state,
            intervalMs=_millis("interval", interval, "machines_wait"),
            timeoutMs=_millis("timeout", timeout, "machines_wait"),
        )
        return cast(Machine, self._client._wait(params))

    def start(self, machine_id: str) -> None:
        """Starts a machine (a no-op on a running one); does not wait for it."""
        self._client._call("machines_start", _given(machineId=machine_id))

    def stop(self, machine_id: str) -> None:
        """Stops a machine (a no-op on a stopped one); does not wait for it."""
        self._client._call("machines_stop", _given(machineId=machine_id))

    def restart(self, machine_id: str) -> None:
        """Restarts a machine; does not wait for it."""
        self._client._call("machines_restart", _given(machineId=machine_id))

    def destroy(self, machine_id: str, release_public_ip: bool | None = None) -> None:
        """Destroys a machine and its snapshots (irreversible). ``release_public_ip=True``
        also releases its static public IP."""
        params = _given(machineId=machine_id, releasePublicIp=release_public_ip)
        self._client._call("machines_destroy", params)


class Users(_Resource):
    """``client.users``."""

    __slots__ = ()

    def list(
        self,
        *,
        id: Filter[str] = None,
        email: Filter[str] = None,
        first_name: Filter[str] = None,
        last_name: Filter[str] = None,
        dt_created: Filter[str] = None,
        team_id: Filter[str] = None,
    ) -> UserList:
        """The team's users matching every given filter exactly (``NULL`` matches null).
        ``first_name``/``last_name`` are the API's lower-case ``firstname``/``lastname``."""
        params = _filters(
            id=id, email=email, firstname=first_name, lastname=last_name, dtCreated=dt_created, teamId=team_id
        )
        return cast(UserList, self._client._call("users_list", params))

