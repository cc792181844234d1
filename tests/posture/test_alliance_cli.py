"""`anpo okinawa`, `anpo realignment`, `anpo governance` through the real entry point."""

from __future__ import annotations

import csv
import io
import json
import sys

import pytest


def run(argv: list[str], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    from anpo.cli import main

    monkeypatch.setattr(sys, "argv", ["anpo", *argv])
    code = 0
    try:
        main()
    except SystemExit as ex:
        code = int(ex.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_okinawa_text_names_what_each_series_counts_and_its_gaps(capsys, monkeypatch):
    code, out, _ = run(["okinawa"], capsys, monkeypatch)
    assert code == 0
    assert "counts: Penal-code offences" in out and "6235 = 1972-05-15..2022-12-31 + 2023" in out
    assert "noise:" in out  # the gap is said


def test_okinawa_csv_and_json(capsys, monkeypatch):
    code, out, _ = run(["okinawa", "--series", "sofa-crimes-okinawa", "--format", "csv"], capsys, monkeypatch)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["series"] for r in rows} == {"sofa-crimes-okinawa"}
    assert next(r for r in rows if r["period"] == "2023")["value"] == "72"
    code, out, _ = run(["okinawa", "--format", "json"], capsys, monkeypatch)
    doc = json.loads(out)
    assert all(r["source"] for r in doc["rows"]) and doc["sum_checks"]


def test_bad_series_and_format_exit_2_naming_the_field(capsys, monkeypatch):
    code, _, err = run(["okinawa", "--series", "noise"], capsys, monkeypatch)
    assert code == 2 and "series" in err and "accepted" in err
    code, _, err = run(["realignment", "--format", "xml"], capsys, monkeypatch)
    assert code == 2 and "--format" in err
    code, _, err = run(["governance", "--date", "2015-02-30"], capsys, monkeypatch)
    assert code == 2 and "--date" in err


def test_realignment_prints_slippage_and_the_projection(capsys, monkeypatch):
    code, out, _ = run(["realignment"], capsys, monkeypatch)
    assert code == 0 and "13.2 y" in out and "2035-12-28" in out
    code, out, _ = run(["realignment", "--plan", "saco-1996", "--format", "json"], capsys, monkeypatch)
    items = json.loads(out)["items"]
    assert {i["plan"] for i in items} == {"saco-1996"}


def test_governance_sections_by_date(capsys, monkeypatch):
    code, out, _ = run(["governance", "--section", "command", "--date", "2015-06-01"], capsys, monkeypatch)
    assert code == 0 and "Guidelines" in out and "Alliance Coordination" not in out
    code, out, _ = run(["governance", "--format", "csv"], capsys, monkeypatch)
    assert {r["section"] for r in csv.DictReader(io.StringIO(out))} >= {"scc", "protection", "command"}
