"""One ``paperspace-emulator`` process: starting it, its control endpoints, stopping it."""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import weakref
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Optional, Union

if TYPE_CHECKING:
    from .._client import Client

__all__ = ["ADMIN_KEY", "MEMBER_KEY", "Emulator", "EmulatorError", "Scenario", "default_scenario", "emulator_path"]

ADMIN_KEY = "emulator-admin-key"
"""The default scenario's team administrator (user ``uq8w3kz5``, ``admin@example.com``)."""
MEMBER_KEY = "emulator-member-key"
"""The default scenario's plain team member (user ``um7x2p4j``, ``member@example.com``)."""
ENV_VAR = "PAPERSPACE_EMULATOR"

Scenario = Union[Mapping[str, Any], str, "os.PathLike[str]", None]
"""A scenario: a mapping (the scenario JSON as Python values), the path of a scenario file, or
``None`` for the emulator's built-in scenario."""

_EXE = "paperspace-emulator.exe" if os.name == "nt" else "paperspace-emulator"
_PACKAGE = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
_NATIVE = os.path.join(_PACKAGE, "_native")
# A development checkout: src/paperspace_core -> src -> python -> bindings -> repository root.
_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(_PACKAGE))))
# Control requests go straight to the emulator, never through a proxy from the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class EmulatorError(RuntimeError):
    """The emulator could not be found or started, or refused a control request."""


def emulator_path() -> str:
    """The emulator binary: ``PAPERSPACE_EMULATOR`` if set, else the one shipped in the
    package, else (in a development checkout) ``target/emulator/release``, ``target/release``
    or ``target/debug``."""
    explicit = os.environ.get(ENV_VAR)
    if explicit:
        if not os.path.isfile(explicit):
            raise EmulatorError(f"{ENV_VAR}={explicit!r} is not a file")
        return explicit
    candidates = [os.path.join(_NATIVE, _EXE)]
    if os.path.isfile(os.path.join(_REPO, "Cargo.toml")):
        for parts in (("emulator", "release"), ("release",), ("debug",)):
            candidates.append(os.path.join(_REPO, "target", *parts, _EXE))
    for path in candidates:
        if os.path.isfile(path):
            return path
    raise EmulatorError(
        f"no paperspace-emulator found (tried {', '.join(candidates)}): install the paperspace-core "
        f"wheel, run `make emulator` in the repository, or set {ENV_VAR}"
    )


def default_scenario() -> dict[str, Any]:
    """The emulator's built-in scenario as a new dict, to change and pass as a scenario
    (e.g. set ``"availability"`` or ``"delays"``)."""
    for path in (
        os.path.join(_NATIVE, "default_scenario.json"),
        os.path.join(_REPO, "src", "emulator", "default_scenario.json"),
    ):
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as file:
                scenario: dict[str, Any] = json.load(file)
            return scenario
    raise EmulatorError("the emulator's default scenario is not installed with the package")


def _terminate(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM (the emulator shuts down cleanly), SIGKILL if it has not exited in 5 s."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


class Emulator:
    """A running ``paperspace-emulator`` on 127.0.0.1 (any free port) with ``scenario``.

    ``url`` is its base URL (give it to ``Client(base_url=...)``); ``admin_key`` and
    ``member_key`` are the default scenario's keys. ``add_faults`` queues faults, ``stats``
    reads its counters, ``scenario`` can be set to restart it with another scenario on the
    same URL, and ``stop()`` (or leaving a ``with`` block, or garbage collection) ends it.
    With ``quiet=False`` the emulator logs every request, which ``log()`` returns.
    """

    admin_key: str = ADMIN_KEY
    member_key: str = MEMBER_KEY

    def __init__(
        self,
        scenario: Scenario = None,
        *,
        binary: str | None = None,
        quiet: bool = True,
        startup_timeout: float = 10.0,
    ) -> None:
        self._binary = binary or emulator_path()
        self._quiet = quiet
        self._startup_timeout = startup_timeout
        self._dir = tempfile.TemporaryDirectory(prefix="paperspace-emulator-")
        self._proc: Optional[subprocess.Popen[bytes]] = None
        self._finalizer: Optional[weakref.finalize[Any, Any]] = None
        self._scenario: Scenario = None
        self.url = ""
        self._set(scenario)
        self._start("127.0.0.1:0")

    # -- process ---------------------------------------------------------------------------

    def _set(self, scenario: Scenario) -> None:
        """Keeps a private copy of a mapping (written to a file at each start)."""
        if isinstance(scenario, Mapping):
            self._scenario = json.loads(json.dumps(scenario))  # refuses non-JSON values here
        elif scenario is None or isinstance(scenario, (str, os.PathLike)):
            self._scenario = scenario
        else:
            raise TypeError(f"a scenario is a mapping, a file path or None, not {type(scenario).__name__}")

    def _start(self, listen: str) -> None:
        args = [self._binary, "--listen", listen]
        if self._quiet:
            args.append("--quiet")
        scenario = self._scenario
        if isinstance(scenario, Mapping):
            path = os.path.join(self._dir.name, "scenario.json")
            with open(path, "w", encoding="utf-8") as file:
                json.dump(scenario, file)
            args += ["--scenario", path]
        elif scenario is not None:
            args += ["--scenario", os.fspath(scenario)]
        log_path = os.path.join(self._dir.name, "emulator.log")
        with open(log_path, "ab") as log:
            proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log)
        self._proc = proc
        self._finalizer = weakref.finalize(self, _terminate, proc)
        try:
            self.url = self._read_url(proc)
        except BaseException:
            self._stop_process()
            raise

    def _read_url(self, proc: subprocess.Popen[bytes]) -> str:
        assert proc.stdout is not None
        deadline = time.monotonic() + self._startup_timeout
        line = b""
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ)
            while not line.endswith(b"\n"):
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    raise EmulatorError(f"the emulator printed no URL within {self._startup_timeout} s")
                chunk = os.read(proc.stdout.fileno(), 4096)
                if not chunk:
                    status = proc.wait()
                    raise EmulatorError(f"the emulator exited with status {status}: {self.log().strip()}")
                line += chunk
        url = json.loads(line.decode("utf-8"))["url"]
        if not isinstance(url, str):
            raise EmulatorError(f"the emulator printed an unexpected first line: {line!r}")
        return url

    def _stop_process(self) -> None:
        finalizer, self._finalizer, self._proc = self._finalizer, None, None
        if finalizer is not None:
            finalizer()  # runs _terminate once

    @property
    def scenario(self) -> Scenario:
        """The scenario it runs (``None``: the built-in one). Setting it restarts the emulator
        on the same URL with a fresh state: every machine, queued fault and counter is gone."""
        return self._scenario

    @scenario.setter
    def scenario(self, scenario: Scenario) -> None:
        self._check_running()
        port = self.url.rsplit(":", 1)[1]
        self._set(scenario)
        self._stop_process()
        self._start(f"127.0.0.1:{port}")

    @property
    def running(self) -> bool:
        """True until ``stop()`` (or until the process died)."""
        return self._proc is not None and self._proc.poll() is None

    def stop(self) -> None:
        """Stops the emulator (SIGTERM, then SIGKILL after 5 s); idempotent."""
        self._stop_process()
        self._dir.cleanup()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<paperspace_core.testing.Emulator {self.url if self.running else 'stopped'}>"

    def log(self) -> str:
        """What the emulator wrote on stderr: its errors, and with ``quiet=False`` one line per
        request (never an API key or a body)."""
        try:
            with open(os.path.join(self._dir.name, "emulator.log"), encoding="utf-8", errors="replace") as file:
                return file.read()
        except FileNotFoundError:
            return ""

    # -- control endpoints -----------------------------------------------------------------

    def _check_running(self) -> None:
        if not self.running:
            raise EmulatorError("the emulator is not running")

    def _control(self, method: str, path: str, body: Any = None) -> bytes:
        self._check_running()
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(
            self.url + path, data=data, method=method, headers={"content-type": "application/json"}
        )
        try:
            with _OPENER.open(request, timeout=5) as answer:
                payload: bytes = answer.read()
                return payload
        except urllib.error.HTTPError as exc:
            text = exc.read().decode("utf-8", "replace")
            try:
                message = json.loads(text)["error"]["message"]
            except (ValueError, KeyError, TypeError):
                message = text
            raise EmulatorError(f"{method} {path}: {exc.code} {message}") from None

    def add_faults(self, *faults: Mapping[str, Any], **fault: Any) -> None:
        """Queues faults (``POST /__emulator/faults``): fault objects as mappings, or one given
        as keywords, e.g. ``add_faults(path="/templates/getTemplates", status=503, count=2)``.
        Keys are the emulator's: ``method``, ``path``, ``count``, ``status``, ``body``,
        ``headers``, ``delayMs``, ``action``, ``stage`` (docs/EMULATOR.md)."""
        queued = [dict(f) for f in faults]
        if fault:
            queued.append(fault)
        if not queued:
            raise TypeError("add_faults() needs at least one fault")
        self._control("POST", "/__emulator/faults", queued)

    def clear_faults(self) -> None:
        """Drops every queued fault (``DELETE /__emulator/faults``)."""
        self._control("DELETE", "/__emulator/faults")

    def stats(self) -> dict[str, Any]:
        """``GET /__emulator/stats``: ``{"requests": {"GET /templates/getTemplates": n, ...},
        "machines", "machinesCreated", "users", "events", "faultsPending"}``."""
        stats: dict[str, Any] = json.loads(self._control("GET", "/__emulator/stats"))
        return stats

    def requests(self, key: str) -> int:
        """How many requests it answered for ``key``, e.g. ``"GET /templates/getTemplates"``."""
        count: int = self.stats()["requests"].get(key, 0)
        return count

    def client(self, api_key: str = ADMIN_KEY, **options: Any) -> Client:
        """A :class:`paperspace_core.Client` for this emulator (the administrator's key unless
        ``api_key`` is given); ``options`` are the client's other keyword arguments."""
        from .._client import Client

        return Client(api_key=api_key, base_url=self.url, **options)
