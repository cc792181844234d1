"""Compiled (numba) crisis timeline: one pass per stream tile, in blocks of trials.

`timeline.simulate_chunk` packs the plan into the arrays below and calls `timeline_tile`
once per tile with that tile's stream (`rng`); every draw of a trial is made in the order of the
stages, so a trial's numbers depend only on its tile (the chunking and the threads do not
matter). A draw is skipped where the model does not need it (a spread of zero, a
probability of 0 or 1, the delay of a decision not taken): that changes which numbers a
trial gets, not their distribution. The stages are those of `timeline.py`'s docstring.

Numba compiles the loops to machine code without the GIL, so two threads run two tiles at
once. Within a tile, blocks of BLOCK trials keep every column in the cache: numpy's
full-column temporaries cost more memory traffic than the arithmetic. In the common case
(one armed attack, no deadline) a block is drawn in two passes: the normals and coin tosses
trial by trial in stage order (`_draw_one`), then the lognormal delays and the gates'
times over the block in one loop that vectorizes (`_decide_block_one`).
"""

from __future__ import annotations

import math

import numba
import numpy as np
import numpy.typing as npt

from anpo.sim.fast_exp import exp
from anpo.sim.fold import Fold, fold_block
from anpo.sim.rng import State, Stream, load, normal, store, uniform

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# The parameter vector q (built by `timeline.pack_parameters`): medians (h), log spreads,
# probabilities.
(
    CONSULT, CONSULT_S, ORDER, ORDER_S, JUDGE_P, JUDGE, JUDGE_S, CERT_P, CERT,
    CERT_S, US_P, US_DEC, US_DEC_S, CONSENT_P, CONSENT, CONSENT_S, READY_S, AT_SEA_P, TANKER_JOIN,
    FAIT, MSO_P, MSO, MSO_S, PSO_P, PSO, PSO_S, DENY_NEED, KILL, ATTR_LOG, NQ,
) = range(30)  # fmt: skip
# KILL: the share of the aircraft in the open a salvo that closes their base destroys;
# ATTR_LOG: log(1 - attrition per sortie) (`sortie.*`).

# Flags f (ints): the shape of the plan. LADDER: the triggering event is below an armed
# attack (gray zone), so Japan climbs the ladder (Coast Guard, maritime security operation
# where the law allows it, MSO_OK; public security operation); otherwise a defense
# operation covers every step.
# ROW_LADDER, ROW_OUTCOME: the first of the ladder's two rows and of the outcome's two rows
# of the times block (-1: not measured in this run).
# GENERAL: always take the general `_decide` (tests compare it with `_draw_one` and `_decide_block_one`).
# ROW_AIR: the rows of sorties and aircraft lost in the air by the deadline; ROW_GROUND: the
# row of aircraft lost on the ground (-1: not measured).
(HAS_SHIPS, HAS_FAIT, GROUPS, STRUCK, LADDER, MSO_OK, ROW_LADDER, ROW_OUTCOME, GENERAL, ROW_AIR, ROW_GROUND,
 NF) = range(12)  # fmt: skip

# The legal events (`gates.legal_events`), one row each, the triggering event first: ev
# (floats) its hour (median and log spread: an escalation comes at a random hour), the
# probability that it happens in a trial and its detection delay (median, log spread); ef
# (ints) its gates, and whether it is an armed attack the U.S. answers with combat (not a
# gray-zone incident).
(EV_AT, EV_AT_S, EV_P, EV_DET, EV_DET_S, NEV) = range(6)
(EF_GATE, EF_REAR_AREA, EF_CERT_ASSUMED, EF_PRIOR_CONSULT, EF_US_COMBAT, NEF) = range(6)
GATE_DEFENSE_ORDER, GATE_JUDGMENT, GATE_CERTIFICATION, GATE_NONE = range(4)

# Unit table u (ints, one row per unit; tankers first): columns. U_SOURCE: which
# authorization a unit waits for (AUTH_*).
AUTH_JAPAN, AUTH_US_FROM_JAPAN, AUTH_US, AUTH_COAST_GUARD, AUTH_MSO, AUTH_PSO = range(6)
# U_SAME: an earlier unit (row) that departs at the same hour and flies the same sorties,
# whose survival in the air this one shares (-1: none; `timeline.pack_units`).
(U_COUNTRY, U_COUNT, U_SOURCE, U_SHIP, U_TANKER, U_NEEDS_TANKER, U_COMBAT, U_GROUP, U_BASE,
 U_CLASS, U_SAME, NU) = range(12)  # fmt: skip
# The sortie model per unit, air (floats; `sorties.AirUnits`): share on station and sorties
# per aircraft an hour with all the base's runways and with one repaired strip, the share
# its base's shelters hold, hours on station per sortie, share on the ground once flying.
(A_PRES, A_PRES_ONE, A_RATE, A_RATE_ONE, A_SHELTER, A_ON_STATION, A_GROUND, NA) = range(8)

# Rows of the times block written here (the arrival groups follow, then the firsts).
T_DETECT, T_CONSULT, T_JAPAN, T_US_DECISION, T_US_FROM_JAPAN, T_FIXED = range(6)
# Japan's and the U.S. paths (the labels are `timeline.JAPAN_PATHS` / `US_PATHS`).
JP_DEFENSE, JP_JUDGED, JP_CERTIFIED, JP_REAR, JP_OUT, JP_MSO, JP_PSO, JP_COAST_GUARD = range(8)
US_NO_CONSENT, US_GRANTED, US_REFUSED, US_NONE, US_NO_ATTACK = range(5)
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
def _z(r: State, spread: float) -> tuple[float, State]:
    # The normal of `_delay`, kept for later (0: no draw, and exp(0) is exactly 1).
    if spread == 0.0:
        return 0.0, r
    return normal(r)


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
    # A select, not a branch: whether a runway is closed is a coin toss per trial.
    for s in range(starts.shape[0]):
        e = ends[i, b, c, s]
        t = e if (t >= starts[s]) & (t < e) else t
    return t


@numba.njit(cache=True, nogil=True, inline="always")
def _japan(
    r: State, q: FloatArray, gate: int, cert_assumed: int, detect: float, consult: float
) -> tuple[float, int, State]:
    """When one event's gate authorizes Japan's combat forces (inf: not in this trial), and the path."""
    if gate == GATE_DEFENSE_ORDER:
        x, r = _delay(r, q[ORDER], q[ORDER_S])
        return detect + x, JP_DEFENSE, r
    if gate == GATE_JUDGMENT:
        yes, r = _chance(r, q[JUDGE_P])
        if yes:
            x, r = _delay(r, q[JUDGE], q[JUDGE_S])
            x2, r = _delay(r, q[ORDER], q[ORDER_S])
            return detect + x + x2, JP_JUDGED, r
        return np.inf, JP_OUT, r
    if gate == GATE_CERTIFICATION:
        yes = True
        if not cert_assumed:
            yes, r = _chance(r, q[CERT_P])
        if yes:
            x, r = _delay(r, q[CERT], q[CERT_S])
            return max(consult, detect) + x, JP_CERTIFIED, r
    return np.inf, JP_OUT, r


@numba.njit(cache=True, nogil=True, inline="always")
def _draw_one(
    r: State, q: FloatArray, f: IntArray, ev: FloatArray, ef: IntArray, j: int, z: FloatArray
) -> State:
    """The draws of `_decide` for the common case (one armed attack and nothing after it: no
    ladder, no outcome rows), in the same order and under the same conditions, so the same
    numbers: the normals of the delays go into column j of z (Z_* rows, 0 where not drawn),
    the coin tosses as 0 or 1. `_decide_block_one` turns them into times for the whole
    block at once, with the arithmetic `fast_exp.exp`, whose loop vectorizes: a C library
    exp per delay took about 35 of the timeline's 225 ns a trial."""
    z[Z_DETECT, j], r = _z(r, ev[0, EV_DET_S])
    z[Z_CONSULT, j], r = _z(r, q[CONSULT_S])
    gate = ef[0, EF_GATE]
    yes = gate != GATE_NONE
    z1 = 0.0
    z2 = 0.0
    if gate == GATE_DEFENSE_ORDER:
        z1, r = _z(r, q[ORDER_S])
    elif gate == GATE_JUDGMENT:
        yes, r = _chance(r, q[JUDGE_P])
        if yes:
            z1, r = _z(r, q[JUDGE_S])
            z2, r = _z(r, q[ORDER_S])
    elif gate == GATE_CERTIFICATION:
        if not ef[0, EF_CERT_ASSUMED]:
            yes, r = _chance(r, q[CERT_P])
        if yes:
            z1, r = _z(r, q[CERT_S])
    z[Z_JAPAN, j] = z1
    z[Z_JAPAN_2, j] = z2
    z[Z_JAPAN_YES, j] = yes
    acts, r = _chance(r, q[US_P])
    zu = 0.0
    zc = 0.0
    consent = False
    if acts:
        zu, r = _z(r, q[US_DEC_S])
        if ef[0, EF_PRIOR_CONSULT]:
            consent, r = _chance(r, q[CONSENT_P])
            if consent:
                zc, r = _z(r, q[CONSENT_S])
    z[Z_US, j] = zu
    z[Z_CONSENT, j] = zc
    z[Z_ACTS, j] = acts
    z[Z_CONSENTS, j] = consent
    for c in range(2):  # `_readiness`'s draws
        z[Z_READY + c, j], r = _z(r, q[READY_S])
    for c in range(2):
        sea = False
        if f[HAS_SHIPS]:
            u_sea, r = uniform(r)
            sea = u_sea < q[AT_SEA_P]
        z[Z_AT_SEA + c, j] = sea
    return r


@numba.njit(cache=True, nogil=True, inline="always")
def _draw_block_one(r: State, nb: int, q: FloatArray, f: IntArray, ev: FloatArray, ef: IntArray,
                    z: FloatArray) -> State:  # fmt: skip
    for j in range(nb):
        r = _draw_one(r, q, f, ev, ef, j, z)
    return r


# Inlined into the tile: there the compiler sees that the draws, decisions and paths are
# distinct arrays, and the loop vectorizes (called, it ran at a third of the speed).
@numba.njit(cache=True, nogil=True, inline="always")
def _decide_block_one(nb: int, q: FloatArray, ev: FloatArray, ef: IntArray, z: FloatArray, d: FloatArray,
                      paths: IntArray) -> None:  # fmt: skip
    """`_decide`'s times and paths for the block's trials from `_draw_one`'s draws: the same
    arithmetic in the same order, in selects over the trials. The exponentials are
    `fast_exp.exp` (within 3 units in the last place of the C library's, which the general
    path keeps: in its scalar code the longer polynomial cost more than the call), so the
    times agree with the general path's to about 1e-15 and the paths exactly (tested)."""
    inf = np.inf
    gate = ef[0, EF_GATE]
    rear = JP_REAR if ef[0, EF_REAR_AREA] != 0 else JP_OUT
    prior = ef[0, EF_PRIOR_CONSULT] != 0
    gate_path = (JP_DEFENSE, JP_JUDGED, JP_CERTIFIED, JP_OUT)[gate]
    at, det, det_s = ev[0, EV_AT], ev[0, EV_DET], ev[0, EV_DET_S]
    for j in range(nb):
        detect = at + det * exp(det_s * z[Z_DETECT, j])
        consult = detect + q[CONSULT] * exp(q[CONSULT_S] * z[Z_CONSULT, j])
        if gate == GATE_DEFENSE_ORDER:
            jp = detect + q[ORDER] * exp(q[ORDER_S] * z[Z_JAPAN, j])
        elif gate == GATE_JUDGMENT:
            x = detect + q[JUDGE] * exp(q[JUDGE_S] * z[Z_JAPAN, j])
            jp = x + q[ORDER] * exp(q[ORDER_S] * z[Z_JAPAN_2, j])
        else:
            jp = max(consult, detect) + q[CERT] * exp(q[CERT_S] * z[Z_JAPAN, j])
        jp = jp if z[Z_JAPAN_YES, j] != 0.0 else inf
        acts = z[Z_ACTS, j] != 0.0
        us_dec = detect + q[US_DEC] * exp(q[US_DEC_S] * z[Z_US, j]) if acts else inf
        if prior:
            granted = acts & (z[Z_CONSENTS, j] != 0.0)
            answer = max(us_dec, consult + q[CONSENT] * exp(q[CONSENT_S] * z[Z_CONSENT, j]))
            us_japan = answer if granted else inf
            us_path = US_GRANTED if granted else (US_REFUSED if acts else US_NONE)
        else:
            us_japan = max(us_dec, consult) if acts else inf
            us_path = US_NO_CONSENT if acts else US_NONE
        d[T_DETECT, j] = detect
        d[T_CONSULT, j] = consult
        d[T_JAPAN, j] = jp
        d[T_US_DECISION, j] = us_dec
        d[T_US_FROM_JAPAN, j] = us_japan
        d[D_MSO, j] = jp
        d[D_PSO, j] = jp
        for c in range(2):
            d[D_FACTOR + c, j] = exp(q[READY_S] * z[Z_READY + c, j])
            d[D_AT_SEA + c, j] = z[Z_AT_SEA + c, j]
        paths[0, j] = gate_path if jp < inf else rear
        paths[1, j] = us_path
        paths[3, j] = -1
        paths[4, j] = -1


# Rows of the draws block of `_draw_one`.
(Z_DETECT, Z_CONSULT, Z_JAPAN, Z_JAPAN_2, Z_JAPAN_YES, Z_US, Z_CONSENT, Z_ACTS, Z_CONSENTS, Z_READY,
 Z_AT_SEA, NZ) = (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 13)  # fmt: skip


@numba.njit(cache=True, nogil=True, inline="always")
def _readiness(r: State, q: FloatArray, f: IntArray, i: int, d: FloatArray) -> State:
    for c in range(2):  # readiness factor per country
        z = 0.0
        if q[READY_S] != 0.0:
            z, r = normal(r)
        d[D_FACTOR + c, i] = math.exp(q[READY_S] * z)
    for c in range(2):  # each country's forward-deployed ships: at sea already?
        sea = False
        if f[HAS_SHIPS]:
            u_sea, r = uniform(r)
            sea = u_sea < q[AT_SEA_P]
        d[D_AT_SEA + c, i] = sea
    return r


@numba.njit(cache=True, nogil=True)
def _decide(
    r: State, q: FloatArray, f: IntArray, ev: FloatArray, ef: IntArray, i: int, d: FloatArray, paths: IntArray
) -> State:
    """One trial's draws, in stage order, into column i of the decision block d (D_* rows).

    Each legal event (ev, ef rows) is detected at its hour plus a delay; its gates give
    Japan and the United States their own authorization, and the earliest counts (the law
    in force from each event's hour on). Path rows of `paths`: Japan's path, the U.S. path,
    (response before the fait accompli, set later), the event that authorized Japan, the
    event that opened bases in Japan to U.S. combat sorties (the number of events: none).
    """
    inf = np.inf
    events = ev.shape[0]
    x, r = _delay(r, ev[0, EV_DET], ev[0, EV_DET_S])
    detect = ev[0, EV_AT] + x  # the triggering event happens in every trial, at its hour
    x, r = _delay(r, q[CONSULT], q[CONSULT_S])
    consult = detect + x

    # Japan: when its combat forces are authorized, the path taken and the event that did it.
    jp_t, jp_path, r = _japan(r, q, ef[0, EF_GATE], ef[0, EF_CERT_ASSUMED], detect, consult)
    jp_by = 0 if jp_t < inf else events
    jp_seen = detect
    rear = ef[0, EF_REAR_AREA] != 0
    d[D_EVENT, i] = detect
    for e in range(1, events):
        happens, r = _chance(r, ev[e, EV_P])
        if not happens:
            d[D_EVENT + e, i] = inf
            continue
        at, r = _delay(r, ev[e, EV_AT], ev[e, EV_AT_S])
        x, r = _delay(r, ev[e, EV_DET], ev[e, EV_DET_S])
        seen = at + x
        d[D_EVENT + e, i] = seen
        t_e, path_e, r = _japan(r, q, ef[e, EF_GATE], ef[e, EF_CERT_ASSUMED], seen, consult)
        if t_e < jp_t:
            jp_t, jp_path, jp_by, jp_seen = t_e, path_e, e, seen
        rear = rear or ef[e, EF_REAR_AREA] != 0

    # The ladder below an armed attack: the Coast Guard acts on detection; when it is
    # outmatched the Minister of Defense orders a maritime security operation (with the
    # Prime Minister's approval, on a Cabinet decision that may be taken by telephone since
    # May 2015); an armed landing the police cannot handle brings a public security
    # operation ordered by the Prime Minister.
    mso = inf
    pso = inf
    if f[LADDER]:
        if f[MSO_OK]:
            yes, r = _chance(r, q[MSO_P])
            if yes:
                x, r = _delay(r, q[MSO], q[MSO_S])
                mso = detect + x
        yes, r = _chance(r, q[PSO_P])
        if yes:
            x, r = _delay(r, q[PSO], q[PSO_S])
            pso = detect + x
    d[D_MSO, i] = min(mso, jp_t)
    d[D_PSO, i] = min(pso, jp_t)
    if jp_t == inf:
        if pso < inf:
            jp_path = JP_PSO
        elif mso < inf:
            jp_path = JP_MSO
        elif f[LADDER]:
            jp_path = JP_COAST_GUARD
        else:
            jp_path = JP_REAR if rear else JP_OUT

    # The United States: decision; sorties from Japan after consent where it is needed (one
    # answer from Japan, whichever event asks first), else from the event's detection.
    us_dec = inf
    us_japan = inf
    us_path = US_NONE
    us_by = events
    # U.S. combat answers an armed attack: its decision counts from the first one detected.
    attacked = inf
    for e in range(events):
        if ef[e, EF_US_COMBAT]:
            attacked = min(attacked, d[D_EVENT + e, i])
    acts, r = _chance(r, q[US_P])
    if acts and attacked == inf:
        us_path = US_NO_ATTACK
    elif acts:
        x, r = _delay(r, q[US_DEC], q[US_DEC_S])
        us_dec = attacked + x
        asked = False
        answer = inf
        for e in range(events):
            if not ef[e, EF_US_COMBAT] or d[D_EVENT + e, i] == inf:
                continue
            if ef[e, EF_PRIOR_CONSULT]:
                if not asked:
                    asked = True
                    consent, r = _chance(r, q[CONSENT_P])
                    if consent:
                        x, r = _delay(r, q[CONSENT], q[CONSENT_S])
                        answer = max(us_dec, consult + x)
                    if us_path == US_NONE:
                        us_path = US_REFUSED
                if answer < us_japan:
                    us_japan, us_path, us_by = answer, US_GRANTED, e
            else:  # coordinated through the Art. IV consultation / alliance mechanism in force
                t_e = max(us_dec, consult, d[D_EVENT + e, i])
                if t_e <= us_japan:  # a tie: the access needs no consent
                    us_japan, us_path, us_by = t_e, US_NO_CONSENT, e

    # Hours the law's gates cost: Japan's decision after the event that authorized it; the
    # U.S. wait for Japan's consent beyond the decision and the consultation (0: none needed).
    if f[ROW_OUTCOME] >= 0:
        d[D_JP_COST, i] = jp_t - jp_seen if jp_t < inf else inf
        us_cost = 0.0 if us_path == US_NO_CONSENT else inf
        d[D_US_COST, i] = us_japan - max(us_dec, consult) if us_path == US_GRANTED else us_cost
    d[T_DETECT, i] = detect
    d[T_CONSULT, i] = consult
    d[T_JAPAN, i] = jp_t
    d[T_US_DECISION, i] = us_dec
    d[T_US_FROM_JAPAN, i] = us_japan
    r = _readiness(r, q, f, i, d)
    paths[0, i] = jp_path
    paths[1, i] = us_path
    paths[3, i] = jp_by if events > 1 else -1  # one event: nothing to tell
    paths[4, i] = us_by if events > 1 else -1
    return r


# Rows of the decision block beyond the five times: readiness factors, ships at sea, then
# the detection of each legal event.
# D_MSO / D_PSO: when Japan's ships and patrol aircraft (maritime security operation, SDF Act
# art. 82) and its landing force (public security operation, art. 78) may act: the ladder's
# order or the defense operation, whichever comes first. They are measures (the last two
# rows of the times block) only in a ladder run: every measure costs a fold per trial.
D_FACTOR = T_FIXED
D_AT_SEA = T_FIXED + 2
D_MSO = T_FIXED + 4
D_PSO = T_FIXED + 5
D_JP_COST = T_FIXED + 6
D_US_COST = T_FIXED + 7
D_EVENT = T_FIXED + 8
PATH_ROWS = 6  # + whether the alliance denies the objective (-1: no deadline)
# The authorization each unit source waits for: a row of the decision block.
_AUTH_ROW = (T_JAPAN, T_US_FROM_JAPAN, T_US_DECISION, T_DETECT, D_MSO, D_PSO)
BLOCK = 256  # trials per block: every stage's columns stay in the L1/L2 cache


@numba.njit(cache=True, nogil=True, inline="always")
def _exp_neg(x: float) -> float:
    """exp(x) for x <= 0 in arithmetic only, so a loop over trials vectorizes (a libm call
    per unit and trial cost the timeline a third of its speed): Taylor terms at x / 1024,
    squared ten times (relative error about 1e-13); below -64 (exp < 2e-28) taken at -64."""
    y = max(x, -64.0) * (1.0 / 1024.0)
    p = 1.0 + y * (1.0 + y * (1 / 2 + y * (1 / 6 + y * (1 / 24 + y * (1 / 120 + y * (1 / 720 + y * (
        1 / 5040 + y * (1 / 40320))))))))  # fmt: skip
    p *= p
    p *= p
    p *= p
    p *= p
    p *= p
    p *= p
    p *= p
    p *= p
    p *= p
    p *= p
    return p


@numba.njit(cache=True, nogil=True, inline="always")
def _fly(nb: int, t: FloatArray, a: FloatArray, q: FloatArray, air: FloatArray, k: int, count: int, same: int,
         attr: FloatArray, surv: FloatArray, held: FloatArray, sorties: FloatArray,
         lost_air: FloatArray) -> None:  # fmt: skip
    """A combat unit whose base is not struck, up to the deadline: from its departure it
    generates `rate` sorties per aircraft an hour, each losing its aircraft with the
    attrition per sortie (`attr`: log(1 - attrition) per trial, 0 where nobody fights);
    what is left holds its share on station from its arrival. `surv[k]`: the share left,
    per trial (computed once for the units that share it)."""
    fait = q[FAIT]
    rate = air[k, A_RATE]
    share = count * air[k, A_PRES]
    mine = surv[k]
    if same >= 0:
        mine[:nb] = surv[same, :nb]
    else:
        for j in range(nb):
            mine[j] = _exp_neg(attr[j] * rate * max(fait - t[j], 0.0))
    for j in range(nb):
        n = rate * max(fait - t[j], 0.0)  # sorties per aircraft by the deadline
        held[j] += share * mine[j] if a[j] <= fait else 0.0
        sorties[j] += count * n
        lost_air[j] += count * (1.0 - mine[j])


@numba.njit(cache=True, nogil=True, inline="always")
def _struck(nb: int, b0: int, t: FloatArray, a: FloatArray, q: FloatArray, f: IntArray, air: FloatArray,
            k: int, u: IntArray, tr: float, starts: FloatArray, ends: FloatArray, w: FloatArray,
            attr: FloatArray, held: FloatArray, sorties: FloatArray, lost_air: FloatArray,
            lost_ground: FloatArray) -> None:  # fmt: skip
    """An aircraft unit at a struck base (by the deadline, if any).

    Each salvo that closes the base (for either class: the missiles landed) destroys
    `KILL` of the unit's aircraft in the open: all of them before the unit's first
    departure, its share on the ground after; the base's shelters hold `A_SHELTER` of them.
    A combat unit generates sorties from its departure only while its class's runway is
    open, with the aircraft left, at the rate of the base's runways until a salvo closes
    it and of one repaired strip after; each sortie risks the attrition in the air. On
    station at the deadline: its share (with the runways then) of the aircraft left, times
    the share of the hours before the deadline from which a sortie is still on station
    (launched in [deadline - transit - on station, deadline - transit]) that the runway
    was open. Salvo by salvo over the block's trials, in selects (the loops vectorize);
    `w`: scratch rows.
    """
    b = u[k, U_BASE]
    cls = u[k, U_CLASS]
    count = u[k, U_COUNT]
    fait = q[FAIT]
    horizon = fait if f[HAS_FAIT] else np.inf
    kill = q[KILL]
    shelter = air[k, A_SHELTER]
    ground = air[k, A_GROUND]
    on = air[k, A_ON_STATION]
    rate_one = air[k, A_RATE_ONE]
    flies = f[HAS_FAIT] != 0 and u[k, U_COMBAT] != 0 and air[k, A_RATE] > 0.0
    alive, rate, gen, n, prev, closed, w_lo, closed_w = w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]
    w_hi = fait - tr  # launches in [w_lo, w_hi] are on station at the deadline
    for j in range(nb):
        alive[j] = 1.0
        rate[j] = air[k, A_RATE]
        gen[j] = 0.0  # sorties per aircraft from departure to the deadline, times the share alive
        n[j] = 0.0  # sorties per aircraft
        prev[j] = t[j]  # flying from here, unless a closure intervenes
        closed[j] = 0.0  # 1 once a salvo closed the runway before the deadline
        w_lo[j] = max(t[j], fait - tr - on)
        closed_w[j] = 0.0
    for s in range(starts.shape[0]):
        st = starts[s]
        in_time = st <= horizon
        for j in range(nb):
            ec = ends[b0 + j, b, cls, s]
            seg = max(0.0, min(st, horizon) - prev[j]) * rate[j]
            gen[j] += alive[j] * seg
            n[j] += seg
            prev[j] = max(prev[j], ec)
            hit = (ends[b0 + j, b, 0, s] > st) | (ends[b0 + j, b, 1, s] > st)
            exposed = max((1.0 if st < t[j] else ground) - shelter, 0.0)
            alive[j] *= 1.0 - kill * exposed if hit & in_time else 1.0
            closed[j] = 1.0 if (ec > st) & (st < horizon) else closed[j]
            rate[j] = rate_one if closed[j] != 0.0 else rate[j]
            closed_w[j] += max(0.0, min(ec, w_hi) - max(st, w_lo[j]))
    for j in range(nb):
        lost_ground[j] += count * (1.0 - alive[j])
    if flies:
        pres, pres_one = air[k, A_PRES], air[k, A_PRES_ONE]
        for j in range(nb):
            seg = max(0.0, horizon - prev[j]) * rate[j]
            gen_j = gen[j] + alive[j] * seg
            surv = _exp_neg(attr[j] * (n[j] + seg))
            share = pres_one if closed[j] != 0.0 else pres
            window = 1.0 - closed_w[j] / on
            held[j] += count * share * alive[j] * surv * window if a[j] <= fait else 0.0
            sorties[j] += count * gen_j
            lost_air[j] += count * alive[j] * (1.0 - surv)


@numba.njit(cache=True, nogil=True)
def timeline_tile(
    s: Stream,
    lo: int,
    hi: int,
    q: FloatArray,
    f: IntArray,
    ev: FloatArray,
    ef: IntArray,
    u: IntArray,
    ready_h: FloatArray,
    transit_h: FloatArray,
    air: FloatArray,
    starts: FloatArray,
    ends: FloatArray,
    closed: FloatArray,
    fold: Fold,
    curve: IntArray,
    curve_step: float,
) -> None:
    """Trials lo..hi-1 of a chunk, folded into `fold` (and kept in its columns, if any).

    Block by block: the draws, trial by trial in stage order (`_decide`); then each unit
    over the block's trials (loops without branches, which the compiler vectorizes); then
    the fold, measure by measure. `air[k]`: unit k's sortie model (A_* columns; its share
    on station is 1 for ships). Strikes (f[STRUCK]): `ends[i, base, class, salvo]` are
    the runway closures and `closed[i, base * 2 + class]` the hours closed (from
    `strike_kernel`). `curve` (units x bins+1) counts arrivals by ceil(t / curve_step) when
    it has rows (the sampled tiles of the forces-on-station curve).
    """
    units = u.shape[0]
    groups = f[GROUPS]
    first_row = T_FIXED + groups
    rows = fold.time_hist.shape[0]
    inf = np.inf
    d = np.empty((D_EVENT + ev.shape[0], BLOCK))  # the block's decisions (D_* rows)
    zb = np.empty((NZ, BLOCK))  # the block's draws (`_draw_one`)
    tv = np.empty((rows, BLOCK))  # the time measures of the block's trials
    # forces on station: (country, 24 h | 72 h), then the combat units held on station at the
    # deadline (both countries; whole units of `held`)
    cv = np.zeros((5, BLOCK), np.int64)
    counts = fold.count_hist.shape[0]  # the deadline's count is measured only with a deadline
    held = np.empty(BLOCK)  # combat units held on station at the deadline (sortie cycles)
    sorties = np.empty(BLOCK)  # combat sorties generated by the deadline
    lost_air = np.empty(BLOCK)  # aircraft lost in the air by the deadline
    lost_ground = np.empty(BLOCK)  # aircraft lost on the ground (by the deadline, if any)
    surv = np.empty((units, BLOCK))  # each flying unit's share left after attrition in the air
    scratch = np.empty((8, BLOCK))  # a struck unit's ledger over the block (`_struck`)
    attr = np.empty(BLOCK)  # log(1 - attrition per sortie), per trial: 0 where nobody fights
    paths = np.empty((PATH_ROWS, BLOCK), np.int64)
    tanker_up = np.empty((2, BLOCK))
    t = np.empty(BLOCK)
    arrive = np.empty((units, BLOCK))
    simple = ev.shape[0] == 1 and f[LADDER] == 0 and f[ROW_OUTCOME] < 0 and f[GENERAL] == 0
    r = load(s)
    for b0 in range(lo, hi, BLOCK):
        nb = min(BLOCK, hi - b0)
        if simple:
            r = _draw_block_one(r, nb, q, f, ev, ef, zb)
            _decide_block_one(nb, q, ev, ef, zb, d, paths)
        else:
            for j in range(nb):
                r = _decide(r, q, f, ev, ef, j, d, paths)
        for m in range(T_FIXED):
            tv[m, :nb] = d[m, :nb]
        tv[T_FIXED : first_row + 3, :nb] = inf
        tanker_up[:, :nb] = inf
        cv[:, :nb] = 0
        held[:nb] = 0.0
        sorties[:nb] = 0.0
        # Attrition in the air where there is a fight: Japan's combat forces authorized (an
        # armed attack) or a U.S. decision to answer one; a gray-zone patrol loses nothing.
        for j in range(nb):
            fight = (d[T_JAPAN, j] < inf) | (d[T_US_DECISION, j] < inf)
            attr[j] = q[ATTR_LOG] if fight else 0.0
        lost_air[:nb] = 0.0
        lost_ground[:nb] = 0.0
        # Each unit over the block: readiness after its authorization (struck runways
        # delay aircraft), then transit. Tankers come first in the table, so a fighter
        # beyond its radius finds its country's first tanker airborne already known.
        for k in range(units):
            c = u[k, U_COUNTRY]
            auth = d[_AUTH_ROW[u[k, U_SOURCE]]]
            factor = d[D_FACTOR + c]
            rk = ready_h[k]
            for j in range(nb):
                t[j] = auth[j] + rk * factor[j]
            if u[k, U_SHIP]:  # at sea: neither waits in port nor sails from a base in Japan
                alt = d[T_US_DECISION] if c == USA else auth
                sea = d[D_AT_SEA + c]
                for j in range(nb):
                    t[j] = alt[j] if sea[j] != 0.0 else t[j]
            if f[STRUCK] and u[k, U_BASE] >= 0:
                for j in range(nb):
                    t[j] = _open_after(t[j], starts, ends, u[k, U_BASE], u[k, U_CLASS], b0 + j)
            if u[k, U_TANKER]:
                up = tanker_up[c]
                for j in range(nb):
                    up[j] = min(up[j], t[j])
            if u[k, U_NEEDS_TANKER]:
                up = tanker_up[c]
                join = q[TANKER_JOIN]
                for j in range(nb):
                    t[j] = max(t[j], up[j]) + join
            tr = transit_h[k]
            g = tv[T_FIXED + u[k, U_GROUP]]
            first = tv[first_row + c]
            combat = u[k, U_COMBAT] != 0
            n24 = cv[2 * c]
            n72 = cv[2 * c + 1]
            count = u[k, U_COUNT]
            a = arrive[k]
            for j in range(nb):
                x = t[j] + tr
                a[j] = x
                g[j] = min(g[j], x)
                if combat:
                    first[j] = min(first[j], x)
                n24[j] += count * (x <= ON_STATION_H[0])
                n72[j] += count * (x <= ON_STATION_H[1])
            if f[STRUCK] and u[k, U_BASE] >= 0:
                _struck(nb, b0, t, a, q, f, air, k, u, tr, starts, ends, scratch, attr, held, sorties,
                        lost_air, lost_ground)
            elif f[HAS_FAIT] and combat and air[k, A_RATE] > 0.0:
                _fly(nb, t, a, q, air, k, count, u[k, U_SAME], attr, surv, held, sorties, lost_air)
            elif f[HAS_FAIT] and combat and air[k, A_PRES] > 0.0:  # ships: whole once there
                fait = q[FAIT]
                share = count * air[k, A_PRES]
                for j in range(nb):
                    held[j] += share if a[j] <= fait else 0.0
        for j in range(nb):
            tv[first_row + 2, j] = min(tv[first_row, j], tv[first_row + 1, j])
            paths[2, j] = (1 if tv[first_row + 2, j] <= q[FAIT] else 0) if f[HAS_FAIT] else -1
            cv[4, j] = int(held[j])
            paths[5, j] = (1 if held[j] >= q[DENY_NEED] else 0) if f[HAS_FAIT] else -1
        if f[STRUCK]:
            for w in range(closed.shape[1]):
                for j in range(nb):
                    tv[first_row + 3 + w, j] = closed[b0 + j, w]
        if f[ROW_LADDER] >= 0:
            tv[f[ROW_LADDER], :nb] = d[D_MSO, :nb]
            tv[f[ROW_LADDER] + 1, :nb] = d[D_PSO, :nb]
        if f[ROW_OUTCOME] >= 0:
            tv[f[ROW_OUTCOME], :nb] = d[D_JP_COST, :nb]
            tv[f[ROW_OUTCOME] + 1, :nb] = d[D_US_COST, :nb]
        if f[ROW_AIR] >= 0:
            tv[f[ROW_AIR], :nb] = sorties[:nb]
            tv[f[ROW_AIR] + 1, :nb] = lost_air[:nb]
        if f[ROW_GROUND] >= 0:
            tv[f[ROW_GROUND], :nb] = lost_ground[:nb]
        fold_block(fold, b0, nb, tv, cv[:counts], paths)
        if curve.shape[0]:
            top = curve.shape[1] - 1
            for k in range(units):  # arrival <= GRID_H[j] iff ceil(arrival / step) <= j
                for j in range(nb):
                    x = arrive[k, j]
                    bin_ = top if not x < top * curve_step else min(int(math.ceil(x / curve_step)), top)
                    curve[k, bin_] += 1
    store(s, r)
