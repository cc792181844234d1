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


# One scenario with coast distances and one without: what a first `POST /v1/assess` would load.
WARM_SCENARIO = {"id": "warm", "date": "2026-01-15", "event": "armed_attack", "target": "JPN",
                 "lat": 25.743, "lon": 123.473, "us_action": "combat_operations_from_japan"}


def _warm_assessment() -> None:
    """Load what one scenario's answer needs (the geography index and its coast tree, the
    law) before the first request, which would otherwise wait for it."""
    from anpo.api.one_answer import LegalParts, answer_many

    for explain in (True, False):
        answer_many([WARM_SCENARIO], explain, LegalParts())  # its own parts: another thread


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
        coverage(dt.date.today().isoformat())
        _freeze_heap()
        if mode != "all":
            return
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
