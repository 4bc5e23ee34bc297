"""The operations beyond the first eleven. The first tests queue a fault that answers with a
fixed body (faults strike before routing), so they check the request the binding sent (method
and path, counted by the emulator) and the result, value for value; the last ones run against
the emulator's own implementation of each endpoint."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pydantic
import pytest
from helpers import NY2, create_c4

import paperspace_core as ps
from paperspace_core.testing import Emulator

NETWORK = {
    "id": "n123abc",
    "name": "team net",
    "region": NY2,
    "dtCreated": "2019-07-04T19:21:50.506Z",
    "network": "10.64.21.0",
    "netmask": "255.255.255.0",
    "teamId": "tekq7vm2d",
}
SCRIPT = {
    "id": "sc123abc",
    "ownerType": "user",
    "ownerId": "uq8w3kz5",
    "name": "boot",
    "description": "starts nginx",
    "dtCreated": "2019-07-04T19:21:50.506Z",
    "isEnabled": True,
    "runOnce": False,
}
UTILIZATION = {
    "machineId": "ps123abc",
    "utilization": {"machineId": "ps123abc", "secondsUsed": 3600.5, "hourlyRate": "0.40", "billingMonth": "2019-07"},
    "storageUtilization": {"machineId": "ps123abc", "secondsUsed": 7200, "monthlyRate": "5.00", "billingMonth": "2019-07"},
}
TOKEN = "dlg-7f3c9e2a-secret-token"
DELEGATION = [
    {
        "delegation": {"machine": {"ids": ["ps123abc"]}},
        "isEnabled": True,
        "accessTokenId": TOKEN,
        "dtCreated": "2019-07-04T19:21:50.506Z",
        "id": 42,
    }
]


def answer(emulator: Emulator, method: str, path: str, body: Any, status: int = 200) -> str:
    """Queues the API's answer for one request; returns the stats key of that request."""
    fault: dict[str, Any] = {"method": method, "path": path, "status": status}
    fault["body"] = "" if body is None else json.dumps(body)
    if body is not None:
        fault["headers"] = {"Content-Type": "application/json"}
    emulator.add_faults(fault)
    return f"{method} {path}"


def test_networks_list(client: ps.Client, emulator: Emulator) -> None:
    key = answer(emulator, "GET", "/networks/getNetworks", [NETWORK])
    assert client.networks.list(region=NY2, netmask="255.255.255.0") == [NETWORK]
    assert emulator.requests(key) == 1
    assert pydantic.TypeAdapter(list[ps.Network]).validate_python([NETWORK]) == [NETWORK]


def test_scripts(client: ps.Client, emulator: Emulator, tmp_path: Path) -> None:
    key = answer(emulator, "POST", "/scripts/createScript", SCRIPT)
    assert client.scripts.create(script_name="boot", script_text="services start nginx", run_once=False) == SCRIPT
    assert emulator.requests(key) == 1
    path = tmp_path / "boot.sh"
    path.write_text("services start nginx\n")
    answer(emulator, "POST", "/scripts/createScript", SCRIPT)
    assert client.scripts.create(script_name="boot", script_file=path, machine_id="ps123abc") == SCRIPT
    assert emulator.requests(key) == 2

    key = answer(emulator, "GET", "/scripts/getScripts", [SCRIPT])
    assert client.scripts.list(owner_type="user", is_enabled=True) == [SCRIPT]
    assert emulator.requests(key) == 1

    details = dict(SCRIPT, machines=[{"machineId": "ps123abc", "dtLastRun": None}])
    answer(emulator, "GET", "/scripts/getScript", details)
    assert client.scripts.show("sc123abc") == details
    assert pydantic.TypeAdapter(ps.ScriptDetails).validate_python(details) == details

    answer(emulator, "GET", "/scripts/getScriptText", "services start nginx")
    assert client.scripts.text("sc123abc") == "services start nginx"

    key = answer(emulator, "POST", "/scripts/sc123abc/destroy", None, status=204)
    assert client.scripts.destroy("sc123abc") is None  # type: ignore[func-returns-value]
    assert emulator.requests(key) == 1


def test_scripts_create_needs_exactly_one_source(client: ps.Client, emulator: Emulator) -> None:
    before = sum(emulator.stats()["requests"].values())
    with pytest.raises(ps.ValidationError):
        client.scripts.create(script_name="x")
    with pytest.raises(ps.ValidationError):
        client.scripts.create(script_name="x", script_text="a", script_file="/etc/hostname")
    assert sum(emulator.stats()["requests"].values()) == before


def test_machines_update_utilization_set_access(client: ps.Client, emulator: Emulator) -> None:
    key = answer(emulator, "POST", "/machines/ps123abc/updateMachinePublic", None, status=204)
    assert client.machines.update("ps123abc", machine_name="renamed", shutdown_timeout_in_hours=ps.NULL) is None  # type: ignore[func-returns-value]
    assert emulator.requests(key) == 1

    answer(emulator, "GET", "/machines/getUtilization", UTILIZATION)
    assert client.machines.utilization("ps123abc", "2019-07") == UTILIZATION
    assert pydantic.TypeAdapter(ps.Utilization).validate_python(UTILIZATION) == UTILIZATION

    machine = {"id": "ps123abc", "name": "renamed", "state": "off"}
    key = answer(emulator, "POST", "/machines/ps123abc/setMachineAccess", machine)
    assert client.machines.set_access("ps123abc", user_id="um7x2p4j", enable_access=True) == machine
    assert emulator.requests(key) == 1


def test_resource_delegation_token_never_shows(
    client: ps.Client, emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="paperspace_core")
    key = answer(emulator, "POST", "/resourceDelegations/create", DELEGATION)
    delegations = client.resource_delegations.create(machine_ids=["ps123abc"])
    assert emulator.requests(key) == 1
    token = delegations[0]["accessTokenId"]
    assert isinstance(token, ps.Secret) and token.reveal() == TOKEN
    assert {k: v for k, v in delegations[0].items() if k != "accessTokenId"} == {
        k: v for k, v in DELEGATION[0].items() if k != "accessTokenId"
    }
    shown = repr(delegations) + str(delegations) + f"{delegations}" + caplog.text
    assert TOKEN not in shown and "Secret('**********')" in repr(delegations)
    # The escape hatch wraps it the same way.
    answer(emulator, "POST", "/resourceDelegations/create", DELEGATION)
    raw = client.call("resource_delegations_create", {"machine": {"ids": ["ps123abc"]}})
    assert raw == delegations and TOKEN not in repr(raw)
    with pytest.raises(TypeError, match="machine_ids is a sequence of machine ids, not one str"):
        client.resource_delegations.create(machine_ids="ps123abc")


# -- the same operations against the emulator's own implementation -----------------------------


def test_networks_of_the_team(client: ps.Client) -> None:
    networks = client.networks.list()
    assert [(n["name"], n["region"], n["network"], n["netmask"], n["teamId"]) for n in networks] == [
        ("Default network NY2", NY2, "10.64.0.0", "255.255.255.0", "tekq7vm2d"),
        ("Default network CA1", "West Coast (CA1)", "10.64.1.0", "255.255.255.0", "tekq7vm2d"),
        ("Default network AMS1", "Europe (AMS1)", "10.64.2.0", "255.255.255.0", "tekq7vm2d"),
    ]
    assert client.networks.list(region="Europe (AMS1)") == [networks[2]]


def test_a_script_from_create_to_destroy(client: ps.Client, tmp_path: Path) -> None:
    machine = create_c4(client, "py-script")
    path = tmp_path / "boot.sh"
    path.write_text("echo booted\n")
    script = client.scripts.create(
        script_name="py-boot", script_file=path, script_description="says so", machine_id=machine["id"]
    )
    assert script["id"].startswith("sc")
    assert (script["name"], script["description"], script["isEnabled"], script["runOnce"]) == (
        "py-boot",
        "says so",
        True,
        False,
    )
    assert (script["ownerType"], script["ownerId"]) == ("team", "tekq7vm2d")  # an administrator's
    assert client.scripts.text(script["id"]) == "echo booted\n"
    shown = client.scripts.show(script["id"])
    assert [m["machineId"] for m in shown["machines"]] == [machine["id"]]
    assert client.scripts.list(name="py-boot") == [script]
    client.scripts.destroy(script["id"])
    with pytest.raises(ps.NotFoundError):
        client.scripts.show(script["id"])
    client.machines.destroy(machine["id"])


def test_update_access_utilization_and_wait_many(client: ps.Client) -> None:
    first, second = create_c4(client, "py-many-1"), create_c4(client, "py-many-2")
    ready = client.machines.wait_many([second["id"], first["id"]], "ready", interval=0.05, timeout=10)
    assert [(m["id"], m["state"]) for m in ready] == [(second["id"], "ready"), (first["id"], "ready")]
    client.machines.update(first["id"], machine_name="py-renamed", shutdown_timeout_in_hours=2)
    assert client.machines.show(first["id"])["name"] == "py-renamed"
    assert client.machines.show(first["id"])["shutdownTimeoutInHours"] == 2
    client.machines.update(first["id"], shutdown_timeout_in_hours=ps.NULL)
    assert client.machines.show(first["id"])["shutdownTimeoutInHours"] is None
    given = client.machines.set_access(first["id"], user_id="um7x2p4j", enable_access=True)
    assert given["id"] == first["id"] and "events" not in given
    usage = client.machines.utilization(first["id"], "2019-07")
    assert usage["machineId"] == first["id"]
    assert (usage["utilization"]["billingMonth"], usage["utilization"]["secondsUsed"]) == ("2019-07", 0)
    with pytest.raises(ps.PaperspaceTimeoutError) as caught:
        client.machines.wait_many([first["id"]], "off", interval=0.05, timeout=0.3)
    assert caught.value.details == {"target": "off", "pending": [first["id"]], "states": {first["id"]: "ready"}}
    for machine in (first, second):
        client.machines.destroy(machine["id"])


def test_a_delegation_from_the_emulator(client: ps.Client, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="paperspace_core")
    machine = create_c4(client, "py-delegate")
    [delegation] = client.resource_delegations.create(machine_ids=[machine["id"]])
    token = delegation["accessTokenId"].reveal()
    assert len(token) == 64 and token.isalnum()
    assert delegation.get("delegation") == {"machine": {"ids": [machine["id"]]}}
    assert delegation.get("isEnabled") is True and delegation["id"] >= 1
    assert token not in repr(delegation) + str([delegation]) + caplog.text
    client.machines.destroy(machine["id"])
