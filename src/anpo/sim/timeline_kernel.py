"""Compiled (numba) crisis timeline: one pass per stream tile, one trial at a time.

`timeline.simulate_chunk` packs the plan into the arrays below and calls `timeline_tile`
once per tile with that tile's Generator; every draw of a trial is made in the order of the
stages, so a trial's numbers depend only on its tile (the chunking and the threads do not
matter). A draw is skipped where the model does not need it (a spread of zero, a
probability of 0 or 1, the delay of a decision not taken): that changes which numbers a
trial gets, not their distribution. The stages are those of `timeline.py`'s docstring.

Numba compiles the loop to machine code without the GIL, so two threads run two tiles at
once; the per-trial work is a few dozen floating-point operations and about ten draws,
instead of the dozens of full-column temporaries the numpy version needed.
"""

from __future__ import annotations

import math

import numba
import numpy as np
import numpy.typing as npt

from anpo.sim.fold import Fold, fold_trial

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# The parameter vector q (built by `timeline.pack_parameters`): medians (h), log spreads,
# probabilities.
(
    DETECT, DETECT_S, CONSULT, CONSULT_S, ORDER, ORDER_S, JUDGE_P, JUDGE, JUDGE_S, CERT_P, CERT,
    CERT_S, US_P, US_DEC, US_DEC_S, CONSENT_P, CONSENT, CONSENT_S, READY_S, AT_SEA_P, TANKER_JOIN,
    FAIT, NQ,
) = range(23)  # fmt: skip

# Flags f (ints): the legal gates and the shape of the plan.
(GATE, REAR_AREA, CERT_ASSUMED, PRIOR_CONSULT, HAS_SHIPS, HAS_FAIT, GROUPS, STRUCK, NF) = range(9)
GATE_DEFENSE_ORDER, GATE_JUDGMENT, GATE_CERTIFICATION, GATE_NONE = range(4)

# Unit table u (ints, one row per unit): columns.
(U_COUNTRY, U_COUNT, U_FROM_JAPAN, U_SHIP, U_TANKER, U_NEEDS_TANKER, U_COMBAT, U_GROUP, U_BASE,
 U_CLASS, NU) = range(11)  # fmt: skip

# Rows of the times block written here (the arrival groups follow, then the firsts).
T_DETECT, T_CONSULT, T_JAPAN, T_US_DECISION, T_US_FROM_JAPAN, T_FIXED = range(6)
# Japan's and the U.S. paths (the labels are `timeline.JAPAN_PATHS` / `US_PATHS`).
JP_DEFENSE, JP_JUDGED, JP_CERTIFIED, JP_REAR, JP_OUT = range(5)
US_NO_CONSENT, US_GRANTED, US_REFUSED, US_NONE = range(4)
JPN, USA = 0, 1
ON_STATION_H = (24.0, 72.0)


@numba.njit(cache=True, nogil=True, inline="always")
def _delay(gen: np.random.Generator, median: float, spread: float) -> float:
    # median * exp(spread * Z), and exactly the median (no draw) when the spread is zero.
    if spread == 0.0:
        return median
    return median * math.exp(spread * gen.standard_normal())


@numba.njit(cache=True, nogil=True, inline="always")
def _chance(gen: np.random.Generator, p: float) -> bool:
    if p >= 1.0:
        return True
    if p <= 0.0:
        return False
    return gen.random() < p


@numba.njit(cache=True, nogil=True, inline="always")
def _open_after(t: float, starts: FloatArray, ends: FloatArray, b: int, c: int, i: int) -> float:
    # The first time >= t at which base b has a usable strip for class c (closures in order).
    for s in range(starts.shape[0]):
        if t >= starts[s] and t < ends[i, b, c, s]:
            t = ends[i, b, c, s]
    return t


@numba.njit(cache=True, nogil=True)
def timeline_tile(
    gen: np.random.Generator,
    lo: int,
    hi: int,
    q: FloatArray,
    f: IntArray,
    u: IntArray,
    ready_h: FloatArray,
    transit_h: FloatArray,
    starts: FloatArray,
    ends: FloatArray,
    closed: FloatArray,
    fold: Fold,
    curve: IntArray,
    curve_step: float,
) -> None:
    """Trials lo..hi-1 of a chunk, folded into `fold` (and kept in its columns, if any).

    Strikes (f[STRUCK]): `ends[i, base, class, salvo]` are the runway closures and
    `closed[i, base * 2 + class]` the hours closed (from `strike_kernel`). `curve`
    (units x bins+1) counts arrivals by ceil(t / curve_step) when it has rows (the sampled
    tiles of the forces-on-station curve).
    """
    units = u.shape[0]
    groups = f[GROUPS]
    first_row = T_FIXED + groups
    rows = fold.time_hist.shape[0]
    t_val = np.empty(rows)
    c_val = np.zeros(4, np.int64)
    depart = np.empty(units)
    arrive = np.empty(units)
    factor = np.ones(2)
    at_sea = np.zeros(2, np.bool_)
    inf = np.inf
    for i in range(lo, hi):
        detect = _delay(gen, q[DETECT], q[DETECT_S])
        consult = detect + _delay(gen, q[CONSULT], q[CONSULT_S])

        # Japan: when its combat forces are authorized, and the path taken.
        gate = f[GATE]
        jp_t = inf
        yes = False
        jp_path = JP_OUT
        if gate == GATE_DEFENSE_ORDER:
            jp_t = detect + _delay(gen, q[ORDER], q[ORDER_S])
            jp_path = JP_DEFENSE
            yes = True
        elif gate == GATE_JUDGMENT:
            yes = _chance(gen, q[JUDGE_P])
            if yes:
                jp_t = detect + _delay(gen, q[JUDGE], q[JUDGE_S]) + _delay(gen, q[ORDER], q[ORDER_S])
            jp_path = JP_JUDGED
        elif gate == GATE_CERTIFICATION:
            yes = True if f[CERT_ASSUMED] else _chance(gen, q[CERT_P])
            if yes:
                jp_t = consult + _delay(gen, q[CERT], q[CERT_S])
            jp_path = JP_CERTIFIED
        if not yes:
            jp_path = JP_REAR if f[REAR_AREA] else JP_OUT

        # The United States: decision; sorties from Japan after consent where it is needed.
        us_dec = inf
        us_japan = inf
        us_path = US_NONE
        if _chance(gen, q[US_P]):
            us_dec = detect + _delay(gen, q[US_DEC], q[US_DEC_S])
            if f[PRIOR_CONSULT]:
                if _chance(gen, q[CONSENT_P]):
                    us_japan = max(us_dec, consult + _delay(gen, q[CONSENT], q[CONSENT_S]))
                    us_path = US_GRANTED
                else:
                    us_path = US_REFUSED
            else:  # coordinated through the Art. IV consultation / alliance mechanism in force
                us_japan = max(us_dec, consult)
                us_path = US_NO_CONSENT

        if q[READY_S] != 0.0:
            for c in range(2):
                factor[c] = math.exp(q[READY_S] * gen.standard_normal())
        if f[HAS_SHIPS]:
            for c in range(2):  # each country's forward-deployed ships: at sea already?
                at_sea[c] = gen.random() < q[AT_SEA_P]

        # Departures (readiness after authorization; struck runways delay aircraft).
        tanker_up0 = inf
        tanker_up1 = inf
        for k in range(units):
            c = u[k, U_COUNTRY]
            if c == JPN:
                auth = jp_t
            elif u[k, U_FROM_JAPAN]:
                auth = us_japan
            else:
                auth = us_dec
            t = auth + ready_h[k] * factor[c]
            if u[k, U_SHIP] and at_sea[c]:
                t = us_dec if c == USA else jp_t  # neither waits in port nor sails from Japan
            if f[STRUCK] and u[k, U_BASE] >= 0:
                t = _open_after(t, starts, ends, u[k, U_BASE], u[k, U_CLASS], i)
            depart[k] = t
            if u[k, U_TANKER]:
                if c == JPN:
                    tanker_up0 = min(tanker_up0, t)
                else:
                    tanker_up1 = min(tanker_up1, t)

        # Arrivals: fighters beyond their radius wait for their country's first tanker.
        for g in range(groups):
            t_val[T_FIXED + g] = inf
        first0 = inf
        first1 = inf
        c_val[:] = 0
        for k in range(units):
            c = u[k, U_COUNTRY]
            t = depart[k]
            if u[k, U_NEEDS_TANKER]:
                t = max(t, tanker_up0 if c == JPN else tanker_up1) + q[TANKER_JOIN]
            t += transit_h[k]
            arrive[k] = t
            g = T_FIXED + u[k, U_GROUP]
            t_val[g] = min(t_val[g], t)
            if u[k, U_COMBAT]:
                if c == JPN:
                    first0 = min(first0, t)
                else:
                    first1 = min(first1, t)
            if t <= ON_STATION_H[0]:
                c_val[2 * c] += u[k, U_COUNT]
            if t <= ON_STATION_H[1]:
                c_val[2 * c + 1] += u[k, U_COUNT]

        t_val[T_DETECT] = detect
        t_val[T_CONSULT] = consult
        t_val[T_JAPAN] = jp_t
        t_val[T_US_DECISION] = us_dec
        t_val[T_US_FROM_JAPAN] = us_japan
        t_val[first_row] = first0
        t_val[first_row + 1] = first1
        first = min(first0, first1)
        t_val[first_row + 2] = first
        if f[STRUCK]:
            for r in range(rows - first_row - 3):
                t_val[first_row + 3 + r] = closed[i, r]
        fold_trial(
            fold, i, t_val, c_val, jp_path, us_path, (1 if first <= q[FAIT] else 0) if f[HAS_FAIT] else -1
        )
        if curve.shape[0]:
            top = curve.shape[1] - 1
            for k in range(units):  # arrival <= GRID_H[j] iff ceil(arrival / step) <= j
                a = arrive[k]
                j = top if not a < top * curve_step else min(int(math.ceil(a / curve_step)), top)
                curve[k, j] += 1
