"""The yearly ledger (ledger.csv): validation naming file, row and field; the published totals
reconcile with their parts; exchange rates, personnel and comparisons."""

from __future__ import annotations

import pytest

from anpo import costs
from anpo.core.errors import DataError
from anpo.costs import series

HEADER = ["jfy", "line", "basis", "value_jpy_bn", "source", "document", "read_from", "confidence", "note"]
MOD = "https://www.mod.go.jp/j/approach/zaibeigun/us_keihi/"


def rows(*cells: list[str]) -> list[tuple[int, dict[str, str]]]:
    return [(n, dict(zip(HEADER, c, strict=True))) for n, c in enumerate(cells, 2)]


def test_every_published_total_reconciles_with_its_parts():
    done = series.checks()
    assert done, "no published total could be checked"
    bad = [c.to_dict() for c in done if not c.ok]
    assert not bad, bad


def test_the_years_that_reconcile():
    years = {(c.jfy, c.total) for c in series.checks()}
    # MOD's JFY2008 table: HNS, stationing and the USFJ total of MOD's budget
    assert {(2008, "hns_total"), (2008, "stationing_total"), (2008, "mod_usfj_total")} <= years
    # JFY2009 on both FIP bases; JFY2015 every level of MOD's table
    assert (2009, "hns_total") in years and (2009, "sma_subtotal") in years
    assert {(2015, t) for t in ("hns_total", "sma_subtotal", "stationing_other_total",
                                "stationing_total", "sma_total_all_lines")} <= years
    assert (2020, "hns_total") in years  # the five categories of the JFY2020 budget
    assert {(2007, "hns_total"), (2007, "sma_subtotal")} <= years
    bases = {(c.jfy, c.basis) for c in series.checks() if c.total == "hns_total"}
    assert (2009, "budget_contract") in bases


def test_a_total_that_does_not_add_up_is_caught():
    figs = [f for f in series.figures() if f.jfy == 2015]
    wrong = [f if f.line != "hns_total" else series.Figure(**{**f.__dict__, "value_jpy_bn": 199.9})
             for f in figs]
    failing = [c for c in series.checks(wrong) if not c.ok]
    assert [(c.jfy, c.total) for c in failing] == [(2015, "hns_total"), (2015, "stationing_total")]


def test_a_part_that_had_not_begun_counts_as_zero():
    # Training equipment began in JFY2022: the 2015 HNS total is checked without it.
    c = next(c for c in series.checks() if (c.jfy, c.total, c.basis) == (2015, "hns_total", "budget"))
    assert c.sum_jpy_bn == pytest.approx(22.1 + 26.2 + 116.4 + 24.9 + 0.3)


def test_the_figures_audited():
    get = {(f.jfy, f.line, f.basis): f.value_jpy_bn for f in series.figures()}
    assert get[(1978, "hns_total", "budget")] == 6.2
    assert get[(2010, "hns_total", "budget")] == 188.1  # MOFA: the JFY2010 budget, 1,881億円
    assert get[(2021, "hns_total", "budget")] == 201.7
    assert get[(1999, "stationing_total", "settled")] == pytest.approx(542.407)  # the audit's peak
    assert get[(2017, "mod_usfj_total", "budget")] == 587.4
    assert get[(1992, "gov_usfj_total", "unspecified")] == 517.7
    assert get[(2023, "hns_total", "budget")] == 211.2  # MOF's budget draft, expenditure basis
    assert get[(2023, "realignment", "budget_contract")] == 609.0
    assert get[(2024, "hns_total", "budget")] == 212.4  # MOF, ファイナンス 2024-04
    # the settled HNS of JFY1999 is below the JFY1999 budget figure: two bases, both kept
    assert get[(1999, "hns_total", "settled")] < get[(1999, "hns_total", "budget")]


def test_no_source_is_a_copy_or_a_local_path():
    for f in series.figures():
        assert f.source or f.document
        if f.read_from:
            assert f.confidence != "confirmed" or f.source  # confirmed rests on the official page
        assert "shared/reference" not in (f.source + (f.read_from or ""))


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (["19x8", "hns_total", "budget", "1", MOD, "", "", "partly", ""], r"row 2: jfy: expected a year"),
        (["2015", "beer", "budget", "1", MOD, "", "", "partly", ""], r"row 2: line: unknown line 'beer'"),
        (["2015", "hns_total", "guess", "1", MOD, "", "", "partly", ""], r"row 2: basis: 'guess'"),
        (["2015", "hns_total", "budget", "-3", MOD, "", "", "partly", ""],
         r"row 2: value_jpy_bn: expected a number"),
        (["2015", "hns_total", "budget", "nan", MOD, "", "", "partly", ""], r"row 2: value_jpy_bn"),
        (["1980", "sma_labor", "budget", "1", MOD, "", "", "partly", ""],
         r"row 2: jfy: sma_labor began in JFY1987"),
        (["2015", "hns_total", "budget", "1", "", "", "", "partly", ""], r"row 2: source is empty"),
        (["2015", "hns_total", "budget", "1", "https://en.wikipedia.org/wiki/X", "", "", "partly", ""],
         r"row 2: source: .*not on the publisher list"),
        (["2015", "hns_total", "budget", "1", "../shared/reference/alliance-facts.md", "", "", "partly", ""],
         r"row 2: source: .*local path"),
        (["2015", "hns_total", "budget", "1", "https://www.japantimes.co.jp/x", "", "", "confirmed", ""],
         r"row 2: confidence confirmed but no source"),
        (["2015", "hns_total", "budget", "1", MOD, "", "", "sure", ""], r"row 2: confidence 'sure'"),
    ],
)
def test_bad_rows_name_file_row_and_field(cells, message):
    with pytest.raises(DataError, match=message) as err:
        series.validate_ledger_rows(rows(cells), "costs/ledger.csv")
    assert str(err.value).startswith("costs/ledger.csv: row 2")


def test_a_repeated_figure_names_both_rows():
    one = ["2015", "hns_total", "budget", "1", MOD, "", "", "partly", ""]
    with pytest.raises(DataError, match=r"row 3: JFY2015 hns_total \(budget\) already in row 2"):
        series.validate_ledger_rows(rows(one, one))


def test_lines_say_what_they_include():
    for line in costs.lines().values():
        assert line.includes and line.name and line.name_ja
    assert costs.lines()["hns_labor_welfare"].since_jfy == 1978
    assert costs.lines()["hns_fip"].since_jfy == 1979
    assert costs.lines()["sma_labor"].since_jfy == 1987
    assert costs.lines()["sma_utilities"].since_jfy == 1991
    assert costs.lines()["sma_training_relocation"].since_jfy == 1996
    assert costs.lines()["sma_training_equipment"].since_jfy == 2022


def test_exchange_rates_are_the_feds():
    fx = series.fx()
    assert fx[(2015, "JPY")][0] == 121.05 and "federalreserve.gov" in fx[(2015, "JPY")][1]
    assert fx[(2022, "KRW")][0] == pytest.approx(1291.7796)
    assert fx[(2019, "JPY")][0] == pytest.approx(109.0188)
    # the Fed's G.5A where anpo read it; IMF IFS (via the World Bank) for the other years
    assert "worldbank.org" in fx[(2010, "JPY")][1] and fx[(2010, "JPY")][0] == 87.78
    assert "worldbank.org" in fx[(2016, "JPY")][1]
    assert (2024, "JPY") not in fx  # not sourced: no USD that year


def test_personnel_counts_add_up_by_service():
    # Each row's note gives the services; DMDC's total is their sum.
    import re

    mine = {y: r for y, r in series.personnel().items() if r["file"] == series.PERSONNEL_CSV}
    assert set(mine) == {2002, 2003, 2004, 2005, 2006}
    for year, rec in mine.items():
        services = re.findall(r"(?:Army|Navy|Marines|Air Force) ([\d,]+)", str(rec.get("note") or ""))
        assert len(services) == 4, year
        assert sum(int(x.replace(",", "")) for x in services) == rec["personnel"], year


def test_comparisons_say_what_they_include():
    comp = {c["id"]: c for c in costs.comparisons()}
    assert comp["rok-sma-2021"]["value"] == 1183.3 and comp["rok-sma-2021"]["unit"] == "KRW_bn"
    assert comp["rok-sma-2021"]["usd_bn"] == pytest.approx(1183.3 / 1144.8911, abs=1e-3)
    assert comp["rok-sma-2019"]["usd_bn"] == pytest.approx(1038.9 / 1165.8016, abs=1e-3)
    assert comp["dod-2004-japan-share"]["value"] == 0.745
    for c in comp.values():
        assert c["includes"] and c["confidence"] in {"confirmed", "partly", "unverified"}


def test_constant_yen_by_the_chained_cpi():
    index = series.price_index()
    assert index[2020] == pytest.approx(100.0)
    # chaining: each year's level is the year before times (1 + its % change)
    assert index[2022] == pytest.approx(100 * (1 - 0.0023335278) * (1 + 0.0249770278), rel=1e-9)
    assert index[1978] < index[1999] < index[2020]
    rows = {r["jfy"]: r for r in costs.ledger("year")}
    assert rows[1978]["hns_total_jpy_bn_2020"] == pytest.approx(6.2 * 100 / index[1978], abs=1e-3)
    # 2023-24 from the Statistics Bureau's published % change; nothing after 2024
    assert index[2024] == pytest.approx(index[2022] * 1.032 * 1.027, rel=1e-9)
    assert rows[2023]["hns_total_jpy_bn_2020"] == pytest.approx(211.2 * 100 / index[2023], abs=1e-3)
    assert rows[2025]["hns_total_jpy_bn_2020"] is None  # the series ends in 2024: no value


def test_a_broken_deflator_chain_is_refused(monkeypatch, tmp_path):
    bad = tmp_path / "deflator.csv"
    bad.write_text("year,cpi_change_pct,source,read_from,confidence,note\n"
                   "2019,0.5,https://data.worldbank.org/x,,partly,\n"
                   "2021,0.1,https://data.worldbank.org/x,,partly,\n", encoding="utf-8")
    monkeypatch.setattr(series.data, "path", lambda rel: bad)
    series.price_index.cache_clear()
    try:
        with pytest.raises(DataError, match=r"costs/deflator.csv: row 3: year: 2021 does not follow 2019"):
            series.price_index()
    finally:
        monkeypatch.undo()
        series.price_index.cache_clear()


def test_personnel_merges_the_registry_series_and_prefers_the_cited_counts():
    mine = {y for y, r in series.personnel().items() if r["file"] == series.PERSONNEL_CSV}
    assert mine == {2002, 2003, 2004, 2005, 2006}
    registry = series._posture_personnel()
    for year, rec in series.personnel().items():
        if year not in mine:
            assert rec == registry[year]  # the registry's row, unchanged
    # rows the registry itself marks as a spike are not used for a cost per member
    import csv

    with series.data.path(series.POSTURE_PERSONNEL_CSV).open(encoding="utf-8") as fh:
        spikes = {int(r["year"]) for r in csv.DictReader(fh) if "spike" in (r["note"] or "").lower()}
    assert not (spikes - mine) & set(series.personnel())
