"""The run store: simulation runs and saved assessments, each state change one transaction.

    store = Store.open()               # $ANPO_DATABASE_URL or the default SQLite file; migrates
    server = store.register_server()   # marks runs of dead servers `interrupted`
    run = store.create_run(scenario, parameters, trials=10_000, seed=7)
    store.start_run(run["id"]); store.set_progress(run["id"], 0.5)
    store.finish_run(run["id"], summaries, receipt)

A transition only applies from the states it names (a run marked `interrupted` is never
flipped back to `done` by a late writer). Runs belong to the server that started them; a
server is dead when it is on this host and its process is gone, or when its heartbeat is
older than `STALE_AFTER`.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import sessionmaker

from anpo.core.files import pid_alive
from anpo.store.engine import make_engine, migrate
from anpo.store.location import database_url, make_private
from anpo.store.tables import AssessmentRecord, RunRecord, ServerRecord

STALE_AFTER = dt.timedelta(seconds=60)
LIVE = ("queued", "running")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(t: dt.datetime | None) -> str | None:
    if t is None:
        return None
    if t.tzinfo is None:  # SQLite hands back naive datetimes: they were stored in UTC
        t = t.replace(tzinfo=dt.UTC)
    return t.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _aware(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=dt.UTC)


def run_dict(r: RunRecord) -> dict[str, Any]:
    return {
        "id": r.id,
        "kind": r.kind,
        "status": r.status,
        "progress": r.progress,
        "scenario": r.scenario,
        "parameters": r.parameters,
        "trials": r.trials,
        "seed": r.seed,
        "summaries": r.summaries,
        "receipt": r.receipt,
        "error": r.error,
        "created_at": _iso(r.created_at),
        "updated_at": _iso(r.updated_at),
        "finished_at": _iso(r.finished_at),
    }


class Store:
    """A handle on one database; safe to share between threads."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.server_id: str | None = None

    @classmethod
    def open(cls, url: str | None = None, *, migrate_schema: bool = True) -> Store:
        chosen = database_url(url)
        make_private(chosen)
        store = cls(make_engine(chosen))
        if migrate_schema:
            migrate(store.engine)
        return store

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    def _tx(self) -> Any:
        return self._sessions.begin()

    # servers ------------------------------------------------------------------------------

    def register_server(self) -> str:
        """Record this process as a server and mark the runs of dead servers interrupted."""
        now = utcnow()
        sid = str(uuid.uuid4())
        with self._tx() as s:
            s.add(ServerRecord(id=sid, hostname=socket.gethostname(), pid=os.getpid(),
                               started_at=now, heartbeat_at=now))
        self.server_id = sid
        self.recover()
        return sid

    def heartbeat(self) -> None:
        if self.server_id is None:
            return
        with self._tx() as s:
            s.execute(update(ServerRecord).where(ServerRecord.id == self.server_id)
                      .values(heartbeat_at=utcnow()))

    def dead_servers(self, now: dt.datetime | None = None) -> list[str]:
        now = now or utcnow()
        host = socket.gethostname()
        with self._sessions() as s:
            rows = s.execute(select(ServerRecord)).scalars().all()
        dead = []
        for r in rows:
            if r.id == self.server_id:
                continue
            gone = r.hostname == host and not pid_alive(r.pid)
            if gone or now - _aware(r.heartbeat_at) > STALE_AFTER:
                dead.append(r.id)
        return dead

    def recover(self, now: dt.datetime | None = None) -> int:
        """Mark live runs of dead servers (or of no server) interrupted; returns how many."""
        dead = self.dead_servers(now)
        now = now or utcnow()
        with self._tx() as s:
            orphan = RunRecord.server_id.is_(None) | RunRecord.server_id.in_(dead)
            res = s.execute(
                update(RunRecord).where(RunRecord.status.in_(LIVE), orphan)
                .values(status="interrupted", updated_at=now, finished_at=now,
                        error="the server running it stopped before it finished")
            )
            if dead:
                s.execute(delete(ServerRecord).where(ServerRecord.id.in_(dead)))
        return int(getattr(res, "rowcount", 0) or 0)

    def unregister_server(self) -> None:
        """A clean shutdown: this server's live runs are interrupted, its record removed."""
        if self.server_id is None:
            return
        now = utcnow()
        with self._tx() as s:
            s.execute(
                update(RunRecord).where(RunRecord.status.in_(LIVE), RunRecord.server_id == self.server_id)
                .values(status="interrupted", updated_at=now, finished_at=now,
                        error="the server stopped before the run finished")
            )
            s.execute(delete(ServerRecord).where(ServerRecord.id == self.server_id))
        self.server_id = None

    # runs ---------------------------------------------------------------------------------

    def create_run(
        self, scenario: dict[str, Any], parameters: dict[str, Any], *, trials: int, seed: int,
        kind: str = "simulation",
    ) -> dict[str, Any]:
        now = utcnow()
        rec = RunRecord(
            id=str(uuid.uuid4()), kind=kind, status="queued", progress=0.0, scenario=scenario,
            parameters=parameters, trials=trials, seed=seed, server_id=self.server_id,
            created_at=now, updated_at=now,
        )
        with self._tx() as s:
            s.add(rec)
        return run_dict(rec)

    def _transition(self, run_id: str, allowed: Iterable[str], **values: Any) -> bool:
        values.setdefault("updated_at", utcnow())
        with self._tx() as s:
            res = s.execute(
                update(RunRecord).where(RunRecord.id == run_id, RunRecord.status.in_(tuple(allowed)))
                .values(**values)
            )
        return bool(getattr(res, "rowcount", 0))

    def start_run(self, run_id: str) -> bool:
        return self._transition(run_id, ("queued",), status="running")

    def set_progress(self, run_id: str, progress: float) -> bool:
        return self._transition(run_id, ("running",), progress=max(0.0, min(1.0, progress)))

    def finish_run(self, run_id: str, summaries: dict[str, Any], receipt: dict[str, Any] | None) -> bool:
        now = utcnow()
        return self._transition(run_id, LIVE, status="done", progress=1.0, summaries=summaries,
                                receipt=receipt, updated_at=now, finished_at=now)

    def fail_run(self, run_id: str, error: str) -> bool:
        now = utcnow()
        return self._transition(run_id, LIVE, status="failed", error=error[:2000],
                                updated_at=now, finished_at=now)

    def cancel_run(self, run_id: str) -> bool:
        """Mark a queued or running run `cancelled` (its worker stops at its next progress
        report, whichever server runs it); False when it had already ended."""
        now = utcnow()
        return self._transition(run_id, LIVE, status="cancelled", error="cancelled on request",
                                updated_at=now, finished_at=now)

    def run_status(self, run_id: str) -> str | None:
        with self._sessions() as s:
            return s.execute(select(RunRecord.status).where(RunRecord.id == run_id)).scalar_one_or_none()

    def prune(self, *, max_runs: int | None = None, max_assessments: int | None = None,
              older_than: dt.timedelta | None = None, now: dt.datetime | None = None) -> int:
        """Retention: delete ended runs and saved assessments older than `older_than`, then the
        oldest beyond the quotas (live runs are never deleted). Returns how many went."""
        now = now or utcnow()
        gone = 0
        ended = RunRecord.status.not_in(LIVE)
        with self._tx() as s:
            if older_than is not None:
                cut = now - older_than
                res = s.execute(delete(RunRecord).where(ended, RunRecord.created_at < cut))
                gone += int(getattr(res, "rowcount", 0) or 0)
                res = s.execute(delete(AssessmentRecord).where(AssessmentRecord.created_at < cut))
                gone += int(getattr(res, "rowcount", 0) or 0)
            if max_runs is not None:
                keep = (select(RunRecord.id).where(ended).order_by(RunRecord.created_at.desc(), RunRecord.id)
                        .limit(max_runs).scalar_subquery())
                res = s.execute(delete(RunRecord).where(ended, RunRecord.id.not_in(keep)))
                gone += int(getattr(res, "rowcount", 0) or 0)
            if max_assessments is not None:
                keep = (select(AssessmentRecord.id)
                        .order_by(AssessmentRecord.created_at.desc(), AssessmentRecord.id)
                        .limit(max_assessments).scalar_subquery())
                res = s.execute(delete(AssessmentRecord).where(AssessmentRecord.id.not_in(keep)))
                gone += int(getattr(res, "rowcount", 0) or 0)
        return gone

    def get_run(self, run_id: str) -> dict[str, Any] | None:
        with self._sessions() as s:
            rec = s.get(RunRecord, run_id)
            return None if rec is None else run_dict(rec)

    def list_runs(
        self, *, limit: int = 50, offset: int = 0, status: str | None = None
    ) -> tuple[list[dict[str, Any]], int]:
        """Runs newest first (without their summaries), and the total count."""
        q = select(RunRecord)
        c = select(func.count()).select_from(RunRecord)
        if status is not None:
            q = q.where(RunRecord.status == status)
            c = c.where(RunRecord.status == status)
        q = q.order_by(RunRecord.created_at.desc(), RunRecord.id).limit(limit).offset(offset)
        with self._sessions() as s:
            rows = [run_dict(r) for r in s.execute(q).scalars()]
            total = int(s.execute(c).scalar_one())
        for r in rows:
            r.pop("summaries")
        return rows, total

    # assessments --------------------------------------------------------------------------

    def save_assessment(self, scenario: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
        rec = AssessmentRecord(
            id=str(uuid.uuid4()), scenario=scenario, result=result,
            receipt=result.get("receipt", {}), created_at=utcnow(),
        )
        with self._tx() as s:
            s.add(rec)
        return self._assessment_dict(rec)

    @staticmethod
    def _assessment_dict(rec: AssessmentRecord) -> dict[str, Any]:
        return {"id": rec.id, "scenario": rec.scenario, "result": rec.result,
                "receipt": rec.receipt, "created_at": _iso(rec.created_at)}

    def get_assessment(self, assessment_id: str) -> dict[str, Any] | None:
        with self._sessions() as s:
            rec = s.get(AssessmentRecord, assessment_id)
            return None if rec is None else self._assessment_dict(rec)


__all__ = ["Store", "run_dict"]
