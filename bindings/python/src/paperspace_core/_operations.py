"""The library's operation table, read once at import from ``ps_operations()``.

Each operation ``<resource>_<verb>`` is the method ``client.<resource>.<verb>`` on ``Client``
and ``AsyncClient``; ``missing_methods`` lists the operations that have none (a test keeps it
empty, so a new operation in the library cannot go unnoticed here).
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Mapping, Tuple

from ._ffi import lib

__all__ = ["OPERATIONS", "NAMES", "RESOURCES", "method_name", "missing_methods"]

OPERATIONS: Dict[str, Dict[str, Any]] = {op["name"]: op for op in json.loads(lib.ps_operations())}
"""``{"machines_show": {"name", "method", "path", "safeToRetry", "params", "result"}, ...}``."""

NAMES: Dict[str, bytes] = {name: name.encode("ascii") for name in OPERATIONS}
"""Each operation's name as ``ps_call`` and ``ps_call_into`` take it."""

RESOURCES = ("templates", "machines", "users", "networks", "scripts", "resource_delegations")
"""The client's resource attributes (``client.templates``, ...)."""


def method_name(operation: str) -> Tuple[str, str]:
    """``"resource_delegations_create"`` -> ``("resource_delegations", "create")``."""
    for resource in sorted(RESOURCES, key=len, reverse=True):
        if operation.startswith(resource + "_"):
            return resource, operation[len(resource) + 1 :]
    raise KeyError(f"operation {operation!r} belongs to no resource of the client")


def missing_methods(resource_classes: Mapping[str, type]) -> List[str]:
    """The operations of the table without a method among ``resource_classes``
    (``{"templates": Templates, ...}``)."""
    missing = []
    for operation in OPERATIONS:
        try:
            resource, verb = method_name(operation)
        except KeyError:
            missing.append(operation)
            continue
        cls = resource_classes.get(resource)
        if cls is None or not callable(getattr(cls, verb, None)):
            missing.append(operation)
    return missing
