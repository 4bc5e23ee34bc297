"""Generates src/paperspace_core/_async_resources.py from _resources.py: the same resources and
methods for AsyncClient, each method ``async`` and each call into the client awaited.

    python tools/gen_async.py          # rewrites the file
    python tools/gen_async.py --check  # exits 1 if the committed file is stale

The transformation is textual and small on purpose; tests/test_operations_table.py fails when
the committed file differs from what this produces.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "paperspace_core"
SOURCE = PACKAGE / "_resources.py"
TARGET = PACKAGE / "_async_resources.py"
CLASSES = ("Templates", "Machines", "Users", "Networks", "Scripts", "ResourceDelegations")

HEADER = '''"""The resources of ``AsyncClient``: the methods of ``_resources.py``, ``async``.

Generated from _resources.py by tools/gen_async.py: do not edit (a test checks it is current).
"""
'''


def generate(source: str) -> str:
    # Everything after the module docstring.
    body = source.split('"""', 2)[2]
    rules = [
        (r"\n    def (\w+)\(", r"\n    async def \1("),
        (r"self\._client\._(call|send)\(", r"await self._client._\1("),
        (r"page = self\.list\(", "page = await self.list("),
        (r"\bIterator\[", "AsyncIterator["),
        (r"\bIterator, ", "AsyncIterator, "),
        (r"from \._client import Client\b", "from ._async_client import AsyncClient"),
        (r"client: Client\)", "client: AsyncClient)"),
        (r"class _Resource:", "class _AsyncResource:"),
        (r"\(_Resource\):", "(_AsyncResource):"),
        (r"paperspace_core\.\{type\(self\)\.__name__\}", "paperspace_core.{type(self).__name__}"),
        (r"``client\.", "``async_client."),
    ]
    for pattern, replacement in rules:
        body = re.sub(pattern, replacement, body)
    # The sync class names become Async*, in definitions, __all__ and annotations alike.
    for name in CLASSES:
        body = re.sub(rf"\b(?<![\.\w]){name}\b(?=[\(\":,\]])", f"Async{name}", body)
    # __init__ is not a coroutine.
    body = body.replace("async def __init__(", "def __init__(").replace("async def __repr__(", "def __repr__(")
    return HEADER + body


def main(argv: list[str]) -> int:
    text = generate(SOURCE.read_text())
    if argv[1:] == ["--check"]:
        if TARGET.read_text() != text:
            print(f"{TARGET} is stale: run python {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
