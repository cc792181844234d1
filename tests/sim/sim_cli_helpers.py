"""Helpers the simulation tests share: the CLI run in process, and a scenario moved in time."""

from __future__ import annotations

import copy
import sys
from typing import Any

import pytest


def run_anpo(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    """`anpo ARGV` in this process: exit code, stdout, stderr."""
    from anpo.cli import main

    monkeypatch.setattr(sys, "argv", ["anpo", *argv])
    try:
        main()
        code = 0
    except SystemExit as ex:
        code = int(ex.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def on_date(raw: dict[str, Any], date: str) -> dict[str, Any]:
    """A copy of a simulation input with its scenario on another date."""
    raw = copy.deepcopy(raw)
    raw["scenario"]["date"] = date
    return raw
