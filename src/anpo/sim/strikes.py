"""Missile salvos on air bases -> per-trial closure intervals for fighters and tankers.

Each struck base receives `strike.missiles_per_base` missiles per salvo, shared among its
open runways that serve fighters or tankers (`_strip`) in proportion to length, aimed at
evenly spaced points on each centreline.
A missile lands if it flies (reliability) and gets through the missile defenses that cover
the base on the scenario's date (`missile_defense`: Aegis BMD ships, then PAC-3, engaging
while their interceptors last); its impact is circular normal about the aim point. After
each salvo the crews repair the fewest craters that free one MOS (the exact search of
`runway`), on the runway where that is quickest. In a campaign of several salvos the
craters the crews have not reached stay for the next salvo (`campaign_kernel`). The draws
and the search run compiled, trial by trial (`strike_kernel`, `campaign_kernel`); this
module finds the targets and their defenses, and packs them.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from anpo import posture
from anpo.core.errors import InputError
from anpo.core.signals import raise_if_stopped
from anpo.sim import strike_kernel as sk
from anpo.sim.campaign_kernel import campaign_tile
from anpo.sim.missile_defense import LEGACY, Defender, DefenseInput, defenders, mode_of
from anpo.sim.parameters import Parameters
from anpo.sim.rng import Stream
from anpo.sim.runway import Strip, kernel_constants
from anpo.sim.weaponeering import sigma_from_cep

FT = 0.3048
DEFAULT_WIDTH_FT = 150  # a runway without a width in OurAirports (none at the struck bases today)
CLASSES = ("fighter", "tanker")

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class RunwayTarget:
    ident: str
    length_m: float
    width_m: float
    missiles: int
    strips: dict[str, Strip]  # by aircraft class: only the classes the runway serves


@dataclass(frozen=True)
class Defense:
    """The run's missile defenses: `table` (the units in service that cover some struck
    base, upper layer first, and covers[unit][base]), `none`, or `flat` (the legacy flat
    interception, `strike.interception_probability`, instead of any unit)."""

    mode: str = "flat"
    units: tuple[Defender, ...] = ()
    covers: tuple[tuple[bool, ...], ...] = ()

    def to_dict(self, bases: tuple[str, ...]) -> dict[str, object]:
        return {
            "mode": self.mode,
            "units": [
                {"id": u.id, "kind": u.kind, "count": u.count,
                 "covers": [b for b, c in zip(bases, cov, strict=True) if c], "basis": u.provenance}
                for u, cov in zip(self.units, self.covers, strict=True)
            ],
        }


@dataclass(frozen=True)
class BaseTarget:
    facility: str
    runways: tuple[RunwayTarget, ...]
    defense: Defense = Defense()  # the same object for every base of a run


def _strip(length: float, width: float, p: Parameters, cls: str, main: bool) -> Strip | None:
    """The class's MOS on a runway, or None when the runway cannot serve the class.

    A runway at least as long and wide as the MOS serves it. One shorter or narrower serves
    it only as the base's main (longest) runway, with the MOS capped at the runway's own
    size: the aircraft based there use it when it is intact. A short secondary strip
    (Iwakuni's 1,200 ft 02R/20L) serves neither fighters nor tankers: left in, it would keep
    the base "open" for them while its main runway is cratered.
    """
    mos_length, mos_width = p[f"mos.{cls}_length_m"], p[f"mos.{cls}_width_m"]
    if not main and (length < mos_length or width < mos_width):
        return None
    return Strip(length, width, min(mos_length, length), min(mos_width, width), p["strike.crater_diameter_m"])


def targets(
    bases: tuple[str, ...], day: dt.date, p: Parameters, defenses: DefenseInput | None = None
) -> tuple[BaseTarget, ...]:
    """The struck bases' runway geometry on `day`, and the missile defenses that cover them
    (`strikes.defenses` of the scenario; see `missile_defense.mode_of`); InputError for a
    base that cannot be struck."""
    active = {f.facility.id: f.facility for f in posture.at(day).facilities}
    out = []
    m = int(p["strike.missiles_per_base"])
    for i, fid in enumerate(bases):
        fac = active.get(fid)
        if fac is None:
            raise InputError(f"strikes.bases[{i}]", f"{fid!r} is not a facility in operation on {day}")
        rws = [r for r in fac.runways if not r.closed]
        if fac.kind != "airfield" or not rws:
            raise InputError(f"strikes.bases[{i}]", f"{fid!r} is not an airfield with runways")
        # Runways are longest first: the first is the main runway. Only runways that serve
        # some aircraft class are struck; the missiles are shared among them by length.
        served = []
        for j, r in enumerate(rws):
            length, width = r.length_ft * FT, (r.width_ft or DEFAULT_WIDTH_FT) * FT
            strips = {c: _strip(length, width, p, c, j == 0) for c in CLASSES}
            if any(st is not None for st in strips.values()):
                served.append((r.ident, length, width, {c: st for c, st in strips.items() if st}))
        lengths = np.array([length for _, length, _, _ in served])
        share = np.floor(m * lengths / lengths.sum()).astype(int)
        share[0] += m - int(share.sum())  # the rest goes to the main runway
        rt = [
            RunwayTarget(ident, length, width, int(k), strips)
            for (ident, length, width, strips), k in zip(served, share, strict=True)
        ]
        out.append(BaseTarget(fid, tuple(rt)))
    mode = mode_of(defenses, p.overridden())
    defense = Defense(mode)
    if mode == "table":
        where = tuple((active[b].lat, active[b].lon, active[b].record.host == "JPN") for b in bases)
        defense = Defense(mode, *defenders(where, day, defenses, p["missile_defense.pac3_cover_km"]))
    return tuple(BaseTarget(b.facility, b.runways, defense) for b in out)


SLICE_S = 0.1  # a campaign's compiled call lasts about this long: a stop waits no longer
FIRST_SLICE = 64  # trials in a campaign's first call, before its time per trial is known


@dataclass
class Salvos:
    """The struck runways packed for `strike_kernel`, and the closures of one chunk.

    `ends[trial, b, class, salvo]`: when the salvo's closure of base b for the aircraft
    class ends (a closure is [start, end); end == start when nothing needs repair; in a
    campaign, at most the next salvo's start, where the next closure begins);
    `closed[trial, b * 2 + class]`: hours closed in all.
    """

    starts: FloatArray
    ends: FloatArray
    closed: FloatArray
    scalars: FloatArray
    base_first: npt.NDArray[np.int64]
    missiles: npt.NDArray[np.int64]
    dims: FloatArray
    floors: npt.NDArray[np.int64]
    units: npt.NDArray[np.int64]
    unit_p: FloatArray
    covers: npt.NDArray[np.int64]
    tally: npt.NDArray[np.int64]  # (salvo, base, strike_kernel.NT) engagement sums of the chunk

    def draw(self, s: Stream, lo: int, hi: int) -> None:
        """Trials lo..hi-1 of the chunk. A campaign (several salvos) keeps each salvo's
        unrepaired craters for the next (`campaign_kernel`); one salvo needs no memory.

        A campaign can cost a millisecond a trial (the Stimson-like one: 14 salvos on 5
        bases), and a signal waits for the compiled call to return: over a whole tile,
        Ctrl-C took 13-17 s to stop `simulate`. So a campaign is drawn in slices of about
        SLICE_S each, sized from the last one's time, with a stop check between them (a
        worker thread's too: `core.signals`). The kernel draws the trials in order from
        the stream's saved state, so slices give the draws of one call, bit for bit."""
        if self.starts.size == 1:
            self._call(sk.strike_tile, s, lo, hi)
            return
        n = FIRST_SLICE
        while lo < hi:
            raise_if_stopped()
            stop = min(hi, lo + n)
            began = time.perf_counter()
            self._call(campaign_tile, s, lo, stop)
            took = time.perf_counter() - began
            n = max(1, int((stop - lo) * min(SLICE_S / max(took, 1e-6), 4.0)))
            lo = stop

    def _call(self, kernel: Any, s: Stream, lo: int, hi: int) -> None:
        kernel(
            s,
            lo,
            hi,
            self.scalars,
            self.starts,
            self.base_first,
            self.missiles,
            self.dims,
            self.floors,
            self.ends,
            self.closed,
            self.units,
            self.unit_p,
            self.covers,
            self.tally,
        )


def closures(bases: tuple[BaseTarget, ...], p: Parameters, n: int) -> Salvos:
    """Pack the salvos on `bases` for a chunk of n trials (drawn tile by tile with `draw`)."""
    salvos = int(p["strike.salvos"])
    starts = np.array([p["strike.time_h"] + s * p["strike.salvo_interval_h"] for s in range(salvos)])
    scalars = np.zeros(sk.NS)
    scalars[sk.SIGMA] = sigma_from_cep(p["strike.cep_m"])
    defense = bases[0].defense if bases else Defense()
    flat = p[LEGACY] if defense.mode == "flat" else 0.0
    scalars[sk.P_LAND] = p["strike.reliability"] * (1.0 - flat)
    scalars[sk.CREWS] = p["repair.crews_per_base"]
    scalars[sk.REPAIR_H] = p["repair.hours_per_crater"]
    scalars[sk.REPAIR_S] = p.spread("repair.hours_per_crater")
    runways = [rw for base in bases for rw in base.runways]
    first = np.cumsum([0] + [len(base.runways) for base in bases])
    # A class the runway does not serve: floor NOT_SERVED (its constants, another class's, unused).
    dims = np.stack([
        kernel_constants(tuple(rw.strips.get(c) or next(iter(rw.strips.values())) for c in CLASSES))
        for rw in runways
    ])
    floors = np.array(
        [[max(rw.strips[c].bound, 1) if c in rw.strips else sk.NOT_SERVED for c in CLASSES]
         for rw in runways],
        np.int64,
    )
    return Salvos(
        starts=starts,
        ends=np.empty((n, len(bases), len(CLASSES), salvos)),
        closed=np.empty((n, len(bases) * len(CLASSES))),
        scalars=scalars,
        base_first=first.astype(np.int64),
        missiles=np.array([rw.missiles for rw in runways], np.int64),
        dims=dims,
        floors=floors,
        **pack_defense(defense, len(bases), salvos, p),
    )


def pack_defense(defense: Defense, bases: int, salvos: int, p: Parameters) -> dict[str, npt.NDArray[Any]]:
    """The defense arrays of `strike_kernel.engage` (see its U_*, T_* constants)."""
    units = np.zeros((len(defense.units), sk.NUI), np.int64)
    unit_p = np.zeros((len(defense.units), sk.NUP))
    for u, d in enumerate(defense.units):
        ship = d.kind == "aegis_bmd"
        kind = "sm3" if ship else "pac3"
        each = "sm3_per_ship" if ship else "pac3_interceptors_per_fire_unit"
        units[u] = [d.layer, p[f"missile_defense.{kind}_shots"], d.count, p[f"missile_defense.{each}"]]
        pk = p[f"missile_defense.{kind}_kill_probability"]
        on = p["missile_defense.aegis_on_station_probability"] if ship else 1.0
        unit_p[u] = [pk, on, 1.0 - (1.0 - pk) ** units[u, sk.U_SHOTS]]
    covers = np.array(defense.covers, np.int64).reshape(len(defense.units), bases)
    tally = np.zeros((salvos, bases, sk.NT), np.int64)
    return {"units": units, "unit_p": unit_p, "covers": covers, "tally": tally}


def engagement_summary(
    tally: npt.NDArray[np.int64], bases: tuple[BaseTarget, ...], trials: int
) -> dict[str, Any]:
    """Means per trial of the engagement tallies (summed over `trials`), per base and per
    salvo: missiles launched, arrived, intercepted, leaked, interceptors fired by layer,
    and the leak rate (missiles through / missiles that arrived)."""
    n = max(trials, 1)

    def block(t: npt.NDArray[np.int64]) -> dict[str, Any]:
        arrived, killed = int(t[sk.T_ARRIVED]), int(t[sk.T_KILLED] + t[sk.T_KILLED + 3])
        return {
            "missiles_launched": round(int(t[sk.T_LAUNCHED]) / n, 4),
            "missiles_arrived": round(arrived / n, 4),
            "missiles_intercepted": round(killed / n, 4),
            "missiles_through": round((arrived - killed) / n, 4),
            "sm3_fired": round(int(t[sk.T_FIRED]) / n, 4),
            "pac3_fired": round(int(t[sk.T_FIRED + 3]) / n, 4),
            "leak_rate": round((arrived - killed) / arrived, 6) if arrived else None,
        }

    defense = bases[0].defense if bases else Defense()
    return {
        "trials": trials,
        "mode": defense.mode,
        "units": defense.to_dict(tuple(b.facility for b in bases))["units"],
        "total": block(tally.sum(axis=(0, 1))),
        "by_base": {b.facility: block(tally[:, i].sum(axis=0)) for i, b in enumerate(bases)},
        "by_salvo": [block(tally[s].sum(axis=0)) for s in range(tally.shape[0])],
    }
