"""Run the real `anpo` entry point (anpo.cli.main) in process, as a user's shell would."""

from __future__ import annotations

import io
import sys

import pytest


def run_main(
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    stdin: str | None = None,
) -> tuple[int, str, str]:
    """Run `anpo ARGV`; returns (exit code, stdout, stderr)."""
    from anpo.cli import main

    monkeypatch.setattr(sys, "argv", ["anpo", *argv])
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = 0
    try:
        main()
    except SystemExit as ex:
        code = int(ex.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err
