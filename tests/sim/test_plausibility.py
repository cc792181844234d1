"""Plausibility bands (docs/model.md): the Stimson-like campaign against Stimson 2024's
Japan baseline (fighters 11.7 days, tankers 33.3 days closed; simulation reference §1.4),
within the reference's factor of two, at the salvo size where docs/model.md says it lands."""

from __future__ import annotations

from pathlib import Path

import pytest

from anpo import sim
from anpo.io.documents import read_document
from anpo.sim.plan import compile_plan
from anpo.sim.run import run_plan

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sim" / "stimson-like-2026.yaml"
STIMSON_DAYS = {"fighter": 11.7, "tanker": 33.3}
SINGLE_RUNWAY = ("futenma", "misawa", "iwakuni")


def _closure_days(missiles: int, trials: int) -> dict[tuple[str, str], float]:
    spec = sim.parse_sim_scenario(read_document(str(EXAMPLE)))
    params = sim.load_parameters(spec.parameters).with_overrides({"strike.missiles_per_base": missiles})
    summary = run_plan(compile_plan(spec, params), trials, seed=7, workers=2).to_dict()
    return {
        (base, cls): summary["metrics_h"][f"runway_closed_{base}_{cls}_h"]["mean"] / 24
        for base in SINGLE_RUNWAY
        for cls in STIMSON_DAYS
    }


@pytest.mark.parametrize(("missiles", "within"), [(100, True), (30, False)])
def test_single_runway_closures_against_stimson(missiles: int, within: bool) -> None:
    days = _closure_days(missiles, 600 if missiles == 100 else 4000)
    for (base, cls), d in days.items():
        ratio = d / STIMSON_DAYS[cls]
        assert (0.5 <= ratio <= 2.0) is within, (base, cls, round(d, 2))
