"""`anpo assess --batch` through the real entry point."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from cli_runner import run_main

GOOD = {"date": "2026-01-15", "event": "armed_attack", "target": "JPN", "lat": 24.34, "lon": 124.16}
BAD = {"date": "2026-01-15", "event": "armed_attack", "target": "JPN", "lat": 24.34}


def run(args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
        ) -> tuple[int, str, str]:
    return run_main(args, capsys, monkeypatch)


def jsonl(path: Path, rows: list[dict[str, object]]) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def test_bad_rows_get_an_error_column(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    src = jsonl(tmp_path / "in.jsonl", [GOOD, BAD, GOOD])
    out = tmp_path / "out.parquet"
    code, stdout, stderr = run(["assess", "--batch", src, "--out", str(out)], monkeypatch, capsys)
    assert code == 0, stderr
    assert "3 rows: 2 good, 1 bad" in stderr
    assert "first bad row 1: lon: lat and lon go together" in stderr
    table = pq.read_table(out)
    assert table.column("error").to_pylist() == [None, "lon: lat and lon go together", None]
    assert table.column("article5").to_pylist() == ["applies", None, "applies"]


def test_strict_exits_2_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    src = jsonl(tmp_path / "in.jsonl", [GOOD, BAD, GOOD])
    out = tmp_path / "out.parquet"
    code, _, stderr = run(["assess", "--batch", src, "--out", str(out), "--strict"], monkeypatch, capsys)
    assert code == 2
    assert "row 1: lon: lat and lon go together" in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_default_out_and_explain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    src = jsonl(tmp_path / "in.jsonl", [GOOD])
    code, _, stderr = run(["assess", "--batch", src, "--explain"], monkeypatch, capsys)
    assert code == 0, stderr
    row = json.loads((tmp_path / "in.assessed.jsonl").read_text(encoding="utf-8"))
    assert row["article5"] == "applies"
    assert any(step["condition"] == "article5" for step in row["explanation"])


def test_files_and_batch_together_or_neither_are_usage_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    src = jsonl(tmp_path / "in.jsonl", [GOOD])
    assert run(["assess", "x.json", "--batch", src], monkeypatch, capsys)[0] == 2
    assert run(["assess"], monkeypatch, capsys)[0] == 2
    code, _, stderr = run(["assess", "--batch", str(tmp_path / "in.txt")], monkeypatch, capsys)
    assert code == 2 and "unknown extension" in stderr
    code, _, stderr = run(["assess", "--batch", src, "--dask", "local:zero"], monkeypatch, capsys)
    assert code == 2 and "local:N" in stderr


@pytest.mark.parametrize("ext", ["csv", "jsonl", "parquet"])
def test_named_pipes_and_directories_are_refused_as_tables(
    ext: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    fifo = tmp_path / f"in.{ext}"
    os.mkfifo(fifo)  # no writer: opening it would block for ever
    code, out, err = run(["assess", "--batch", str(fifo)], monkeypatch, capsys)
    assert code == 2 and "in." in err and "a named pipe (FIFO), not a regular file" in err
    folder = tmp_path / f"dir.{ext}"
    folder.mkdir()
    code, out, err = run(["assess", "--batch", str(folder)], monkeypatch, capsys)
    assert code == 2 and "a directory, not a file" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([fifo.name, folder.name])  # no output


ROWS = 1_500_000  # three chunks: the temporary output exists from the first one on


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_process_leaves_no_half_file(tmp_path: Path, sig: signal.Signals) -> None:
    """A real process interrupted mid-run: no OUT, no temporary file."""
    src = jsonl(tmp_path / "in.jsonl", [GOOD] * ROWS)  # (200,000 rows ended before the signal)
    out = tmp_path / "out.parquet"
    proc = subprocess.Popen(
        [sys.executable, "-c", "from anpo.cli import main; main()", "assess", "--batch", src,
         "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        # a shell's background jobs ignore SIGINT; give the child Python's default handling
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.default_int_handler),
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if any(p.name.endswith(".tmp") for p in tmp_path.iterdir()):
            break
        time.sleep(0.01)
    if proc.poll() is not None:
        pytest.skip("the run finished before it could be interrupted")
    proc.send_signal(sig)
    proc.wait(timeout=120)
    names = sorted(p.name for p in tmp_path.iterdir())
    if names == ["in.jsonl", "out.parquet"]:
        # The signal landed after the temporary file was renamed: the run had finished, and
        # OUT must then be whole (seen on a fast machine: the rename races the signal).
        assert pq.read_metadata(out).num_rows == ROWS
    else:
        assert names == ["in.jsonl"]


def test_repeated_ids_are_a_warning_naming_the_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    rows = [{**GOOD, "id": i} for i in ("a", "b", "a", "c", "b", "a")] + [GOOD, GOOD]  # no id: not counted
    src = jsonl(tmp_path / "in.jsonl", rows)
    code, _, stderr = run(["--quiet", "assess", "--batch", src], monkeypatch, capsys)
    assert code == 0, stderr
    assert "anpo: warning: " in stderr and "in.jsonl" in stderr  # shown under --quiet too
    assert ("ids given more than once: 3 rows repeat an earlier row's id "
            "(first: 'a' at row 2, 'b' at row 4, 'a' at row 5)") in stderr
    assert len((tmp_path / "in.assessed.jsonl").read_text(encoding="utf-8").splitlines()) == 8
    code, _, stderr = run(["assess", "--batch", jsonl(tmp_path / "unique.jsonl", rows[:2] + rows[3:4])],
                          monkeypatch, capsys)
    assert code == 0 and "warning" not in stderr


def test_repeated_ids_with_strict_stop_at_the_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    src = jsonl(tmp_path / "in.jsonl", [{**GOOD, "id": i} for i in ("a", "b", "b")])
    code, _, stderr = run(["assess", "--batch", src, "--strict"], monkeypatch, capsys)
    assert code == 2 and "row 2: id: 'b' given again" in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_repeats_are_found_across_chunks(tmp_path: Path) -> None:
    from anpo.io.batch import assess_table

    ids = [f"id-{i}" for i in range(40)] + ["id-3", "id-39", "x\x1b]52;c;"] * 2
    src = jsonl(tmp_path / "in.jsonl", [{**GOOD, "id": i} for i in ids])
    summary = assess_table(src, tmp_path / "out.csv", chunk_rows=7)  # 7 chunks
    assert summary.repeated_ids is not None
    assert summary.repeated_ids == (
        "ids given more than once: 5 rows repeat an earlier row's id (first: 'id-3' at row 40, "
        "'id-39' at row 41, 'id-3' at row 43, 'id-39' at row 44, 'x\\x1b]52;c;' at row 45)")
    assert "\x1b" not in summary.repeated_ids  # control characters escaped for the terminal
