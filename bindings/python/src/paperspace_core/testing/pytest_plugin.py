"""pytest fixtures for testing code against the emulator (loaded through the ``pytest11`` entry
point, so installing paperspace-core is enough).

- ``paperspace_emulator``: a fresh :class:`~paperspace_core.testing.Emulator` for each test;
  its scenario is the ``paperspace_scenario`` marker's argument, else the ``paperspace_scenario``
  fixture's value (``None``, the built-in scenario, unless a conftest overrides it).
- ``paperspace_emulator_session``: one emulator for the whole session, with the
  ``paperspace_session_scenario`` fixture's scenario (tests share its state: use faults with
  care, or ``clear_faults()``).
- ``paperspace_client``: an administrator :class:`~paperspace_core.Client` for
  ``paperspace_emulator``, closed after the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from ._emulator import Emulator, Scenario

if TYPE_CHECKING:
    from .._client import Client


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "paperspace_scenario(scenario): the scenario (a dict, a file path, or None) of this test's "
        "paperspace_emulator",
    )


@pytest.fixture
def paperspace_scenario() -> Scenario:
    """The scenario of ``paperspace_emulator`` (override it in a conftest; ``None`` is the
    emulator's built-in scenario)."""
    return None


@pytest.fixture
def paperspace_emulator(request: pytest.FixtureRequest, paperspace_scenario: Scenario) -> Iterator[Emulator]:
    """A fresh emulator for this test, stopped after it."""
    marker = request.node.get_closest_marker("paperspace_scenario")
    if marker is not None:
        if len(marker.args) != 1 or marker.kwargs:
            raise TypeError("the paperspace_scenario marker takes one argument: the scenario")
        scenario: Scenario = marker.args[0]
    else:
        scenario = paperspace_scenario
    with Emulator(scenario) as emulator:
        yield emulator


@pytest.fixture(scope="session")
def paperspace_session_scenario() -> Scenario:
    """The scenario of ``paperspace_emulator_session`` (override it in a conftest)."""
    return None


@pytest.fixture(scope="session")
def paperspace_emulator_session(paperspace_session_scenario: Scenario) -> Iterator[Emulator]:
    """One emulator shared by every test of the session."""
    with Emulator(paperspace_session_scenario) as emulator:
        yield emulator


@pytest.fixture
def paperspace_client(paperspace_emulator: Emulator) -> Iterator[Client]:
    """A client with the administrator's key for this test's emulator, closed after it."""
    with paperspace_emulator.client() as client:
        yield client
