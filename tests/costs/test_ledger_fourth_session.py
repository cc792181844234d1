"""The rows the fourth session added or re-sourced in the cost ledger (issue 17, data gaps):
JFY2026 from MOF's budget draft, JFY2007-08 from MOD's press release of 2007-12-20, and the
all-ministries series for JFY2012-13. Each pin says what the source prints, so a later edit that
changes a figure without a new source fails here."""

from __future__ import annotations

import pytest

from anpo import costs
from anpo.costs import series

MOD_2007_PRESS = "http://www.mod.go.jp/j/press/news/2007/12/20a.html"
MOF_FY2026_DRAFT = "https://www.mof.go.jp/policy/budget/budger_workflow/budget/fy2026/seifuan2026/index.html"


def _get() -> dict[tuple[int, str, str], series.Figure]:
    return {(f.jfy, f.line, f.basis): f for f in series.figures()}


def test_jfy2026_hns_is_mofs_budget_draft_read_from_a_copy():
    f = _get()[(2026, "hns_total", "budget")]
    assert f.value_jpy_bn == 219.1  # 同盟強靱化予算（在日米軍駐留経費負担） 2,191億円
    assert f.source == MOF_FY2026_DRAFT and f.confidence == "partly"  # read from a copy
    assert f.read_from and "wic-net.com" in f.read_from
    # the bracketed 2,163億円 is named in the note, not entered as a figure of unknown basis
    assert "2,163" in (f.note or "")
    assert (2026, "hns_total", "budget_contract") not in _get()


def test_jfy2026_is_no_longer_a_gap_and_the_agreed_average_is_not_shown_for_it():
    hns = {r["line"]: r for r in costs.coverage()}["hns_total"]
    assert "2026" not in str(hns["gaps"]) and "2026" not in str(hns["agreed_level_shown"])
    assert str(hns["gaps"]) == "1981-1988, 1990-1995, 2013"


def test_jfy2007_rests_on_mods_press_release():
    get = _get()
    printed = {"hns_total": 217.3, "sma_labor": 115.0, "sma_utilities": 25.3,
               "sma_training_relocation": 0.5, "sma_subtotal": 140.9}
    for line, value in printed.items():
        f = get[(2007, line, "budget")]
        assert f.value_jpy_bn == value and f.confidence == "confirmed" and f.source == MOD_2007_PRESS, line
    # MOD prints the SMA total as 1,409 while its rounded parts add to 140.8: within rounding
    c = next(c for c in series.checks() if (c.jfy, c.total, c.basis) == (2007, "sma_subtotal", "budget"))
    assert c.ok and c.sum_jpy_bn == pytest.approx(140.8)


def test_jfy2008_sma_total_reconciles_with_its_three_parts():
    f = _get()[(2008, "sma_subtotal", "budget")]
    assert f.value_jpy_bn == 141.6 and f.confidence == "confirmed" and f.source == MOD_2007_PRESS
    c = next(c for c in series.checks() if (c.jfy, c.total, c.basis) == (2008, "sma_subtotal", "budget"))
    assert c.ok and c.sum_jpy_bn == pytest.approx(115.8 + 25.3 + 0.5)


def test_all_ministries_series_2012_13_is_the_newspapers_computation():
    get = _get()
    y12, y13 = (get[(y, "gov_usfj_all_lines", "unspecified")] for y in (2012, 2013))
    assert (y12.value_jpy_bn, y13.value_jpy_bn) == (651.5, 645.2)
    assert y12.value_jpy_bn - y13.value_jpy_bn == pytest.approx(6.3)  # '63億円 less than the year before'
    assert y12.confidence == y13.confidence == "partly" and not y12.source
    # below JFY2010's peak of the same series, as the report says
    assert y13.value_jpy_bn < get[(2010, "gov_usfj_all_lines", "unspecified")].value_jpy_bn


def test_jfy2013_defense_totals_reconcile_with_the_research_office_saco_and_realignment():
    # 防衛白書 平成25年版: 4兆6,804 without, 4兆7,538億円 with SACO and the realignment share;
    # the Councillors' research office's 88 + 646億円 fill the difference exactly
    c = next(c for c in series.checks() if (c.jfy, c.total) == (2013, "defense_budget_total"))
    assert c.ok and c.stated_jpy_bn == 4753.8 and c.sum_jpy_bn == pytest.approx(4680.4 + 8.8 + 64.6)
    get = _get()
    assert get[(2013, "defense_budget", "budget")].confidence == "confirmed"
    assert get[(2013, "saco", "budget")].confidence == "partly"  # still read from a copy


def test_jfy2000_breakdown_adds_up_and_is_kept_apart_from_the_settled_figure():
    get = _get()
    total = get[(2000, "hns_total", "unspecified")]
    assert total.value_jpy_bn == 260.3 and total.confidence == "partly"
    c = next(c for c in series.checks() if (c.jfy, c.total, c.basis) == (2000, "hns_total", "unspecified"))
    assert c.ok and c.sum_jpy_bn == pytest.approx(80.9 + 149.3 + 29.8 + 0.4)
    # a different basis from the Board of Audit's settled 271.462: both kept, the year view shows
    # the settled one, and the note says why the newspaper's figure is probably the contract basis
    assert get[(2000, "hns_total", "settled")].value_jpy_bn == pytest.approx(271.462)
    assert "contract basis" in (total.note or "")
    rows = {r["jfy"]: r for r in costs.ledger("year")}
    assert rows[2000]["basis"] == "settled"


def test_jfy2004_categories_add_up_to_the_total_read_elsewhere():
    # the agency's breakdown (Japan Press Weekly) and R25's total are two copies that agree
    c = next(c for c in series.checks() if (c.jfy, c.total, c.basis) == (2004, "hns_total", "budget"))
    assert c.ok and c.stated_jpy_bn == 244.1 and c.sum_jpy_bn == pytest.approx(74.9 + 143.0 + 25.8 + 0.4)
    hns_2004 = [f for f in series.figures() if f.jfy == 2004 and f.line.startswith(("hns", "sma"))]
    assert len(hns_2004) == 5 and all(f.confidence == "partly" for f in hns_2004)


def test_jfy2005_closes_a_gap_and_fits_its_neighbours():
    get = _get()
    f = get[(2005, "hns_total", "budget")]
    assert f.value_jpy_bn == 237.8 and f.confidence == "partly" and "japan-press" in (f.read_from or "")
    # '6.3 billion yen less than FY2004', and the Japan Times' JFY2006 figure is 2.2% below it
    assert get[(2004, "hns_total", "budget")].value_jpy_bn - f.value_jpy_bn == pytest.approx(6.3)
    ratio = get[(2006, "hns_total", "budget")].value_jpy_bn / f.value_jpy_bn
    assert ratio == pytest.approx(1 - 0.022, abs=0.0005)
    # the editorial's SACO figure is the one the ledger derived from the white paper
    assert get[(2005, "saco", "budget")].value_jpy_bn == 26.3


def test_all_ministries_1995_and_2002_sit_below_the_2000_high():
    get = _get()
    top = get[(2000, "gov_usfj_all_lines", "unspecified")].value_jpy_bn
    for y, v in ((1995, 625.7), (2002, 655.7)):
        f = get[(y, "gov_usfj_all_lines", "unspecified")]
        assert f.value_jpy_bn == v < top and f.confidence == "partly"


def test_jfy2017_and_2018_from_akahata_agree_with_mods_own_saco_and_realignment():
    get = _get()
    y17, y18 = (get[(y, "hns_total", "budget")] for y in (2017, 2018))
    assert (y17.value_jpy_bn, y18.value_jpy_bn) == (194.6, 196.8)
    assert y17.confidence == y18.confidence == "partly" and not y17.source and not y18.source
    # '26億円 more than JFY2016' and '22億円 more than JFY2017'
    assert y17.value_jpy_bn - get[(2016, "hns_total", "budget")].value_jpy_bn == pytest.approx(2.6)
    assert y18.value_jpy_bn - y17.value_jpy_bn == pytest.approx(2.2)
    # the same editorials' realignment (2,161, +150) and SACO (51, +23) are MOD's confirmed figures
    assert get[(2018, "realignment", "budget")].value_jpy_bn == 216.1
    for line, rise in (("realignment", 15.0), ("saco", 2.3)):
        later, earlier = (get[(y, line, "budget")].value_jpy_bn for y in (2018, 2017))
        assert later - earlier == pytest.approx(rise), line
    # the all-ministries sum of JFY2018 is the parts Akahata lists
    assert get[(2018, "gov_usfj_all_lines", "unspecified")].value_jpy_bn == pytest.approx(
        (2161 + 51 + 1968 + 3842) / 10)


def test_all_ministries_initial_budgets_rise_to_2025_as_reported():
    get = _get()
    series_ = [get[(y, "gov_usfj_all_lines", "budget")].value_jpy_bn for y in (2022, 2023, 2025)]
    assert series_ == [837.6, 852.2, 888.6] and series_ == sorted(series_)  # each 'the largest yet'
    assert get[(2023, "hns_fip", "unspecified")].value_jpy_bn == 29.8


def test_jfy2012_realignment_is_the_drafts_and_agrees_with_the_year_before():
    get = _get()
    f = get[(2012, "realignment", "budget")]
    assert f.value_jpy_bn == 59.9 and f.confidence == "partly"
    # '41.6 percent down from the ¥102.65 billion earmarked for the current year'
    assert 1 - 59.92 / get[(2011, "realignment", "budget")].value_jpy_bn == pytest.approx(0.416, abs=0.001)
