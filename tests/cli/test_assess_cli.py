"""`anpo assess` through the real entry point: output, formats, and bad input (exit 2,
nothing on stdout, an error naming the field and the list index)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import run_main

GOOD = {
    "id": "a", "date": "2026-01-15", "event": "armed_attack", "target": "JPN", "lat": 25.743, "lon": 123.473,
}


def run(args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        stdin: str | None = None) -> tuple[int, str, str]:
    return run_main(args, capsys, monkeypatch, stdin)


def write(tmp_path: Path, doc: object, name: str = "s.json") -> str:
    p = tmp_path / name
    p.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return str(p)


def test_json_single_object(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["assess", write(tmp_path, GOOD), "--format", "json"], monkeypatch, capsys)
    assert code == 0
    result = json.loads(out)
    assert result["article5"]["status"] == "applies"
    assert set(result["receipt"]) == {"anpo_version", "ruleset_sha256", "data_sha256", "input_sha256"}
    assert all(set(s) == {"condition", "value", "citation", "assumed"} for s in result["explanation"])


def test_json_list_keeps_order_and_text_is_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = [GOOD, {**GOOD, "id": "b", "date": "1965-01-01"}]
    code, out, _ = run(["assess", write(tmp_path, doc), "--format", "json"], monkeypatch, capsys)
    assert code == 0 and [r["id"] for r in json.loads(out)] == ["a", "b"]
    code, out, _ = run(["assess", write(tmp_path, doc)], monkeypatch, capsys)
    assert code == 0 and "Article V: applies" in out
    assert "what would change it: would apply from 1972-05-15" in out


def test_stdin_yaml(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["assess", "-", "--format", "json"], monkeypatch, capsys,
                       stdin="date: 2020-05-01\nevent: cyber_attack\ntarget: JPN\n")
    assert code == 0 and json.loads(out)["article5"]["status"] == "case_by_case"


BAD = [
    ({"lat": 95}, "lat"),
    ({"lon": 200}, "lon"),
    ({"date": "2026-02-30"}, "date"),
    ({"event": "invasion"}, "event"),
    ({"date": None}, "date"),
    ({"lat": False}, "lat"),
    ({"colour": "red"}, "colour"),
    ({"target": "JAPAN"}, "target"),
    ({"lat": None, "lon": None}, "lat"),
    ({"assume": {"termination_notice": "1970-06-22"}}, "assume.termination_notice"),
]


@pytest.mark.parametrize(("change", "field"), BAD, ids=[f for _, f in BAD])
def test_bad_input_names_field_and_index(
    change: dict[str, object], field: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    code, out, err = run(["assess", write(tmp_path, [GOOD, bad])], monkeypatch, capsys)
    assert code == 2
    assert out == ""
    assert f"row 1: {field}:" in err


@pytest.mark.parametrize(("text", "name", "line"), [
    ('[{"date": "2026-01-01",\n "event": }]', "bad.json", "line 2"),
    ("- date: 2026-01-01\n  event: [none\n", "bad.yaml", "line 3"),
])
def test_malformed_documents(
    text: str, name: str, line: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = write(tmp_path, text, name)
    code, out, err = run(["assess", path], monkeypatch, capsys)
    assert code == 2 and out == ""
    assert path in err and line in err


def test_error_in_second_file_prints_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write(tmp_path, GOOD, "good.json")
    bad = write(tmp_path, {**GOOD, "lat": 95}, "bad.json")
    code, out, err = run(["assess", good, bad], monkeypatch, capsys)
    assert code == 2 and out == "" and "bad.json: lat:" in err


def test_subprocess_exit_code(tmp_path: Path) -> None:
    path = write(tmp_path, {**GOOD, "lat": 95})
    proc = subprocess.run(
        [sys.executable, "-c", "from anpo.cli import main; main()", "assess", path],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 2 and proc.stdout == "" and "lat" in proc.stderr
