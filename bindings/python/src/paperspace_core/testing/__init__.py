"""Testing your code against ``paperspace-emulator``, the local Paperspace Core API.

The emulator ships inside the package (``paperspace_core/_native/paperspace-emulator``), so
``pip install paperspace-core`` is all it takes:

>>> from paperspace_core.testing import Emulator
>>> with Emulator() as emulator:                                     # doctest: +SKIP
...     with emulator.client() as client:
...         client.templates.list(label="Ubuntu 18.04 Server")

With pytest, the plugin (``paperspace_core.testing.pytest_plugin``, registered through the
``pytest11`` entry point) gives the fixtures ``paperspace_emulator`` (a fresh emulator per test),
``paperspace_emulator_session`` (one per session) and ``paperspace_client``; see the README.
"""

from __future__ import annotations

from ._emulator import ADMIN_KEY, MEMBER_KEY, Emulator, EmulatorError, Scenario, default_scenario, emulator_path

__all__ = ["ADMIN_KEY", "MEMBER_KEY", "Emulator", "EmulatorError", "Scenario", "default_scenario", "emulator_path"]
