"""Answers to Python objects: exactly what ``json.loads`` makes of the library's text.

``json.loads`` wraps its C scanner in two regular-expression matches (whitespace before and
after the value) and three Python frames. The library's answers are one value with nothing
around it, so ``loads`` calls the scanner itself and falls back to ``json.loads`` for any
other text (whitespace around the value, a byte-order mark, an error), which then gives its
own result or its own exception. ``tests/test_answers.py`` holds both to the same results.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Tuple

__all__ = ["loads"]

_json_loads = json.loads
# The decoder's scanner (the C one where there is one): the text and where its value starts
# to the value and where it ends.
_scan: Callable[[str, int], Tuple[Any, int]] = json.decoder.JSONDecoder().scan_once  # type: ignore[attr-defined,unused-ignore]
_WHITESPACE = " \t\n\r"  # JSON's whitespace, which json.loads skips around the value


def loads(text: str) -> Any:
    """``json.loads(text)``, one pass over the text when it is a value and nothing else."""
    try:
        value, end = _scan(text, 0)
    except (StopIteration, ValueError, RecursionError):  # whitespace first, not JSON, too deep
        return _json_loads(text)
    if end == len(text) or not text[end:].strip(_WHITESPACE):
        return value
    return _json_loads(text)  # extra data: json.loads's own error
