"""The law's column formulas equal a plain row-by-row reading of the same rules.

The formulas set their codes by column arithmetic (disjoint sums, products, maxima, range
tests: `law.common`), which is fast but not how the rules read. Here each such condition is
written again the straightforward way, one row at a time with if/else over its inputs, and
compared with the evaluated columns on random rows that cover every code combination, under
the actual law and under a what-if in which the rear-area acts overlap.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from law_places import random_rows

from anpo.core.codes import NULL, Event, OperationArea, UsAction, Zone
from anpo.core.dates import FOREVER
from anpo.core.scenario import TRI_NONE, ScenarioFrame
from anpo.geo.place import Place
from anpo.law.common import LawContext, by_day, lookup
from anpo.law.engine import Evaluation
from anpo.law.rules import evaluate
from anpo.law.whatif import WhatIf

N = 20_000  # above the 4,096 rows from which the code helpers use arithmetic


def _rows(n: int, seed: int) -> tuple[ScenarioFrame, Place]:
    # Stated operation areas on a third of the rows only: both far-east paths run.
    return random_rows(n, seed, ("JPN", "USA", "TWN", "KOR", "PRK", "CHN", None), stated_area_share=0.3)


def _in_force(ev: Evaluation, iid: str, day: int) -> bool:
    tl = ev.context.timeline
    return tl.start(iid) <= day < tl.end(iid)


def _reference(ev: Evaluation, i: int) -> dict[str, int]:
    """The conditions written with if/else, from row i's inputs and dependencies."""
    v = {name: int(col[i]) for name, col in ev.values.items() if col.dtype.kind != "f"}
    ctx: LawContext = ev.context
    tl = ctx.timeline
    day, event, target, zone, admin = v["day"], v["event"], v["target"], v["zone"], v["administered_by"]
    out: dict[str, int] = {}

    judgeable = event in (Event.cyber_attack, Event.space_attack)
    judged = v["armed_attack_judged"]
    if event == Event.armed_attack:
        out["armed_attack"] = 1
    elif judgeable and judged == TRI_NONE:
        out["armed_attack"] = 2
    elif judgeable and judged == 1:
        out["armed_attack"] = 1
    else:
        out["armed_attack"] = 0

    if zone == NULL:
        out["in_territories_under_japanese_administration"] = 2
    elif zone in (Zone.land, Zone.territorial_sea) and admin == ctx.jpn:
        out["in_territories_under_japanese_administration"] = 1
    else:
        out["in_territories_under_japanese_administration"] = 0

    attack, place = v["armed_attack"], v["in_territories_under_japanese_administration"]
    if not (v["mutual_cooperation_treaty_1960_in_force"] and v["attack_on_a_party"]):
        out["article5"] = 0
    elif attack == 1 and place == 1:
        out["article5"] = 1
    elif attack != 0 and place != 0:
        out["article5"] = 2
    else:
        out["article5"] = 0

    if v["mutual_cooperation_treaty_1960_in_force"]:
        out["security_treaty_in_force"] = 2
    else:
        out["security_treaty_in_force"] = 1 if v["security_treaty_1951_in_force"] else 0

    action, area = v["us_action"], v["operation_area"]
    if action != UsAction.combat_operations_from_japan:
        out["operation_in_far_east"] = 0
    elif area == OperationArea.none:
        if zone == NULL:
            out["operation_in_far_east"] = 4
        elif v["article3_islands_under_us_administration"]:
            out["operation_in_far_east"] = 1
        elif zone == Zone.outside:
            out["operation_in_far_east"] = 3
        elif admin in (ctx.jpn, ctx.korea[0], ctx.twn):
            out["operation_in_far_east"] = 1
        else:
            out["operation_in_far_east"] = 3
    elif area in (OperationArea.japan, OperationArea.korea, OperationArea.taiwan):
        out["operation_in_far_east"] = 1
    elif area in (OperationArea.middle_east, OperationArea.indian_ocean, OperationArea.elsewhere):
        out["operation_in_far_east"] = 2
    else:
        out["operation_in_far_east"] = 3

    if day >= tl.start("jp-cabinet-decision-2014-07-01"):
        out["article9_use_of_force"] = 2
    else:
        out["article9_use_of_force"] = 1 if _in_force(ev, "jp-sdf-act", day) else 0

    japan, usa = target == ctx.jpn, target == ctx.usa
    if attack == 1 and ((japan or usa) and place == 1 or japan and place == 2):
        out["armed_attack_against_japan"] = 1
    elif attack == 1 and (japan and place == 0 or not (japan or usa) and place == 1):
        out["armed_attack_against_japan"] = 2  # attacked elsewhere, or another state in Japan's places
    elif attack == 2 and japan:  # noqa: SIM114 - the rule's two cases, kept apart
        out["armed_attack_against_japan"] = 2
    else:
        out["armed_attack_against_japan"] = 0

    foreign = target not in (ctx.jpn, NULL)
    if foreign and attack == 1 and usa:
        out["armed_attack_on_close_foreign_country"] = 1
    elif foreign and attack != 0:
        out["armed_attack_on_close_foreign_country"] = 2
    else:
        out["armed_attack_on_close_foreign_country"] = 0

    certified = v["survival_threatening_certified"]
    if not (v["survival_threatening_provisions_in_force"] and v["armed_attack_on_close_foreign_country"]):
        out["survival_threatening_situation"] = 0
    elif certified == 1:
        out["survival_threatening_situation"] = 1
    elif certified == 0:
        out["survival_threatening_situation"] = 3
    else:
        out["survival_threatening_situation"] = 2

    survival, basis = v["survival_threatening_situation"], v["collective_self_defense_legal_basis"]
    out["collective_self_defense_available"] = survival if basis and survival in (1, 2) else 0

    on_japan = v["armed_attack_against_japan"]
    if not v["armed_attack_situations_act_in_force"]:
        out["japan_situation"] = 0
    elif on_japan == 1:
        out["japan_situation"] = 1
    elif survival == 1:
        out["japan_situation"] = 2
    elif on_japan == 2 or survival == 2 or v["anticipated_armed_attack_situation"] == 2:
        out["japan_situation"] = 3
    else:
        out["japan_situation"] = 0

    hostile = Event.armed_attack <= event <= Event.armed_attack_anticipated
    if hostile and _in_force(ev, "jp-important-influence-act", day):
        out["rear_area_support"] = 2
    elif hostile and _in_force(ev, "jp-areas-surrounding-japan-act-1999", day):
        out["rear_area_support"] = 1
    else:
        out["rear_area_support"] = 0

    out["subject_of_prior_consultation"] = int(
        action in (UsAction.major_deployment_change, UsAction.major_equipment_change)
        or (action == UsAction.combat_operations_from_japan and v["article5"] != 1)
    )
    threat = hostile and (target == ctx.twn or admin == ctx.twn)
    threat = threat or (area == OperationArea.taiwan and action == UsAction.combat_operations_from_japan)
    out["taiwan_relations_act_applies"] = int(threat and _in_force(ev, "us-taiwan-relations-act", day))
    return out


WHATIFS = {
    "actual": WhatIf(),
    # Both rear-area acts in force from 2005 to 2016: the later act's code must win.
    "overlap": WhatIf(in_force=(("jp-important-influence-act", dt.date(2005, 1, 1)),)),
    # Acts switched off: dated codes whose steps fall on FOREVER.
    "switched_off": WhatIf(without=("jp-sdf-act", "jp-areas-surrounding-japan-act-1999")),
}


@pytest.mark.parametrize("name", sorted(WHATIFS))
def test_formulas_equal_a_row_by_row_reading(context: LawContext, name: str) -> None:
    frame, place = _rows(N, seed=23)
    ev = evaluate(frame, place, context.under(WHATIFS[name]))
    for i in range(0, N, 7):  # a seventh of the rows: every combination occurs many times
        for condition, want in _reference(ev, i).items():
            assert int(ev[condition][i]) == want, (condition, i)


def test_assumption_marks_equal_a_row_by_row_reading(context: LawContext) -> None:
    frame, place = _rows(N, seed=29)
    ev = evaluate(frame, place, context)
    for i in range(0, N, 7):
        v = {name: int(col[i]) for name, col in ev.values.items() if col.dtype.kind != "f"}
        cyber_or_space = v["event"] in (Event.cyber_attack, Event.space_attack)
        judged = v["armed_attack_judged"] != TRI_NONE and cyber_or_space
        assert ev.assumed("armed_attack", i) == judged, i
        certified = (v["survival_threatening_certified"] != TRI_NONE
                     and bool(v["survival_threatening_provisions_in_force"])
                     and v["armed_attack_on_close_foreign_country"] != 0)
        assert ev.assumed("survival_threatening_situation", i) == (certified or judged), i
        # Article V carries the marks of what it rests on (the attack, the treaty's end).
        notice = v["termination_notice_day"] != FOREVER and bool(v["article10_termination_effective"])
        assert ev.assumed("article5", i) == (judged or notice), i


def test_no_assumption_leaves_no_marks(context: LawContext) -> None:
    frame, place = _rows(5_000, seed=31)
    frame.armed_attack_judged[:] = TRI_NONE
    frame.survival_threatening_certified[:] = TRI_NONE
    frame.termination_notice_day[:] = FOREVER
    ev = evaluate(frame, place, context)
    assert all(ev.assumed_masks[c.name] is None for c in ev.ruleset.conditions)
    assert not any(ev.assumed(c.name, i) for c in ev.ruleset.conditions for i in range(0, 5_000, 50))


@pytest.mark.parametrize("n", [5, 10_000])
def test_by_day_and_lookup_equal_their_plain_forms(n: int) -> None:
    rng = np.random.default_rng(37)
    day = rng.integers(-9000, 50000, n).astype(np.int32)
    for bounds in ((0,), (-100, 20000), (5000, 5000, 9000, FOREVER), (FOREVER,), ()):

        def rule(d: int, bounds: tuple[int, ...] = bounds) -> int:
            return 3 - sum(d >= b for b in bounds) * 2 + (1 if d >= 12000 else 0)

        got = by_day(day, (*bounds, 12000), rule)
        assert got.dtype == np.int8
        assert got.tolist() == [rule(d) for d in day.tolist()], bounds
    index = rng.integers(-1, 8, n).astype(np.int8)
    for members in ((), (0,), (3,), (2, 3, 4), (0, 1, 2, 3, 4, 5, 6, 7), (1, 3), (0, 6)):
        table = np.zeros(8, dtype=bool)
        table[list(members)] = True
        want = [bool(table[i]) if i >= 0 else False for i in index.tolist()]
        if n >= 4096:  # (numpy's own take below: a negative code reads from the end)
            assert lookup(table, index).tolist() == want, members
