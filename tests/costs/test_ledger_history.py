"""The ledger as a history since 1978: the series' published shape (the 1978 start, the JFY1999
peak), lines nested as MOD nests them, the years checked against MOD's own totals, and where
the exchange rate and the price index come from."""

from __future__ import annotations

from collections import defaultdict

import pytest

from anpo import costs
from anpo.costs import series


def by_key() -> dict[tuple[int, str, str], series.Figure]:
    return {(f.jfy, f.line, f.basis): f for f in series.figures()}


def hns_budget_points() -> dict[int, float]:
    """HNS by JFY on the budget basis, or unspecified where the source does not say."""
    out: dict[int, float] = {}
    for f in series.figures():
        if f.line == "hns_total" and f.basis in ("budget", "unspecified"):
            out[f.jfy] = f.value_jpy_bn
    return out


def test_the_series_starts_in_1978_at_its_lowest():
    points = hns_budget_points()
    assert min(points) == 1978 and points[1978] == 6.2
    assert min(points.values()) == 6.2
    assert not [f for f in series.figures() if f.line.startswith("hns") and f.jfy < 1978]


def test_the_budget_peak_is_jfy1999():
    # MOD (white paper 2010): HNS peaked with the JFY1999 budget (expenditure basis), 2,756億円
    points = hns_budget_points()
    assert max(points, key=points.__getitem__) == 1999
    assert points[1999] == pytest.approx(275.6)
    before = [points[y] for y in sorted(points) if y <= 1999]
    assert before == sorted(before), "sourced HNS figures rise from 1978 to the peak"
    assert all(v < 275.6 for y, v in points.items() if y > 1999)


def test_the_first_sma_years_grew_and_the_2010s_stayed_below_the_peak():
    points = hns_budget_points()
    assert points[1978] < points[1999]
    # the level kept for JFY2011-15 (MOFA) is about two thirds of the peak
    assert 0.6 < points[2010] / points[1999] < 0.75


def test_lines_nest_as_mod_groups_them():
    """A part never exceeds the total it sits in, year by year and basis by basis."""
    get = by_key()
    nested = [("hns_total", "stationing_total"), ("stationing_total", "mod_usfj_total"),
              ("saco", "mod_usfj_total"), ("realignment", "mod_usfj_total"),
              ("sma_subtotal", "hns_total"), ("hns_sofa_subtotal", "hns_total"),
              ("hns_total", "gov_stationing_budget"), ("gov_stationing_budget", "gov_usfj_total")]
    checked = 0
    for (jfy, line, basis), f in get.items():
        for part, total in nested:
            if line == part and (jfy, total, basis) in get:
                assert f.value_jpy_bn <= get[(jfy, total, basis)].value_jpy_bn, (jfy, part, total)
                checked += 1
    assert checked >= 15
    # the government-wide totals hold MOD's: across bases, where a year has both
    for (jfy, line, _basis), f in get.items():
        if line == "hns_total":
            for key, g in get.items():
                if key[0] == jfy and key[1] in ("gov_usfj_total", "gov_usfj_all_lines"):
                    assert f.value_jpy_bn < g.value_jpy_bn, (jfy, key)


def test_saco_and_realignment_against_mods_own_totals():
    get = {k: f.value_jpy_bn for k, f in by_key().items()}
    # 防衛白書 平成25年版: with and without SACO and realignment, 4兆7,538 and 4兆6,804億円
    assert get[(2013, "saco", "budget")] + get[(2013, "realignment", "budget")] == pytest.approx(
        (47538 - 46804) / 10)
    # 防衛白書 平成23年版: JFY2011 SACO 68億円 less and realignment 118億円 more than JFY2010
    assert get[(2010, "saco", "budget")] - get[(2011, "saco", "budget")] == pytest.approx(6.8)
    assert get[(2011, "realignment", "budget")] - get[(2010, "realignment", "budget")] == pytest.approx(11.8)
    # 防衛白書 平成16年版 implies JFY2003 SACO 4兆9,530 − 4兆9,265億円: the MOFA compilation's 26.5
    assert get[(2003, "saco", "budget")] == pytest.approx((49530 - 49265) / 10)
    # realignment first appears in an initial budget in JFY2007 (the white paper's 72億円)
    first = min(f.jfy for f in series.figures() if f.line == "realignment" and f.basis == "budget")
    assert first == 2007 and get[(2007, "realignment", "budget")] == 7.2


def test_the_2006_breakdown_reconciles():
    done = {(c.jfy, c.total): c for c in series.checks()}
    assert done[(2006, "gov_stationing_budget")].ok  # 2,171 + 938 + 1,388 = 4,497億円
    assert done[(2006, "hns_total")].ok
    assert done[(2006, "gov_stationing_budget")].stated_jpy_bn == 449.7


def test_weak_points_are_labelled_so():
    for f in series.figures():
        if f.note and f.note.startswith("derived"):
            assert f.confidence != "unverified"  # a derivation rests on a stated figure
    # A figure whose only copy names no source is not entered: the year stays a gap.
    rows = {r["jfy"]: r for r in costs.ledger("year")}
    assert rows[1985]["hns_total_jpy_bn"] is None


def test_every_year_has_a_yen_rate_but_2024_and_later():
    fx = series.fx()
    years = {y for (y, cur) in fx if cur == "JPY"}
    assert set(range(1978, 2024)) <= years and 2024 not in years
    by_source: dict[str, set[int]] = defaultdict(set)
    for (y, cur), (_rate, src) in fx.items():
        if cur == "JPY":
            by_source["fed" if "federalreserve.gov" in src else "imf"].add(y)
    assert by_source["fed"] == {2012, 2013, 2014, 2015, *range(2017, 2024)}
    assert not by_source["fed"] & by_source["imf"]  # one rate a year, the Fed's first
    # the Plaza Accord: the yen's largest yearly rise in the series (1985 -> 1986)
    rates = {y: fx[(y, "JPY")][0] for y in years}
    change = {y: rates[y] / rates[y - 1] for y in rates if y - 1 in rates}
    assert min(change, key=change.__getitem__) == 1986


def test_usd_for_the_early_years():
    rows = {r["jfy"]: r for r in costs.ledger("year")}
    assert rows[1978]["hns_total_usd_bn"] == pytest.approx(6.2 / 210.44, abs=1e-3)
    assert rows[1999]["hns_total_usd_bn"] == pytest.approx(275.6 / 113.91, abs=1e-3)


def test_the_price_index_runs_to_2024():
    index = series.price_index()
    assert max(index) == 2024 and index[2024] > index[2022] > index[2020]
    rows = {r["jfy"]: r for r in costs.ledger("year")}
    assert rows[2024]["hns_total_jpy_bn_2020"] is not None
    assert rows[2024]["hns_total_jpy_bn_2020"] < rows[2024]["hns_total_jpy_bn"]  # prices rose since 2020


def test_the_all_ministries_total_sets_records_as_reported():
    get = {(f.jfy, f.line): f.value_jpy_bn for f in series.figures() if f.line == "gov_usfj_all_lines"}
    # JFY2000 was the highest until JFY2010 passed 7,000億円; each initial budget from JFY2022 on
    # was 'the largest yet' when reported, JFY2025 the latest
    assert get[(2000, "gov_usfj_all_lines")] < 700 < get[(2010, "gov_usfj_all_lines")]
    recent = [get[(y, "gov_usfj_all_lines")] for y in (2022, 2023, 2025)]
    assert recent == sorted(recent) and max(get.values()) == get[(2025, "gov_usfj_all_lines")]
    assert all(v < recent[0] for (y, _), v in get.items() if y < 2022)
    # it holds MOD's own lines where both are known (JFY2010: HNS, SACO and realignment)
    mod = {(f.jfy, f.line): f.value_jpy_bn for f in series.figures() if f.basis == "budget"}
    mod_2010 = mod[(2010, "saco")] + mod[(2010, "realignment")] + mod[(2010, "hns_total")]
    assert mod_2010 < get[(2010, "gov_usfj_all_lines")]


def test_the_year_view_shows_every_line_with_a_figure():
    rows = {r["jfy"]: r for r in costs.ledger("year")}
    assert rows[2006]["hns_sofa_subtotal_jpy_bn"] == 93.8
    assert rows[2006]["gov_stationing_budget_jpy_bn"] == 449.7 and rows[2006]["reconciled"] is True
    assert rows[2010]["gov_usfj_all_lines_jpy_bn"] == 714.6
    assert rows[2013]["basis"] == "annual_level"  # a gap stays a gap: the SMA's agreed level, no figure
    # JFY2005 from Akahata's 2005 editorial
    assert rows[2005]["hns_total_jpy_bn"] == 237.8 and rows[2005]["saco_jpy_bn"] == 26.3
