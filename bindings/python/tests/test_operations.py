"""Every operation against the emulator, with exact values."""

from __future__ import annotations

import time

import pytest
from paperspace_core.testing import Emulator
from helpers import NY2, UBUNTU, WINDOWS, create_c4

import paperspace_core as ps
from paperspace_core import _operations as operations

UBUNTU_TEMPLATE = {
    "id": "t04azgph",
    "name": "paperspace/t04azgph",
    "label": "Ubuntu 18.04 Server",
    "os": "Ubuntu 18.04 Server",
    "dtCreated": "2018-06-15T06:00:34.531Z",
}
TEAM_TEMPLATE = {
    "id": "t456def",
    "name": "t456def",
    "label": "New Template 1",
    "os": "Ubuntu 14.04.5 LTS; uname: 4.2.0-27-generic; distro: ubuntu; major: 14; minor: 04",
    "teamId": "tekq7vm2d",
    "userId": "uq8w3kz5",
    "region": "East Coast (NY2)",
    "dtCreated": "2017-02-06T18:46:44.882Z",
}
ADMIN = {
    "id": "uq8w3kz5",
    "email": "admin@example.com",
    "firstname": "Ada",
    "lastname": "Admin",
    "isAdmin": True,
    "isOwner": True,
    "dtCreated": "2019-01-10T09:00:00.000Z",
    "teamId": "tekq7vm2d",
}
MEMBER = {
    "id": "um7x2p4j",
    "email": "member@example.com",
    "firstname": "Max",
    "lastname": "Member",
    "isAdmin": False,
    "isOwner": False,
    "dtCreated": "2019-01-11T09:30:00.000Z",
    "teamId": "tekq7vm2d",
}


def test_templates_list_returns_every_template(client: ps.Client) -> None:
    templates = client.templates.list()
    assert len(templates) == 15
    assert len({t["id"] for t in templates}) == 15
    assert UBUNTU_TEMPLATE in templates
    assert templates[-1] == TEAM_TEMPLATE  # unknown-to-public keys (teamId, ...) are kept


def test_templates_list_filters(client: ps.Client) -> None:
    assert client.templates.list(id=UBUNTU) == [UBUNTU_TEMPLATE]
    assert client.templates.list(label="Ubuntu 18.04 Server", os="Ubuntu 18.04 Server") == [UBUNTU_TEMPLATE]
    assert [t["id"] for t in client.templates.list(os="Windows 10 (Server 2016) - Licensed")] == [WINDOWS]
    assert client.templates.list(team_id="tekq7vm2d", region=NY2, user_id="uq8w3kz5") == [TEAM_TEMPLATE]
    assert client.templates.list(dt_created="2018-06-15T06:00:34.531Z") == [UBUNTU_TEMPLATE]
    assert client.templates.list(name="paperspace/t04azgph") == [UBUNTU_TEMPLATE]
    assert client.templates.list(id="tnothere") == []


def test_filter_none_is_not_sent_and_null_matches_null(client: ps.Client) -> None:
    assert client.templates.list(id=None, label=None) == client.templates.list()
    assert [t["id"] for t in client.templates.list(label=ps.NULL)] == ["tibsmjg"]
    assert len(client.templates.list(team_id=ps.NULL)) == 14
    assert client.users.list(email=ps.NULL) == []
    assert repr(ps.NULL) == "paperspace_core.NULL"
    assert ps.NullType() is ps.NULL


def test_users_list(client: ps.Client) -> None:
    assert client.users.list(email="admin@example.com") == [ADMIN]
    assert client.users.list(first_name="Max") == [MEMBER]
    assert client.users.list(last_name="Admin", team_id="tekq7vm2d") == [ADMIN]
    assert client.users.list(id="um7x2p4j", dt_created="2019-01-11T09:30:00.000Z") == [MEMBER]
    assert client.users.list(first_name="Ada", last_name="Member") == []


def test_availability(client: ps.Client) -> None:
    assert client.machines.availability(region=NY2, machine_type="GPU+") == {"available": True}


def test_machine_lifecycle(client: ps.Client, emulator: Emulator) -> None:
    created = create_c4(client, "py-lifecycle")
    machine_id = created["id"]
    assert machine_id.startswith("ps")
    assert created["name"] == "py-lifecycle"
    assert created["state"] == "provisioning"
    assert created["usageRate"] == "C4 hourly"
    assert (created["userId"], created["teamId"]) == ("uq8w3kz5", "tekq7vm2d")

    ready = client.machines.wait(machine_id, "ready", interval=0.05, timeout=10)
    assert ready["id"] == machine_id
    assert ready["state"] == "ready"
    assert (ready["os"], ready["ram"], ready["cpus"]) == ("Ubuntu 18.04 Server", "4294967296", 2)
    assert (ready["storageTotal"], ready["storageUsed"]) == ("53687091200", "0")
    assert (ready["region"], ready["agentType"]) == (NY2, "LinuxHeadless")
    assert [(e["name"], e["state"]) for e in ready["events"]] == [("start", "done"), ("create", "done")]

    shown = client.machines.show(machine_id)
    assert shown["state"] == "ready"
    assert [e["name"] for e in shown["events"]] == ["start", "create"]

    listed = client.machines.list(machine_id=machine_id)
    assert [m["id"] for m in listed] == [machine_id]
    assert "events" not in listed[0]
    assert [m["id"] for m in client.machines.list(name="py-lifecycle", state="ready", cpus=2)] == [machine_id]
    assert client.machines.list(name="py-lifecycle", state="off") == []

    before = emulator.requests(f"POST /machines/{machine_id}/stop")
    assert client.machines.stop(machine_id) is None  # type: ignore[func-returns-value]
    assert emulator.requests(f"POST /machines/{machine_id}/stop") == before + 1
    assert client.machines.wait(machine_id, "off", interval=0.05)["state"] == "off"

    assert client.machines.start(machine_id) is None  # type: ignore[func-returns-value]
    # Any case (outside the Literal type).
    assert client.machines.wait(machine_id, "READY", interval=0.05)["state"] == "ready"  # type: ignore[arg-type]

    assert client.machines.restart(machine_id) is None  # type: ignore[func-returns-value]
    assert client.machines.show(machine_id)["state"] == "restarting"
    restarted = client.machines.wait(machine_id, "ready", interval=0.05)
    assert (restarted["events"][0]["name"], restarted["events"][0]["state"]) == ("restart", "done")

    assert client.machines.destroy(machine_id, release_public_ip=True) is None  # type: ignore[func-returns-value]
    deadline = time.monotonic() + 5
    while client.machines.list(machine_id=machine_id):
        assert time.monotonic() < deadline, "the destroyed machine did not go away"
        time.sleep(0.02)
    with pytest.raises(ps.NotFoundError):
        client.machines.show(machine_id)


def test_create_with_optional_fields(client: ps.Client) -> None:
    created = create_c4(
        client,
        "py-optional",
        assign_public_ip=True,
        start_on_create=False,
        notification_email="ops@example.com",
        user_id="um7x2p4j",
    )
    assert created["userId"] == "um7x2p4j"
    off = client.machines.wait(created["id"], "off", interval=0.05)
    assert off["state"] == "off"
    client.machines.destroy(created["id"])


def test_list_paging(client: ps.Client) -> None:
    ids = [create_c4(client, "py-paging")["id"] for _ in range(3)]
    try:
        everything = client.machines.list(name="py-paging")
        assert sorted(m["id"] for m in everything) == sorted(ids)
        page1 = client.machines.list(name="py-paging", limit=2)
        page2 = client.machines.list(name="py-paging", limit=2, skip=2)
        assert [m["id"] for m in page1 + page2] == [m["id"] for m in everything]
        assert len(page1) == 2 and len(page2) == 1
        assert client.machines.list(name="py-paging", skip=3) == []
    finally:
        for machine_id in ids:
            client.machines.destroy(machine_id)


def test_one_request_per_call(client: ps.Client, emulator: Emulator) -> None:
    before = emulator.requests("GET /templates/getTemplates")
    client.templates.list()
    client.templates.list(id=UBUNTU)
    assert emulator.requests("GET /templates/getTemplates") == before + 2


def test_raw_call(client: ps.Client) -> None:
    assert client.call("templates_list", {"id": UBUNTU}) == [UBUNTU_TEMPLATE]
    assert client.call("users_list", {"firstname": "Ada"}) == [ADMIN]
    with pytest.raises(ps.InvalidArgumentError) as caught:
        client.call("templates_delete")
    # The library's refusal, listing the known names.
    assert caught.value.message == "unknown operation; the operations are: " + ", ".join(operations.OPERATIONS)
    assert caught.value.operation == "call"
    with pytest.raises(ps.InvalidArgumentError, match="no NUL"):
        client.call("templates_list\0x")
    with pytest.raises(TypeError, match="operation must be a str, not bytes"):
        client.call(b"templates_list")  # type: ignore[arg-type]
