"""What a result needs after ``json.loads``: only the resource delegation's token is wrapped
(in a :class:`Secret`); every other result is returned as decoded."""

from __future__ import annotations

from typing import Any, List

from ._secret import Secret
from ._types import ResourceDelegation

__all__ = ["wrap_delegations", "wrap_result"]


def wrap_delegations(result: Any) -> List[ResourceDelegation]:
    """Wraps each delegation's ``accessTokenId`` in a :class:`Secret` (in place)."""
    if isinstance(result, list):
        for item in result:
            if isinstance(item, dict) and isinstance(item.get("accessTokenId"), str):
                item["accessTokenId"] = Secret(item["accessTokenId"])
    return result  # type: ignore[no-any-return]


def wrap_result(operation: str, result: Any) -> Any:
    """The result of ``client.call(operation, ...)``, as the typed method would return it."""
    if operation == "resource_delegations_create":
        return wrap_delegations(result)
    return result
