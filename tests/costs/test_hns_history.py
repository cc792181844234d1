"""HNS since 1978 from the copy of MOD's yearly table (在日米軍駐留経費負担の推移) that InFact
printed in 2016: which years it fills, and that the copy agrees with the ledger's own figures
where both have a year. The copy's overlap figures are read from the rows' notes, so nothing
here is typed twice."""

from __future__ import annotations

import re

import pytest

from anpo import costs
from anpo.costs import series

COPY_HOST = "infact.press"
OVERLAP = re.compile(r"overlap: ([^;]*);")
PAIR = re.compile(r"(\d{4}) ([\d,]+)億円")
OKU_PER_BN = 10  # 1 JPY bn = 10億円
ROUNDING_BN = 0.1  # the copy prints whole 億円


def copy_rows() -> list[series.Figure]:
    return [f for f in series.figures() if f.read_from and COPY_HOST in f.read_from]


def budget(line: str = "hns_total") -> dict[int, series.Figure]:
    return {f.jfy: f for f in series.figures() if f.line == line and f.basis == "budget"}


def overlap_claims(f: series.Figure) -> dict[int, float]:
    m = OVERLAP.search(f.note or "")
    assert m, f"row {f.row}: the note names the overlap it was checked on"
    return {int(y): int(v.replace(",", "")) / OKU_PER_BN for y, v in PAIR.findall(m.group(1))}


def test_the_copy_fills_years_of_the_1979_95_gap_as_partly_budget_rows():
    rows = copy_rows()
    assert rows, "the InFact copy of MOD's table is in the ledger"
    for f in rows:
        assert f.line == "hns_total" and f.basis == "budget" and f.confidence == "partly"
        assert f.source == "" and "在日米軍駐留経費負担の推移" in (f.document or "")
        assert 1979 <= f.jfy <= 1995, "the copy is used only for the gap years"
        # the value is the note's own 億円 figure, converted
        stated = re.match(r"([\d,]+)億円", f.note or "")
        assert stated, f"row {f.row}: the note opens with the copy's figure"
        assert f.value_jpy_bn == pytest.approx(int(stated.group(1).replace(",", "")) / OKU_PER_BN)


def test_the_copy_agrees_with_the_ledger_where_both_have_a_year():
    known = {y: f for y, f in budget().items() if not (f.read_from and COPY_HOST in f.read_from)}
    claims = [overlap_claims(f) for f in copy_rows()]
    assert claims and all(c == claims[0] for c in claims), "every row names the same overlap"
    overlap = claims[0]
    assert len(overlap) >= 2
    diffs = {}
    for jfy, copy_bn in overlap.items():
        assert jfy in known, f"JFY{jfy}: the ledger has a budget figure to compare with"
        assert not (1979 <= jfy <= 1995), "the overlap lies outside the years the copy fills"
        diffs[jfy] = abs(known[jfy].value_jpy_bn - copy_bn)
    assert max(diffs.values()) <= ROUNDING_BN + 1e-9, diffs
    # the copy is the expenditure basis: for JFY2009 the contract basis differs by 3.1 bn
    contract = {f.jfy: f.value_jpy_bn for f in series.figures()
                if f.line == "hns_total" and f.basis == "budget_contract"}
    for jfy in set(overlap) & set(contract):
        assert abs(contract[jfy] - overlap[jfy]) > ROUNDING_BN


def test_hns_has_a_figure_from_1978_to_the_latest_budget_read():
    cov = {r["line"]: r for r in costs.coverage()}["hns_total"]
    have = sorted({f.jfy for f in series.figures() if f.line == "hns_total"})
    assert have[0] == 1978 == cov["from_jfy"]
    assert cov["years_with_figure"] == len(have)
    # the copy's years are no longer gaps, and the gap list is exactly the years without a figure
    gaps = {y for part in filter(None, str(cov["gaps"]).split(", "))
            for a, _, b in [part.partition("-")] for y in range(int(a), int(b or a) + 1)}
    assert not gaps & {f.jfy for f in copy_rows()}
    assert gaps == set(range(cov["from_jfy"], cov["to_jfy"] + 1)) - set(have)
    # the latest budget read is past the SMA signed in 2022 and the copy's rows sit in the series
    assert have[-1] >= 2025
    points = {f.jfy: f.value_jpy_bn for f in series.figures()
              if f.line == "hns_total" and f.basis in ("budget", "unspecified")}
    rising = [points[y] for y in sorted(points) if y <= 1999]
    assert rising == sorted(rising), "HNS rose from 1978 to the JFY1999 peak"
