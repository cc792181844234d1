"""The host-nation-support ledger: SMA periods and their terms (sma.yaml), merged with the
yearly figures of ledger.csv (anpo.costs.series) into views by period, year and category.

Money is in JPY billions (`_jpy_bn`). A year without a figure is reported with basis
"missing" and value None: never filled in.
"""

from __future__ import annotations

import re
from functools import cache

from anpo import data
from anpo.core.errors import InputError
from anpo.costs import series
from anpo.costs.schema import (
    Category,
    HistoryPoint,
    LedgerFile,
    Period,
    PeriodTotal,
    Term,
    validate_ledger,
)

LEDGER_FILE = "costs/sma.yaml"
PERIOD_FORM = re.compile(r"^(?:JFY)?(\d{4})(?:-(?:JFY)?(\d{2}|\d{4}))?$", re.IGNORECASE)


@cache
def agreements() -> LedgerFile:
    """The SMA agreements file, validated at load."""
    return validate_ledger(data.read_yaml(LEDGER_FILE), LEDGER_FILE)


def categories() -> tuple[Category, ...]:
    return agreements().categories


def periods() -> tuple[Period, ...]:
    return agreements().periods


def history() -> tuple[HistoryPoint, ...]:
    return agreements().history


def period(period_id: str, field: str = "period") -> Period:
    """One SMA period by id ('2022-26') or by its years ('JFY2022-2026', '2022-2026',
    'JFY2021'); InputError lists the accepted ids."""
    text = period_id.strip()
    for p in periods():
        if p.id == text:
            return p
    m = PERIOD_FORM.match(text)
    if m:
        first = int(m.group(1))
        last_text = m.group(2)
        if last_text is None:
            last = first
        elif len(last_text) == 2:
            last = first // 100 * 100 + int(last_text)
            if last < first:
                last += 100
        else:
            last = int(last_text)
        for p in periods():
            if (p.jfy_from, p.jfy_to) == (first, last):
                return p
    accepted = ", ".join(f"{p.id} (JFY{p.jfy_from}-{p.jfy_to})" for p in periods())
    raise InputError(field, f"unknown period {period_id!r}; accepted: {accepted}")


def period_for_jfy(jfy: int) -> Period | None:
    for p in periods():
        if p.jfy_from <= jfy <= p.jfy_to:
            return p
    return None


def term(p: Period, name: str, jfy: int | None = None) -> Term | None:
    """The term `name` of period `p` for `jfy` (a year-specific term wins over a general one)."""
    general: Term | None = None
    for t in p.terms:
        if t.term != name:
            continue
        if t.jfy is not None and t.jfy == jfy:
            return t
        if t.jfy is None:
            general = t
    return general


def sum_checks() -> list[dict[str, object]]:
    """Every published total of ledger.csv checked against the sum of its parts."""
    return [c.to_dict() for c in series.checks()]


def _headline(p: Period) -> PeriodTotal | None:
    for kind in ("period_total", "annual_level"):
        for t in p.totals:
            if t.kind == kind and not t.derived:
                return t
    return None


def agreed_total_for_jfy(jfy: int) -> tuple[float | None, str, str | None, str | None]:
    """(value, basis, source, confidence) of the agreed HNS level for one JFY.

    basis: annual_level (the agreement states a level per year), period_average (period
    total / years: derived), single_year (a one-year agreement), or missing.
    """
    p = period_for_jfy(jfy)
    if p is None:
        return None, "missing", None, None
    for t in p.totals:
        if t.kind == "annual_level":
            return t.value_jpy_bn, "annual_level", t.source, t.confidence
    t0 = _headline(p)
    if t0 is None:
        return None, "missing", None, None
    n = len(p.years)
    if n == 1:
        return t0.value_jpy_bn, "single_year", t0.source, t0.confidence
    return round(t0.value_jpy_bn / n, 2), "period_average", t0.source, t0.confidence


def rows_by_period() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for p in periods():
        head = _headline(p)
        cap = term(p, "labor_cap_workers")
        share = term(p, "utilities_share")
        ucap = term(p, "utilities_cap_jpy_bn")
        util_years = [term(p, "utilities_jpy_bn", y) for y in p.years]
        out.append(
            {
                "period": p.id,
                "jfy": f"{p.jfy_from}-{p.jfy_to}",
                "agreed": None if p.agreed is None else p.agreed.isoformat(),
                "signed": None if p.signed is None else p.signed.isoformat(),
                "in_force": p.in_force.isoformat(),
                "expires": None if p.expires is None else p.expires.isoformat(),
                "total_jpy_bn": None if head is None else head.value_jpy_bn,
                "total_kind": None if head is None else head.kind,
                "total_adds_up_from_categories": None if head is None else head.adds_up,
                "labor_cap_workers": None if cap is None else int(cap.value),
                "utilities_share": None if share is None else share.value,
                "utilities_cap_jpy_bn": None if ucap is None else ucap.value,
                "utilities_by_jfy_jpy_bn": {
                    y: t.value for y, t in zip(p.years, util_years, strict=True) if t is not None
                }
                or None,
                "source": p.source if head is None else head.source,
                "confidence": p.confidence if head is None else head.confidence,
                "note": (head.note if head is not None else p.note),
            }
        )
    return out


# Category columns of the year view (kept from the first ledger) and the line each reads.
CATEGORY_LINES = {
    "labor": "sma_labor",
    "utilities": "sma_utilities",
    "training_relocation": "sma_training_relocation",
    "training_equipment": "sma_training_equipment",
    "fip": "hns_fip",
    "labor_welfare": "hns_labor_welfare",
}
# Other budget lines shown in the year view.
YEAR_LINES = (
    "hns_labor_total",
    "hns_sofa_subtotal",
    "sma_subtotal",
    "stationing_other_total",
    "stationing_total",
    "saco",
    "realignment",
    "mod_usfj_total",
    "sofa_obligations",
    "gov_stationing_budget",
    "gov_usfj_total",
    "gov_usfj_all_lines",
    "defense_budget",
    "defense_budget_total",
)


def _usd(value: float | None, jfy: int) -> tuple[float | None, float | None]:
    """JPY bn -> USD bn at the average rate of the calendar year in which the JFY begins."""
    rate = series.fx().get((jfy, "JPY"))
    if value is None or rate is None:
        return None, None if rate is None else rate[0]
    return round(value / rate[0], 3), rate[0]


def _per_member(value: float | None, jfy: int) -> float | None:
    """JPY million per U.S. service member in Japan (personnel at 30 Sept of the JFY)."""
    count = series.personnel().get(jfy)
    if value is None or count is None:
        return None
    return round(value * 1000 / int(str(count["personnel"])), 2)


def rows_by_year(first: int = series.FIRST_JFY, last: int = series.LAST_JFY) -> list[dict[str, object]]:
    """One row per JFY: the HNS figure (budget, else settled), else the agreed level, else
    missing; the categories and the other budget lines where a figure exists; USD at the
    year's rate and per service member where anpo has them; whether the year's published
    totals reconcile with their parts."""
    year_checks: dict[int, list[series.Check]] = {}
    for c in series.checks():
        year_checks.setdefault(c.jfy, []).append(c)
    out: list[dict[str, object]] = []
    for y in range(first, last + 1):
        p = period_for_jfy(y)
        row: dict[str, object] = {"jfy": y, "period": None if p is None else p.id}
        hns = series.value(y, "hns_total")
        if hns is not None:
            row.update(hns_total_jpy_bn=hns.value_jpy_bn, basis=hns.basis,
                       source=hns.source or hns.document, read_from=hns.read_from,
                       confidence=hns.confidence)
        else:
            value, basis, source, conf = agreed_total_for_jfy(y)
            row.update(hns_total_jpy_bn=value, basis=basis, source=source, read_from=None,
                       confidence=conf)
        bases: dict[str, str] = {}
        for cat, line in CATEGORY_LINES.items():
            f = series.value(y, line)
            row[f"{cat}_jpy_bn"] = None if f is None else f.value_jpy_bn
            if f is not None and f.basis != "budget":
                bases[line] = f.basis
        if p is not None and row["utilities_jpy_bn"] is None:
            t = term(p, "utilities_jpy_bn", y)
            if t is not None:
                row["utilities_jpy_bn"] = t.value
                bases["sma_utilities"] = "agreed"
        for line in YEAR_LINES:
            f = series.value(y, line)
            row[f"{line}_jpy_bn"] = None if f is None else f.value_jpy_bn
            if f is not None and f.basis != "budget":
                bases[line] = f.basis
        row["bases"] = bases or None
        hns_value = row["hns_total_jpy_bn"]
        hns_f = float(str(hns_value)) if hns_value is not None else None
        row["hns_total_usd_bn"], row["jpy_per_usd"] = _usd(hns_f, y)
        row["hns_total_jpy_bn_2020"] = series.constant_yen(hns_f, y)
        stationing = row["stationing_total_jpy_bn"]
        st_f = float(str(stationing)) if stationing is not None else None
        row["stationing_total_usd_bn"] = _usd(st_f, y)[0]
        row["stationing_total_jpy_bn_2020"] = series.constant_yen(st_f, y)
        row["us_personnel"] = (series.personnel().get(y) or {}).get("personnel")
        row["hns_jpy_m_per_member"] = _per_member(hns_f, y)
        row["stationing_total_jpy_m_per_member"] = _per_member(st_f, y)
        cs = year_checks.get(y, [])
        # only the six-category identity: a check on subtotals (2006) or on labor given as one
        # figure (2011) leaves categories missing, which a stacked chart must not show as zero
        row["categories_add_up"] = any(c.ok and c.total == "hns_total"
                                       and set(c.parts) == set(CATEGORY_LINES.values()) for c in cs)
        row["reconciled"] = None if not cs else all(c.ok for c in cs)
        row["checks"] = len(cs)
        out.append(row)
    return out


def rows_by_category() -> list[dict[str, object]]:
    """One row per (category, JFY) with a figure: ledger figures and agreed amounts."""
    out: list[dict[str, object]] = []
    names: dict[str, Category] = {c.id: c for c in categories()}
    line_to_cat = {line: cat for cat, line in CATEGORY_LINES.items()}
    for f in series.figures():
        cat = line_to_cat.get(f.line)
        if cat is None:
            continue
        out.append(
            {
                "category": cat,
                "inside_sma": names[cat].inside_sma,
                "jfy": f.jfy,
                "value_jpy_bn": f.value_jpy_bn,
                "basis": f.basis,
                "source": f.source or f.document,
                "confidence": f.confidence,
            }
        )
    agreed_terms: dict[str, str] = {
        "utilities_jpy_bn": "utilities",
        "training_relocation_jpy_bn": "training_relocation",
    }
    for p in periods():
        for t in p.terms:
            if t.term in agreed_terms and t.jfy is not None:
                cid = agreed_terms[t.term]
                out.append(
                    {
                        "category": cid,
                        "inside_sma": names[cid].inside_sma,
                        "jfy": t.jfy,
                        "value_jpy_bn": t.value,
                        "basis": "agreed",
                        "source": t.source,
                        "confidence": t.confidence,
                    }
                )
            if t.term == "training_equipment_total_jpy_bn":
                out.append(
                    {
                        "category": "training_equipment",
                        "inside_sma": True,
                        "jfy": f"{p.jfy_from}-{p.jfy_to}",
                        "value_jpy_bn": t.value,
                        "basis": "agreed_period_total",
                        "source": t.source,
                        "confidence": t.confidence,
                    }
                )
    order: dict[str, int] = {c.id: i for i, c in enumerate(categories())}
    return sorted(out, key=lambda r: (order[str(r["category"])], str(r["jfy"]), str(r["basis"])))


def rows_by_line() -> list[dict[str, object]]:
    """Every figure of the ledger, one row each, with the line's name and its source."""
    info = series.lines()
    return [
        {**f.to_dict(), "name": info[f.line].name, "name_ja": info[f.line].name_ja}
        for f in sorted(series.figures(), key=lambda f: (f.jfy, f.line, f.basis))
    ]


VIEWS = ("year", "period", "category", "line", "comparison")


def ledger(by: str = "year") -> list[dict[str, object]]:
    """The cost ledger as rows (plain dicts: `pandas.DataFrame(anpo.costs.ledger())` works).

    by: year (1978 to the last JFY of the SMA in force, gaps as None), period (the SMAs),
    category (HNS categories by JFY), line (every figure with its source), comparison
    (Korea's SMA, DoD's Allied Contributions figures and the like).
    """
    if by == "year":
        return rows_by_year()
    if by == "period":
        return rows_by_period()
    if by == "category":
        return rows_by_category()
    if by == "line":
        return rows_by_line()
    if by == "comparison":
        return [dict(c) for c in series.comparisons()]
    raise InputError("by", f"unknown value {by!r}; accepted: {', '.join(VIEWS)}")
