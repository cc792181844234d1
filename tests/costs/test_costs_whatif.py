"""What-if calculator: arithmetic, baselines, and bad input."""

from __future__ import annotations

import pytest

from anpo import costs
from anpo.core.errors import InputError


def test_no_change_reproduces_the_agreed_total():
    w = costs.what_if("2022-26")
    assert w.agreed_total_jpy_bn == pytest.approx(1055.1)
    assert w.delta_total_jpy_bn == 0
    assert w.scenario_total_jpy_bn == pytest.approx(1055.1)


def test_utilities_share_scales_agreed_amounts():
    w = costs.what_if("2022-26", utilities_share=0.35)  # the agreed share: no change
    assert w.delta_total_jpy_bn == pytest.approx(0.0, abs=1e-9)
    w = costs.what_if("2022-26", utilities_share=0.7)  # twice the share
    assert w.delta_total_jpy_bn == pytest.approx(23.4 + 23.4 + 15.1 + 13.3 + 13.3)


def test_utilities_cap_binds_after_share():
    w = costs.what_if("2016-20", utilities_share=0.8, utilities_cap_jpy_bn=30.0)
    # 24.9 x 0.8 / 0.61 = 32.66 -> capped at 30.0 -> +5.1 a year
    assert w.years[0].delta_jpy_bn["utilities"] == pytest.approx(5.1)
    assert any("capped at 30.00" in line for line in w.arithmetic)


def test_labor_cap_uses_cost_per_worker():
    w = costs.what_if("2022-26", labor_cap=23178 - 1000, labor_cost_per_worker_jpy=5_000_000)
    assert w.delta_total_jpy_bn == pytest.approx(-1000 * 5e6 * 5 / 1e9)
    default = costs.what_if("2022-26", labor_cap=23178 + 100)
    # the nearest SMA labor budget to the period is JFY2020's, under the 23,178 cap
    assert default.assumptions and "JFY2020" in default.assumptions[0]
    assert default.years[0].delta_jpy_bn["labor"] == pytest.approx(100 * 128.7e9 / 23178 / 1e9)
    older = costs.what_if("2011-15", labor_cap=22625 + 100)
    assert "JFY2015" in older.assumptions[0]
    assert older.years[0].delta_jpy_bn["labor"] == pytest.approx(100 * 116.4e9 / 22625 / 1e9)


def test_training_relocation():
    w = costs.what_if("2021", training_relocation_jpy_bn=0.0)
    assert w.years[0].delta_jpy_bn["training_relocation"] == pytest.approx(-11.4)
    assert w.scenario_total_jpy_bn == pytest.approx(201.7 - 11.4)


def test_missing_agreed_total_stays_missing():
    w = costs.what_if("2008-10", utilities_cap_jpy_bn=20.0)
    assert w.agreed_total_jpy_bn is None and w.scenario_total_jpy_bn is None
    assert w.delta_total_jpy_bn == pytest.approx(-(5.3 + 4.9 + 4.9))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"utilities_share": 1.2}, "utilities_share"),
        ({"utilities_share": float("nan")}, "utilities_share"),
        ({"labor_cap": -5}, "labor_cap"),
        ({"utilities_cap_jpy_bn": -1.0}, "utilities_cap_jpy_bn"),
        ({"labor_cost_per_worker_jpy": 5e6}, "labor_cost_per_worker_jpy"),
        # plausibility bounds: a cap no agreement could mean is refused, naming the field
        ({"labor_cap": 1e20}, "labor_cap"),
        ({"labor_cap": 100_001}, "labor_cap"),
        ({"labor_cap": 22000.5}, "labor_cap"),
        ({"labor_cap": 22000, "labor_cost_per_worker_jpy": 1e12}, "labor_cost_per_worker_jpy"),
        ({"utilities_cap_jpy_bn": 1e6}, "utilities_cap_jpy_bn"),
        ({"training_relocation_jpy_bn": float("inf")}, "training_relocation_jpy_bn"),
    ],
)
def test_bad_input_names_field(kwargs, field):
    with pytest.raises(InputError) as err:
        costs.what_if("2022-26", **kwargs)
    assert err.value.field == field


def test_unknown_period():
    with pytest.raises(InputError, match="accepted: 2008-10"):
        costs.what_if("1999-2003")


def test_period_written_as_years():
    a = costs.what_if("JFY2022-2026", utilities_share=0.5)
    b = costs.what_if("2022-26", utilities_share=0.5)
    assert a.period == b.period == "2022-26"
    assert a.scenario_total_jpy_bn == b.scenario_total_jpy_bn


def test_labor_cap_at_the_bound_is_accepted():
    w = costs.what_if("2022-26", labor_cap=100_000, labor_cost_per_worker_jpy=5e6)
    assert w.years[0].delta_jpy_bn["labor"] == pytest.approx((100_000 - 23178) * 5e6 / 1e9)
