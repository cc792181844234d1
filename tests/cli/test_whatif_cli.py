"""`anpo assess --without / --in-force`: the law as a what-if, for files and --batch."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from cli_runner import run_main

ATTACK_ON_US_FORCES = {
    "date": "2026-06-01", "event": "armed_attack", "target": "USA", "lat": 24.2, "lon": 122.3,
    "assume": {"survival_threatening_certified": True},
}
LEGISLATION = "jp-peace-security-legislation-2015"


def _file(tmp_path: Path, doc: object) -> str:
    p = tmp_path / "s.json"
    p.write_text(json.dumps(doc), encoding="utf-8")
    return str(p)


def test_without_changes_the_answer_and_says_what_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _file(tmp_path, ATTACK_ON_US_FORCES)
    code, out, _ = run_main(["assess", path, "--format", "json"], capsys, monkeypatch)
    assert code == 0
    actual = json.loads(out)
    assert actual["japan"]["collective_self_defense_available"] == "yes"
    assert "what_if" not in actual and "what_if" not in actual["receipt"]

    args = ["assess", path, "--format", "json", "--without", LEGISLATION]
    code, out, _ = run_main(args, capsys, monkeypatch)
    assert code == 0
    r = json.loads(out)
    assert r["japan"]["collective_self_defense_legal_basis"] is False
    assert r["japan"]["collective_self_defense_available"] == "no"
    assert r["receipt"]["what_if"] == {"without": [LEGISLATION], "in_force": {}}
    changed = {c["condition"]: (c["actual"], c["what_if"]) for c in r["what_if"]["changed"]}
    assert changed["collective_self_defense_legal_basis"] == (True, False)
    assert changed["rear_area_support"] == ("important_influence", "areas_surrounding_japan")


def test_text_output_names_the_what_if(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _file(tmp_path, ATTACK_ON_US_FORCES)
    code, out, _ = run_main(["assess", path, "--in-force", f"{LEGISLATION}=2030-01-01"], capsys, monkeypatch)
    assert code == 0
    assert f"{LEGISLATION} in force from 2030-01-01" in out


@pytest.mark.parametrize(("args", "field"), [
    (["--without", "no-such-instrument"], "--without"),
    (["--without", "okinawa-reversion-1971"], "--without"),
    (["--in-force", "us-japan-1960"], "--in-force"),
    (["--in-force", "us-japan-1960=1960-02-30"], "--in-force"),
    (["--without", "us-japan-1960", "--in-force", "us-japan-1960=1958-01-01"], "--in-force"),
])
def test_bad_what_if_is_exit_2_naming_the_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    args: list[str], field: str,
) -> None:
    code, out, err = run_main(["assess", _file(tmp_path, ATTACK_ON_US_FORCES), *args], capsys, monkeypatch)
    assert code == 2 and out == ""
    assert field in err


def test_batch_takes_the_same_options_and_records_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.csv"
    src.write_text("date,event,target,lat,lon\n2026-06-01,armed_attack,USA,24.2,122.3\n"
                   "2015-06-01,armed_attack,USA,24.2,122.3\n", encoding="utf-8")
    actual, whatif = tmp_path / "actual.parquet", tmp_path / "whatif.parquet"
    assert run_main(["assess", "--batch", str(src), "--out", str(actual)], capsys, monkeypatch)[0] == 0
    code, _, _ = run_main(["assess", "--batch", str(src), "--out", str(whatif), "--without", LEGISLATION],
                          capsys, monkeypatch)
    assert code == 0
    a, w = pq.read_table(actual), pq.read_table(whatif)
    assert a.column("rear_area_support").to_pylist() == ["important_influence", "areas_surrounding_japan"]
    assert w.column("rear_area_support").to_pylist() == ["areas_surrounding_japan", "areas_surrounding_japan"]
    receipt = json.loads(w.schema.metadata[b"anpo.receipt"])
    assert receipt["what_if"] == {"without": [LEGISLATION], "in_force": {}}
    assert "what_if" not in json.loads(a.schema.metadata[b"anpo.receipt"])


def test_simulate_takes_the_what_if(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = str(Path(__file__).parents[2] / "examples" / "sim" / "senkaku-2026.yaml")
    base = ["simulate", scenario, "--trials", "200", "--format", "json"]
    code, out, _ = run_main(base, capsys, monkeypatch)
    assert code == 0
    actual = json.loads(out)
    code, out, _ = run_main([*base, "--without", LEGISLATION], capsys, monkeypatch)
    assert code == 0
    whatif = json.loads(out)
    assert "what_if" not in actual
    assert whatif["what_if"] == {"without": [LEGISLATION], "in_force": {}}
    assert actual["legal_gates"]["determinations"]["rear_area_support"] == "important_influence"
    assert whatif["legal_gates"]["determinations"]["rear_area_support"] == "areas_surrounding_japan"
    # The what-if ends with the run: the next assessment is under the actual law again.
    from anpo.law.common import active_context

    assert not active_context().timeline.whatif


def test_batch_explanation_marks_what_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.csv"
    src.write_text("date,event,target,lat,lon\n2026-06-01,armed_attack,USA,24.2,122.3\n", encoding="utf-8")
    out = tmp_path / "out.parquet"
    code, _, _ = run_main(["assess", "--batch", str(src), "--out", str(out), "--explain",
                           "--without", LEGISLATION], capsys, monkeypatch)
    assert code == 0
    steps = {s["condition"]: s for s in json.loads(pq.read_table(out).column("explanation")[0].as_py())}
    assert steps["rear_area_support"]["value"] == "areas_surrounding_japan"
    assert steps["rear_area_support"]["actual"] == "important_influence"
    assert "actual" not in steps["article5"]


def test_unknown_operation_area_is_exit_2_naming_the_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = {**ATTACK_ON_US_FORCES, "us_action": "combat_operations_from_japan", "operation_area": "mars"}
    code, out, err = run_main(["assess", _file(tmp_path, doc)], capsys, monkeypatch)
    assert code == 2 and out == ""
    assert "operation_area" in err and "middle_east" in err  # the accepted values are listed
