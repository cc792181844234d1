"""Column validation of batch input says what the single-scenario parser says, row by row."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from anpo.core.errors import InputError
from anpo.core.scenario import parse_scenario
from anpo.io.scenario_columns import from_arrow, from_json_rows
from anpo.io.tables import JsonRows
from anpo.law.treaty import check_termination_notice

GOOD: dict[str, Any] = {"date": "2026-01-15", "event": "armed_attack", "target": "JPN", "lat": 25.74,
                        "lon": 123.47, "us_action": "none"}

# Each row breaks one rule (or two: the parser's order decides which is reported).
BAD_ROWS: list[dict[str, Any]] = [
    {**GOOD, "date": None},
    {**GOOD, "event": None},
    {**GOOD, "date": "2026-02-30"},
    {**GOOD, "date": "15/01/2026"},
    {**GOOD, "date": "1900-01-01"},
    {**GOOD, "event": "invasion"},
    {**GOOD, "target": None},
    {**GOOD, "target": "XXX"},
    {**GOOD, "event": "none", "target": "ZZZ"},
    {**GOOD, "lat": None},
    {**GOOD, "lon": None},
    {**GOOD, "lat": None, "lon": None},
    {**GOOD, "lat": 91.0},
    {**GOOD, "lon": -181.5},
    {**GOOD, "lat": 95.0, "lon": None},
    {**GOOD, "us_action": "nuke"},
    {**GOOD, "event": "invasion", "date": "2026-13-01"},
    {**GOOD, "target": None, "lat": 99.0},
    {**GOOD, "assume.termination_notice": "1965-01-01"},
    {**GOOD, "assume.termination_notice": "soon"},
]


def scalar_error(row: dict[str, Any]) -> str | None:
    """What parse_scenario (and the termination check) say about a flat row."""
    nested: dict[str, Any] = {}
    assume: dict[str, Any] = {}
    for k, v in row.items():
        if v is None:
            continue
        if k.startswith("assume."):
            assume[k.split(".", 1)[1]] = v
        else:
            nested[k] = v
    if assume:
        nested["assume"] = assume
    try:
        s = parse_scenario(nested)
        check_termination_notice(s.assume.termination_notice)
    except InputError as err:
        return f"{err.field}: {err.reason}"
    return None


COLUMNS = ["date", "event", "target", "lat", "lon", "us_action", "assume.termination_notice"]
TYPES = {"lat": pa.float64(), "lon": pa.float64()}


def arrow_batch(rows: list[dict[str, Any]]) -> pa.RecordBatch:
    return pa.record_batch({c: pa.array([r.get(c) for r in rows], TYPES.get(c, pa.string()))
                            for c in COLUMNS})


def errors_of(cols: Any) -> list[str | None]:
    return [None if e < 0 else cols.messages[e] for e in cols.error.tolist()]


def test_arrow_rows_get_the_scalar_parsers_messages() -> None:
    rows = [GOOD, *BAD_ROWS, GOOD]
    got = errors_of(from_arrow(arrow_batch(rows)))
    want = [scalar_error(r) for r in rows]
    assert want[0] is None and all(w is not None for w in want[1:-1])
    assert got == want


def test_dictionary_and_date_columns_validate_the_same() -> None:
    rows = [GOOD, {**GOOD, "event": "invasion"}, {**GOOD, "date": "1900-01-01"}]
    batch = arrow_batch(rows)
    arrays = {n: batch.column(n) for n in COLUMNS}
    arrays["event"] = arrays["event"].dictionary_encode()
    arrays["date"] = pa.array([__import__("datetime").date.fromisoformat(r["date"]) for r in rows])
    got = errors_of(from_arrow(pa.record_batch(arrays)))
    assert got == [scalar_error(r) for r in rows]


def test_csv_text_numbers_and_booleans() -> None:
    batch = pa.record_batch({
        "date": ["2026-01-15"] * 4, "event": ["armed_attack"] * 4, "target": ["JPN"] * 4,
        "lat": ["25.74", "north", "25.74", "25.74"], "lon": ["123.47"] * 4,
        "assume.armed_attack_judged": ["true", None, "yes", "FALSE"],
    })
    cols = from_arrow(batch)
    assert errors_of(cols) == [
        None, "lat: expected a number, got 'north'",
        "assume.armed_attack_judged: expected true or false, got 'yes'", None,
    ]
    assert cols.frame.armed_attack_judged.tolist()[0] == 1
    assert cols.frame.armed_attack_judged.tolist()[3] == 0
    assert cols.frame.lat[0] == pytest.approx(25.74)


def test_bad_rows_are_neutral_in_the_frame() -> None:
    cols = from_arrow(arrow_batch([{**GOOD, "lat": 91.0}]))
    assert cols.frame.event.tolist() == [0]


def test_unknown_and_missing_columns_are_file_errors() -> None:
    with pytest.raises(InputError, match="colour: unknown column"):
        from_arrow(pa.record_batch({"date": ["2026-01-15"], "event": ["none"], "colour": ["red"]}))
    with pytest.raises(InputError, match="event: no such column"):
        from_arrow(pa.record_batch({"date": ["2026-01-15"]}))
    with pytest.raises(InputError, match="lat: a column of type bool"):
        from_arrow(pa.record_batch({"date": ["2026-01-15"], "event": ["none"], "lat": [True]}))


def test_json_rows_use_the_scalar_parser(tmp_path: Path) -> None:
    values = [GOOD, {**GOOD, "lat": True}, {**GOOD, "colour": "red"}, {**GOOD, "explain": True}, None]
    cols = from_json_rows(JsonRows(values, {4: "line 5: malformed JSON: Expecting value"}))
    errs = errors_of(cols)
    assert errs[0] is None and errs[3] is None
    assert errs[1] == "lat: expected a number, got bool"
    assert errs[2] is not None and errs[2].startswith("colour: unknown field")
    assert errs[4] == "document: line 5: malformed JSON: Expecting value"
    assert cols.explain is not None and cols.explain.tolist() == [False, False, False, True, False]
    assert json.dumps(GOOD)  # the good row is plain JSON
