"""The law as a what-if: parsing, the timeline's dates, and whole-batch evaluation."""

from __future__ import annotations

import datetime as dt
import pickle

import numpy as np
import pytest
from law_places import LAND, law_context, make_frame, make_place

from anpo.core.codes import Event
from anpo.core.dates import FOREVER, to_day
from anpo.core.errors import InputError
from anpo.law import instruments
from anpo.law.common import active_context, applied
from anpo.law.rules import evaluate
from anpo.law.whatif import ACTUAL, Timeline, WhatIf

LEGISLATION = "jp-peace-security-legislation-2015"


def day(text: str) -> int:
    return to_day(dt.date.fromisoformat(text))


def test_actual_timeline_is_the_shipped_dates() -> None:
    for inst in instruments.instruments().values():
        assert ACTUAL.start(inst.id) == to_day(inst.in_force), inst.id
    assert ACTUAL.provision_day("jp-armed-attack-situations-act/art-2/item-4") == day("2016-03-29")
    assert ACTUAL.end("us-japan-1951") == day("1960-06-23")
    assert ACTUAL.end("jp-areas-surrounding-japan-act-1999") == day("2016-03-29")


def test_switching_off_an_amending_act_removes_what_came_with_it() -> None:
    t = Timeline(WhatIf.parse(without=[LEGISLATION]))
    assert t.start(LEGISLATION) == FOREVER
    assert t.provision_day("jp-armed-attack-situations-act/art-2/item-4") == FOREVER
    assert t.provision_day("jp-sdf-act/art-95-2") == FOREVER
    assert t.start("jp-important-influence-act") == FOREVER
    assert t.end("jp-areas-surrounding-japan-act-1999") == FOREVER  # the 1999 act goes on
    assert t.provision_day("jp-sdf-act/art-82-3") == day("2009-07-24")  # not the 2015 act's


def test_moving_an_instrument_moves_its_undated_provisions_and_named_dates() -> None:
    t = Timeline(WhatIf.parse(in_force=["us-japan-1960=1965-06-23"]))
    assert t.start("us-japan-1960") == day("1965-06-23")
    assert t.provision_day("us-japan-1960/art-5/para-1") == day("1965-06-23")
    assert t.end("us-japan-1951") == day("1965-06-23")  # the 1951 treaty ends with it
    assert t.day_of("us-japan-1960", "earliest_termination_notice") == day("1975-06-23")


def test_a_provision_never_precedes_its_instrument() -> None:
    t = Timeline(WhatIf.parse(in_force=["jp-sdf-act=2010-01-01"]))
    assert t.provision_day("jp-sdf-act/art-82-2/bmd") == day("2010-01-01")
    assert t.provision_day("jp-sdf-act/art-82-3") == day("2010-01-01")


@pytest.mark.parametrize(("without", "in_force", "field", "reason"), [
    (["nope"], [], "without", "unknown instrument"),
    (["okinawa-reversion-1971"], [], "without", "geography"),
    (["jp-territorial-sea-law-1977"], [], "without", "geography"),
    ([], ["us-japan-1960"], "in_force", "INSTRUMENT=YYYY-MM-DD"),
    ([], ["us-japan-1960=1960-13-01"], "in_force us-japan-1960", ""),
    ([], ["us-japan-1960=1960-01-01", "us-japan-1960=1961-01-01"], "in_force",
     "twice"),
    (["us-japan-1960"], ["us-japan-1960=1961-01-01"], "in_force", "switched off"),
])
def test_bad_what_if_names_the_field(
    without: list[str], in_force: list[str], field: str, reason: str
) -> None:
    with pytest.raises(InputError) as err:
        WhatIf.parse(without, in_force)
    assert err.value.field == field and reason in err.value.reason


def test_timeline_survives_pickling_for_dask_workers() -> None:
    t = Timeline(WhatIf.parse(without=[LEGISLATION]))
    t.start("us-japan-1960")
    back = pickle.loads(pickle.dumps(t))
    assert back.whatif == t.whatif and back.start(LEGISLATION) == FOREVER


def test_batch_under_a_what_if_equals_row_by_row() -> None:
    # 400 days across 1950-2030, one column evaluation against each day on its own.
    days = np.linspace(day("1950-01-01"), day("2030-01-01"), 400).astype(np.int32)
    ctx = law_context().under(WhatIf.parse(without=[LEGISLATION], in_force=["us-japan-1960=1958-01-01"]))
    n = len(days)
    attack = int(Event.armed_attack)
    whole = evaluate(make_frame(days, attack, "USA"), make_place(n, LAND, 2, "JPN"), ctx)
    for i in range(0, n, 37):
        one = evaluate(make_frame(days[i:i + 1], attack, "USA"), make_place(1, LAND, 2, "JPN"), ctx)
        for c in whole.ruleset.conditions:
            assert whole.value(c.name, i) == one.value(c.name, 0), (c.name, i)
    assert not any(whole.value("collective_self_defense_legal_basis", i) for i in range(n))
    treaty = [whole.value("security_treaty_in_force", i) for i in range(n)]
    assert "1960" in treaty and treaty[np.searchsorted(days, day("1958-01-01"))] == "1960"


def test_applied_what_if_is_scoped() -> None:
    whatif = WhatIf.parse(without=[LEGISLATION])
    assert not active_context().timeline.whatif
    with applied(whatif):
        assert active_context().timeline.whatif == whatif
    assert not active_context().timeline.whatif
