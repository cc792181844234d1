"""Alembic environment: always called with a connection by `anpo.store.engine.migrate`."""

from __future__ import annotations

from alembic import context

from anpo.store.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through anpo.store.engine.migrate(engine)")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
