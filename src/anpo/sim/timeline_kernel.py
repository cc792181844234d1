"""Compiled (numba) crisis timeline: one pass per stream tile, one trial at a time.

`timeline.simulate_chunk` packs the plan into the arrays below and calls `timeline_tile`
once per tile with that tile's stream (`rng`); every draw of a trial is made in the order of the
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
from anpo.sim.rng import State, Stream, load, normal, store, uniform

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

# Unit table u (ints, one row per unit; tankers first): columns. U_SOURCE: which
# authorization a unit waits for (AUTH_*).
AUTH_JAPAN, AUTH_US_FROM_JAPAN, AUTH_US = range(3)
(U_COUNTRY, U_COUNT, U_SOURCE, U_SHIP, U_TANKER, U_NEEDS_TANKER, U_COMBAT, U_GROUP, U_BASE,
 U_CLASS, NU) = range(11)  # fmt: skip

# Rows of the times block written here (the arrival groups follow, then the firsts).
T_DETECT, T_CONSULT, T_JAPAN, T_US_DECISION, T_US_FROM_JAPAN, T_FIXED = range(6)
# Japan's and the U.S. paths (the labels are `timeline.JAPAN_PATHS` / `US_PATHS`).
JP_DEFENSE, JP_JUDGED, JP_CERTIFIED, JP_REAR, JP_OUT = range(5)
US_NO_CONSENT, US_GRANTED, US_REFUSED, US_NONE = range(4)
JPN, USA = 0, 1
ON_STATION_H = (24.0, 72.0)


@numba.njit(cache=True, nogil=True, inline="always")
def _delay(r: State, median: float, spread: float) -> tuple[float, State]:
    # median * exp(spread * Z), and exactly the median (no draw) when the spread is zero.
    if spread == 0.0:
        return median, r
    z, r = normal(r)
    return median * math.exp(spread * z), r


@numba.njit(cache=True, nogil=True, inline="always")
def _chance(r: State, p: float) -> tuple[bool, State]:
    if p >= 1.0:
        return True, r
    if p <= 0.0:
        return False, r
    u, r = uniform(r)
    return u < p, r


@numba.njit(cache=True, nogil=True, inline="always")
def _open_after(t: float, starts: FloatArray, ends: FloatArray, b: int, c: int, i: int) -> float:
    # The first time >= t at which base b has a usable strip for class c (closures in order).
    for s in range(starts.shape[0]):
        if t >= starts[s] and t < ends[i, b, c, s]:
            t = ends[i, b, c, s]
    return t


@numba.njit(cache=True, nogil=True)
def timeline_tile(
    s: Stream,
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
    arrive = np.empty(units)
    auth = np.empty(3)
    tanker_up = np.empty(2)
    firsts = np.empty(2)
    # The unit table's columns as contiguous arrays (read once per tile, then per trial).
    country, source, ship = u[:, U_COUNTRY].copy(), u[:, U_SOURCE].copy(), u[:, U_SHIP].copy()
    tanker, needs_tanker, combat = u[:, U_TANKER].copy(), u[:, U_NEEDS_TANKER].copy(), u[:, U_COMBAT].copy()
    group, count, base, mos_class = (
        u[:, U_GROUP].copy(),
        u[:, U_COUNT].copy(),
        u[:, U_BASE].copy(),
        u[:, U_CLASS].copy(),
    )
    struck = f[STRUCK] != 0
    factor = np.ones(2)
    at_sea = np.zeros(2, np.bool_)
    inf = np.inf
    r = load(s)
    for i in range(lo, hi):
        d, r = _delay(r, q[DETECT], q[DETECT_S])
        detect = d
        d, r = _delay(r, q[CONSULT], q[CONSULT_S])
        consult = detect + d

        # Japan: when its combat forces are authorized, and the path taken.
        gate = f[GATE]
        jp_t = inf
        yes = False
        jp_path = JP_OUT
        if gate == GATE_DEFENSE_ORDER:
            d, r = _delay(r, q[ORDER], q[ORDER_S])
            jp_t = detect + d
            jp_path = JP_DEFENSE
            yes = True
        elif gate == GATE_JUDGMENT:
            yes, r = _chance(r, q[JUDGE_P])
            if yes:
                d, r = _delay(r, q[JUDGE], q[JUDGE_S])
                d2, r = _delay(r, q[ORDER], q[ORDER_S])
                jp_t = detect + d + d2
            jp_path = JP_JUDGED
        elif gate == GATE_CERTIFICATION:
            yes = True
            if not f[CERT_ASSUMED]:
                yes, r = _chance(r, q[CERT_P])
            if yes:
                d, r = _delay(r, q[CERT], q[CERT_S])
                jp_t = consult + d
            jp_path = JP_CERTIFIED
        if not yes:
            jp_path = JP_REAR if f[REAR_AREA] else JP_OUT

        # The United States: decision; sorties from Japan after consent where it is needed.
        us_dec = inf
        us_japan = inf
        us_path = US_NONE
        acts, r = _chance(r, q[US_P])
        if acts:
            d, r = _delay(r, q[US_DEC], q[US_DEC_S])
            us_dec = detect + d
            if f[PRIOR_CONSULT]:
                consent, r = _chance(r, q[CONSENT_P])
                if consent:
                    d, r = _delay(r, q[CONSENT], q[CONSENT_S])
                    us_japan = max(us_dec, consult + d)
                    us_path = US_GRANTED
                else:
                    us_path = US_REFUSED
            else:  # coordinated through the Art. IV consultation / alliance mechanism in force
                us_japan = max(us_dec, consult)
                us_path = US_NO_CONSENT

        if q[READY_S] != 0.0:
            for c in range(2):
                z, r = normal(r)
                factor[c] = math.exp(q[READY_S] * z)
        if f[HAS_SHIPS]:
            for c in range(2):  # each country's forward-deployed ships: at sea already?
                u_sea, r = uniform(r)
                at_sea[c] = u_sea < q[AT_SEA_P]

        # Each unit: readiness after its authorization (struck runways delay aircraft),
        # then transit. Tankers come first in the table, so a fighter beyond its radius
        # finds its country's first tanker airborne (tanker_up) already known.
        auth[AUTH_JAPAN] = jp_t
        auth[AUTH_US_FROM_JAPAN] = us_japan
        auth[AUTH_US] = us_dec
        for g in range(groups):
            t_val[T_FIXED + g] = inf
        tanker_up[:] = inf
        firsts[:] = inf
        c_val[:] = 0
        for k in range(units):
            c = country[k]
            t = auth[source[k]] + ready_h[k] * factor[c]
            if ship[k] and at_sea[c]:
                t = auth[AUTH_US if c == USA else AUTH_JAPAN]  # neither waits in port nor sails from Japan
            if struck and base[k] >= 0:
                t = _open_after(t, starts, ends, base[k], mos_class[k], i)
            if tanker[k]:
                tanker_up[c] = min(tanker_up[c], t)
            if needs_tanker[k]:
                t = max(t, tanker_up[c]) + q[TANKER_JOIN]
            t += transit_h[k]
            arrive[k] = t
            g = T_FIXED + group[k]
            t_val[g] = min(t_val[g], t)
            if combat[k]:
                firsts[c] = min(firsts[c], t)
            c_val[2 * c] += count[k] * (t <= ON_STATION_H[0])
            c_val[2 * c + 1] += count[k] * (t <= ON_STATION_H[1])
        first0, first1 = firsts[JPN], firsts[USA]

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
            for w in range(rows - first_row - 3):
                t_val[first_row + 3 + w] = closed[i, w]
        fold_trial(
            fold, i, t_val, c_val, jp_path, us_path, (1 if first <= q[FAIT] else 0) if f[HAS_FAIT] else -1
        )
        if curve.shape[0]:
            top = curve.shape[1] - 1
            for k in range(units):  # arrival <= GRID_H[j] iff ceil(arrival / step) <= j
                a = arrive[k]
                j = top if not a < top * curve_step else min(int(math.ceil(a / curve_step)), top)
                curve[k, j] += 1
    store(s, r)
