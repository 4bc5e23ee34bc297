"""paperspace_core.testing: the Emulator class, the pytest fixtures, ``python -m``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from helpers import NY2, UBUNTU, create_c4

import paperspace_core as ps
from paperspace_core.testing import (
    ADMIN_KEY,
    MEMBER_KEY,
    Emulator,
    EmulatorError,
    default_scenario,
    emulator_path,
)

pytest_plugins = ["pytester"]
SRC = str(Path(ps.__file__).resolve().parent.parent)


def one_user_scenario(email: str) -> dict[str, object]:
    scenario = default_scenario()
    admin = dict(scenario["users"][0], email=email)
    scenario["users"] = [admin]
    return scenario


def test_fixture_is_a_running_emulator(paperspace_emulator: Emulator) -> None:
    assert paperspace_emulator.running
    assert paperspace_emulator.url.startswith("http://127.0.0.1:")
    assert (paperspace_emulator.admin_key, paperspace_emulator.member_key) == (ADMIN_KEY, MEMBER_KEY)
    assert repr(paperspace_emulator) == f"<paperspace_core.testing.Emulator {paperspace_emulator.url}>"
    with paperspace_emulator.client(max_retries=0) as client:
        assert [t["id"] for t in client.templates.list(id=UBUNTU)] == [UBUNTU]
    with paperspace_emulator.client(MEMBER_KEY) as member:
        assert [u["email"] for u in member.users.list(id="um7x2p4j")] == ["member@example.com"]
    stats = paperspace_emulator.stats()
    assert stats["requests"] == {"GET /templates/getTemplates": 1, "GET /users/getUsers": 1}
    assert (stats["machines"], stats["machinesCreated"], stats["faultsPending"]) == (0, 0, 0)


def test_paperspace_client_fixture(paperspace_client: ps.Client, paperspace_emulator: Emulator) -> None:
    machine = create_c4(paperspace_client, "fixture")
    assert paperspace_emulator.stats()["machinesCreated"] == 1
    assert paperspace_emulator.requests("POST /machines/createSingleMachinePublic") == 1
    assert paperspace_client.machines.show(machine["id"])["name"] == "fixture"


def test_add_faults_as_keywords_and_mappings(paperspace_emulator: Emulator) -> None:
    paperspace_emulator.add_faults(path="/templates/getTemplates", status=503, count=2)
    paperspace_emulator.add_faults({"path": "/users/getUsers", "status": 404}, {"path": "/users/getUsers"})
    assert paperspace_emulator.stats()["faultsPending"] == 4
    with paperspace_emulator.client(max_retries=0) as client:
        with pytest.raises(ps.ServerError) as caught:
            client.templates.list()
        assert caught.value.http_status == 503
        with pytest.raises(ps.NotFoundError):
            client.users.list()
    paperspace_emulator.clear_faults()
    assert paperspace_emulator.stats()["faultsPending"] == 0
    with pytest.raises(TypeError, match="at least one fault"):
        paperspace_emulator.add_faults()


def test_a_bad_fault_is_refused_with_the_emulators_message(paperspace_emulator: Emulator) -> None:
    with pytest.raises(EmulatorError, match=r"^POST /__emulator/faults: 400 Invalid faults: "):
        paperspace_emulator.add_faults(path="/templates/getTemplates", action="explode")


def test_setting_the_scenario_restarts_on_the_same_url(paperspace_emulator: Emulator) -> None:
    url = paperspace_emulator.url
    with paperspace_emulator.client(max_retries=0) as client:
        create_c4(client, "before")
        assert paperspace_emulator.stats()["machines"] == 1
        assert paperspace_emulator.scenario is None
        scenario = one_user_scenario("boss@example.com")
        paperspace_emulator.scenario = scenario
        assert paperspace_emulator.url == url
        assert paperspace_emulator.scenario == scenario
        assert paperspace_emulator.scenario is not scenario  # a private copy
        # The same client keeps working (a fresh connection); the state is the new scenario's.
        assert client.machines.list() == []
        assert [u["email"] for u in client.users.list()] == ["boss@example.com"]
    assert paperspace_emulator.stats()["machines"] == 0


@pytest.mark.paperspace_scenario(one_user_scenario("marked@example.com"))
def test_the_marker_sets_the_scenario(paperspace_client: ps.Client) -> None:
    assert [u["email"] for u in paperspace_client.users.list()] == ["marked@example.com"]


def test_scenario_from_a_file_and_the_log(tmp_path: Path) -> None:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(one_user_scenario("file@example.com")))
    with Emulator(path, quiet=False) as emulator:
        with emulator.client() as client:
            assert [u["email"] for u in client.users.list(email="file@example.com")] == ["file@example.com"]
        assert emulator.scenario == path
        # The emulator logs a request once it has answered it: give it a moment.
        deadline = time.monotonic() + 5
        while "GET /users/getUsers" not in emulator.log():
            assert time.monotonic() < deadline, emulator.log()
            time.sleep(0.01)
        assert re.search(r"^GET /users/getUsers\?email=file%40example\.com 200 ", emulator.log(), re.M)
        assert ADMIN_KEY not in emulator.log()
    assert not emulator.running
    assert repr(emulator) == "<paperspace_core.testing.Emulator stopped>"
    emulator.stop()  # idempotent
    with pytest.raises(EmulatorError, match="the emulator is not running"):
        emulator.stats()


def test_a_bad_scenario_names_the_emulators_complaint() -> None:
    with pytest.raises(EmulatorError, match=r"^the emulator exited with status 2: .*unknown field `userz`"):
        Emulator({"userz": []})
    with pytest.raises(TypeError, match="Object of type set is not JSON serializable"):
        Emulator({"users": {1, 2}})
    with pytest.raises(TypeError, match="a scenario is a mapping, a file path or None, not int"):
        Emulator(7)  # type: ignore[arg-type]


def test_the_default_scenario_has_the_two_keys() -> None:
    scenario = default_scenario()
    assert [(u["id"], u.get("apiKey")) for u in scenario["users"]] == [
        ("uq8w3kz5", ADMIN_KEY),
        ("um7x2p4j", MEMBER_KEY),
    ]
    assert default_scenario() is not default_scenario()


def test_emulator_path_honours_the_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PAPERSPACE_EMULATOR", str(tmp_path / "nope"))
    with pytest.raises(EmulatorError, match="PAPERSPACE_EMULATOR=.*nope' is not a file"):
        emulator_path()
    monkeypatch.delenv("PAPERSPACE_EMULATOR")
    assert os.access(emulator_path(), os.X_OK)


def test_fixtures_in_a_pytest_run(pytester: pytest.Pytester) -> None:
    """A fresh emulator per test, one per session, the marker and a conftest's scenario."""
    pytester.makeconftest(
        """
        import pytest
        from paperspace_core.testing import default_scenario

        @pytest.fixture(scope="session")
        def paperspace_session_scenario():
            scenario = default_scenario()
            scenario["users"][0]["email"] = "session@example.com"
            return scenario
        """
    )
    create = (
        f"c.machines.create(region={NY2!r}, machine_type='C4', size=50, billing_type='hourly', "
        f"machine_name='m', template_id={UBUNTU!r})"
    )
    pytester.makepyfile(
        textwrap.dedent(
            f"""
            seen = []

            def test_fresh_1(paperspace_emulator, paperspace_client):
                c = paperspace_client
                {create}
                seen.append(paperspace_emulator.url)
                assert paperspace_emulator.stats()["machines"] == 1

            def test_fresh_2(paperspace_emulator):
                assert paperspace_emulator.url != seen[0]
                assert paperspace_emulator.stats()["machinesCreated"] == 0

            def test_session_1(paperspace_emulator_session):
                with paperspace_emulator_session.client() as c:
                    assert c.users.list(id="uq8w3kz5")[0]["email"] == "session@example.com"
                    {create}

            def test_session_2(paperspace_emulator_session):
                assert paperspace_emulator_session.stats()["machinesCreated"] == 1
            """
        )
    )
    # Loaded by name (the package is not installed here; "no:" keeps an installed copy out).
    result = pytester.runpytest_subprocess(
        "-p", "no:paperspace_core", "-p", "paperspace_core.testing.pytest_plugin", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=4)


def test_python_m_runs_a_command_against_an_emulator() -> None:
    code = (
        "import os, paperspace_core as ps\n"
        "print(os.environ['PAPERSPACE_API_KEY'])\n"
        "with ps.Client() as c: print(len(c.templates.list()))\n"
    )
    env = dict(os.environ, PYTHONPATH=SRC)
    result = subprocess.run(
        [sys.executable, "-m", "paperspace_core.testing", "--", sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [ADMIN_KEY, "15"]
    assert result.stderr.startswith("emulator at http://127.0.0.1:")
    usage = subprocess.run(
        [sys.executable, "-m", "paperspace_core.testing"], env=env, capture_output=True, text=True, timeout=60
    )
    assert usage.returncode == 2
    assert "python -m paperspace_core.testing [--scenario FILE] [--log] -- COMMAND" in usage.stderr
