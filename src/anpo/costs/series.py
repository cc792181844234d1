"""The yearly ledger of Japan's spending on U.S. forces: budget lines, reconciliation, USD,
per service member and the comparisons people make.

Data (src/anpo/data/costs/):
- lines.yaml: each budget line (what it includes, the JFY it began) and the published sums;
- ledger.csv: one figure a row (JFY, line, basis, JPY bn) with its source;
- fx.csv: yen and won per U.S. dollar (Federal Reserve, G.5A annual averages; for the other
  years the IMF's IFS rate as the World Bank republishes it), one rate a year;
- deflator.csv: Japan's consumer prices, annual % change (World Bank WDI, from the Statistics
  Bureau's CPI, to 2022; the Statistics Bureau's published change after), chained here into an
  index with 2020 = 100 for constant-yen figures;
- us_personnel.csv: U.S. active-duty personnel in Japan (DoD/DMDC) for the years anpo can cite;
- comparisons.csv: Korea's SMA, DoD's Allied Contributions figures and the like.

Nothing is filled in: a JFY without a figure shows None. Every loader error names the file,
the row (the CSV line number) and the field.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from anpo import data
from anpo.core.errors import DataError
from anpo.core.source import check_source

LINES_FILE = "costs/lines.yaml"
LEDGER_CSV = "costs/ledger.csv"
FX_CSV = "costs/fx.csv"
DEFLATOR_CSV = "costs/deflator.csv"
DEFLATOR_BASE_YEAR = 2020
DEFLATOR_NAME = ("consumer price index, all items (Statistics Bureau of Japan, via the World Bank's "
                 "FP.CPI.TOTL.ZG to 2022, the Bureau's own published change after), calendar "
                 "year, chained to 2020 = 100")
PERSONNEL_CSV = "costs/us_personnel.csv"
COMPARISONS_CSV = "costs/comparisons.csv"

BASES = ("budget", "budget_contract", "settled", "unspecified")
# Which basis a year view shows when a line has several: the initial budget first.
BASIS_ORDER = {"budget": 0, "settled": 1, "unspecified": 2, "budget_contract": 3}
# A contract-basis total sums the budget figure of any part that has no contract basis.
BASIS_FALLBACK = {"budget_contract": "budget"}
ROUNDING_JPY_BN = 0.05  # sources round each figure to 100M yen (0.1 bn): half of it either way
FIRST_JFY = 1978
LAST_JFY = 2026  # the last JFY the SMA in force covers (2022-26)

T = TypeVar("T")


@dataclass(frozen=True)
class Line:
    id: str
    name: str
    name_ja: str
    since_jfy: int | None
    includes: str


@dataclass(frozen=True)
class SumRule:
    total: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class Figure:
    jfy: int
    line: str
    basis: str
    value_jpy_bn: float
    source: str
    document: str | None
    read_from: str | None
    confidence: str
    note: str | None
    row: int  # line number in ledger.csv

    def to_dict(self) -> dict[str, object]:
        return {
            "jfy": self.jfy, "line": self.line, "basis": self.basis,
            "value_jpy_bn": self.value_jpy_bn, "source": self.source or None,
            "document": self.document, "read_from": self.read_from,
            "confidence": self.confidence, "note": self.note,
        }


@dataclass(frozen=True)
class Check:
    """One published identity in one JFY: the stated total against the sum of its parts."""

    jfy: int
    basis: str
    total: str
    stated_jpy_bn: float
    sum_jpy_bn: float
    parts: tuple[str, ...]
    tolerance_jpy_bn: float

    @property
    def ok(self) -> bool:
        return abs(self.stated_jpy_bn - self.sum_jpy_bn) <= self.tolerance_jpy_bn

    def to_dict(self) -> dict[str, object]:
        return {
            "jfy": self.jfy, "basis": self.basis, "name": self.total,
            "stated_jpy_bn": self.stated_jpy_bn, "sum_jpy_bn": self.sum_jpy_bn,
            "parts": list(self.parts), "tolerance_jpy_bn": self.tolerance_jpy_bn, "ok": self.ok,
        }


def _rows(relative: str) -> list[tuple[int, dict[str, str]]]:
    with data.path(relative).open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return [(n, row) for n, row in enumerate(reader, 2)]


def _field(relative: str, row: int, name: str, raw: dict[str, str], parse: Callable[[str], T],
           what: str) -> T:
    value = (raw.get(name) or "").strip()
    try:
        return parse(value)
    except (TypeError, ValueError):
        raise DataError(f"{relative}: row {row}: {name}: expected {what}, got {value!r}") from None


def _number(text: str) -> float:
    x = float(text)
    if not math.isfinite(x) or x < 0:
        raise ValueError(text)
    return x


def _year(text: str) -> int:
    y = int(text)
    if not 1945 <= y <= 2100:
        raise ValueError(text)
    return y


def _source(relative: str, row: int, raw: dict[str, str]) -> dict[str, Any]:
    rec = {
        "source": (raw.get("source") or "").strip(),
        "document": (raw.get("document") or "").strip() or None,
        "read_from": (raw.get("read_from") or "").strip() or None,
        "confidence": (raw.get("confidence") or "").strip(),
    }
    src = check_source(rec, f"{relative}: row {row}", url_key="source")
    copies: object = src.read_from  # one copy or several, as anpo.core.source records them
    if isinstance(copies, (tuple, list)):
        copies = " ; ".join(str(c) for c in copies)
    return {"source": src.url, "document": src.document, "read_from": str(copies or "") or None,
            "confidence": src.confidence}


@cache
def lines() -> dict[str, Line]:
    raw = data.read_yaml(LINES_FILE)
    out: dict[str, Line] = {}
    for i, entry in enumerate(raw.get("lines") or [], 1):
        where = f"{LINES_FILE}: lines[{i}]"
        missing = {"id", "name", "name_ja", "since_jfy", "includes"} - set(entry)
        if missing:
            raise DataError(f"{where}: missing {sorted(missing)}")
        if entry["id"] in out:
            raise DataError(f"{where}: id {entry['id']!r} listed twice")
        since = entry["since_jfy"]
        if since is not None and not isinstance(since, int):
            raise DataError(f"{where}: since_jfy: expected a year or null, got {since!r}")
        out[entry["id"]] = Line(entry["id"], entry["name"], entry["name_ja"], since,
                                entry["includes"])
    return out


@cache
def sum_rules() -> tuple[SumRule, ...]:
    known = lines()
    out = []
    for i, entry in enumerate(data.read_yaml(LINES_FILE).get("sums") or [], 1):
        names = [entry.get("total"), *(entry.get("parts") or [])]
        unknown = [n for n in names if n not in known]
        if unknown or len(names) < 3:
            raise DataError(f"{LINES_FILE}: sums[{i}]: unknown or missing lines {unknown}")
        out.append(SumRule(entry["total"], tuple(entry["parts"])))
    return tuple(out)


def validate_ledger_rows(rows: Iterable[tuple[int, dict[str, str]]],
                         relative: str = LEDGER_CSV) -> list[Figure]:
    """Parse and check ledger rows; DataError names the file, row and field."""
    known = lines()
    out: list[Figure] = []
    seen: dict[tuple[int, str, str], int] = {}
    for n, raw in rows:
        jfy = _field(relative, n, "jfy", raw, _year, "a year")
        line = (raw.get("line") or "").strip()
        if line not in known:
            raise DataError(f"{relative}: row {n}: line: unknown line {line!r} (see {LINES_FILE})")
        since = known[line].since_jfy
        if since is not None and jfy < since:
            raise DataError(f"{relative}: row {n}: jfy: {line} began in JFY{since}, not {jfy}")
        basis = (raw.get("basis") or "").strip()
        if basis not in BASES:
            raise DataError(f"{relative}: row {n}: basis: {basis!r} not in {list(BASES)}")
        value = _field(relative, n, "value_jpy_bn", raw, _number, "a number >= 0")
        key = (jfy, line, basis)
        if key in seen:
            raise DataError(f"{relative}: row {n}: JFY{jfy} {line} ({basis}) already in row "
                            f"{seen[key]}")
        seen[key] = n
        src = _source(relative, n, raw)
        out.append(Figure(jfy, line, basis, value, src["source"], src["document"],
                          src["read_from"], src["confidence"],
                          (raw.get("note") or "").strip() or None, n))
    return out


@cache
def figures() -> tuple[Figure, ...]:
    """Every figure of ledger.csv, validated, in file order."""
    return tuple(validate_ledger_rows(_rows(LEDGER_CSV)))


def _index() -> dict[tuple[int, str, str], Figure]:
    return {(f.jfy, f.line, f.basis): f for f in figures()}


def _started(line: str, jfy: int) -> bool:
    since = lines()[line].since_jfy
    return since is None or since <= jfy


def checks(figs: Iterable[Figure] | None = None) -> list[Check]:
    """Every published identity that can be checked: a stated total whose parts are all
    stated for the same JFY and basis (a part that had not begun counts as zero)."""
    index = _index() if figs is None else {(f.jfy, f.line, f.basis): f for f in figs}
    out: list[Check] = []
    for (jfy, line, basis), total in sorted(index.items()):
        for rule in sum_rules():
            if rule.total != line:
                continue
            values: list[float] = []
            for part in rule.parts:
                if not _started(part, jfy):
                    continue
                hit = index.get((jfy, part, basis))
                if hit is None and basis in BASIS_FALLBACK:
                    hit = index.get((jfy, part, BASIS_FALLBACK[basis]))
                if hit is None:
                    values = []
                    break
                values.append(hit.value_jpy_bn)
            if len(values) < 2:  # nothing to add up (a single part is the total itself)
                continue
            tol = round(ROUNDING_JPY_BN * (len(values) + 1), 3)
            out.append(Check(jfy, basis, line, total.value_jpy_bn, round(sum(values), 3),
                             rule.parts, tol))
    return out


def value(jfy: int, line: str) -> Figure | None:
    """The figure a year view shows for a line: budget first, then settled, then others."""
    hits = [f for f in figures() if f.jfy == jfy and f.line == line]
    return min(hits, key=lambda f: BASIS_ORDER[f.basis]) if hits else None


@cache
def fx() -> dict[tuple[int, str], tuple[float, str]]:
    """(calendar year, currency) -> (units per USD, source URL)."""
    out: dict[tuple[int, str], tuple[float, str]] = {}
    for n, raw in _rows(FX_CSV):
        year = _field(FX_CSV, n, "year", raw, _year, "a year")
        cur = (raw.get("currency") or "").strip()
        if cur not in ("JPY", "KRW", "EUR"):
            raise DataError(f"{FX_CSV}: row {n}: currency: {cur!r} not in ['JPY', 'KRW', 'EUR']")
        rate = _field(FX_CSV, n, "per_usd", raw, _number, "a number > 0")
        if rate == 0:
            raise DataError(f"{FX_CSV}: row {n}: per_usd: must be > 0")
        if (year, cur) in out:
            raise DataError(f"{FX_CSV}: row {n}: {cur} {year} given twice")
        src = _source(FX_CSV, n, raw)
        out[(year, cur)] = (rate, src["source"])
    return out


def _signed_number(text: str) -> float:
    x = float(text)
    if not math.isfinite(x) or not -50 < x < 100:
        raise ValueError(text)
    return x


@cache
def price_index() -> dict[int, float]:
    """CPI by calendar year, 2020 = 100, chained from the yearly % changes of deflator.csv.

    The first year of the file is the chain's start; years must follow one another."""
    changes: dict[int, float] = {}
    for n, raw in _rows(DEFLATOR_CSV):
        year = _field(DEFLATOR_CSV, n, "year", raw, _year, "a year")
        if changes and year != max(changes) + 1:
            raise DataError(f"{DEFLATOR_CSV}: row {n}: year: {year} does not follow {max(changes)}")
        changes[year] = _field(DEFLATOR_CSV, n, "cpi_change_pct", raw, _signed_number,
                               "a % change between -50 and 100")
        _source(DEFLATOR_CSV, n, raw)
    if DEFLATOR_BASE_YEAR not in changes:
        raise DataError(f"{DEFLATOR_CSV}: no row for the base year {DEFLATOR_BASE_YEAR}")
    chain: dict[int, float] = {}
    level = 1.0
    for year in sorted(changes):
        if chain:  # the first year's own change links it to the year before, outside the chain
            level *= 1 + changes[year] / 100
        chain[year] = level
    base = chain[DEFLATOR_BASE_YEAR]
    return {y: v / base * 100 for y, v in chain.items()}


def constant_yen(value: float | None, year: int) -> float | None:
    """JPY of `year` in 2020 yen (None where the year has no index)."""
    index = price_index().get(year)
    if value is None or index is None:
        return None
    return round(value * 100 / index, 3)


POSTURE_PERSONNEL_CSV = "posture/personnel.csv"


def _posture_personnel() -> dict[int, dict[str, object]]:
    """The registry's yearly series (posture/personnel.csv), read through the data layer.

    Rows its own note marks as a spike (a change in what was counted) are left out: a cost per
    member over a doubled head count would mislead."""
    try:
        rows = _rows(POSTURE_PERSONNEL_CSV)
    except DataError:  # the file is optional for the cost ledger
        return {}
    out: dict[int, dict[str, object]] = {}
    for n, raw in rows:
        if (raw.get("country") or "").strip() != "Japan":
            continue
        note = (raw.get("note") or "").strip()
        if "spike" in note.lower():
            continue
        year = _field(POSTURE_PERSONNEL_CSV, n, "year", raw, _year, "a year")
        count = _field(POSTURE_PERSONNEL_CSV, n, "active_duty", raw, int, "a whole number")
        out[year] = {"personnel": count, "as_of": None, "note": note or None,
                     "file": POSTURE_PERSONNEL_CSV, **_source(POSTURE_PERSONNEL_CSV, n, raw)}
    return out


@cache
def personnel() -> dict[int, dict[str, object]]:
    """U.S. active-duty personnel in Japan by year: the posture registry's DMDC series, with
    this folder's counts (DMDC by service, as the House of Councillors tabulated them) taking
    precedence for the years they cover."""
    out: dict[int, dict[str, object]] = _posture_personnel()
    for n, raw in _rows(PERSONNEL_CSV):
        year = _field(PERSONNEL_CSV, n, "year", raw, _year, "a year")
        count = _field(PERSONNEL_CSV, n, "personnel", raw, int, "a whole number")
        if count <= 0:
            raise DataError(f"{PERSONNEL_CSV}: row {n}: personnel: must be > 0")
        if out.get(year, {}).get("file") == PERSONNEL_CSV:
            raise DataError(f"{PERSONNEL_CSV}: row {n}: year {year} given twice")
        src = _source(PERSONNEL_CSV, n, raw)
        out[year] = {"personnel": count, "as_of": (raw.get("as_of") or "").strip() or None,
                     "note": (raw.get("note") or "").strip() or None, "file": PERSONNEL_CSV,
                     **src}
    return out


COMPARISON_UNITS = ("KRW_bn", "USD_bn", "JPY_bn", "share")


@cache
def comparisons() -> tuple[dict[str, object], ...]:
    """The comparisons people make, each with what it includes; USD where the rate is known."""
    out: list[dict[str, object]] = []
    seen: set[str] = set()
    for n, raw in _rows(COMPARISONS_CSV):
        ident = (raw.get("id") or "").strip()
        if not ident or ident in seen:
            raise DataError(f"{COMPARISONS_CSV}: row {n}: id: empty or repeated {ident!r}")
        seen.add(ident)
        year = _field(COMPARISONS_CSV, n, "year", raw, _year, "a year")
        amount = _field(COMPARISONS_CSV, n, "value", raw, _number, "a number >= 0")
        unit = (raw.get("unit") or "").strip()
        if unit not in COMPARISON_UNITS:
            raise DataError(f"{COMPARISONS_CSV}: row {n}: unit: {unit!r} not in "
                            f"{list(COMPARISON_UNITS)}")
        if unit == "share" and amount > 1:
            raise DataError(f"{COMPARISONS_CSV}: row {n}: value: a share must be within 0..1")
        includes = (raw.get("includes") or "").strip()
        if not includes:
            raise DataError(f"{COMPARISONS_CSV}: row {n}: includes: say what the figure includes")
        usd = None
        if unit == "USD_bn":
            usd = amount
        elif unit in ("KRW_bn", "JPY_bn"):
            rate = fx().get((year, unit[:3]))
            usd = None if rate is None else round(amount / rate[0], 3)
        out.append({"id": ident, "who": raw.get("who"), "year": year,
                    "measure": raw.get("measure"), "value": amount, "unit": unit,
                    "usd_bn": usd, "includes": includes,
                    "note": (raw.get("note") or "").strip() or None,
                    **_source(COMPARISONS_CSV, n, raw)})
    return tuple(out)
