"""Every exception class, provoked for real where the emulator can, with exact values."""

from __future__ import annotations

import builtins
import json
import pickle
import socket
import threading
import time
from typing import Any

import pytest
from paperspace_core.testing import ADMIN_KEY, MEMBER_KEY, Emulator
from helpers import AMS1, NY2, UBUNTU, create_c4

import paperspace_core as ps
from paperspace_core import _native

NOT_FOUND = "Not found. Please contact support@paperspace.com for help."
CAPACITY = "This machine type can't start due to insufficient capacity. Please try again later."


def api_body(status: int, message: str) -> dict[str, Any]:
    return {"error": {"message": message, "name": "Error", "status": status}}


def test_hierarchy() -> None:
    for value_error in (ps.InvalidArgumentError, ps.ValidationError):
        assert issubclass(value_error, ps.PaperspaceError) and issubclass(value_error, ValueError)
    assert issubclass(ps.TransportError, ConnectionError)
    assert issubclass(ps.PaperspaceTimeoutError, builtins.TimeoutError)
    assert ps.PaperspaceTimeoutError.__module__ == "paperspace_core._errors"
    # The former name, outside __all__.
    assert ps.TimeoutError is ps.PaperspaceTimeoutError  # type: ignore[attr-defined]
    for api_error in (ps.AuthenticationError, ps.NotFoundError, ps.RateLimitError, ps.ServerError):
        assert issubclass(api_error, ps.ApiError)
    for other in (ps.ConfigError, ps.ApiError, ps.DecodeError, ps.CancelledError, ps.MachineError, ps.InternalError):
        assert issubclass(other, ps.PaperspaceError)
    assert issubclass(ps.PaperspaceError, Exception)
    assert issubclass(ps.ClientClosedError, ValueError) and not issubclass(ps.ClientClosedError, ps.PaperspaceError)


def test_validation_reports_every_field(client: ps.Client, emulator: Emulator) -> None:
    before = emulator.requests("POST /machines/createSingleMachinePublic")
    with pytest.raises(ps.ValidationError) as caught:
        client.machines.create(
            region="Mars",  # type: ignore[arg-type]
            machine_type="C4",
            size=10,
            billing_type="weekly",  # type: ignore[arg-type]
            machine_name="",
            template_id=UBUNTU,
            assign_public_ip=True,
            dynamic_public_ip=True,
            email="not-an-address",
        )
    e = caught.value
    assert e.details == {
        "region": "must be one of 'East Coast (NY2)', 'West Coast (CA1)', or 'Europe (AMS1)'",
        "size": "must be between 50 and 2000 GB",
        "billingType": "must be one of 'monthly', or 'hourly'",
        "machineName": "must not be empty",
        "dynamicPublicIp": "cannot be used with assignPublicIp",
        "password": "is required when creating a new user",
        "firstName": "is required when creating a new user",
        "lastName": "is required when creating a new user",
        "email": "must be an email address",
    }
    assert (e.code, e.kind, e.http_status, e.operation) == (2, "validation", None, "machines_create")
    assert str(e).startswith("invalid parameters: ")
    assert "size must be between 50 and 2000 GB" in str(e)
    assert isinstance(e, ValueError)
    assert emulator.requests("POST /machines/createSingleMachinePublic") == before  # nothing sent


def test_validation_of_other_operations(client: ps.Client) -> None:
    with pytest.raises(ps.ValidationError) as caught:
        client.machines.availability(region=NY2, machine_type="C4")  # type: ignore[arg-type]
    assert caught.value.details == {"machineType": "must be one of 'GPU+', 'P4000', 'P5000', 'P6000', or 'V100'"}
    with pytest.raises(ps.ValidationError) as caught:
        client.machines.wait("ps1", "running", interval=0, timeout=90_000)  # type: ignore[arg-type]
    assert caught.value.details == {
        "state": "must be one of 'off', 'serviceready', or 'ready'",
        "intervalMs": "must be between 1 and 86400000 (24 hours)",
        "timeoutMs": "must be between 1 and 86400000 (24 hours)",
    }
    assert caught.value.operation == "machines_wait"
    with pytest.raises(ps.ValidationError) as caught:
        client.machines.list(limit=0, skip=-1)
    assert caught.value.details == {"limit": "must be at least 1", "skip": "must not be negative"}
    with pytest.raises(ps.ValidationError) as caught:
        client.machines.show("  ")
    assert caught.value.details == {"machineId": "must not be empty"}


def test_not_found(client: ps.Client) -> None:
    with pytest.raises(ps.NotFoundError) as caught:
        client.machines.show("psnothere")
    e = caught.value
    assert (e.code, e.kind, e.http_status, e.operation) == (6, "api", 404, "machines_show")
    assert e.message == str(e) == NOT_FOUND
    assert e.details == api_body(404, NOT_FOUND)
    assert isinstance(e, ps.ApiError)


def test_bad_key_is_an_authentication_error(emulator: Emulator) -> None:
    with ps.Client(api_key="not-a-key", base_url=emulator.url) as c:
        with pytest.raises(ps.AuthenticationError) as caught:
            c.templates.list()
    e = caught.value
    assert (e.http_status, e.message, e.operation) == (401, "Invalid API token", "templates_list")
    assert e.details == api_body(401, "Invalid API token")
    assert "not-a-key" not in repr(e) + str(e) + json.dumps(e.details)


def test_member_cannot_create(emulator: Emulator) -> None:
    message = "Only the team administrator can create machines; team members cannot create machines themselves"
    created = emulator.stats()["machinesCreated"]
    with ps.Client(api_key=MEMBER_KEY, base_url=emulator.url) as c:
        with pytest.raises(ps.AuthenticationError) as caught:
            create_c4(c, "py-member")
    assert (caught.value.http_status, caught.value.message) == (403, message)
    assert emulator.stats()["machinesCreated"] == created


def test_other_4xx_is_a_plain_api_error(client: ps.Client) -> None:
    with pytest.raises(ps.ApiError) as caught:
        client.machines.create(
            region=NY2, machine_type="Air", size=50, billing_type="hourly", machine_name="x", template_id=UBUNTU
        )
    e = caught.value
    assert type(e) is ps.ApiError
    message = "Ubuntu os templates cannot be used to create GRID GPU machine types: 'Air', 'Standard', 'Pro', or 'Advanced'"
    assert (e.http_status, e.message, e.details) == (400, message, api_body(400, message))


def test_rate_limit_without_retries(client: ps.Client, emulator: Emulator) -> None:
    emulator.add_faults(path="/templates/getTemplates", status=429)
    with pytest.raises(ps.RateLimitError) as caught:
        client.templates.list()
    assert (caught.value.http_status, caught.value.message) == (429, "Too Many Requests")
    assert caught.value.details == api_body(429, "Too Many Requests")


def test_safe_calls_are_retried(emulator: Emulator) -> None:
    emulator.add_faults(path="/templates/getTemplates", status=503, count=2)
    before = emulator.requests("GET /templates/getTemplates")
    with ps.Client(api_key=ADMIN_KEY, base_url=emulator.url, max_retries=2) as c:
        assert len(c.templates.list()) == 15
    assert emulator.requests("GET /templates/getTemplates") == before + 3


def test_server_error(client: ps.Client, emulator: Emulator) -> None:
    emulator.add_faults(path="/templates/getTemplates", status=503, count=3)
    with pytest.raises(ps.ServerError) as caught:
        client.templates.list()
    assert (caught.value.http_status, caught.value.message) == (503, "Service Unavailable")


def test_transport_error_to_a_closed_port() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with ps.Client(api_key="k", base_url=f"http://127.0.0.1:{port}", max_retries=0) as c:
        with pytest.raises(ps.TransportError) as caught:
            c.users.list()
    e = caught.value
    assert (e.code, e.kind, e.http_status, e.details, e.operation) == (4, "transport", None, None, "users_list")
    assert e.message == "connection refused"
    assert isinstance(e, ConnectionError)


def test_http_timeout(emulator: Emulator) -> None:
    emulator.add_faults(path="/templates/getTemplates", delayMs=2000)
    with ps.Client(api_key=ADMIN_KEY, base_url=emulator.url, max_retries=0, timeout=0.3) as c:
        started = time.monotonic()
        with pytest.raises(ps.PaperspaceTimeoutError) as caught:
            c.templates.list()
        elapsed = time.monotonic() - started
    assert (caught.value.code, caught.value.kind, caught.value.operation) == (5, "timeout", "templates_list")
    assert isinstance(caught.value, builtins.TimeoutError)
    assert 0.25 < elapsed < 1.5


def test_wait_timeout_details(client: ps.Client) -> None:
    machine = create_c4(client, "py-wait-timeout", start_on_create=False)
    client.machines.wait(machine["id"], "off", interval=0.05)
    with pytest.raises(ps.PaperspaceTimeoutError) as caught:
        client.machines.wait(machine["id"], "ready", interval=0.05, timeout=0.3)
    assert caught.value.details == {"machineId": machine["id"], "state": "off", "target": "ready"}
    assert caught.value.operation == "machines_wait"
    client.machines.destroy(machine["id"])


def test_decode_error(client: ps.Client, emulator: Emulator) -> None:
    emulator.add_faults(path="/machines/getMachines", action="garbage", status=200)
    with pytest.raises(ps.DecodeError) as caught:
        client.machines.list()
    e = caught.value
    assert (e.code, e.kind, e.http_status, e.details, e.operation) == (7, "decode", None, None, "machines_list")
    assert e.message.startswith("unexpected response at $")


def test_machine_error_when_capacity_runs_out(capacity_emulator: Emulator) -> None:
    with ps.Client(api_key=ADMIN_KEY, base_url=capacity_emulator.url) as c:
        machine = c.machines.create(
            region=AMS1, machine_type="C4", size=50, billing_type="hourly", machine_name="py-cap", template_id=UBUNTU
        )
        with pytest.raises(ps.MachineError) as caught:
            c.machines.wait(machine["id"], "ready", interval=0.02, timeout=10)
    e = caught.value
    assert (e.code, e.kind, e.operation) == (9, "machine_error", "machines_wait")
    assert e.details == {
        "machineId": machine["id"],
        "state": "off",
        "target": "ready",
        "event": {"name": "start", "state": "error", "errorMsg": CAPACITY},
    }
    assert e.message == f"machine {machine['id']}: the start event failed: {CAPACITY}"


def test_cancelled_when_the_client_closes_during_a_wait(client: ps.Client) -> None:
    machine = create_c4(client, "py-cancel", start_on_create=False)
    caught: list[BaseException] = []

    def wait() -> None:
        try:
            client.machines.wait(machine["id"], "ready", interval=0.05, timeout=60)
        except BaseException as exc:
            caught.append(exc)

    waiter = threading.Thread(target=wait)
    waiter.start()
    deadline = time.monotonic() + 5
    while not client._in_flight:  # until the wait is in the library
        assert time.monotonic() < deadline
        time.sleep(0.01)
    time.sleep(0.1)
    started = time.monotonic()
    client.close()
    waiter.join(5)
    assert time.monotonic() - started < 1.0
    assert len(caught) == 1 and isinstance(caught[0], ps.CancelledError)
    e = caught[0]
    assert (e.code, e.kind, e.message, e.operation) == (8, "cancelled", "the call was cancelled", "machines_wait")


def test_config_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAPERSPACE_API_KEY", raising=False)
    with pytest.raises(ps.ConfigError) as caught:
        ps.Client(base_url="http://127.0.0.1:1")
    e = caught.value
    assert (e.code, e.kind, e.operation) == (3, "config", "client_new")
    assert e.message == "no API key: set apiKey in the config or the PAPERSPACE_API_KEY environment variable"
    with pytest.raises(ps.ConfigError, match="maxRetries must be between 0 and 10"):
        ps.Client(api_key="k", base_url="http://127.0.0.1:1", max_retries=11)
    with pytest.raises(ps.ConfigError):
        ps.Client(api_key="k", base_url="http://example.com")  # plain http only for loopback
    with pytest.raises(ps.ConfigError):
        ps.Client(api_key="k\n", base_url="http://127.0.0.1:1")


def test_key_from_the_environment(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERSPACE_API_KEY", ADMIN_KEY)
    monkeypatch.setenv("PAPERSPACE_API_HOST", emulator.url)
    with ps.Client() as c:
        assert [u["id"] for u in c.users.list(email="admin@example.com")] == ["uq8w3kz5"]


NEW_USER = {"email": "py-new@example.com", "password": "Sup3r-s3cret-pw", "first_name": "Py", "last_name": "New"}


def test_failed_create_reports_the_new_user(client: ps.Client, emulator: Emulator) -> None:
    emulator.add_faults(path="/machines/createSingleMachinePublic", stage="afterUserCreated", status=500)
    with pytest.raises(ps.ServerError) as caught:
        create_c4(client, "py-new-user", **NEW_USER)
    e = caught.value
    assert e.http_status == 500 and e.operation == "machines_create"
    assert e.details["userCreated"] is True
    assert e.details["user"]["email"] == "py-new@example.com"
    assert (e.details["user"]["firstname"], e.details["user"]["lastname"]) == ("Py", "New")
    assert e.details["response"] == api_body(500, "Internal Server Error")
    password = NEW_USER["password"]
    everything = str(e) + repr(e) + json.dumps(e.details) + repr(e.args) + str(pickle.loads(pickle.dumps(e)).details)
    assert password not in everything
    assert client.users.list(email="py-new@example.com")[0]["id"] == e.details["user"]["id"]


def test_failed_create_before_the_user_exists(client: ps.Client, emulator: Emulator) -> None:
    emulator.add_faults(path="/machines/createSingleMachinePublic", status=502)
    with pytest.raises(ps.ServerError) as caught:
        create_c4(client, "py-no-user", **dict(NEW_USER, email="py-nobody@example.com"))
    assert caught.value.details == {
        "userCreated": False,
        "user": None,
        "response": api_body(502, "Bad Gateway"),
    }
    assert NEW_USER["password"] not in repr(caught.value) + json.dumps(caught.value.details)


def test_error_mapping_fallbacks() -> None:
    internal = _native.error_for(98, None, "machines_show")
    assert type(internal) is ps.InternalError
    assert (internal.kind, internal.message, internal.operation) == ("internal", "internal", "machines_show")
    panic = _native.error_for(99, '{"code":99,"kind":"panic","message":"panic inside the library: x"}', "op")
    assert type(panic) is ps.InternalError and panic.message == "panic inside the library: x"
    unknown = _native.error_for(42, None, "users_list")
    assert type(unknown) is ps.PaperspaceError and (unknown.code, unknown.kind) == (42, "unknown")
    gateway = _native.error_for(6, '{"code":6,"kind":"api","message":"m","httpStatus":504,"details":null}', "op")
    assert type(gateway) is ps.ServerError and gateway.http_status == 504
    forbidden = _native.error_for(6, '{"code":6,"kind":"api","message":"m","httpStatus":403}', "op")
    assert type(forbidden) is ps.AuthenticationError
    not_json = _native.error_for(4, "oops", "op")
    assert type(not_json) is ps.TransportError and not_json.message == "oops"


def test_errors_pickle_and_repr() -> None:
    e = ps.NotFoundError("gone", code=6, kind="api", http_status=404, details={"a": 1}, operation="machines_show")
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is ps.NotFoundError
    assert (back.message, back.code, back.kind, back.http_status, back.details, back.operation) == (
        "gone",
        6,
        "api",
        404,
        {"a": 1},
        "machines_show",
    )
    assert repr(e) == (
        "NotFoundError(kind='api', code=6, http_status=404, operation='machines_show', message='gone')"
    )
    timeout = ps.PaperspaceTimeoutError("slow", code=5, kind="timeout")
    assert isinstance(pickle.loads(pickle.dumps(timeout)), builtins.TimeoutError)
