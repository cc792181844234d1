"""The host-nation-support ledger: SMA periods, terms, budget figures per JFY, history.

Money is in JPY billions (`_jpy_bn`). A year without a verified figure is reported with
basis "missing" and value None: never filled in.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from anpo import data
from anpo.core.errors import DataError, InputError
from anpo.costs.schema import (
    BudgetYear,
    Category,
    HistoryPoint,
    LedgerFile,
    Period,
    PeriodTotal,
    Term,
    validate_ledger,
)

LEDGER_FILE = "costs/sma.yaml"
SUM_TOLERANCE_JPY_BN = 0.15  # lines are rounded to 100M yen in the sources


@cache
def ledger() -> LedgerFile:
    """The ledger, validated at load (schema, ordering, and the stated sums)."""
    parsed = validate_ledger(data.read_yaml(LEDGER_FILE), LEDGER_FILE)
    for check in _sum_checks(parsed):
        if not check.ok:
            raise DataError(
                f"{LEDGER_FILE}: JFY{check.jfy} {check.name}: stated {check.stated_jpy_bn} but "
                f"categories sum to {check.sum_jpy_bn:.1f}"
            )
    return parsed


def categories() -> tuple[Category, ...]:
    return ledger().categories


def periods() -> tuple[Period, ...]:
    return ledger().periods


def history() -> tuple[HistoryPoint, ...]:
    return ledger().history


def period(period_id: str, field: str = "period") -> Period:
    """One SMA period by id (e.g. '2022-26'); InputError lists the accepted ids."""
    for p in periods():
        if p.id == period_id:
            return p
    accepted = ", ".join(p.id for p in periods())
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


def budget_year(jfy: int) -> BudgetYear | None:
    for b in ledger().budget:
        if b.jfy == jfy:
            return b
    return None


@dataclass(frozen=True)
class SumCheck:
    jfy: int
    name: str
    stated_jpy_bn: float
    sum_jpy_bn: float
    ok: bool


def _sum_checks(parsed: LedgerFile) -> list[SumCheck]:
    out = []
    for b in parsed.budget:
        for t in b.totals:
            if t.adds_up is not True:
                continue
            s = sum(b.amounts_jpy_bn[c] for c in t.sum_of)
            ok = abs(s - t.value_jpy_bn) <= SUM_TOLERANCE_JPY_BN
            out.append(SumCheck(b.jfy, t.name, t.value_jpy_bn, round(s, 3), ok))
    return out


def sum_checks() -> list[SumCheck]:
    """Every budget total that the source says adds up, with the sum of its categories."""
    return _sum_checks(ledger())


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
                "signed": None if p.signed is None else p.signed.isoformat(),
                "in_force": p.in_force.isoformat(),
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


def rows_by_year(first: int = 2008, last: int = 2026) -> list[dict[str, object]]:
    """One row per JFY: the budget total if verified, else the agreed level, else missing."""
    out: list[dict[str, object]] = []
    for y in range(first, last + 1):
        p = period_for_jfy(y)
        b = budget_year(y)
        row: dict[str, object] = {"jfy": y, "period": None if p is None else p.id}
        budget_total = None
        if b is not None:
            budget_total = next((t for t in b.totals if t.name == "hns_total"), None)
        if b is not None and budget_total is not None:
            row.update(
                hns_total_jpy_bn=budget_total.value_jpy_bn,
                basis="budget",
                source=b.source,
                confidence=b.confidence,
            )
            row["categories_add_up"] = budget_total.adds_up is True
        else:
            value, basis, source, conf = agreed_total_for_jfy(y)
            row.update(hns_total_jpy_bn=value, basis=basis, source=source, confidence=conf)
            row["categories_add_up"] = False
        for c in categories():
            row[f"{c.id}_jpy_bn"] = None if b is None else b.amounts_jpy_bn.get(c.id)
        if p is not None and row["utilities_jpy_bn"] is None:
            t = term(p, "utilities_jpy_bn", y)
            row["utilities_jpy_bn"] = None if t is None else t.value
        out.append(row)
    return out


def rows_by_category() -> list[dict[str, object]]:
    """One row per (category, JFY) with a verified figure: budget amounts and agreed amounts."""
    out: list[dict[str, object]] = []
    names: dict[str, Category] = {c.id: c for c in categories()}
    for b in ledger().budget:
        for cat_id, v in b.amounts_jpy_bn.items():
            out.append(
                {
                    "category": cat_id,
                    "inside_sma": names[cat_id].inside_sma,
                    "jfy": b.jfy,
                    "value_jpy_bn": v,
                    "basis": "budget",
                    "source": b.source,
                    "confidence": b.confidence,
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
