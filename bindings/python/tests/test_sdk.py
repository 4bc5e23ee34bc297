"""What users of an SDK expect: logging, paging, reprs, star imports, secrets, typed results."""

from __future__ import annotations

import builtins
import json
import logging

import pydantic
import pytest
from helpers import NY2, UBUNTU, create_c4

import paperspace_core as ps
from paperspace_core import _client
from paperspace_core.testing import ADMIN_KEY, Emulator


def test_star_import_shadows_no_builtin() -> None:
    namespace: dict[str, object] = {}
    exec("from paperspace_core import *", namespace)
    exported = set(namespace) - {"__builtins__"}
    assert exported == set(ps.__all__)
    assert sorted(name for name in exported if hasattr(builtins, name)) == []
    assert "PaperspaceTimeoutError" in exported and "AsyncClient" in exported


def test_repr_shows_the_base_url_never_the_key(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    with emulator.client() as client:
        assert repr(client) == f"<paperspace_core.Client {emulator.url} open>"
        assert client.base_url == emulator.url
        assert ADMIN_KEY not in repr(client) + repr(client.machines)
        assert repr(client.machines) == f"<paperspace_core.Machines of <paperspace_core.Client {emulator.url} open>>"
    monkeypatch.setenv("PAPERSPACE_API_HOST", emulator.url)
    with ps.Client(api_key=ADMIN_KEY) as client:
        assert client.base_url == emulator.url
    monkeypatch.delenv("PAPERSPACE_API_HOST")
    with ps.Client(api_key=ADMIN_KEY) as client:
        assert repr(client) == "<paperspace_core.Client https://api.paperspace.io open>"
    assert _client._display_url("https://user:secret@example.com:8443/v1?key=secret") == "https://example.com:8443/v1"
    assert _client._display_url("http://[::1]:9/") == "http://[::1]:9/"


def test_debug_log_one_line_per_call_without_secrets(
    client: ps.Client, emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="paperspace_core")
    client.templates.list(id=UBUNTU)
    with pytest.raises(ps.NotFoundError):
        client.machines.show("psnothere")
    emulator.add_faults(path="/machines/createSingleMachinePublic", status=502)
    with pytest.raises(ps.ServerError):
        create_c4(client, "py-log", email="log@example.com", password="hunter2-pass", first_name="L", last_name="G")
    records = [r for r in caplog.records if r.name == "paperspace_core"]
    messages = [r.getMessage() for r in records]
    assert [m.rsplit(" in ", 1)[0] for m in messages] == [
        "templates_list: ok",
        "machines_show: api (HTTP 404)",
        "machines_create: api (HTTP 502)",
    ]
    assert all(r.levelno == logging.DEBUG for r in records)
    assert all(m.endswith(" ms") for m in messages)
    everything = "\n".join(messages + [repr(r.args) for r in records])
    assert "hunter2-pass" not in everything and ADMIN_KEY not in everything


def test_no_log_record_unless_debug_is_on(client: ps.Client, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="paperspace_core")
    client.templates.list(id=UBUNTU)
    assert [r for r in caplog.records if r.name == "paperspace_core"] == []


def test_pages_of_machines(client: ps.Client, emulator: Emulator) -> None:
    ids = [create_c4(client, "py-pages")["id"] for _ in range(5)]
    before = emulator.requests("GET /machines/getMachines")
    pages = [[m["id"] for m in page] for page in client.machines.pages(page_size=2, name="py-pages")]
    assert pages == [ids[0:2], ids[2:4], ids[4:5]]
    assert emulator.requests("GET /machines/getMachines") == before + 3
    # A last full page costs one more (empty) request, which yields nothing.
    assert [len(p) for p in client.machines.pages(page_size=5, name="py-pages")] == [5]
    assert list(client.machines.pages(name="py-nothing")) == []
    pager = client.machines.pages(page_size=2, name="py-pages")
    assert len(next(pager)) == 2  # lazily: one request per page
    with pytest.raises(ValueError, match="page_size must be a whole number of at least 1, not 0"):
        next(client.machines.pages(page_size=0))
    with pytest.raises(TypeError, match="pages\\(\\) sets limit and skip itself"):
        next(client.machines.pages(limit=3))
    with pytest.raises(TypeError, match="unexpected keyword argument 'nmae'"):
        next(client.machines.pages(nmae="x"))
    for machine_id in ids:
        client.machines.destroy(machine_id)


def test_secret(emulator: Emulator) -> None:
    secret = ps.Secret("tok-123")
    assert (repr(secret), str(secret), f"{secret}", f"{secret:>12}") == (
        "Secret('**********')",
        "**********",
        "**********",
        "  **********",
    )
    assert secret.reveal() == "tok-123" and secret == ps.Secret("tok-123") and len(secret) == 7
    with pytest.raises(TypeError, match="Object of type Secret is not JSON serializable"):
        json.dumps({"token": secret})
    with pytest.raises(TypeError, match="a Secret holds a str, not bytes"):
        ps.Secret(b"x")  # type: ignore[arg-type]


def test_results_validate_with_pydantic(client: ps.Client) -> None:
    machines = pydantic.TypeAdapter(list[ps.Machine])
    templates = pydantic.TypeAdapter(list[ps.Template])
    machine = create_c4(client, "py-pydantic")
    shown = client.machines.show(machine["id"])
    assert pydantic.TypeAdapter(ps.Machine).validate_python(shown) == shown
    assert machines.validate_python(client.machines.list(machine_id=machine["id"]))[0]["id"] == machine["id"]
    assert templates.validate_python(client.templates.list(id=UBUNTU))[0]["label"] == "Ubuntu 18.04 Server"
    assert pydantic.TypeAdapter(ps.Availability).validate_python(
        client.machines.availability(region=NY2, machine_type="V100")
    ) == {"available": True}
    with pytest.raises(pydantic.ValidationError):
        pydantic.TypeAdapter(ps.Machine).validate_python({"id": 7})
    client.machines.destroy(machine["id"])
