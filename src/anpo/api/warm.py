"""Maps computed before anyone asks: at server start, a background thread loads what one
scenario's assessment needs, draws today's
administration map (the dashboard's first view; ANPO_WARM_MAPS=today, the default). With
ANPO_WARM_MAPS=all it goes on to every other period between changes, newest first. Drawn
maps are kept on disk (`report.coverage_cache`) and `make install` draws every period, so
after an install this thread reads files instead of drawing; without that cache a period
takes one to three seconds of one core the first time, about 40 periods in all (measured in
docs/dashboard.md); `none` turns warming off. After today's map the thread freezes the heap
for the garbage collector (`gc.freeze`). The thread is a daemon: it never holds a server up."""

from __future__ import annotations

import datetime as dt
import gc
import logging
import os
import threading

log = logging.getLogger(__name__)
MODES = ("all", "today", "none")


def warm_mode() -> str:
    mode = os.environ.get("ANPO_WARM_MAPS", "today").strip().lower() or "today"
    if mode not in MODES:
        raise ValueError(f"ANPO_WARM_MAPS: {mode!r} is not one of {', '.join(MODES)}")
    return mode


def _warm_scenarios() -> list[dict[str, object]]:
    """Points over the region and the world, on its coasts and around its internal waters:
    in each group more than the geography decides without its built structures
    (`anpo.geo.resolver.FEW_EXACT`)."""
    from anpo.geo.index import geo_index

    gi = geo_index()
    points: list[tuple[float, float]] = [
        (lat, lon) for lat in range(20, 48, 3) for lon in range(120, 156, 4)]
    points += [(lat, lon) for lat in range(-60, 80, 20) for lon in range(-180, 180, 40)]
    step = max(1, len(gi.coast_lat) // 48)
    points += [(float(lat), float(lon)) for lat, lon in zip(gi.coast_lat[::step], gi.coast_lon[::step],
                                                           strict=True)]
    west, south, east, north = (float(v) for v in gi.internal_waters_bounds)
    if west < east:
        points += [(south + (north - south) * i / 7, west + (east - west) * j / 7)
                   for i in range(8) for j in range(8)]
    return [{"id": f"warm{i}", "date": "2026-01-15", "event": "armed_attack", "target": "JPN",
             "lat": lat, "lon": lon, "us_action": "combat_operations_from_japan"}
            for i, (lat, lon) in enumerate(dict.fromkeys(points))]


def _warm_assessment() -> None:
    """Build what single scenarios' answers need (the geography index, its coast tree and
    prepared polygons, the world's countries, the law) before the first request: a server
    would otherwise build each (up to a second) while a request waits, once its few exact
    points decided without them (`anpo.geo.resolver.NUMPY_BUDGET`) are spent."""
    from anpo.api.one_answer import LegalParts, answer_many

    for explain in (True, False):
        answer_many(_warm_scenarios(), explain, LegalParts())  # its own parts: another thread


def _freeze_heap() -> None:
    """Everything loaded so far (modules, the geography, the law, the map) is kept for the
    server's life: moved out of the collector's generations, a full collection no longer
    walks it (with it, one took tens of milliseconds on the event loop's thread)."""
    gc.collect()
    gc.freeze()


def _warm(mode: str, stop: threading.Event) -> None:
    from anpo.report.coverage import coverage, periods

    try:
        _warm_assessment()
    except Exception:  # the first request that needs it builds it, or fails with its error
        log.exception("warming the assessment path stopped")
    try:
        coverage(dt.date.today().isoformat())
    except Exception:  # a map that fails here fails again, with its error, when it is asked for
        log.exception("warming the administration maps stopped")
        return
    finally:
        _freeze_heap()
    if mode != "all":
        return
    try:
        for period in periods():
            if stop.is_set():
                return
            coverage(period)
    except Exception:  # a map that fails here fails again, with its error, when it is asked for
        log.exception("warming the administration maps stopped")


def start_warming(stop: threading.Event) -> threading.Thread | None:
    """Start the background thread (None when ANPO_WARM_MAPS=none)."""
    mode = warm_mode()
    if mode == "none":
        return None
    thread = threading.Thread(target=_warm, args=(mode, stop), daemon=True, name="anpo-warm-maps")
    thread.start()
    return thread
