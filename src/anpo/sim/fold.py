"""Folding one trial into the streaming summaries, inside the compiled timeline.

The timeline kernel never writes a column per measure (a few hundred bytes per trial,
more memory traffic than the model's arithmetic): each trial's values go straight into
the histograms, sums and tallies of a `Fold`, the chunk's share of a `run.Summary`.
Columns are written only when the caller keeps the trials (`--keep-trials`).
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np
import numpy.typing as npt
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

from anpo.sim.summary import LOW_BIN, LOW_H, SHIFT

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_LOW_BITS = int(np.float64(LOW_H).view(np.int64))


class Fold(NamedTuple):
    """One chunk's summaries (numba takes a named tuple of arrays as one argument)."""

    time_hist: IntArray  # (measures, NBINS + 1): bins of `summary.TimeStat`
    time_sum: FloatArray  # (measures,): sum of the finite values of the current tile
    time_finite: IntArray  # (measures,)
    count_hist: IntArray  # (count measures, most + 1)
    count_sum: IntArray  # (count measures,)
    tally: IntArray  # (6, k): Japan's path, the U.S. path, response before the fait accompli,
    # the legal event that authorized Japan, the one that opened bases in Japan to U.S.
    # sorties, whether the alliance denies the objective
    keep_times: FloatArray  # (measures, trials) when the trials are kept, else (0, 0)
    keep_counts: IntArray
    keep_paths: IntArray


@intrinsic
def _float_bits(typingctx, x):  # type: ignore[no-untyped-def]
    # The float's bits as an int64 (a register move): numba has no scalar view().
    if not isinstance(x, types.Float) or x.bitwidth != 64:
        return None

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        return builder.bitcast(args[0], ir.IntType(64))

    return types.int64(types.float64), codegen


@numba.njit(cache=True, nogil=True, inline="always")
def time_bin(t: float, last: int) -> int:
    """`summary.TimeStat`'s bin of t (`last`: the overflow bin, NBINS): non-negative floats
    order like their bits. `last` comes from the histogram's shape, not from the global
    NBINS, so a kernel cached before a change of the bins cannot write past the array."""
    return min((max(_float_bits(t), _LOW_BITS) >> SHIFT) - LOW_BIN, last)  # type: ignore[call-arg]


@numba.njit(cache=True, nogil=True, inline="always")
def _finite(v: float) -> float:
    return v if v < np.inf else 0.0


@numba.njit(cache=True, nogil=True)
def fold_block(fold: Fold, first: int, n: int, times: FloatArray, counts: IntArray, paths: IntArray) -> None:
    """Add trials first..first+n-1: columns 0..n-1 of times (measures x block), counts and
    paths (Japan's, the U.S., response before the fait accompli or -1 without one).

    Measure by measure, so one histogram row at a time is in the cache: the bins of the
    block first (a loop without stores to the histogram, which vectorizes), then the
    increments. Each measure's sum runs in trial order (a tile's sum does not depend on
    the chunk it came in), four measures at a time: the same additions as one measure at a
    time, in four independent chains, so the adder's latency is paid once for four (one
    chain at a time cost the fold a third of its time).
    """
    last = fold.time_hist.shape[1] - 1
    measures = times.shape[0]
    bins = np.empty(n, np.int64)
    for m in range(measures):
        hist = fold.time_hist[m]
        finite = 0
        for j in range(n):
            v = times[m, j]
            bins[j] = time_bin(v, last)
            finite += v < np.inf  # no branch: which trials never see a measure is random
        fold.time_finite[m] += finite
        for j in range(n):
            hist[bins[j]] += 1
    for m in range(0, measures, 4):
        # past the last measure, the chains repeat it and their sums are not added
        m1, m2, m3 = min(m + 1, measures - 1), min(m + 2, measures - 1), min(m + 3, measures - 1)
        a0 = a1 = a2 = a3 = 0.0
        for j in range(n):
            a0 += _finite(times[m, j])
            a1 += _finite(times[m1, j])
            a2 += _finite(times[m2, j])
            a3 += _finite(times[m3, j])
        fold.time_sum[m] += a0
        if m1 > m:
            fold.time_sum[m1] += a1
        if m2 > m1:
            fold.time_sum[m2] += a2
        if m3 > m2:
            fold.time_sum[m3] += a3
    for m in range(counts.shape[0]):
        hist = fold.count_hist[m]
        total = 0
        for j in range(n):
            hist[counts[m, j]] += 1
            total += counts[m, j]
        fold.count_sum[m] += total
    for j in range(n):
        fold.tally[0, paths[0, j]] += 1
        fold.tally[1, paths[1, j]] += 1
        if paths[2, j] >= 0:
            fold.tally[2, paths[2, j]] += 1
        if paths[3, j] >= 0:
            fold.tally[3, paths[3, j]] += 1
            fold.tally[4, paths[4, j]] += 1
        if paths[5, j] >= 0:
            fold.tally[5, paths[5, j]] += 1
    if fold.keep_times.shape[0]:
        fold.keep_times[:, first : first + n] = times[:, :n]
        fold.keep_counts[:, first : first + n] = counts[:, :n]
        fold.keep_paths[:, first : first + n] = paths[:, :n]
