"""Constants and helpers shared by the tests."""

from __future__ import annotations

from typing import Any

import paperspace_core as ps

UBUNTU = "t04azgph"
WINDOWS = "tk9izniv"
NY2: ps.Region = "East Coast (NY2)"
AMS1: ps.Region = "Europe (AMS1)"


def create_c4(client: ps.Client, name: str, **optional: Any) -> ps.Machine:
    """A C4 Ubuntu machine in NY2 (the cheapest valid create)."""
    return client.machines.create(
        region=NY2,
        machine_type="C4",
        size=50,
        billing_type="hourly",
        machine_name=name,
        template_id=UBUNTU,
        **optional,
    )
