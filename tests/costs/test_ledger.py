"""SMA ledger: schema at load, stated sums, missing years, periods and terms."""

from __future__ import annotations

import copy

import pytest

from anpo import costs, data
from anpo.core.errors import DataError
from anpo.costs.ledger import LEDGER_FILE, SUM_TOLERANCE_JPY_BN, term
from anpo.costs.schema import validate_ledger


def raw() -> dict:
    return copy.deepcopy(data.read_yaml(LEDGER_FILE))


def test_periods_in_order_and_complete():
    ids = [p.id for p in costs.periods()]
    assert ids == ["2008-10", "2011-15", "2016-20", "2021", "2022-26"]


def test_terms_per_period():
    p = costs.period("2022-26")
    assert term(p, "labor_cap_workers").value == 23178
    assert [term(p, "utilities_jpy_bn", y).value for y in p.years] == [23.4, 23.4, 15.1, 13.3, 13.3]
    assert term(p, "training_equipment_total_jpy_bn").value == 20.0
    assert term(costs.period("2011-15"), "utilities_share").value == 0.72
    assert term(costs.period("2016-20"), "utilities_share").value == 0.61
    assert term(costs.period("2008-10"), "labor_cap_workers").value == 23055


def test_stated_sums_add_up():
    checks = costs.sum_checks()
    assert len(checks) >= 6
    for c in checks:
        assert abs(c.sum_jpy_bn - c.stated_jpy_bn) <= SUM_TOLERANCE_JPY_BN, c


def test_a_total_that_does_not_add_up_is_refused_at_load():
    bad = raw()
    bad["budget"][0]["totals"][1]["value_jpy_bn"] = 250.0  # JFY2008 HNS total
    parsed = validate_ledger(bad, "sma.yaml")
    from anpo.costs.ledger import _sum_checks

    assert not all(c.ok for c in _sum_checks(parsed))


def test_where_the_agreement_does_not_say_it_adds_up_the_data_says_so():
    p = costs.period("2022-26")
    assert p.totals[0].adds_up == "not_stated"
    fy2015 = [b for b in costs.ledger().budget if b.jfy == 2015][0]
    assert any(t.adds_up is False for t in fy2015.totals)


def test_missing_years_are_missing_not_invented():
    rows = {r["jfy"]: r for r in costs.rows_by_year(2005, 2026)}
    assert rows[2005]["hns_total_jpy_bn"] is None and rows[2005]["basis"] == "missing"
    assert rows[2016]["basis"] == "period_average"
    assert rows[2016]["labor_jpy_bn"] is None
    assert rows[2015]["basis"] == "budget" and rows[2015]["hns_total_jpy_bn"] == 189.9
    assert rows[2022]["hns_total_jpy_bn"] == pytest.approx(1055.1 / 5, abs=0.01)


def test_history_points():
    pts = {h.jfy: h for h in costs.history()}
    assert pts[1999].value_jpy_bn == 275.6
    assert pts[1978].value_jpy_bn is None


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r["periods"][0].__setitem__("colour", "red"), "colour"),
        (lambda r: r["periods"][4]["terms"][6].__setitem__("value", 1.7), "utilities_share"),
        (lambda r: r["periods"][2].__setitem__("jfy_from", 2017), "does not follow"),
        (lambda r: r["periods"][1]["terms"][0].pop("source"), "source"),
        (lambda r: r["budget"][0]["amounts_jpy_bn"].__setitem__("beer", 1.0), "beer"),
        (lambda r: r["budget"].reverse(), "increasing"),
    ],
)
def test_schema_rejects(mutate, message):
    bad = raw()
    mutate(bad)
    with pytest.raises(DataError, match=message):
        validate_ledger(bad, "sma.yaml")


def test_every_number_has_source_and_confidence():
    led = costs.ledger()
    for p in led.periods:
        assert p.source and p.confidence
        for t in list(p.terms) + list(p.totals):
            assert t.source and t.confidence in {"confirmed", "partly", "UNVERIFIED"}
    for b in led.budget:
        assert b.source and b.confidence
