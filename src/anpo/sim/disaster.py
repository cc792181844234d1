"""Disaster response: the SDF's relief dispatch and U.S. support, as forces building up on station.

A simulation file with a `disaster:` block runs here instead of the crisis kernels (the law
scenario stays `event: none`: a disaster is no armed attack, and `anpo assess` is unchanged).
Each force row (a country's personnel, aircraft or ships) is committed by its government
(an input, with its source) and arrives on a straight ramp: nothing until the SDF's dispatch
order plus the row's first-arrival delay, then linearly to the committed size over its ramp.
The delays are lognormal (median, log-sd), each sourced or named as an assumption.

Trials are drawn tile by tile from SeedSequence(seed).spawn, so a run is the same for any
number of trials per tile; on-station counts are integers folded into exact histograms.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from anpo.core.errors import InputError

TILE = 1 << 14
COUNTRIES = ("JPN", "USA")
MEASURES = ("personnel", "aircraft", "ships")
DELAY_FIELDS = ("median_h", "spread", "source", "assumption")
ROW_FIELDS = ("country", "measure", "committed", "first_h", "ramp_h", "source", "assumption")
FIELDS = ("kind", "governor_request", "order_h", "forces", "checkpoints_h")
MAX_COMMITTED = 1_000_000  # bounds a histogram's size; not a fact

# Who decides, in anpo's words (SDF Act Art. 83; U.S. forces under the Treaty's Art. VI and the SOFA).
LEGAL_PATH: dict[str, Any] = {
    "japan": {
        "basis": "SDF Act (Act No. 165 of 1954) Art. 83: disaster relief dispatch",
        "who_decides": "the Minister of Defense (or an officer the Minister designates) orders the "
        "dispatch on a prefectural governor's request; in an emergency that leaves no time for a "
        "request, the Minister may dispatch without one (Art. 83, para. 2 proviso)",
        "url": "https://laws.e-gov.go.jp/law/329AC0000000165",
    },
    "usa": {
        "basis": "Treaty of Mutual Cooperation and Security (1960) Art. VI and the SOFA: forces "
        "stationed in Japan, and forces sent to them, support the SDF's relief; no combat",
        "who_decides": "the U.S. Government offers and commits its forces; the Government of Japan "
        "accepts them and the SDF leads; the two coordinate (in 2011 through joint coordination cells)",
        "prior_consultation": "not engaged: no combat operation is launched from Japan; anpo does not "
        "read a temporary relief deployment as a major change in deployment (the two governments "
        "decide that, not anpo)",
        "url": "https://www.mofa.go.jp/region/n-america/us/q&a/ref/1.html",
    },
    "article5": "does not apply (no armed attack)",
}


@dataclass(frozen=True)
class Delay:
    median_h: float
    spread: float  # standard deviation of the logarithm; 0 = fixed
    basis: str  # "source: ..." or "assumption: ..."

    def draw(self, rng: np.random.Generator, n: int) -> npt.NDArray[np.float64]:
        if self.spread == 0:
            return np.full(n, self.median_h)
        return self.median_h * np.exp(self.spread * rng.standard_normal(n))


@dataclass(frozen=True)
class ForceRow:
    country: str
    measure: str
    committed: int
    first: Delay  # from the dispatch order to the first element on station
    ramp: Delay  # from the first element to the whole committed force
    basis: str

    @property
    def name(self) -> str:
        return f"{self.country}.{self.measure}"


@dataclass(frozen=True)
class Disaster:
    kind: str
    governor_request: bool
    order: Delay  # from the event to the Minister's dispatch order
    forces: tuple[ForceRow, ...]
    checkpoints_h: tuple[float, ...]


def _basis(raw: Mapping[str, Any], where: str) -> str:
    src, ass = raw.get("source"), raw.get("assumption")
    if bool(src) == bool(ass) or not isinstance(src or ass, str):
        raise InputError(where, "give exactly one of `source` (where the figure comes from) or `assumption`")
    return f"source: {src}" if src else f"assumption: {ass}"


def _number(v: object, where: str, lo: float = 0.0) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or v < lo:
        raise InputError(where, f"{v!r} must be a number >= {lo:g}")
    return float(v)


def _delay(raw: object, where: str) -> Delay:
    if not isinstance(raw, Mapping):
        raise InputError(where, "expected {median_h, spread, source | assumption}")
    for key in raw:
        if key not in DELAY_FIELDS:
            raise InputError(f"{where}.{key}", f"unknown field; accepted: {', '.join(DELAY_FIELDS)}")
    med = _number(raw.get("median_h"), f"{where}.median_h")
    spread = _number(raw.get("spread", 0.0), f"{where}.spread")
    return Delay(med, spread, _basis(raw, where))


def parse_disaster(raw: object) -> Disaster:
    """Strictly parse the `disaster:` block; InputError names the field (and row)."""
    if not isinstance(raw, Mapping):
        raise InputError("disaster", "expected a mapping {kind, governor_request, order_h, forces}")
    for key in raw:
        if key not in FIELDS:
            raise InputError(f"disaster.{key}", f"unknown field; accepted: {', '.join(FIELDS)}")
    kind = raw.get("kind")
    if not isinstance(kind, str) or not kind:
        raise InputError("disaster.kind", "name the disaster (e.g. earthquake_tsunami)")
    req = raw.get("governor_request", True)
    if not isinstance(req, bool):
        raise InputError("disaster.governor_request", "expected true or false")
    rows = raw.get("forces")
    if not isinstance(rows, list) or not rows:
        raise InputError("disaster.forces", "expected a non-empty list of force rows")
    forces = []
    seen = set()
    for i, r in enumerate(rows):
        where = f"disaster.forces[{i}]"
        if not isinstance(r, Mapping):
            raise InputError(where, f"expected a mapping {{{', '.join(ROW_FIELDS)}}}")
        for key in r:
            if key not in ROW_FIELDS:
                raise InputError(f"{where}.{key}", f"unknown field; accepted: {', '.join(ROW_FIELDS)}")
        country, measure = r.get("country"), r.get("measure")
        if country not in COUNTRIES:
            raise InputError(f"{where}.country", f"{country!r}; accepted: {', '.join(COUNTRIES)}")
        if measure not in MEASURES:
            raise InputError(f"{where}.measure", f"{measure!r}; accepted: {', '.join(MEASURES)}")
        if (country, measure) in seen:
            raise InputError(where, f"{country} {measure} is listed twice")
        seen.add((country, measure))
        n = r.get("committed")
        if isinstance(n, bool) or not isinstance(n, int) or not 0 < n <= MAX_COMMITTED:
            raise InputError(f"{where}.committed", f"{n!r} must be a whole number 1..{MAX_COMMITTED:,}")
        forces.append(
            ForceRow(
                country,
                measure,
                n,
                _delay(r.get("first_h"), f"{where}.first_h"),
                _delay(r.get("ramp_h"), f"{where}.ramp_h"),
                _basis(r, where),
            )
        )
    cps = raw.get("checkpoints_h", [24, 72, 168, 336, 504])
    if not isinstance(cps, list) or not cps:
        raise InputError("disaster.checkpoints_h", "expected a list of hours")
    hours = tuple(_number(c, f"disaster.checkpoints_h[{i}]") for i, c in enumerate(cps))
    if list(hours) != sorted(set(hours)):
        raise InputError("disaster.checkpoints_h", "hours must be distinct and increasing")
    return Disaster(kind, req, _delay(raw.get("order_h"), "disaster.order_h"), tuple(forces), hours)


def _quantiles(hist: npt.NDArray[np.int64], n: int) -> list[int]:
    cum = np.cumsum(hist)
    return [int(np.searchsorted(cum, q * n, side="left")) for q in (0.05, 0.5, 0.95)]


def run_disaster(d: Disaster, trials: int, seed: int) -> dict[str, Any]:
    """The build-up on station: per force row and checkpoint, mean and 5/50/95 % of the trials;
    and the hours until 90 % of the committed force is on station."""
    cps = np.array(d.checkpoints_h)
    hists = [np.zeros((len(cps), r.committed + 1), np.int64) for r in d.forces]
    t90: list[list[float]] = [[] for _ in d.forces]
    order_sum: list[float] = []
    tiles = -(-trials // TILE)
    for t, ss in enumerate(np.random.SeedSequence(seed).spawn(tiles)):
        n = min(TILE, trials - t * TILE)
        rng = np.random.Generator(np.random.PCG64(ss))
        order = d.order.draw(rng, n)
        order_sum.append(math.fsum(order))
        for k, r in enumerate(d.forces):
            start = order + r.first.draw(rng, n)
            ramp = np.maximum(r.ramp.draw(rng, n), 1e-9)
            frac = np.clip((cps[None, :] - start[:, None]) / ramp[:, None], 0.0, 1.0)
            on = np.floor(frac * r.committed + 1e-9).astype(np.int64)  # whole units on station
            for c in range(len(cps)):
                hists[k][c] += np.bincount(on[:, c], minlength=r.committed + 1)
            t90[k].append(math.fsum(start + 0.9 * ramp))
    rows = []
    for k, r in enumerate(d.forces):
        at = {}
        for c, h in enumerate(d.checkpoints_h):
            hist = hists[k][c]
            p5, p50, p95 = _quantiles(hist, trials)
            mean = float(hist @ np.arange(r.committed + 1)) / trials
            at[f"{h:g}"] = {"mean": round(mean, 1), "p5": p5, "p50": p50, "p95": p95}
        rows.append(
            {
                "force": r.name,
                "committed": r.committed,
                "on_station_by_h": at,
                "mean_h_to_90pct": round(math.fsum(t90[k]) / trials, 2),
                "first_h": r.first.median_h,
                "ramp_h": r.ramp.median_h,
                "basis": r.basis,
            }
        )
    legal = {**LEGAL_PATH, "japan": dict(LEGAL_PATH["japan"])}
    legal["japan"]["request"] = (
        "requested by the prefectural governor(s)"
        if d.governor_request
        else "dispatched without a request (Art. 83, para. 2 proviso: no time to wait)"
    )
    return {
        "kind": d.kind,
        "trials": trials,
        "seed": seed,
        "legal_path": legal,
        "order_h": {
            "median": d.order.median_h,
            "mean": round(math.fsum(order_sum) / trials, 3),
            "basis": d.order.basis,
        },
        "checkpoints_h": list(d.checkpoints_h),
        "forces": rows,
    }


def text(result: dict[str, Any], name: str) -> str:
    """The run as lines for the terminal."""
    lp = result["legal_path"]
    lines = [
        f"disaster response {name} ({result['kind']}): {result['trials']:,} trials, seed {result['seed']}",
        f"legal path, Japan: {lp['japan']['basis']}; {lp['japan']['request']}",
        f"  who decides: {lp['japan']['who_decides']}",
        f"legal path, United States: {lp['usa']['basis']}",
        f"  prior consultation: {lp['usa']['prior_consultation']}; Article V {lp['article5']}",
        f"dispatch order at {result['order_h']['mean']:.2f} h (mean)",
        f"{'on station, p50 (p5-p95)':<22}"
        + "".join(f"{h:>20}" for h in (f"{c:g} h" for c in result["checkpoints_h"])),
    ]
    for r in result["forces"]:
        cells = "".join(
            f"{v['p50']:>8} ({v['p5']}-{v['p95']})".rjust(20) for v in r["on_station_by_h"].values()
        )
        lines.append(f"{r['force']:<22}{cells}")
    for r in result["forces"]:
        lines.append(
            f"{r['force']}: committed {r['committed']:,}; "
            f"90 % on station at {r['mean_h_to_90pct']:.0f} h (mean)"
        )
    return "\n".join(lines)
