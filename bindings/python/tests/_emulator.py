"""Starting and driving a ``paperspace-emulator`` process (for the tests and ``make demo``).

As a script: ``python tests/_emulator.py [--scenario FILE] -- COMMAND...`` starts an emulator,
runs COMMAND with ``PAPERSPACE_API_HOST`` and ``PAPERSPACE_API_KEY`` pointing at it, stops the
emulator and exits with COMMAND's status.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ADMIN_KEY = "emulator-admin-key"
MEMBER_KEY = "emulator-member-key"
REPO = Path(__file__).resolve().parents[3]


def emulator_binary() -> str:
    """``PAPERSPACE_EMULATOR``, else the repository's ``make emulator`` output."""
    path = os.environ.get("PAPERSPACE_EMULATOR") or str(
        REPO / "target" / "emulator" / "release" / "paperspace-emulator"
    )
    if not Path(path).is_file():
        raise RuntimeError(
            f"no emulator at {path}: run `make emulator` in the repository or set PAPERSPACE_EMULATOR"
        )
    return path


class Emulator:
    """A running emulator: its URL, control endpoints, and ``stop()``."""

    def __init__(self, *args: str, startup_timeout: float = 10.0) -> None:
        self.proc = subprocess.Popen(
            [emulator_binary(), "--listen", "127.0.0.1:0", "--quiet", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
        )
        try:
            self.url = self._read_url(startup_timeout)
        except BaseException:
            self.stop()
            raise

    def _read_url(self, timeout: float) -> str:
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        line = b""
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            while not line.endswith(b"\n"):
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    raise RuntimeError(f"the emulator printed no URL within {timeout} s")
                chunk = os.read(self.proc.stdout.fileno(), 4096)
                if not chunk:
                    raise RuntimeError(f"the emulator exited ({self.proc.wait()}) before printing its URL")
                line += chunk
        url = json.loads(line.decode())["url"]
        assert isinstance(url, str)
        return url

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()

    def _control(self, method: str, path: str, body: Any = None) -> bytes:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path, data=data, method=method, headers={"content-type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=5) as answer:
            payload: bytes = answer.read()
            return payload

    def stats(self) -> dict[str, Any]:
        """``GET /__emulator/stats``."""
        stats: dict[str, Any] = json.loads(self._control("GET", "/__emulator/stats"))
        return stats

    def requests(self, key: str) -> int:
        """How many requests the emulator answered for ``"GET /templates/getTemplates"``, ..."""
        count: int = self.stats()["requests"].get(key, 0)
        return count

    def fault(self, **fault: Any) -> None:
        """Queues a fault (``path=..., status=..., count=..., delayMs=..., action=..., stage=...``)."""
        self._control("POST", "/__emulator/faults", fault)

    def clear_faults(self) -> None:
        self._control("DELETE", "/__emulator/faults")


def main(argv: list[str]) -> int:
    args = argv[1:]
    if "--" not in args:
        print(__doc__, file=sys.stderr)
        return 2
    split = args.index("--")
    emulator = Emulator(*args[:split])
    try:
        env = dict(os.environ, PAPERSPACE_API_HOST=emulator.url, PAPERSPACE_API_KEY=ADMIN_KEY)
        print(f"emulator at {emulator.url}", flush=True)
        return subprocess.call(args[split + 1 :], env=env)
    finally:
        emulator.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
