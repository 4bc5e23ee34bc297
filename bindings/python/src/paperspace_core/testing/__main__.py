"""``python -m paperspace_core.testing [--scenario FILE] [--log] -- COMMAND [ARG...]``

Starts an emulator, runs COMMAND with ``PAPERSPACE_API_HOST`` (its URL) and
``PAPERSPACE_API_KEY`` (the administrator's key) set, stops the emulator and exits with
COMMAND's status. ``--log`` passes the emulator's request log on to stderr at the end.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from ._emulator import ADMIN_KEY, Emulator, EmulatorError


def main(argv: list[str]) -> int:
    if "--" not in argv:
        print(__doc__, file=sys.stderr)
        return 2
    split = argv.index("--")
    parser = argparse.ArgumentParser(prog="python -m paperspace_core.testing")
    parser.add_argument("--scenario", help="scenario JSON file (default: the built-in scenario)")
    parser.add_argument("--log", action="store_true", help="print the emulator's request log at the end")
    options = parser.parse_args(argv[:split])
    command = argv[split + 1 :]
    if not command:
        parser.error("no COMMAND after --")
    try:
        emulator = Emulator(options.scenario, quiet=not options.log)
    except EmulatorError as exc:
        print(f"paperspace_core.testing: {exc}", file=sys.stderr)
        return 2
    try:
        env = dict(os.environ, PAPERSPACE_API_HOST=emulator.url, PAPERSPACE_API_KEY=ADMIN_KEY)
        print(f"emulator at {emulator.url}", file=sys.stderr, flush=True)
        return subprocess.call(command, env=env)
    finally:
        if options.log:
            sys.stderr.write(emulator.log())
        emulator.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
