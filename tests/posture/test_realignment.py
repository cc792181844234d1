"""Realignment plans against outcomes: slippage and projections computed from dates."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from anpo import data
from anpo.core.errors import DataError, InputError
from anpo.posture import realignment
from anpo.posture.cited import validate_file
from anpo.posture.realignment_schema import RealignmentFile


def _item(item_id: str):
    return next(i for i in realignment.items() if i.id == item_id)


def test_slippage_is_computed_from_target_and_outcome_dates():
    gimbaru = realignment.slippage(_item("saco-gimbaru"))
    # 1998-03-31 to 2011-07-01; the press at the return said '13 years late'
    assert gimbaru.years == round((dt.date(2011, 7, 1) - dt.date(1998, 3, 31)).days / 365.25, 2)
    assert 13 <= gimbaru.years < 14 and not gimbaru.at_least
    nta = realignment.slippage(_item("saco-northern-training-area"))
    assert 13.5 < nta.years < 14  # target March 2003, returned 2016-12-22


def test_on_time_and_early_returns_have_no_slippage():
    assert realignment.slippage(_item("cp-west-futenma-housing")).text() == "on time"
    early = realignment.slippage(_item("cp-makiminato-north-access-road"))
    assert early.years is not None and early.years < 0


def test_open_items_are_lower_bounds_to_the_latest_source():
    s = realignment.slippage(_item("saco-futenma"))
    assert s.at_least and s.measured_to == dt.date(2024, 1, 10) and s.years > 20
    not_due = realignment.slippage(_item("cp-naha-port"))
    assert not_due.years is None and not_due.text() == "not due as of 2021-07-13"


def test_futenmas_return_is_projected_from_the_design_change_approval():
    sched = realignment.realignment().schedules[0]
    when = realignment.projected(sched)
    assert when == dt.date(2035, 12, 28)  # 2023-12-28 (MLIT's proxy approval) + 12 years
    assert 2030 <= when.year < 2040  # 'the 2030s or later'


def test_the_cost_estimate_grew_about_2_7_times():
    costs = {c.id: c for c in realignment.realignment().costs}
    assert round(costs["frf-cost-2019"].value_jpy_bn / costs["frf-cost-2014"].value_jpy_bn, 1) == 2.7
    assert sum(costs["frf-cost-2019"].parts.values()) < costs["frf-cost-2019"].value_jpy_bn


def test_yomitans_partial_returns_add_up_to_the_whole():
    o = _item("saco-yomitan").outcome
    assert sum(o.parts_ha.values()) == o.area_ha == 191


def _raw():
    return copy.deepcopy(data.read_yaml(realignment.PLANS_FILE))


def test_a_fiscal_year_target_must_end_on_31_march_and_errors_name_the_item():
    raw = _raw()
    next(i for i in raw["items"] if i["id"] == "cp-futenma")["target"]["date"] = dt.date(2022, 12, 31)
    with pytest.raises(DataError, match=r"plans.yaml: items\.cp-futenma\.target.*31 March"):
        validate_file(RealignmentFile, raw, realignment.PLANS_FILE)


def test_an_open_item_needs_the_date_of_its_latest_source():
    raw = _raw()
    del raw["items"][0]["outcome"]["as_of"]
    with pytest.raises(DataError, match=r"items\.saco-futenma\.outcome.*as_of"):
        validate_file(RealignmentFile, raw, realignment.PLANS_FILE)


def test_unknown_plan_is_an_input_error():
    with pytest.raises(InputError, match="plan.*accepted: saco-1996"):
        realignment.items("saco-2099")
