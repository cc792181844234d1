"""`anpo assess --batch` in its plain forms without typer (`anpo.cli.quick_batch`): the same
call of `run_batch`, with the same --quiet, that typer's parse makes for the same words; any
other command line left to typer; the program loads no typer for it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from anpo.cli import quick_batch

PLAIN = [
    ["assess", "--batch", "in.parquet"],
    ["assess", "--batch", "in.csv", "--out", "out.parquet"],
    ["assess", "--out", "o.jsonl", "--batch", "in.parquet", "--strict"],
    ["-q", "assess", "--batch", "in.parquet", "-o", "o.csv", "--bom"],
    ["--quiet", "-q", "assess", "--explain", "--batch", "in.parquet", "--output", "o.parquet"],
    ["assess", "--batch", "in.parquet", "--no-geometry", "--strict", "--explain", "--bom"],
    ["assess", "--geometry", "--batch", "in.parquet"],
]

TYPER_ONLY = [
    [],
    ["--version"],
    ["--help"],
    ["assess"],
    ["assess", "x.json"],
    ["assess", "--batch"],
    ["assess", "--batch", ""],
    ["assess", "--batch", "-"],
    ["assess", "--batch=in.parquet"],
    ["assess", "--batch", "in.parquet", "--out"],
    ["assess", "--batch", "in.parquet", "--out", "--strict"],
    ["assess", "--batch", "in.parquet", "--batch", "other.parquet"],
    ["assess", "--batch", "in.parquet", "-o", "a.parquet", "--out", "b.parquet"],
    ["assess", "--batch", "in.parquet", "--geometry", "--no-geometry"],
    ["assess", "--batch", "in.parquet", "--strict", "--strict"],
    ["assess", "--batch", "in.parquet", "--dask", "local:2"],
    ["assess", "--batch", "in.parquet", "--without", "jp-peace-security-legislation-2015"],
    ["assess", "--batch", "in.parquet", "--in-force", "x=2020-01-01"],
    ["assess", "--batch", "in.parquet", "--format", "json"],
    ["assess", "--batch", "in.parquet", "--help"],
    ["assess", "--batch", "in.parquet", "--"],
    ["assess", "-q", "--batch", "in.parquet"],
    ["where", "--batch", "in.parquet"],
    ["grid", "--batch", "in.parquet"],
]


def _calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any]]:
    """What the run is handed: run_batch's arguments and set_quiet's, in order."""
    from anpo.cli import batch
    from anpo.io import progress

    calls: list[tuple[str, Any]] = []
    monkeypatch.setattr(batch, "run_batch", lambda *a, **k: calls.append(("run_batch", (a, k))))
    # the quick path opens IN itself (reading ahead) and hands the table over; typer's leaves
    # that to run_batch: the same table either way
    monkeypatch.setattr(batch, "start_reading", lambda source: ("table of", source))
    monkeypatch.setattr(progress, "set_quiet", lambda quiet: calls.append(("set_quiet", quiet)))
    return calls


@pytest.mark.parametrize("words", PLAIN, ids=" ".join)
def test_the_plain_forms_make_the_call_typer_makes(words: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from anpo.cli.root import app

    calls = _calls(monkeypatch)
    app(words, prog_name="anpo", standalone_mode=False)
    by_typer = list(calls)
    calls.clear()
    call = quick_batch.parse(words, {})
    assert call is not None
    quick_batch.run(call)
    (args, kwargs) = calls[-1][1]
    assert kwargs.pop("table") == ("table of", args[0])
    assert calls == by_typer
    assert [name for name, _ in calls][-1] == "run_batch"


@pytest.mark.parametrize("words", TYPER_ONLY, ids=" ".join)
def test_any_other_command_line_is_left_to_typer(words: list[str]) -> None:
    assert quick_batch.parse(words, {}) is None


def test_shell_completion_is_left_to_typer() -> None:
    assert quick_batch.parse(PLAIN[0], {"_ANPO_COMPLETE": "bash_complete"}) is None


def test_the_program_runs_a_plain_batch_without_typer(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("date,event,target,lat,lon\n2026-01-15,armed_attack,JPN,24.34,124.16\n", encoding="utf-8")
    probe = ("import atexit, sys\n"
             "import anpo.cli\n"
             "atexit.register(lambda: print('typer loaded:', 'typer' in sys.modules, flush=True))\n"
             "from anpo.cli import main; main()\n")
    out = tmp_path / "out.csv"
    words = ["-q", "assess", "--batch", str(src), "--out", str(out)]
    run = subprocess.run([sys.executable, "-c", probe, *words], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "typer loaded: False"
    assert run.stderr == ""  # --quiet: no summary
    assert "applies" in out.read_text(encoding="utf-8")
    # an error is reported as typer's way reports it: the same message, exit code 2
    bad = subprocess.run([sys.executable, "-c", probe, "assess", "--batch", str(tmp_path / "missing.csv")],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2
    assert bad.stderr.startswith("anpo: error: IN: ") and "no such file" in bad.stderr


@pytest.mark.parametrize(("words", "command"), [
    (["-q", "assess", "--batch", "in.parquet"], "assess"),
    (["grid", "--bbox", "1,2,3,4"], "grid"),
    (["--quiet", "where", "25", "123"], "where"),
    (["--version"], None),
    ([], None),
])
def test_the_start_names_the_command_without_typer(words: list[str], command: str | None) -> None:
    # (a batch command, HEAP_COMMANDS, sets glibc's one arena before its modules load: `anpo.cli.main`)
    from anpo.cli import _command

    assert _command(words) == command
