"""Streaming summaries: mergeable histograms with exact sums, never the trials themselves.

Times go into log-spaced bins read straight off the float's bits (the exponent and the top
MANTISSA_BITS of the mantissa): bins 0.54 % wide, so quantiles (the bin's geometric middle)
are good to about 0.3 %; 128 bins per doubling keep the histograms small enough to stay in
the cache while the kernels fold trials into them. Counts go into exact integer
histograms. Sums are taken per stream tile and added with math.fsum (exactly rounded, so
in any order), so a mean is the same to the last bit for any chunk size or worker count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

MANTISSA_BITS = 7
SHIFT = 52 - MANTISSA_BITS
LOW_H = 2.0**-12  # times below this (about a second) share the lowest bin
HIGH_H = 2.0**20
LOW_BIN = int(np.float64(LOW_H).view(np.int64)) >> SHIFT  # the shifted bits of bin 0
_HIGH = int(np.float64(HIGH_H).view(np.int64)) >> SHIFT
NBINS = _HIGH - LOW_BIN + 1
QUANTILES = (0.05, 0.5, 0.95)

FloatArray = npt.NDArray[np.float64]


def _bin_value(i: int) -> float:
    lo = np.int64((i + LOW_BIN) << SHIFT).view(np.float64)
    hi = np.int64((i + LOW_BIN + 1) << SHIFT).view(np.float64)
    return float(math.sqrt(lo * hi)) if i > 0 else 0.0


@dataclass
class TimeStat:
    """Hours until something happens; inf = it never happens in that trial."""

    counts: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(NBINS + 1, np.int64))
    sums: list[float] = field(default_factory=list)  # per tile, finite values only
    finite: int = 0

    def quantile(self, q: float) -> float | None:
        n = int(self.counts.sum())
        cum = np.cumsum(self.counts)
        i = int(np.searchsorted(cum, q * n, side="left"))
        return None if i >= NBINS else _bin_value(i)

    def to_dict(self) -> dict[str, Any]:
        n = int(self.counts.sum())
        out: dict[str, Any] = {
            "mean": math.fsum(self.sums) / self.finite if self.finite else None,
            "p5": self.quantile(0.05),
            "p50": self.quantile(0.5),
            "p95": self.quantile(0.95),
            "p_never": (n - self.finite) / n if n else None,
        }
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in out.items()}

    def amount(self) -> dict[str, Any]:
        """The summary of an amount folded as a time (sorties, aircraft lost): never missing,
        so its mean and quantiles only (to the bins' 0.3 %; the mean exact)."""
        d = self.to_dict()
        return {k: d[k] for k in ("mean", "p5", "p50", "p95")}

    def cdf(self, grid: FloatArray) -> FloatArray:
        """P(T <= t) at each grid time (bin resolution)."""
        n = max(int(self.counts.sum()), 1)
        edges = np.array([_bin_value(i) for i in range(NBINS)])
        cum = np.cumsum(self.counts[:NBINS]) / n
        return np.interp(grid, edges, cum, left=0.0)


@dataclass
class CountStat:
    """A whole number per trial (forces on station): exact histogram and sum."""

    counts: npt.NDArray[np.int64]
    total: int = 0

    def to_dict(self) -> dict[str, Any]:
        n = int(self.counts.sum())
        cum = np.cumsum(self.counts)

        def q(p: float) -> int:
            return int(np.searchsorted(cum, p * n, side="left"))

        return {"mean": round(self.total / n, 4) if n else None, "p5": q(0.05), "p50": q(0.5), "p95": q(0.95)}


@dataclass
class Tally:
    """How many trials fall in each category (legal paths, outcomes)."""

    labels: tuple[str, ...]
    counts: npt.NDArray[np.int64]

    def to_dict(self) -> dict[str, float]:
        n = int(self.counts.sum())
        return {lab: round(int(c) / n, 6) for lab, c in zip(self.labels, self.counts, strict=True)}
