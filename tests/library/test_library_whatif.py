"""anpo.assess(..., without=, in_force=): the what-if through the Python API."""

from __future__ import annotations

import pytest

import anpo
from anpo.core.errors import InputError

ATTACK = {"date": "2026-06-01", "event": "armed_attack", "target": "USA", "lat": 24.2, "lon": 122.3}


def test_without_and_in_force() -> None:
    actual = anpo.assess([ATTACK])
    without = anpo.assess([ATTACK], without=["jp-peace-security-legislation-2015"])
    assert actual.loc[0, "rear_area_support"] == "important_influence"
    assert without.loc[0, "rear_area_support"] == "areas_surrounding_japan"
    moved = anpo.assess([ATTACK], in_force={"jp-peace-security-legislation-2015": "2030-01-01"})
    assert moved.loc[0, "collective_self_defense_legal_basis"] == False  # noqa: E712 (numpy bool)


def test_bad_instrument_names_the_field() -> None:
    with pytest.raises(InputError) as err:
        anpo.assess([ATTACK], without=["nope"])
    assert err.value.field == "without"
