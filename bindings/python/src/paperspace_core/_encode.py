"""Parameters to the ABI's JSON: keyword arguments to camelCase keys, values to compact ASCII
JSON, seconds to milliseconds. Nothing here touches the library."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any, Callable, Dict, Optional, Sequence

from ._errors import InvalidArgumentError
from ._types import NULL, NullType

__all__ = ["quote", "encode", "payload", "given", "filters", "millis", "invalid"]

# JSON string quoting, as the C JSON encoder does it (ASCII only).
quote: Callable[[str], str] = json.encoder.encode_basestring_ascii  # type: ignore[attr-defined,unused-ignore]


def invalid(message: str, operation: str) -> InvalidArgumentError:
    return InvalidArgumentError(message, code=1, kind="invalid_argument", operation=operation)


class _Refused(TypeError):
    """A value the JSON encoder cannot take; re-raised as a TypeError naming the operation."""


def _refuse(value: object) -> Any:
    if isinstance(value, NullType):
        raise _Refused("NULL is only accepted as a list filter value")
    raise _Refused(f"a {type(value).__name__} is not a JSON value (use str, int, float, bool, None, list or dict)")


def _encode_checked(operation: str, params: Mapping[str, Any]) -> bytes:
    """The reference encoding, with the circular-reference check (what ``encode`` falls back
    to when the fast encoder recursed too deep)."""
    try:
        return json.dumps(params, allow_nan=False, default=_refuse, separators=(",", ":")).encode("ascii")
    except _Refused as exc:
        raise TypeError(f"{operation}: {exc}") from None
    except ValueError as exc:  # NaN/infinity, circular references
        raise invalid(f"{operation}: {exc}", operation) from None


def _fast_encoder() -> Callable[[Any, int], Sequence[str]]:
    """One JSON encoder for every call: compact separators, ASCII only, no NaN, ``_refuse`` for
    anything else. ``json.dumps`` builds an encoder (and a C encoder) on every call; this is
    the C encoder built once, without the circular-reference bookkeeping (a cycle recurses
    until RecursionError, and ``encode`` then asks ``_encode_checked`` for the real error).
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


def encode(operation: str, params: Mapping[str, Any]) -> bytes:
    """Parameters as the NUL-free ASCII JSON the ABI reads (non-ASCII is \\u-escaped)."""
    try:
        return "".join(_fast(params, 0)).encode("ascii")
    except _Refused as exc:
        raise TypeError(f"{operation}: {exc}") from None
    except ValueError as exc:  # NaN/infinity
        raise invalid(f"{operation}: {exc}", operation) from None
    except RecursionError:  # a circular reference, or nesting too deep for json anyway
        return _encode_checked(operation, params)


def payload(operation: str, params: Optional[Mapping[str, Any]]) -> Optional[bytes]:
    """The ABI's ``params_json``: NULL (read as ``{}``) for no parameters."""
    if params is None or (type(params) is dict and not params):
        return None
    return encode(operation, params)


def given(pairs: Dict[str, Any]) -> Dict[str, Any]:
    """The parameters that were given (``None`` means "not given"). Methods pass a dict display
    rather than keywords: building it costs a third less than a call with keywords."""
    return {key: value for key, value in pairs.items() if value is not None}


def filters(pairs: Dict[str, Any]) -> Dict[str, Any]:
    """Filter parameters: ``None`` is "not given", :data:`NULL` matches JSON null."""
    return {key: (None if value is NULL else value) for key, value in pairs.items() if value is not None}


def millis(name: str, seconds: Optional[float], operation: str) -> Optional[int]:
    """Seconds (int or float) to the whole milliseconds of the ABI, rounded up."""
    if seconds is None:
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{name} must be a number of seconds, not {type(seconds).__name__}")
    if not math.isfinite(seconds) or seconds < 0:
        raise invalid(f"{name} must be a finite, non-negative number of seconds, not {seconds!r}", operation)
    return math.ceil(round(seconds * 1000, 6))
