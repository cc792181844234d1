"""Simulation runs in the server: queued in the store, executed on a worker thread.

A `Runner` is the simulation library seen from here: `validate(spec)` (InputError -> 422
before anything is stored) and `run(spec, trials=, seed=, progress=) -> (summaries, receipt)`.
`spec` is a simulation input exactly as `anpo simulate` reads it (`scenario`,
`fait_accompli_h`, `strikes`, `parameters`). `sim_runner()` adapts `anpo.sim`; without it
the API answers 503 for new simulations.

Work is bounded: a run's work (`Runner.work`: trials x (1 + struck bases x salvos x
missiles a base)) over the server's budget is refused at submission (422 naming the
budget); live runs are bounded per server and per client (QueueFull -> 429 with
Retry-After); a run is stopped at its next progress report when it is cancelled (by any
server: the store says so) or has run past its time limit.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from anpo.core.errors import InputError
from anpo.store import Store

log = logging.getLogger("anpo.api")


class QueueFull(Exception):
    """Too many live runs (on this server, or of this client); retry later."""

    def __init__(self, reason: str, retry_after_s: int) -> None:
        super().__init__(reason)
        self.retry_after_s = retry_after_s


class Stopped(Exception):
    """Raised inside a run's progress report: the run was cancelled or ran out of time."""


class Runner(Protocol):
    """The simulation library seen from the API."""

    def validate(self, spec: dict[str, Any]) -> None:
        """Raise InputError (-> 422) for a simulation input the library rejects."""

    def work(self, spec: dict[str, Any], trials: int) -> int:
        """The run's work units: trials x (1 + struck bases x salvos x missiles a base)."""
        ...

    def run(
        self, spec: dict[str, Any], *, trials: int, seed: int, progress: Callable[[float], None]
    ) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """Run it; returns (summaries, receipt)."""
        ...


class SimRunner:
    """`anpo.sim`: a simulation input file as a dict, run chunk by chunk with progress."""

    PROGRESS_STEPS = 100

    def __init__(self) -> None:
        self.sim = importlib.import_module("anpo.sim")

    def validate(self, spec: dict[str, Any]) -> None:
        self.sim.parse_sim_scenario(spec)

    # A trial of an own model (evacuation, blockade, disaster: numpy, one trial at a time
    # where the crisis kernels run thousands) costs about what this many crisis trials do:
    # 100,000 evacuation trials take 5.9 s of a core, the crisis timeline 1,000,000 about 0.2 s.
    OWN_MODEL_TRIAL_WORK = 300

    def work(self, spec: dict[str, Any], trials: int) -> int:
        from anpo.sim import own_model

        parsed = self.sim.parse_sim_scenario(spec)
        if own_model.kind(parsed) is not None:
            return int(trials) * self.OWN_MODEL_TRIAL_WORK
        params = self.sim.load_parameters().with_overrides(parsed.parameters)
        bases = len(parsed.strike_bases or ())
        strikes = bases * int(params["strike.salvos"]) * int(params["strike.missiles_per_base"])
        return int(trials) * (1 + strikes)

    def run(
        self, spec: dict[str, Any], *, trials: int, seed: int, progress: Callable[[float], None]
    ) -> tuple[dict[str, Any], dict[str, Any] | None]:
        from anpo.sim import own_model

        parsed = self.sim.parse_sim_scenario(spec)
        if own_model.kind(parsed) is not None:  # one call, no chunks: progress 0 until it ends
            return own_model.run_own_model(parsed, trials, seed), None
        chunk = max(1, -(-trials // self.PROGRESS_STEPS))  # results do not depend on the chunk size
        # Chunks one after another in this thread (the sink path): a progress report after
        # each, and a Stopped raised there ends the run before the next chunk starts.
        summary = self.sim.run_simulation(
            parsed, self.sim.load_parameters(), trials=trials, seed=seed, chunk=chunk,
            progress=lambda done, total: progress(done / total), sink=lambda _start, _chunk: None,
        )
        out: dict[str, Any] = summary.to_dict()
        return out, out.pop("receipt", None)


def sim_runner() -> Runner | None:
    """The simulation library, when this build has it."""
    if importlib.util.find_spec("anpo.sim") is None:
        return None
    runner = SimRunner()
    if not hasattr(runner.sim, "run_simulation") or not hasattr(runner.sim, "parse_sim_scenario"):
        return None
    return runner


class RunManager:
    """Creates runs in the store and executes them, recording each state change."""

    def __init__(self, store: Store, runner: Runner | None, workers: int = 1, *,
                 max_work: int | None = None, max_seconds: float | None = None,
                 max_queued: int | None = None, max_per_client: int | None = None) -> None:
        self.store = store
        self.runner = runner
        self.workers = workers
        self.max_work = max_work
        self.max_seconds = max_seconds
        self.max_queued = max_queued
        self.max_per_client = max_per_client
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._live: dict[str, str] = {}  # run id -> client, for the runs this server holds

    @property
    def available(self) -> bool:
        return self.runner is not None

    def check_budget(self, spec: dict[str, Any], trials: int) -> None:
        """InputError (-> 422) when a run needs more work than this server's budget."""
        if self.runner is None or self.max_work is None or not hasattr(self.runner, "work"):
            return
        work = self.runner.work(spec, trials)
        if work > self.max_work:
            raise InputError(
                "trials", f"this run needs {work:,} work units (trials x (1 + struck bases x salvos x "
                f"missiles a base), or trials x {SimRunner.OWN_MODEL_TRIAL_WORK} for a disaster, "
                f"evacuation or blockade), over this server's budget of {self.max_work:,} a run "
                "(ANPO_MAX_RUN_WORK); fewer trials, bases, salvos or missiles fit")

    def _admit(self, client: str) -> None:
        live = list(self._live.values())
        retry = 5 + 5 * len(live)
        if self.max_queued is not None and len(live) >= self.max_queued:
            raise QueueFull(f"this server already holds {len(live)} live runs (at most {self.max_queued})",
                            retry)
        mine = live.count(client)
        if self.max_per_client is not None and mine >= self.max_per_client:
            raise QueueFull(f"you already have {mine} live runs (at most {self.max_per_client} a client)",
                            retry)

    def submit(self, spec: dict[str, Any], *, trials: int, seed: int, client: str = "") -> dict[str, Any]:
        """Validate (InputError on a bad input or an over-budget run), admit (QueueFull when
        the queue is full), record the run as queued, then run it."""
        if self.runner is None:
            raise RuntimeError("no simulation runner")
        self.runner.validate(spec)
        self.check_budget(spec, trials)
        with self._lock:
            self._admit(client)
            run = self.store.create_run(spec, dict(spec.get("parameters", {})), trials=trials, seed=seed)
            self._live[run["id"]] = client
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="anpo-run")
        self._pool.submit(self._execute, run["id"], spec, trials, seed)
        return run

    def cancel(self, run_id: str) -> bool:
        """Cancel a queued or running run (it stops at its next progress report)."""
        return self.store.cancel_run(run_id)

    def _execute(self, run_id: str, spec: dict[str, Any], trials: int, seed: int) -> None:
        try:
            self._run(run_id, spec, trials, seed)
        finally:
            with self._lock:
                self._live.pop(run_id, None)

    def _run(self, run_id: str, spec: dict[str, Any], trials: int, seed: int) -> None:
        runner = self.runner
        if runner is None or not self.store.start_run(run_id):
            return
        deadline = None if self.max_seconds is None else time.monotonic() + self.max_seconds

        def progress(fraction: float) -> None:
            if not self.store.set_progress(run_id, fraction):
                raise Stopped("the run is no longer running (cancelled or interrupted)")
            if deadline is not None and time.monotonic() > deadline and fraction < 1.0:
                raise Stopped(f"the run took longer than {self.max_seconds:g} s (ANPO_MAX_RUN_SECONDS)")

        try:
            summaries, receipt = runner.run(spec, trials=trials, seed=seed, progress=progress)
        except Stopped as err:
            self.store.fail_run(run_id, str(err))  # a no-op when it was cancelled
            return
        except Exception as err:  # the run fails; the server goes on
            log.exception("run %s failed", run_id)
            self.store.fail_run(run_id, f"{type(err).__name__}: {err}")
            return
        self.store.finish_run(run_id, summaries, receipt)

    def shutdown(self) -> None:
        """Stop taking runs; queued ones are dropped (the store marks them interrupted)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
