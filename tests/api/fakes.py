"""A fake simulation runner: the API's run machinery without anpo.sim."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from anpo.core.errors import InputError


class FakeRunner:
    """Records calls; `gate` lets a test hold a run in `running`."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.gate: threading.Event | None = None
        self.calls: list[dict[str, Any]] = []

    def validate(self, spec: dict[str, Any]) -> None:
        if spec["scenario"].get("lat") is None:
            raise InputError("scenario.lat", "the simulation needs the event's location")

    def work(self, spec: dict[str, Any], trials: int) -> int:
        return trials * (1 + len(spec.get("strikes", {}).get("bases", [])) * 1000)

    def run(
        self, spec: dict[str, Any], *, trials: int, seed: int, progress: Callable[[float], None]
    ) -> tuple[dict[str, Any], dict[str, Any] | None]:
        self.calls.append({"spec": spec, "trials": trials, "seed": seed})
        progress(0.5)
        if self.gate is not None:
            self.gate.wait(10)
        if self.fail:
            raise RuntimeError("boom")
        return {"metrics_h": {"first_response_h": {"mean": 1.0}}, "trials": trials}, {"input_sha256": "x"}
