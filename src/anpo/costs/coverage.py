"""How much of the yearly ledger is sourced: for each budget line, the JFYs with a figure and
the gaps, so that `anpo costs --by year` can say plainly which years are missing.

A line is expected from the later of JFY1978 and the year it began (lines.yaml `since_jfy`;
a line whose start no source states is expected from JFY1978) to the last JFY of the SMA in
force. A figure on any basis (budget, settled, ...) counts; the SMA's agreed level, which the
year view shows for HNS where no figure was sourced, does not.
"""

from __future__ import annotations

from collections.abc import Iterable

from anpo.costs import ledger, series

# The lines whose coverage the year view reports, in the order MOD nests them.
REPORTED_LINES = (
    "hns_total",
    "hns_labor_welfare",
    "hns_fip",
    "sma_labor",
    "sma_utilities",
    "sma_training_relocation",
    "neighbourhood",
    "base_rent",
    "stationing_total",
    "saco",
    "realignment",
    "mod_usfj_total",
    "gov_usfj_total",
)


def spans(years: Iterable[int]) -> list[tuple[int, int]]:
    """Consecutive runs of years as (first, last) pairs: [1979, 1980, 1983] -> [(1979, 1980),
    (1983, 1983)]."""
    out: list[tuple[int, int]] = []
    for y in sorted(set(years)):
        if out and y == out[-1][1] + 1:
            out[-1] = (out[-1][0], y)
        else:
            out.append((y, y))
    return out


def span_text(years: Iterable[int]) -> str:
    """'1979-1982, 1985, 1990-1995' (empty string for no years)."""
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans(years))


def coverage(lines: Iterable[str] | None = None, first: int = series.FIRST_JFY,
             last: int = series.LAST_JFY) -> list[dict[str, object]]:
    """One row per budget line: the JFYs it is expected for, those with a sourced figure, the
    gaps, the years with a `confirmed` figure, and which bases the figures are on."""
    known = series.lines()
    wanted = list(REPORTED_LINES if lines is None else lines)
    out: list[dict[str, object]] = []
    for line in wanted:
        info = known[line]
        start = first if info.since_jfy is None else max(first, info.since_jfy)
        expected = range(start, last + 1)
        figs = [f for f in series.figures() if f.line == line and start <= f.jfy <= last]
        have = sorted({f.jfy for f in figs})
        confirmed = sorted({f.jfy for f in figs if f.confidence == "confirmed"})
        gaps = [y for y in expected if y not in set(have)]
        # HNS years without a figure that the year view fills with the SMA's agreed level
        agreed = [y for y in gaps if line == "hns_total"
                  and ledger.agreed_total_for_jfy(y)[0] is not None]
        bases: dict[str, int] = {}
        for f in figs:
            bases[f.basis] = bases.get(f.basis, 0) + 1
        out.append(
            {
                "line": line,
                "name": info.name,
                "from_jfy": start,
                "to_jfy": last,
                "years_expected": len(expected),
                "years_with_figure": len(have),
                "years_confirmed": len(confirmed),
                "covered": span_text(have),
                "gaps": span_text(gaps),
                "confirmed": span_text(confirmed),
                "agreed_level_shown": span_text(agreed),
                "bases": dict(sorted(bases.items())),
            }
        )
    return out


def coverage_text(rows: list[dict[str, object]] | None = None) -> str:
    """The coverage rows as a short plain-text block for the year table."""
    rows = coverage() if rows is None else rows
    width = max(len(str(r["line"])) for r in rows)
    out = [f"Coverage, JFY{series.FIRST_JFY}-{series.LAST_JFY}: years with a sourced figure "
           "(any basis) / years the line existed; gaps are years with none"]
    for r in rows:
        gaps = r["gaps"] or "none"
        agreed = f" (the SMA's agreed level shown for {r['agreed_level_shown']})" \
            if r.get("agreed_level_shown") else ""
        out.append(f"  {str(r['line']).ljust(width)}  {r['years_with_figure']:>2}/"
                   f"{r['years_expected']:<2}  gaps: {gaps}{agreed}")
    return "\n".join(out)
