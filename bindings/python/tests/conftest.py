from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import paperspace_core as ps  # noqa: E402
from paperspace_core.testing import ADMIN_KEY, Emulator  # noqa: E402
from paperspace_core.testing import pytest_plugin  # noqa: E402

from helpers import AMS1, UBUNTU  # noqa: E402


def pytest_configure(config: pytest.Config) -> None:
    # The tests run the package from src/ (not installed), so its pytest11 entry point is not
    # there to load the plugin; when the package is installed too, it already is.
    if not config.pluginmanager.is_registered(pytest_plugin):
        config.pluginmanager.register(pytest_plugin, "paperspace_core")


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    """One emulator (default scenario) for the whole session."""
    emu = Emulator()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture(autouse=True)
def _no_leftover_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "emulator" in request.fixturenames:
        request.getfixturevalue("emulator").clear_faults()


@pytest.fixture
def client(emulator: Emulator) -> Iterator[ps.Client]:
    """An admin client with no retries (so faults show at once)."""
    with ps.Client(api_key=ADMIN_KEY, base_url=emulator.url, max_retries=0, timeout=5) as c:
        yield c


@pytest.fixture(scope="session")
def capacity_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """An emulator whose scenario has no C4 capacity in Europe (AMS1): starts there fail."""
    scenario = {
        "seed": 7,
        "users": [
            {
                "id": "uadmin1",
                "email": "admin@example.com",
                "firstname": "Ada",
                "lastname": "Admin",
                "isAdmin": True,
                "isOwner": True,
                "dtCreated": "2019-01-10T09:00:00.000Z",
                "teamId": "tekq7vm2d",
                "apiKey": ADMIN_KEY,
            }
        ],
        "templates": [
            {
                "id": UBUNTU,
                "name": "paperspace/t04azgph",
                "label": "Ubuntu 18.04 Server",
                "os": "Ubuntu 18.04 Server",
                "dtCreated": "2018-06-15T06:00:34.531Z",
            }
        ],
        "availability": [{"region": AMS1, "machineType": "C4", "available": False}],
        "delays": {"provisionMs": 50, "startMs": 50, "stopMs": 50, "restartMs": 50, "destroyMs": 50},
    }
    path = tmp_path_factory.mktemp("scenario") / "capacity.json"
    path.write_text(json.dumps(scenario))
    emu = Emulator(path)
    try:
        yield emu
    finally:
        emu.stop()
