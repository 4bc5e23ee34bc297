"""``Secret``: a string that never shows itself in a repr, a str() or a log line."""

from __future__ import annotations

__all__ = ["Secret"]


class Secret:
    """A secret string (a resource delegation's ``accessTokenId``). ``repr``, ``str`` and
    formatting show ``**********``; ``reveal()`` returns the value, for where it is needed.
    ``json.dumps`` refuses it (a ``TypeError``), so it cannot slip into a JSON log either."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError(f"a Secret holds a str, not {type(value).__name__}")
        self._value = value

    def reveal(self) -> str:
        """The secret value itself."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    def __str__(self) -> str:
        return "**********"

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash((Secret, self._value))

    def __len__(self) -> int:
        return len(self._value)
