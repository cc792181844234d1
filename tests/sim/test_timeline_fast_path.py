"""The one-event fast path of the timeline kernel (`_draw_one`, `_decide_block_one`) against the
general `_decide`, for every Japanese gate and U.S. consent flag, called on the kernel directly."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from anpo import sim
from anpo.sim import timeline as tl
from anpo.sim import timeline_kernel as tk
from anpo.sim.plan import compile_plan
from anpo.sim.streams import stream

SENKAKU = {"date": "2026-01-15", "event": "armed_attack", "target": "JPN", "lat": 25.743, "lon": 123.473}
N = 4096


def _tile(gate: int, cert: int, prior: int, rear: int, general: int) -> tl.Fold:
    plan = compile_plan(sim.parse_sim_scenario({"scenario": SENKAKU}), sim.load_parameters())
    q, f = tl.pack_parameters(plan)
    ev, ef = tl.pack_events(plan)
    u = tl.pack_units(plan)
    ef[0, tk.EF_GATE], ef[0, tk.EF_CERT_ASSUMED] = gate, cert
    ef[0, tk.EF_PRIOR_CONSULT], ef[0, tk.EF_REAR_AREA] = prior, rear
    f[tk.GENERAL] = general
    fold = tl.new_chunk(plan, N).fold
    curve = np.zeros((len(plan.count), len(tl.GRID_H) + 1), np.int64)
    tk.timeline_tile(stream(3, 0), 0, N, q, f, ev, ef, u.table, u.ready_h, u.transit_h, u.air, np.zeros(0),
                     np.zeros((0, 0, 0, 0)), np.zeros((0, 0)), fold, curve, 3.0)  # fmt: skip
    return fold


@pytest.mark.parametrize(
    ("gate", "cert", "prior", "rear"),
    list(itertools.product(
        (tk.GATE_DEFENSE_ORDER, tk.GATE_JUDGMENT, tk.GATE_CERTIFICATION, tk.GATE_NONE), (0, 1), (0, 1), (0, 1)
    )),
)  # fmt: skip
def test_fast_path_draws_what_the_general_path_draws(gate: int, cert: int, prior: int, rear: int) -> None:
    fast, general = _tile(gate, cert, prior, rear, 0), _tile(gate, cert, prior, rear, 1)
    np.testing.assert_array_equal(fast.keep_paths, general.keep_paths)
    np.testing.assert_array_equal(np.isinf(fast.keep_times), np.isinf(general.keep_times))
    # the fast path's exp is arithmetic (`fast_exp`), the general path's the C library's
    np.testing.assert_allclose(fast.keep_times, general.keep_times, rtol=2e-15, atol=0)
    np.testing.assert_array_equal(fast.keep_counts, general.keep_counts)
