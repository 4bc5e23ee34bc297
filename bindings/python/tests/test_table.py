"""The binding against the library's operation table (ps_operations)."""

from __future__ import annotations

import importlib.util
import inspect
from pathlib import Path

import pytest

import paperspace_core as ps
from paperspace_core import _async_resources, _operations, _resources

TOOLS = Path(__file__).resolve().parents[1] / "tools"
SYNC = {
    "templates": ps.Templates,
    "machines": ps.Machines,
    "users": ps.Users,
    "networks": ps.Networks,
    "scripts": ps.Scripts,
    "resource_delegations": ps.ResourceDelegations,
}
ASYNC = {
    "templates": _async_resources.AsyncTemplates,
    "machines": _async_resources.AsyncMachines,
    "users": _async_resources.AsyncUsers,
    "networks": _async_resources.AsyncNetworks,
    "scripts": _async_resources.AsyncScripts,
    "resource_delegations": _async_resources.AsyncResourceDelegations,
}
# Methods that are not one operation each.
HELPERS = {("machines", "pages")}


def test_the_table_has_the_22_operations() -> None:
    assert list(_operations.OPERATIONS) == [
        "templates_list",
        "machines_create",
        "machines_availability",
        "machines_show",
        "machines_list",
        "machines_wait",
        "machines_start",
        "machines_stop",
        "machines_restart",
        "machines_destroy",
        "users_list",
        "machines_update",
        "machines_utilization",
        "machines_set_access",
        "networks_list",
        "scripts_create",
        "scripts_list",
        "scripts_show",
        "scripts_text",
        "scripts_destroy",
        "resource_delegations_create",
        "machines_wait_many",
    ]
    assert _operations.OPERATIONS["machines_show"]["path"] == "/machines/getMachinePublic"


def test_every_operation_has_a_method_on_both_clients() -> None:
    assert _operations.missing_methods(SYNC) == []
    assert _operations.missing_methods(ASYNC) == []
    for resource in _operations.RESOURCES:
        assert type(getattr(ps.Client, "__annotations__")[resource]) is str  # declared on the class
    for operation in _operations.OPERATIONS:
        resource, verb = _operations.method_name(operation)
        assert inspect.iscoroutinefunction(getattr(ASYNC[resource], verb)), operation
        assert not inspect.iscoroutinefunction(getattr(SYNC[resource], verb)), operation


def test_an_operation_without_a_method_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    table = dict(_operations.OPERATIONS, machines_teleport={"name": "machines_teleport"}, gpus_list={})
    monkeypatch.setattr(_operations, "OPERATIONS", table)
    assert _operations.missing_methods(SYNC) == ["machines_teleport", "gpus_list"]


def test_every_method_is_an_operation_and_takes_timeout() -> None:
    for resource, cls in {**SYNC, **ASYNC}.items():
        for verb, method in inspect.getmembers(cls, inspect.isfunction):
            if verb.startswith("_") or (resource, verb) in HELPERS:
                continue
            assert f"{resource}_{verb}" in _operations.OPERATIONS, (cls, verb)
            parameter = inspect.signature(method).parameters["timeout"]
            assert parameter.kind is inspect.Parameter.KEYWORD_ONLY and parameter.default is None


def test_the_async_resources_are_generated_from_the_sync_ones() -> None:
    spec = importlib.util.spec_from_file_location("gen_async", TOOLS / "gen_async.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    source = Path(_resources.__file__).read_text()
    assert Path(_async_resources.__file__).read_text() == gen.generate(source), (
        "_async_resources.py is stale: run python tools/gen_async.py"
    )
