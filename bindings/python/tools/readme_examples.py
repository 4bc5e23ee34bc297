"""Writes each ```python block of README.md to OUTDIR/example_N.py (and a pyright config that
checks them in strict mode), for `make typecheck`: the README's examples must type-check.

    python tools/readme_examples.py OUTDIR
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    out = Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("example_*.py"):
        old.unlink()
    blocks = re.findall(r"^```python\n(.*?)^```", (HERE / "README.md").read_text(), re.M | re.S)
    for number, block in enumerate(blocks, 1):
        (out / f"example_{number}.py").write_text(block)
    config = {"typeCheckingMode": "strict", "extraPaths": [str(HERE / "src")], "include": ["."]}
    (out / "pyrightconfig.json").write_text(json.dumps(config, indent=2))
    print(f"{len(blocks)} examples in {out}")
    return 0 if blocks else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
