"""Bad arguments: refused in Python (TypeError) or by the library (InvalidArgumentError), and
never sent to the server."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from types import MappingProxyType
from typing import Any

import pytest
from paperspace_core.testing import ADMIN_KEY, Emulator
from helpers import NY2, UBUNTU

import paperspace_core as ps


@pytest.fixture
def nothing_sent(emulator: Emulator) -> Iterator[None]:
    """Fails the test if any API request reached the emulator."""
    before = sum(emulator.stats()["requests"].values())
    yield
    assert sum(emulator.stats()["requests"].values()) == before


def create_args(**changes: Any) -> dict[str, Any]:
    args: dict[str, Any] = dict(
        region=NY2, machine_type="C4", size=50, billing_type="hourly", machine_name="x", template_id=UBUNTU
    )
    args.update(changes)
    return args


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.templates.list(labell="x"),
        lambda c: c.templates.list(teamId="x"),  # camelCase is not the Python name
        lambda c: c.users.list(firstname="Ada"),
        lambda c: c.machines.list(machineId="ps1"),
        lambda c: c.machines.create(**create_args(machineType="C4")),
        lambda c: c.machines.show("ps1", "ps2"),
        lambda c: c.machines.wait("ps1", "ready", 5.0),  # interval is keyword-only
        lambda c: c.machines.availability(region=NY2),  # machine_type is required
        lambda c: c.machines.create(region=NY2),
        lambda c: c.machines.destroy("ps1", release_ip=True),
    ],
)
def test_unknown_or_missing_keywords_raise_type_error(
    client: ps.Client, nothing_sent: None, call: Callable[[ps.Client], object]
) -> None:
    with pytest.raises(TypeError):
        call(client)


def test_wrong_json_types_are_invalid_arguments(client: ps.Client, nothing_sent: None) -> None:
    with pytest.raises(ps.InvalidArgumentError) as caught:
        client.machines.create(**create_args(size="50"))
    e = caught.value
    assert (e.code, e.kind, e.operation, e.http_status, e.details) == (
        1,
        "invalid_argument",
        "machines_create",
        None,
        None,
    )
    assert e.message.startswith('params: invalid type: string "50", expected an integer')
    assert isinstance(e, ValueError)
    with pytest.raises(ps.InvalidArgumentError, match="expected a boolean"):
        client.machines.create(**create_args(assign_public_ip="yes"))
    with pytest.raises(ps.InvalidArgumentError, match="invalid type"):
        client.machines.list(cpus="2")  # type: ignore[arg-type]
    with pytest.raises(ps.InvalidArgumentError, match="invalid type"):
        client.machines.show(42)  # type: ignore[arg-type]
    with pytest.raises(ps.InvalidArgumentError, match="invalid type"):
        client.templates.list(id=["t04azgph"])  # type: ignore[arg-type]


def test_values_that_are_not_json_raise_type_error(client: ps.Client, nothing_sent: None) -> None:
    with pytest.raises(TypeError, match="a set is not a JSON value"):
        client.templates.list(id={"t04azgph"})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="a bytes is not a JSON value"):
        client.machines.show(b"ps1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="NULL is only accepted as a list filter value"):
        client.machines.create(**create_args(network_id=ps.NULL))


def test_unencodable_values_are_invalid_arguments(client: ps.Client, nothing_sent: None) -> None:
    with pytest.raises(ps.InvalidArgumentError, match="Out of range float values"):
        client.machines.list(cpus=float("nan"))  # type: ignore[arg-type]
    with pytest.raises(ps.InvalidArgumentError, match="surrogate"):
        client.machines.show("ps\udc80")


def test_seconds_are_checked_and_converted(client: ps.Client, nothing_sent: None) -> None:
    with pytest.raises(TypeError, match="timeout must be a number of seconds, not str"):
        ps.Client(api_key=ADMIN_KEY, base_url="http://127.0.0.1:1", timeout="3")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="interval must be a number of seconds, not bool"):
        client.machines.wait("ps1", "ready", interval=True)
    with pytest.raises(ps.InvalidArgumentError, match="connect_timeout must be a finite, non-negative number of seconds, not inf"):
        ps.Client(api_key=ADMIN_KEY, base_url="http://127.0.0.1:1", connect_timeout=float("inf"))
    with pytest.raises(ps.ConfigError, match="timeoutMs"):
        ps.Client(api_key=ADMIN_KEY, base_url="http://127.0.0.1:1", timeout=0)
    with pytest.raises(ps.ValidationError) as caught:
        client.machines.wait("ps1", "ready", interval=86_400.001)
    assert caught.value.details == {"intervalMs": "must be between 1 and 86400000 (24 hours)"}
    # 0.0001 s rounds up to 1 ms rather than down to an invalid 0.
    ps.Client(api_key=ADMIN_KEY, base_url="http://127.0.0.1:1", timeout=0.0001).close()


def test_config_types_are_checked_by_the_library() -> None:
    with pytest.raises(ps.InvalidArgumentError) as caught:
        ps.Client(api_key=123, base_url="http://127.0.0.1:1")  # type: ignore[arg-type]
    assert caught.value.operation == "client_new"
    assert caught.value.message.startswith("config: invalid type: a secret must be a string (value not shown)")


def test_circular_and_empty_params(client: ps.Client, nothing_sent: None) -> None:
    loop: dict[str, Any] = {}
    loop["self"] = loop
    with pytest.raises(ps.InvalidArgumentError, match="Circular reference"):
        client.call("machines_show", {"machineId": "ps1", "x": [loop]})
    with pytest.raises(TypeError, match="a mappingproxy is not a JSON value"):
        client.call("templates_list", MappingProxyType({}))


def test_create_sends_exactly_the_json_encoders_bytes() -> None:
    """machines.create sends exactly the bytes the JSON encoder gives (escapes, non-ASCII, NUL,
    big numbers), compact and ASCII."""
    from paperspace_core import _encode

    keys = ("region", "machineType", "size", "billingType", "machineName", "templateId")
    sent: list[bytes | None] = []

    class Recorder:  # in place of the native client: what the library would be handed
        def call(self, name: bytes, body: bytes | None, timeout_ms: int | None) -> tuple[int, str]:
            sent.append(body)
            return 0, '{"id": "ps1"}'

    with ps.Client(api_key="k", base_url="http://127.0.0.1:1") as recorder:
        native, recorder._native = recorder._native, Recorder()  # type: ignore[assignment]
        for values in [
            (NY2, "C4", 50, "hourly", "x", UBUNTU),
            ('q"uote\\', "\u00e9\u2603\U0001f600", 10**30, "\x00\n\t\x1f", "ps\udc80", ""),
            ("a", "b", -1, "c", "d", "e"),
        ]:
            r, mt, size, bt, mn, ti = values
            assert isinstance(size, int)
            recorder.machines.create(
                region=r, machine_type=mt, size=size, billing_type=bt, machine_name=mn, template_id=ti  # type: ignore[arg-type]
            )
            params = dict(zip(keys, values))
            assert sent[-1] == _encode.encode("machines_create", params)
            assert sent[-1] == json.dumps(params, separators=(",", ":")).encode("ascii")
        recorder._native = native
