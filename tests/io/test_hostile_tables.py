"""Hostile tables (issue 20): one bad JSON line is one bad row; repeated columns are named."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from anpo.core.errors import InputError
from anpo.io.scenario_columns import scenario_columns
from anpo.io.tables import open_table

GOOD = {"date": "2026-01-01", "event": "none"}


def _rows(path: Path) -> tuple[list[int], list[str]]:
    errors: list[int] = []
    messages: list[str] = []
    for chunk in open_table(path).batches():
        cols = scenario_columns(chunk)
        errors.extend(-1 if e < 0 else len(messages) + int(e) for e in cols.error)
        messages.extend(cols.messages)
    return errors, messages


def test_each_hostile_jsonl_line_is_one_bad_row(tmp_path: Path) -> None:
    lines = [
        json.dumps(GOOD),
        '{"date": "2026-01-01", "event": "none", "lat": ' + "9" * 5000 + ', "lon": 1}',
        "[" * 100_000 + "]" * 100_000,
        '{"date": "2026-01-01", "event": "none", "lat": NaN, "lon": 1}',
        '{"date": "2026-01-01", "event": "none", "lat": 1e999, "lon": 1}',
        '{"date": "2026-01-01", "event": "none", "id": "\\ud800"}',
        '{"date": "2026-01-01", "event": "none", "id": ' + "[" * 500 + "]" * 500 + "}",
        json.dumps(GOOD),
    ]
    p = tmp_path / "in.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    errors, messages = _rows(p)
    assert len(errors) == 8 and errors[0] == -1 and errors[-1] == -1
    assert all(e >= 0 for e in errors[1:-1])
    text = " | ".join(messages)
    assert "line 2" in text and "line 3: malformed JSON: nested too deeply" in text
    assert "finite" in text and "id: invalid Unicode" in text


def test_a_bom_is_accepted_in_jsonl_as_in_csv(tmp_path: Path) -> None:
    p = tmp_path / "bom.jsonl"
    p.write_bytes(b"\xef\xbb\xbf" + json.dumps(GOOD).encode() + b"\n")
    assert _rows(p)[0] == [-1]


def test_repeated_columns_are_file_errors(tmp_path: Path) -> None:
    csv = tmp_path / "dup.csv"
    csv.write_text("date,event,date\n2026-01-01,none,2026-01-01\n", encoding="utf-8")
    with pytest.raises(InputError, match="'date' appears more than once"):
        _rows(csv)
    table = pa.table([pa.array(["2026-01-01"]), pa.array(["none"]), pa.array(["none"])],
                     names=["date", "event", "event"])
    pq.write_table(table, tmp_path / "dup.parquet")
    with pytest.raises(InputError, match="'event' appears more than once"):
        _rows(tmp_path / "dup.parquet")
