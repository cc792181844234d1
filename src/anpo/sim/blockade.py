"""A blockade or sea-lane disruption: which law lets the SDF escort or sweep, who decides, and
how much shipping gets through day by day.

A simulation file with a `blockade:` block runs here instead of the crisis kernels. The threat
(`piracy`, `harassment`, `attack_on_shipping`, `mines`) and the scenario (date, place, and for an
attack or mines the state attacked) decide the legal ladder, read from the law engine and the
SDF Act's provisions as in force and numbered on the date:

- police-power escort: a maritime security operation (SDF Act Art. 82; the Minister of Defense
  with the Prime Minister's approval), or against pirates, from 2009-07-24, a counter-piracy
  operation (Art. 82-2 and the Anti-Piracy Act; the Prime Minister reports to the Diet);
- escort or minesweeping with force: a defense operation (Art. 76) once the Cabinet judges an
  armed attack on Japan, or, from 2016-03-29, limited collective self-defense once it certifies
  a survival-threatening situation (Diet approval) when another state is attacked;
- mines may otherwise be cleared only once they are abandoned, after hostilities end (Art. 99,
  numbered 84-2 from 2007; the 1991 Persian Gulf dispatch).

Per trial and day: a share of normal traffic sails on unprotected; escorts add convoys once a
basis is ordered (police powers count for less than force against a state's forces, both named
assumptions); a mined lane carries only the unprotected share until a channel is swept. The
same draws are rerun with each legal gate taking no time, to say what it costs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from anpo.core.codes import Event
from anpo.core.errors import InputError
from anpo.core.scenario import Scenario
from anpo.sim.disaster import Delay
from anpo.sim.run_text import GateCosts, OverTime, Reach, run_text, spread
from anpo.sim.uncertain import (
    Chance,
    FloatArray,
    Range,
    basis,
    chance,
    checkpoints,
    delay,
    mapping,
    spread_stats,
    value_range,
    whole,
)

TILE = 1 << 12
MAX_TRIALS = 1_000_000
MAX_DAYS = 730
THREATS = ("piracy", "harassment", "attack_on_shipping", "mines")
FIELDS = (
    "threat",
    "lane",
    "days",
    "ships_per_day",
    "unescorted_share",
    "escort",
    "minesweeping",
    "decisions",
    "checkpoints_days",
)
ESCORT_FIELDS = (
    "ships",
    "merchant_per_escort",
    "cycle_days",
    "first_h",
    "effect_police",
    "effect_force",
    "source",
    "assumption",
)
SWEEP_FIELDS = ("first_h", "clear_h")
DECISION_FIELDS = ("order_h", "judgment_h", "judgment", "ceasefire_h")
GATES = ("order", "cabinet_judgment", "ceasefire")
NEVER = Delay(math.inf, 0.0, "not part of this threat's ladder")
# The event each threat is asked of the law engine as (the scenario must say the same).
EVENTS = {
    "piracy": (Event.none,),
    "harassment": (Event.gray_zone,),
    "attack_on_shipping": (Event.armed_attack,),
    "mines": (Event.armed_attack, Event.none),
}
MINE_NUMBERS = ("jp-sdf-act/art-99", "jp-sdf-act/art-84-2")
PIRACY = "jp-sdf-act/art-82-2/piracy"
DECIDES_ORDER = "the Minister of Defense orders, with the Prime Minister's approval"
DECIDES_PIRACY = (
    "the Minister of Defense orders, with the Prime Minister's approval; the Prime Minister reports "
    "to the Diet (Anti-Piracy Act, Art. 7)"
)
DECIDES_DEFENSE = (
    "the Cabinet judges an armed attack on Japan; the Prime Minister orders a defense operation; the "
    "Diet approves, in principle beforehand (Art. 76)"
)
DECIDES_MINES = "the Minister of Defense orders the removal of mines no longer part of hostilities"


@dataclass(frozen=True)
class Escort:
    ships: int
    per_escort: Range  # merchant ships in each escorted convoy per escort
    cycle_days: Range  # one escorted passage and the return
    first: Delay  # from an order to the first escorted passage
    effect_police: Range  # share of the escorted capacity that counts under police powers only
    effect_force: Range  # and when force may be used
    basis: str


@dataclass(frozen=True)
class Sweep:
    first: Delay  # from the order to sweeping on the spot (the minesweepers' passage)
    clear: Delay  # to clear a channel


@dataclass(frozen=True)
class Blockade:
    threat: str
    lane: str
    days: int
    ships_per_day: Range
    unescorted: Range
    escort: Escort | None
    sweep: Sweep | None
    order: Delay  # onset -> a police-power order (Art. 82 or counter-piracy)
    judgment_delay: Delay  # onset -> the Cabinet's judgment or certification and the Diet's approval
    judgment: Chance  # that the Cabinet judges (certifies) at all
    ceasefire: Delay | None  # onset -> hostilities end (abandoned mines may then be cleared)
    checkpoints_days: tuple[float, ...]


def parse_blockade(raw: object) -> Blockade:
    """Strictly parse the `blockade:` block; InputError names the field."""
    m = mapping(raw, "blockade", FIELDS)
    threat = m.get("threat")
    if threat not in THREATS:
        raise InputError("blockade.threat", f"{threat!r}; accepted: {', '.join(THREATS)}")
    lane = m.get("lane")
    if not isinstance(lane, str) or not lane:
        raise InputError("blockade.lane", "name the sea lane or chokepoint")
    days = whole(m.get("days"), "blockade.days", 1, MAX_DAYS)
    escort = None
    if m.get("escort") is not None:
        e = mapping(m["escort"], "blockade.escort", ESCORT_FIELDS)
        escort = Escort(
            whole(e.get("ships"), "blockade.escort.ships", 1, 200),
            value_range(e.get("merchant_per_escort"), "blockade.escort.merchant_per_escort"),
            value_range(e.get("cycle_days"), "blockade.escort.cycle_days", 0.1),
            delay(e.get("first_h"), "blockade.escort.first_h"),
            value_range(e.get("effect_police"), "blockade.escort.effect_police", 0.0, 1.0),
            value_range(e.get("effect_force"), "blockade.escort.effect_force", 0.0, 1.0),
            basis(e, "blockade.escort"),
        )
    sweep = None
    if m.get("minesweeping") is not None:
        s = mapping(m["minesweeping"], "blockade.minesweeping", SWEEP_FIELDS)
        sweep = Sweep(
            delay(s.get("first_h"), "blockade.minesweeping.first_h"),
            delay(s.get("clear_h"), "blockade.minesweeping.clear_h"),
        )
    if threat == "mines" and sweep is None:
        raise InputError("blockade.minesweeping", "a mined lane needs {first_h, clear_h}")
    if threat != "mines" and escort is None:
        raise InputError("blockade.escort", f"a {threat} threat is met by escort: give the escort force")
    d = mapping(m.get("decisions"), "blockade.decisions", DECISION_FIELDS)
    # Each decision the threat's ladder can take must be given (a named assumption or a source).
    needed = {
        "order_h": threat != "mines",
        "judgment_h": threat in ("attack_on_shipping", "mines"),
        "judgment": threat in ("attack_on_shipping", "mines"),
        "ceasefire_h": threat == "mines",
    }
    for key, need in needed.items():
        if need and key not in d:
            raise InputError(f"blockade.decisions.{key}", f"needed for a {threat} threat")
    ceasefire = delay(d["ceasefire_h"], "blockade.decisions.ceasefire_h") if "ceasefire_h" in d else None
    cps = checkpoints(m.get("checkpoints_days"), "blockade.checkpoints_days", (7, 14, 30))
    if max(cps) > days:
        raise InputError("blockade.checkpoints_days", f"beyond the run's {days} days")
    return Blockade(
        threat,
        lane,
        days,
        value_range(m.get("ships_per_day"), "blockade.ships_per_day"),
        value_range(m.get("unescorted_share"), "blockade.unescorted_share", 0.0, 1.0),
        escort,
        sweep,
        delay(d["order_h"], "blockade.decisions.order_h") if "order_h" in d else NEVER,
        delay(d["judgment_h"], "blockade.decisions.judgment_h") if "judgment_h" in d else NEVER,
        chance(d["judgment"], "blockade.decisions.judgment") if "judgment" in d else Chance(0.0, "not asked"),
        ceasefire,
        cps,
    )


def check_scenario(sc: Scenario, b: Blockade) -> None:
    """The scenario's event must be the one the threat is (the law engine is asked about it)."""
    if sc.event not in EVENTS[b.threat]:
        accepted = " or ".join(e.name for e in EVENTS[b.threat])
        raise InputError("scenario.event", f"a {b.threat} threat is `event: {accepted}`")
    if b.threat == "harassment" and sc.target != "JPN":
        raise InputError("scenario.target", "harassment of shipping serving Japan: target JPN")


# --- the law ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rung:
    """One legal basis on the ladder: what it permits, who decides, whether it is in law."""

    name: str
    basis: str | None  # provision id as numbered on the date
    who_decides: str
    available: bool
    force: bool  # use of force (else police powers only)
    activity: str  # "escort" or "sweep"
    judged: bool  # needs the Cabinet's judgment or certification first (a chance per trial)
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if v != ""}


def _assess(sc: Scenario, **change: Any) -> dict[str, Any]:
    from dataclasses import replace

    from anpo.law.assess import assess

    (res,) = assess([replace(sc, **change)], explain=False)
    return res


def _escort_by_mso(available: bool, note: str) -> Rung:
    """Escort under a maritime security operation (SDF Act art. 82), where the law has it."""
    return Rung("maritime_security_operation", "jp-sdf-act/art-82" if available else None, DECIDES_ORDER,
                available, False, "escort", False, note)


def ladder(sc: Scenario, b: Blockade) -> tuple[Rung, ...]:
    """The legal bases for the threat on the scenario's date (under any applied what-if)."""
    from anpo.core.dates import to_day
    from anpo.law.common import active_context
    from anpo.law.japan import numbered

    tl = active_context().timeline
    day = to_day(sc.date)
    gray = _assess(sc, event=Event.gray_zone, target="JPN")["japan"]
    mso = "maritime_security_operations" in gray["measures"]
    rungs: list[Rung] = []
    if b.threat == "piracy":
        apa = day >= tl.provision_day(PIRACY)
        rungs.append(
            Rung("counter_piracy_operation", PIRACY, DECIDES_PIRACY, True, False, "escort", False)
            if apa
            else _escort_by_mso(mso, "before the Anti-Piracy Act (2009-07-24): Japan-related ships only")
        )
        return tuple(rungs)
    if b.threat in ("harassment", "attack_on_shipping"):
        rungs.append(_escort_by_mso(mso, "police powers: no use of force against a state's forces"))
    if b.threat in ("attack_on_shipping", "mines") and sc.event is Event.armed_attack:
        jp = _assess(sc)["japan"]
        activity = "escort" if b.threat == "attack_on_shipping" else "sweep"
        if sc.target == "JPN":
            possible = jp["individual_self_defense"] or "armed_attack_against_japan" in jp.get("decides", {})
            rungs.append(
                Rung(
                    "defense_operation",
                    "jp-sdf-act/art-76" if possible else None,
                    DECIDES_DEFENSE,
                    bool(possible),
                    True,
                    activity,
                    not jp["individual_self_defense"],
                )
            )
        else:
            certifiable = jp["survival_threatening_situation"] in ("case_by_case", "certified")
            rungs.append(
                Rung(
                    "collective_self_defense",
                    "jp-sdf-act/art-76/para-1/item-2" if certifiable else None,
                    jp.get("decides", {}).get(
                        "survival_threatening_situation", "no one: not in law on this date"
                    ),
                    certifiable,
                    True,
                    activity,
                    jp["survival_threatening_situation"] != "certified",
                    "" if certifiable else "survival-threatening situations are in law only from 2016-03-29",
                )
            )
    if b.threat == "mines":
        rungs.append(
            Rung(
                "abandoned_mine_removal",
                numbered(tl, MINE_NUMBERS, day),
                DECIDES_MINES,
                bool(tl.in_force("jp-sdf-act", np.array([day], np.int32))[0]),
                False,
                "sweep",
                False,
                "only once hostilities end: mines laid in ongoing hostilities are not 'abandoned'",
            )
        )
    return tuple(rungs)


# --- the run -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Draws:
    normal: FloatArray
    unescorted: FloatArray
    order: FloatArray
    judgment: FloatArray
    judged: npt.NDArray[np.bool_]
    ceasefire: FloatArray
    escort_first: FloatArray
    capacity: FloatArray  # escorted ships per day at full effect
    effect_police: FloatArray
    effect_force: FloatArray
    sweep_first: FloatArray
    sweep_clear: FloatArray


def _draw(b: Blockade, rng: np.random.Generator, n: int) -> _Draws:
    zeros = np.zeros(n)
    normal = b.ships_per_day.draw(rng, n)
    unescorted = b.unescorted.draw(rng, n)
    order, judgment_h = b.order.draw(rng, n), b.judgment_delay.draw(rng, n)
    judged = b.judgment.draw(rng, n)
    ceasefire = b.ceasefire.draw(rng, n) if b.ceasefire is not None else np.full(n, np.inf)
    if b.escort is not None:
        e = b.escort
        first = e.first.draw(rng, n)
        capacity = e.ships * e.per_escort.draw(rng, n) / e.cycle_days.draw(rng, n)
        police, force = e.effect_police.draw(rng, n), e.effect_force.draw(rng, n)
    else:
        first, capacity, police, force = zeros, zeros, zeros, zeros
    if b.sweep is not None:
        s_first, s_clear = b.sweep.first.draw(rng, n), b.sweep.clear.draw(rng, n)
    else:
        s_first, s_clear = zeros, zeros
    return _Draws(
        normal,
        unescorted,
        order,
        judgment_h,
        judged,
        ceasefire,
        first,
        capacity,
        police,
        force,
        s_first,
        s_clear,
    )


def _throughput(
    b: Blockade, rungs: tuple[Rung, ...], d: _Draws, days: FloatArray, instant: frozenset[str] = frozenset()
) -> FloatArray:
    """Share of normal shipping through the lane on each day (trials x days)."""
    n = d.normal.size
    hours = days[None, :] * 24.0
    order = np.zeros(n) if "order" in instant else d.order
    judgment = np.zeros(n) if "cabinet_judgment" in instant else d.judgment
    ceasefire = np.zeros(n) if "ceasefire" in instant else d.ceasefire
    effect = np.zeros((n, days.size))
    cleared = np.full(n, np.inf)
    for r in rungs:
        if not r.available:
            continue
        if r.force:  # the Cabinet's judgment (and the Diet's approval) first; it may never come
            start = np.where(d.judged, judgment, np.inf) if r.judged else judgment
        elif r.name == "abandoned_mine_removal":
            start = ceasefire
        else:
            start = order
        if r.activity == "escort":
            on = hours >= (start + d.escort_first)[:, None]
            share = d.effect_force if r.force else d.effect_police
            effect = np.maximum(effect, np.where(on, share[:, None], 0.0))
        else:
            cleared = np.minimum(cleared, start + d.sweep_first + d.sweep_clear)
    free = d.unescorted[:, None]
    if b.threat == "mines":
        # until a channel is swept only the unprotected share sails; then the lane is open
        return np.where(hours >= cleared[:, None], 1.0, free)
    escorted = np.minimum(1.0 - free, effect * (d.capacity / np.maximum(d.normal, 1e-9))[:, None])
    return free + escorted


def run_blockade(sc: Scenario, b: Blockade, trials: int, seed: int) -> dict[str, Any]:
    """Shipping through the lane as a share of normal, by day, and what each legal gate costs."""
    rungs = ladder(sc, b)
    days = np.arange(b.days, dtype=np.float64) + 0.5  # the middle of each day
    cps = [min(int(c), b.days - 1) for c in b.checkpoints_days]
    runs: dict[str, frozenset[str]] = {"actual": frozenset(), **{g: frozenset({g}) for g in GATES}}
    runs["all_gates_instant"] = frozenset(GATES)
    mean_share: dict[str, list[FloatArray]] = {k: [] for k in runs}
    at_cp: list[FloatArray] = []
    capacity: list[FloatArray] = []
    recover: list[FloatArray] = []
    gate_h: dict[str, list[FloatArray]] = {g: [] for g in GATES}
    judged: list[npt.NDArray[np.bool_]] = []
    tiles = -(-trials // TILE)
    for t, ss in enumerate(np.random.SeedSequence(seed).spawn(tiles)):
        n = min(TILE, trials - t * TILE)
        rng = np.random.Generator(np.random.PCG64(ss))
        d = _draw(b, rng, n)
        for name, instant in runs.items():
            tp = _throughput(b, rungs, d, days, instant)
            mean_share[name].append(tp.mean(axis=1))
            if name == "actual":
                at_cp.append(tp[:, cps])
                capacity.append(d.capacity)
                ok = tp >= 0.9
                recover.append(np.where(ok.any(axis=1), np.argmax(ok, axis=1).astype(np.float64), np.inf))
        gate_h["order"].append(d.order)
        gate_h["cabinet_judgment"].append(np.where(d.judged, d.judgment, np.nan))
        gate_h["ceasefire"].append(d.ceasefire)
        judged.append(d.judged)
    shares = {k: np.concatenate(v) for k, v in mean_share.items()}
    actual = spread_stats(shares["actual"])
    cp = np.concatenate(at_cp)
    rec = np.concatenate(recover)
    finite = rec[np.isfinite(rec)]
    uses = {r.name for r in rungs if r.available}
    gates: dict[str, Any] = {}
    for g in GATES:
        used = (
            (g == "order" and any(r.available and r.activity == "escort" and not r.force for r in rungs))
            or (g == "cabinet_judgment" and any(r.available and r.judged for r in rungs))
            or (g == "ceasefire" and "abandoned_mine_removal" in uses)
        )
        if not used:
            continue
        h = np.concatenate(gate_h[g])
        h = h[np.isfinite(h)]
        gates[g] = {
            "mean_h": round(math.fsum(h.tolist()) / h.size, 2) if h.size else None,
            "mean_share_if_instant": spread_stats(shares[g])["mean"],
            "share_lost": round(spread_stats(shares[g])["mean"] - actual["mean"], 4),
        }
    return {
        "threat": b.threat,
        "lane": b.lane,
        "days": b.days,
        "trials": trials,
        "seed": seed,
        "legal_path": {
            "ladder": [r.to_dict() for r in rungs],
            "p_cabinet_judges": b.judgment.p,
            "p_cabinet_judges_basis": b.judgment.basis,
            "article5": _article5(sc),
        },
        "mean_share_of_normal_shipping": actual,
        "share_of_normal_by_day": {
            f"{c:g}": spread_stats(cp[:, i]) for i, c in enumerate(b.checkpoints_days)
        },
        "days_to_90pct_of_normal": {
            **(spread_stats(finite) if finite.size else {"mean": None}),
            "p_never": round(1.0 - finite.size / trials, 4),
        },
        # ships the escort force could take through a day at full effect (compare with MOD's
        # published escort counts: docs/model.md)
        "escort_capacity_ships_per_day": spread_stats(np.concatenate(capacity)) if b.escort else None,
        "p_force_authorized": round(float(np.concatenate(judged).mean()), 4)
        if any(r.judged and r.available for r in rungs)
        else 0.0,
        "legal_gates": gates,
        "mean_share_if_all_gates_instant": spread_stats(shares["all_gates_instant"])["mean"],
        "inputs": {
            "ships_per_day": [b.ships_per_day.low, b.ships_per_day.high, b.ships_per_day.basis],
            "unescorted_share": [b.unescorted.low, b.unescorted.high, b.unescorted.basis],
            "escort_ships": b.escort.ships if b.escort else 0,
            "escort_basis": b.escort.basis if b.escort else None,
        },
    }


def _article5(sc: Scenario) -> str:
    if sc.event is not Event.armed_attack:
        return "not engaged (no armed attack)"
    status = _assess(sc)["article5"].get("status", "")
    return f"{status} (the law engine, for the attack as the scenario states it)"


def text(result: dict[str, Any], name: str) -> str:
    """The run as lines for the terminal."""
    lp = result["legal_path"]
    ladder = ["legal ladder (as in force on the date):"]
    for r in lp["ladder"]:
        avail = "in law" if r["available"] else "NOT in law on this date"
        power = (
            "force" if r["force"] else ("police powers" if r["activity"] == "escort" else "no use of force")
        )
        judged = f", needs the Cabinet (P = {lp['p_cabinet_judges']:g})" if r["judged"] else ""
        ladder.append(f"  {r['name']} [{r['basis'] or '-'}]: {avail}; {r['activity']} with {power}{judged}")
        ladder.append(f"      who decides: {r['who_decides']}" + (f"; {r['note']}" if r.get("note") else ""))
    ladder.append(f"Article V: {lp['article5']}")
    return run_text(
        f"sea-lane disruption {name} ({result['threat']}, {result['lane']}): {result['days']} days, "
        f"{result['trials']:,} trials, seed {result['seed']}",
        ladder,
        f"shipping over {result['days']} days, share of normal: "
        f"{spread(result['mean_share_of_normal_shipping'])}",
        result["share_of_normal_by_day"], _OVER_TIME, result["days_to_90pct_of_normal"], _REACH,
        result["legal_gates"], _GATE_COSTS,
        f"all gates instant: {result['mean_share_if_all_gates_instant']:.3f}",
    )


_OVER_TIME = OverTime("share of normal on day:  ", "  p50 (p5-p95)          ", 22, "", ".2f")
_REACH = Reach("back to 90 % of normal on day {:.0f}", "p50", "never back to 90 % of normal", "run")
_GATE_COSTS = GateCosts("the mean share", "mean_share_if_instant", 18, 8, 0)

run = run_blockade  # the name the simulate command calls each small model by

__all__ = ["Blockade", "check_scenario", "ladder", "parse_blockade", "run_blockade", "text"]
