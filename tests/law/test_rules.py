"""The treaty, Japanese and U.S. rules over constructed Place columns."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from law_places import LAND, OUTSIDE, SEA, make_frame, make_place

from anpo.core.codes import Event, UsAction
from anpo.core.dates import FIRST_DATE, FOREVER, LAST_DATE, to_day
from anpo.core.errors import InputError
from anpo.core.scenario import TRI_NONE
from anpo.law import instruments
from anpo.law.assess import parse
from anpo.law.common import LawContext, anniversary
from anpo.law.rules import evaluate, ruleset

ALL_DAYS = np.arange(to_day(FIRST_DATE), to_day(LAST_DATE) + 1, dtype=np.int32)


def day(text: str) -> int:
    return to_day(dt.date.fromisoformat(text))


def one(context: LawContext, date: str, event: Event, target: str | None, place_args: tuple, **kw: int):
    frame = make_frame(np.array([day(date)]), int(event), target, **kw)
    return evaluate(frame, make_place(1, *place_args), context)


def test_senkaku_style_disputed_island_japan_administers(context: LawContext) -> None:
    ev = one(context, "2026-01-15", Event.armed_attack, "JPN", (LAND, 0, "JPN", 2))
    assert ev.value("article5", 0) == "applies"
    assert ev.value("defense_operation_available", 0)


def test_us_administered_ryukyu_agreed_minute_then_reversion(context: LawContext) -> None:
    before = one(context, "1972-05-14", Event.armed_attack, "USA", (LAND, 0, "USA"))
    assert before.value("article5", 0) == "does_not_apply"
    assert before.value("agreed_minute_applies", 0)
    assert "1972-05-15" in before.hint("in_territories_under_japanese_administration", 0)
    after = one(context, "1972-05-15", Event.armed_attack, "USA", (LAND, 0, "JPN"))
    assert after.value("article5", 0) == "applies"
    assert not after.value("agreed_minute_applies", 0)


def test_strait_hint_names_distance_and_breadth(context: LawContext) -> None:
    ev = one(context, "2020-01-10", Event.armed_attack, "JPN", (OUTSIDE, 2, None, 0, 5.1, 3.0, 0))
    hint = ev.hint("in_territories_under_japanese_administration", 0)
    assert hint is not None and "5.1 nm" in hint and "3 nm" in hint and "Tsugaru" in hint


def test_korea_minute_noted_for_combat_operations_on_the_peninsula(context: LawContext) -> None:
    ev = one(context, "1965-01-01", Event.armed_attack, "USA", (LAND, 3, "KOR"),
             us_action=int(UsAction.combat_operations_from_japan))
    assert ev.value("korea_minute_noted", 0)
    assert ev.value("prior_consultation_required", 0)
    takeshima = one(context, "1965-01-01", Event.armed_attack, "USA", (SEA, 3, "KOR", 1),
                    us_action=int(UsAction.combat_operations_from_japan))
    assert not takeshima.value("korea_minute_noted", 0)


def test_judged_cyber_attack_rests_on_an_assumption(context: LawContext) -> None:
    ev = one(context, "2024-01-01", Event.cyber_attack, "JPN", (LAND, 2, "JPN"), judged=1)
    assert ev.value("article5", 0) == "applies"
    assert ev.assumed("article5", 0)
    unstated = one(context, "2024-01-01", Event.cyber_attack, "JPN", (LAND, 2, "JPN"))
    assert unstated.value("article5", 0) == "case_by_case"
    assert not unstated.assumed("article5", 0)


def test_termination_notice_before_1970_06_23_is_an_input_error() -> None:
    base = {"date": "1975-01-01", "event": "none"}
    with pytest.raises(InputError) as err:
        parse([base, {**base, "assume": {"termination_notice": "1970-06-22"}}])
    assert err.value.field == "assume.termination_notice" and err.value.row == 1
    parse({**base, "assume": {"termination_notice": "1970-06-23"}})


def test_explanation_equals_batch(context: LawContext) -> None:
    days = np.array([day("1965-01-01"), day("2026-01-01")])
    frame = make_frame(days, int(Event.armed_attack), "USA")
    batch = evaluate(frame, make_place(2, LAND, 0, "JPN"), context)
    for i in range(2):
        single = evaluate(make_frame(days[i:i + 1], int(Event.armed_attack), "USA"),
                          make_place(1, LAND, 0, "JPN"), context)
        assert single.trace(0) == batch.trace(i)


# --- properties -------------------------------------------------------------------------------

events = st.sampled_from(list(Event))
targets = st.sampled_from(["JPN", "USA", "TWN", "KOR", None])
actions = st.sampled_from(list(UsAction))
tri = st.sampled_from([TRI_NONE, 0, 1])
notice = st.one_of(st.just(FOREVER), st.integers(day("1970-06-23"), day("2100-12-31")))
# Places no Japanese administration covers: open sea, foreign-administered land or sea, no location.
foreign_places = st.one_of(
    st.tuples(st.just(OUTSIDE), st.sampled_from([None, 2]), st.just(None)),
    st.tuples(
        st.sampled_from([LAND, SEA]), st.sampled_from([0, 1, 3]), st.sampled_from(["USA", "RUS", "KOR"])
    ),
    st.tuples(st.just(None), st.just(None), st.just(None)),
)


@settings(max_examples=150, deadline=None)
@given(events, targets, actions, tri, tri, notice, foreign_places,
       st.integers(to_day(FIRST_DATE), to_day(LAST_DATE)))
def test_no_japanese_administration_never_applies(
    context: LawContext, event: Event, target: str | None, action: UsAction, judged: int, certified: int,
    notice_day: int, place: tuple, d: int,
) -> None:
    zone, unit, admin = place
    frame = make_frame(np.array([d]), int(event), target, int(action), notice_day, judged, certified,
                       located=zone is not None)
    ev = evaluate(frame, make_place(1, zone, unit, admin), context)
    assert ev.value("article5", 0) != "applies"


@settings(max_examples=40, deadline=None)
@given(events, targets, actions, tri, tri, notice,
       st.sampled_from([(LAND, 2, "JPN"), (SEA, 0, "JPN"), (LAND, 0, "USA"), (OUTSIDE, None, None),
                        (LAND, 1, "RUS"), (None, None, None)]))
def test_determinations_change_only_on_dates_the_instruments_name(
    context: LawContext, event: Event, target: str | None, action: UsAction, judged: int, certified: int,
    notice_day: int, place: tuple,
) -> None:
    zone, unit, admin = place
    if event in (Event.armed_attack, Event.gray_zone, Event.missile_inbound) and zone is None:
        return
    frame = make_frame(ALL_DAYS, int(event), target, int(action), notice_day, judged, certified,
                       located=zone is not None)
    ev = evaluate(frame, make_place(len(ALL_DAYS), zone, unit, admin), context)
    named = {to_day(d) for d in instruments.named_dates()}
    if notice_day != FOREVER:
        named.add(anniversary(notice_day))
    for c in ruleset().conditions:
        col = ev[c.name]
        changed = np.flatnonzero(col[1:] != col[:-1]) + 1
        for i in changed.tolist():
            assert int(ALL_DAYS[i]) in named, f"{c.name} changes on an unnamed day {ALL_DAYS[i]}"
