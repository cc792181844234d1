"""SMA agreements (sma.yaml): schema at load, dates and terms as audited, the year view."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from anpo import costs, data
from anpo.core.errors import DataError, InputError
from anpo.costs.ledger import LEDGER_FILE, term
from anpo.costs.schema import validate_ledger


def raw() -> dict:
    return copy.deepcopy(data.read_yaml(LEDGER_FILE))


def test_periods_in_order_and_complete():
    ids = [p.id for p in costs.periods()]
    assert ids == ["2008-10", "2011-15", "2016-20", "2021", "2022-26"]


# Dates checked against MOFA's notices (docs/audit.md, costs section).
@pytest.mark.parametrize(
    ("pid", "agreed", "signed", "in_force", "expires"),
    [
        # audit fix: anpo had signed None and in force 2008-04-01; MOFA: signed 2008-01-25,
        # in force 2008-05-01 after the exchange of notes
        ("2008-10", "2007-12-12", "2008-01-25", "2008-05-01", "2011-03-31"),
        ("2011-15", None, "2011-01-21", "2011-04-01", "2016-03-31"),
        ("2016-20", "2015-12-16", "2016-01-22", "2016-04-01", "2021-03-31"),
        # audit fix: the protocol was agreed on 2021-02-17 (anpo had None)
        ("2021", "2021-02-17", "2021-02-24", "2021-03-31", "2022-03-31"),
        ("2022-26", "2021-12-21", "2022-01-07", "2022-04-01", "2027-03-31"),
    ],
)
def test_sma_dates(pid, agreed, signed, in_force, expires):
    p = costs.period(pid)
    iso = lambda d: None if d is None else d.isoformat()  # noqa: E731
    assert (iso(p.agreed), iso(p.signed), iso(p.in_force), iso(p.expires)) == (
        agreed, signed, in_force, expires)


def test_the_2008_sma_left_april_2008_uncovered():
    # The previous SMA lapsed on 2008-03-31; the new one entered into force on 05-01.
    p = costs.period("2008-10")
    assert p.in_force - dt.date(2008, 3, 31) == dt.timedelta(days=31)
    assert "2008-05-01" in (p.dates_note or "")


def test_terms_per_period():
    p = costs.period("2022-26")
    assert term(p, "labor_cap_workers").value == 23178
    assert [term(p, "utilities_jpy_bn", y).value for y in p.years] == [23.4, 23.4, 15.1, 13.3, 13.3]
    assert term(p, "training_equipment_total_jpy_bn").value == 20.0
    assert term(costs.period("2011-15"), "utilities_share").value == 0.72
    assert term(costs.period("2011-15"), "labor_cap_workers").value == 22625
    assert term(costs.period("2016-20"), "utilities_share").value == 0.61
    assert term(costs.period("2008-10"), "labor_cap_workers").value == 23055
    assert term(costs.period("2021"), "labor_cap_workers").value == 23178


def test_press_figures_are_marked_and_never_confirmed():
    for p in costs.periods():
        for t in p.terms:
            if t.reported:
                assert t.confidence != "confirmed"
    assert term(costs.period("2022-26"), "utilities_share").reported


@pytest.mark.parametrize("text", ["2022-26", "JFY2022-2026", "2022-2026", "JFY2022-26", "jfy2022-2026"])
def test_period_forms(text):
    assert costs.period(text).id == "2022-26"


def test_period_forms_single_year_and_unknown():
    assert costs.period("JFY2021").id == "2021"
    with pytest.raises(InputError, match=r"accepted: 2008-10 \(JFY2008-2010\)"):
        costs.period("JFY2022-2025")


def test_where_the_agreement_does_not_say_it_adds_up_the_data_says_so():
    p = costs.period("2022-26")
    assert p.totals[0].adds_up == "not_stated"


def test_history_is_dated_events():
    pts = {h.jfy: h for h in costs.history()}
    assert {1978, 1979, 1987, 1991, 1996, 1999, 2022} <= set(pts)
    assert pts[1999].confidence == "partly"  # the amount is a newspaper's figure


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r["periods"][0].__setitem__("colour", "red"), "colour"),
        (lambda r: r["periods"][4]["terms"][6].__setitem__("value", 1.7), "utilities_share"),
        (lambda r: r["periods"][2].__setitem__("jfy_from", 2017), "does not follow"),
        (lambda r: r["periods"][1]["terms"][0].pop("source"), "source"),
        (lambda r: r["periods"][1]["terms"][0].__setitem__("source", ""), "no document"),
        (lambda r: r["periods"][0].__setitem__("expires", dt.date(2012, 3, 31)), "expires"),
        (lambda r: r["history"].reverse(), "increasing"),
    ],
)
def test_schema_rejects(mutate, message):
    bad = raw()
    mutate(bad)
    with pytest.raises(DataError, match=message):
        validate_ledger(bad, "sma.yaml")


def test_every_number_has_source_and_confidence():
    led = costs.agreements()
    for p in led.periods:
        assert p.source and p.confidence
        for t in list(p.terms) + list(p.totals):
            assert (t.source or t.document) and t.confidence in {"confirmed", "partly", "unverified"}


def test_year_view_covers_1978_to_the_sma_in_force_with_gaps():
    rows = {r["jfy"]: r for r in costs.ledger("year")}
    assert min(rows) == 1978 and max(rows) == 2026 and len(rows) == 49
    assert rows[1978]["hns_total_jpy_bn"] == 6.2 and rows[1978]["labor_welfare_jpy_bn"] == 6.2
    assert rows[1985]["hns_total_jpy_bn"] is None and rows[1985]["basis"] == "missing"
    assert rows[1997]["basis"] == "settled"  # the Board of Audit's settled figure
    assert rows[2015]["basis"] == "budget" and rows[2015]["hns_total_jpy_bn"] == 189.9
    assert rows[2015]["reconciled"] is True and rows[2015]["categories_add_up"] is True
    assert rows[2016]["labor_jpy_bn"] is None  # no figure: missing, not invented
    assert rows[2018]["basis"] == "budget" and rows[2018]["hns_total_jpy_bn"] == 196.8  # Akahata's figure
    assert rows[2022]["hns_total_jpy_bn"] == 205.6 and rows[2022]["basis"] == "budget"
    assert rows[2022]["training_equipment_jpy_bn"] == 1.0
    # JFY2026: MOF's budget draft (2,191億円) replaces the SMA's agreed average (1055.1 / 5)
    assert rows[2026]["hns_total_jpy_bn"] == 219.1 and rows[2026]["basis"] == "budget"
    assert rows[2013]["basis"] == "annual_level"  # still no budget figure sourced: the SMA's agreed level
    assert rows[2022]["utilities_jpy_bn"] == 23.4 and rows[2022]["bases"] == {"sma_utilities": "agreed"}


def test_usd_and_per_member_only_where_sourced():
    rows = {r["jfy"]: r for r in costs.ledger("year")}
    assert rows[2015]["hns_total_usd_bn"] == pytest.approx(189.9 / 121.05, abs=1e-3)
    assert rows[2015]["jpy_per_usd"] == 121.05
    assert rows[2010]["hns_total_usd_bn"] == pytest.approx(188.1 / 87.78, abs=1e-3)  # IMF IFS rate
    assert rows[2024]["hns_total_usd_bn"] is None  # no sourced rate for 2024
    assert rows[2003]["stationing_total_jpy_m_per_member"] == pytest.approx(435.5e3 / 40519, abs=0.01)
    for y, r in rows.items():  # per member only where both the figure and the count exist
        if r["us_personnel"] is None or r["stationing_total_jpy_bn"] is None:
            assert r["stationing_total_jpy_m_per_member"] is None, y
        else:
            assert r["stationing_total_jpy_m_per_member"] == pytest.approx(
                r["stationing_total_jpy_bn"] * 1000 / r["us_personnel"], abs=0.01)
    assert rows[2011]["stationing_total_jpy_m_per_member"] is None  # no stationing figure


def test_library_rows_make_a_dataframe():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame(costs.ledger(by="year"))
    assert list(df["jfy"])[:2] == [1978, 1979] and "mod_usfj_total_jpy_bn" in df.columns
    lines = pd.DataFrame(costs.ledger(by="line"))
    assert {"jfy", "line", "basis", "value_jpy_bn", "source", "read_from"} <= set(lines.columns)
    with pytest.raises(InputError, match="accepted: year"):
        costs.ledger(by="month")
