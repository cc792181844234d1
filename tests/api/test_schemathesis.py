"""Schemathesis against the OpenAPI schema: no 5xx, no schema-violating request accepted."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from anpo.api.app import create_app
from anpo.api.settings import Settings
from anpo.store import Store

from .fakes import FakeRunner

_DB = Path(tempfile.mkdtemp(prefix="anpo-schemathesis-")) / "st.db"
# schemathesis calls the app as Host "testserver"
_app = create_app(Settings(allowed_hosts=("testserver",)), store=Store.open(f"sqlite:///{_DB}"),
                  runner=FakeRunner())
schema = schemathesis.openapi.from_asgi("/openapi.json", _app)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms(case: schemathesis.Case) -> None:
    # Every check but "schema-valid data is accepted": the library also rejects what a schema
    # cannot state (2026-02-30, a date outside 1945..2100, lat without lon, unknown ISO-3 codes).
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
