"""The ledger's coverage and its checks against MOD's printed totals: each JFY's sums hold, the
white papers' defense totals with and without SACO and realignment hold, and `anpo costs --by
year` says which years are gaps."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from anpo import costs
from anpo.costs import series
from anpo.costs.coverage import span_text, spans

CHECKED_YEARS = sorted({c.jfy for c in series.checks()})


@pytest.mark.parametrize("jfy", CHECKED_YEARS)
def test_each_years_stated_totals_equal_the_sum_of_their_parts(jfy):
    done = [c for c in series.checks() if c.jfy == jfy]
    assert done
    for c in done:
        assert c.ok, c.to_dict()
        # the tolerance is the rounding the sources state: half of 0.1 bn for each figure
        assert c.tolerance_jpy_bn <= series.ROUNDING_JPY_BN * (len(c.parts) + 1) + 1e-9


def test_the_years_checked_against_mods_printed_totals():
    years = {(c.jfy, c.total) for c in series.checks()}
    # MOD prints the defense budget with and without SACO and the realignment share
    # (white papers 2007, 2010, 2011; the 2020 white paper's 資料9 for JFY2016-20)
    for y in (2007, 2010, 2011, 2016, 2017, 2018, 2019, 2020):
        assert (y, "defense_budget_total") in years, y
    # the JFY2011 HNS draft by category, labor given as one figure
    assert (2011, "hns_total") in years
    assert len(series.checks()) >= 25


def test_a_wrong_saco_figure_breaks_the_defense_total():
    figs = [f for f in series.figures() if f.jfy == 2018]
    wrong = [series.Figure(**{**f.__dict__, "value_jpy_bn": f.value_jpy_bn + 1.0})
             if f.line == "saco" else f for f in figs]
    failing = {(c.jfy, c.total) for c in series.checks(wrong) if not c.ok}
    assert failing == {(2018, "defense_budget_total")}


def test_saco_and_realignment_from_mods_own_table():
    get = {(f.jfy, f.line, f.basis): f for f in series.figures()}
    saco = {2016: 2.8, 2017: 2.8, 2018: 5.1, 2019: 25.6, 2020: 13.8}
    realignment = {2016: 176.6, 2017: 201.1, 2018: 216.1, 2019: 167.9, 2020: 179.9}
    for line, values in (("saco", saco), ("realignment", realignment)):
        for y, v in values.items():
            f = get[(y, line, "budget")]
            assert f.value_jpy_bn == v and f.confidence == "confirmed"
            assert f.source.startswith("https://www.mod.go.jp/j/publication/wp/wp2020/")
    # the budget and the settled realignment of JFY2016 are both kept, each on its basis
    settled, budget = (get[(2016, "realignment", b)].value_jpy_bn for b in ("settled", "budget"))
    assert settled < budget


def test_hns_low_point_and_the_press_figures_that_disagree():
    get = {(f.jfy, f.line, f.basis): f for f in series.figures()}
    # Nikkei: JFY2021's 2,017億円 is 9% above the JFY2014 low of 1,848億円
    assert get[(2021, "hns_total", "budget")].value_jpy_bn / get[(2014, "hns_total", "budget")].value_jpy_bn \
        == pytest.approx(1.09, abs=0.005)
    low = min((f.value_jpy_bn, f.jfy) for f in series.figures()
              if f.line == "hns_total" and f.basis == "budget" and 2000 <= f.jfy <= 2021)
    assert low == (184.8, 2014)
    # two press figures for JFY2019 differ: the row says so rather than hiding it
    assert "1,974" in (get[(2019, "hns_total", "budget")].note or "")
    for y in (2011, 2012, 2014):
        assert get[(y, "hns_total", "budget")].confidence == "partly"


def test_coverage_names_the_gaps():
    rows = {r["line"]: r for r in costs.coverage()}
    hns = rows["hns_total"]
    assert hns["from_jfy"] == 1978 and hns["to_jfy"] == 2026 and hns["years_expected"] == 49
    assert str(hns["gaps"]).startswith("1981-1988, 1990-1995")
    assert str(hns["agreed_level_shown"]) == "2013"  # the one recent year still without a figure
    assert "2026" not in str(hns["gaps"])  # MOF's JFY2026 budget draft
    assert rows["realignment"]["from_jfy"] == 2006 and rows["saco"]["from_jfy"] == 1996
    for line, r in rows.items():
        have = {f.jfy for f in series.figures() if f.line == line and f.jfy >= r["from_jfy"]}
        assert r["years_with_figure"] == len(have), line
        gap_years = {y for a, b in _parse(str(r["gaps"])) for y in range(a, b + 1)}
        assert not gap_years & have, line  # a year with a figure is never a gap
        assert len(gap_years) + len(have) == r["years_expected"], line


def _parse(text: str) -> list[tuple[int, int]]:
    out = []
    for part in filter(None, text.split(", ")):
        a, _, b = part.partition("-")
        out.append((int(a), int(b or a)))
    return out


def test_spans():
    assert spans([1983, 1979, 1980, 1985, 1984]) == [(1979, 1980), (1983, 1985)]
    assert span_text([]) == "" and span_text([2001]) == "2001"


def test_the_year_table_shows_coverage_and_json_carries_it():
    from anpo.cli import app

    runner = CliRunner()
    text = runner.invoke(app, ["costs", "--by", "year"])
    assert text.exit_code == 0, text.output
    assert "Coverage, JFY1978-2026" in text.output and "gaps: 1981-1988" in text.output
    doc = runner.invoke(app, ["costs", "--by", "year", "--format", "json"])
    assert doc.exit_code == 0
    cov = {r["line"]: r for r in json.loads(doc.output)["coverage"]}
    assert cov["hns_total"]["years_with_figure"] >= 26
    year = {r["jfy"]: r for r in json.loads(doc.output)["rows"]}
    assert year[2018]["defense_budget_total_jpy_bn"] == 5191.1
    assert year[2011]["hns_labor_total_jpy_bn"] == 139.9 and year[2011]["reconciled"] is True


def test_a_year_is_stacked_by_category_only_when_its_six_categories_add_up():
    rows = {r["jfy"]: r for r in costs.ledger("year")}
    # 2006 (subtotals only) and 2011 (labor as one figure) reconcile, but their categories are
    # not all stated: the chart must show the total, not a stack missing its labor costs
    for y in (2006, 2011):
        assert rows[y]["reconciled"] is True and rows[y]["categories_add_up"] is False, y
    for y in (2007, 2008, 2009, 2015, 2020):
        assert rows[y]["categories_add_up"] is True, y
