"""Simulation runs in the server: queued in the store, executed on a worker thread.

A `Runner` is the simulation library seen from here: `validate(spec)` (InputError -> 422
before anything is stored) and `run(spec, trials=, seed=, progress=) -> (summaries, receipt)`.
`spec` is a simulation input exactly as `anpo simulate` reads it (`scenario`,
`fait_accompli_h`, `strikes`, `parameters`). `sim_runner()` adapts `anpo.sim`; without it
the API answers 503 for new simulations.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from anpo.store import Store

log = logging.getLogger("anpo.api")


class Runner(Protocol):
    """The simulation library seen from the API."""

    def validate(self, spec: dict[str, Any]) -> None:
        """Raise InputError (-> 422) for a simulation input the library rejects."""

    def run(
        self, spec: dict[str, Any], *, trials: int, seed: int, progress: Callable[[float], None]
    ) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """Run it; returns (summaries, receipt)."""
        ...


class SimRunner:
    """`anpo.sim`: a simulation input file as a dict, run chunk by chunk with progress."""

    PROGRESS_STEPS = 20

    def __init__(self) -> None:
        self.sim = importlib.import_module("anpo.sim")

    def validate(self, spec: dict[str, Any]) -> None:
        self.sim.parse_sim_scenario(spec)

    def run(
        self, spec: dict[str, Any], *, trials: int, seed: int, progress: Callable[[float], None]
    ) -> tuple[dict[str, Any], dict[str, Any] | None]:
        parsed = self.sim.parse_sim_scenario(spec)
        chunk = max(1, -(-trials // self.PROGRESS_STEPS))  # results do not depend on the chunk size
        summary = self.sim.run_simulation(
            parsed, self.sim.load_parameters(), trials=trials, seed=seed, chunk=chunk,
            progress=lambda done, total: progress(done / total),
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

    def __init__(self, store: Store, runner: Runner | None, workers: int = 1) -> None:
        self.store = store
        self.runner = runner
        self.workers = workers
        self._pool: ThreadPoolExecutor | None = None

    @property
    def available(self) -> bool:
        return self.runner is not None

    def submit(self, spec: dict[str, Any], *, trials: int, seed: int) -> dict[str, Any]:
        """Validate (InputError on a bad input), record the run as queued, then run it."""
        if self.runner is None:
            raise RuntimeError("no simulation runner")
        self.runner.validate(spec)
        run = self.store.create_run(spec, dict(spec.get("parameters", {})), trials=trials, seed=seed)
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="anpo-run")
        self._pool.submit(self._execute, run["id"], spec, trials, seed)
        return run

    def _execute(self, run_id: str, spec: dict[str, Any], trials: int, seed: int) -> None:
        runner = self.runner
        if runner is None or not self.store.start_run(run_id):
            return
        def progress(fraction: float) -> None:
            self.store.set_progress(run_id, fraction)

        try:
            summaries, receipt = runner.run(spec, trials=trials, seed=seed, progress=progress)
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
