"""`anpo incident` through the real CLI entry point (anpo.cli.main), in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SRC = Path(__file__).parents[2] / "src"
CASES = Path(__file__).parents[1] / "cases" / "sofa"

# Runs anpo.cli.main in a fresh interpreter, as the installed `anpo` script does.
LAUNCH = """
import sys
from anpo.cli import main
sys.argv = ["anpo"] + sys.argv[1:]
main()
"""


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run(
        [sys.executable, "-c", LAUNCH, *args], input=stdin, capture_output=True, text=True,
        env=env, check=False,
    )


GOOD: dict[str, Any] = {
    "id": "okinawa-1996", "date": "1996-07-01", "accused": "member", "offense": "murder",
    "punishable_under": "both", "heinous": "murder", "official_duty": False,
    "victim": "japanese_person", "custody": "us",
}


def test_json_single_object(tmp_path: Path) -> None:
    f = tmp_path / "one.json"
    f.write_text(json.dumps(GOOD))
    p = run("incident", str(f), "--format", "json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["custody"]["pre_indictment_transfer"] == "sympathetic_consideration"
    assert out["jurisdiction"]["primary_right"] == "japan"


def test_yaml_list_and_text_output() -> None:
    p = run("incident", str(CASES / "murder-us-custody-1994.yaml"))
    # A case file is not an incident: its top level has other keys.
    assert p.returncode == 2 and p.stdout == ""
    assert "description: unknown field" in p.stderr


def test_yaml_list_from_stdin_text() -> None:
    doc = (
        "- {date: 1994-07-01, accused: member, offense: murder, punishable_under: both,\n"
        "   heinous: murder, official_duty: false, victim: japanese_person, custody: us}\n"
        "- {date: 2012-08-01, accused: civilian_component, offense: fatal accident on duty,\n"
        "   punishable_under: both, official_duty: true, duty_certificate: true,\n"
        "   victim: japanese_person, harm: death, custody: us}\n"
    )
    p = run("incident", "-", stdin=doc)
    assert p.returncode == 0, p.stderr
    assert "pre-indictment transfer request: none" in p.stdout
    assert "2011 framework: request within 30 days; sympathetic_consideration" in p.stdout
    assert "Reid v. Covert" in p.stdout
    p = run("incident", "-", "--format", "json", stdin=doc)
    assert [r["date"] for r in json.loads(p.stdout)] == ["1994-07-01", "2012-08-01"]


@pytest.mark.parametrize(
    ("doc", "needle"),
    [
        ({**GOOD, "official_duty": "no"}, "official_duty: expected true or false"),
        ({**GOOD, "accused": "sailor"}, "accused: unknown value 'sailor'"),
        ([GOOD, {**GOOD, "custody": "nobody"}], "row 1: custody: unknown value"),
        ([GOOD, {k: v for k, v in GOOD.items() if k != "victim"}], "row 1: victim: missing"),
        ({**GOOD, "date": "01/07/1996"}, "date: expected a date YYYY-MM-DD"),
        ([], "incidents: the list is empty"),
    ],
)
def test_bad_input_exit_2_names_field(tmp_path: Path, doc: Any, needle: str) -> None:
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(doc))
    p = run("incident", str(f), "--format", "json")
    assert p.returncode == 2
    assert p.stdout == ""
    assert needle in p.stderr


def test_duplicate_keys_and_bad_syntax_and_missing_file(tmp_path: Path) -> None:
    f = tmp_path / "dup.yaml"
    f.write_text("date: 1996-07-01\ndate: 1997-07-01\n")
    p = run("incident", str(f))
    assert p.returncode == 2 and p.stdout == "" and "date: duplicate key" in p.stderr
    g = tmp_path / "broken.json"
    g.write_text("{")
    p = run("incident", str(g))
    assert p.returncode == 2 and p.stdout == "" and "document: malformed JSON at line 1" in p.stderr
    p = run("incident", str(tmp_path / "absent.yaml"))
    assert p.returncode == 2 and p.stdout == "" and "file: no such file" in p.stderr


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("dup.json", '{"date": "1996-07-01", "date": "1997-07-01"}'),
        ("dup.yaml", "date: 1996-07-01\ndate: 1997-07-01\n"),
        ("broken.yaml", "date: [1996\n"),
        ("broken.json", "{"),
        ("empty.yaml", "\n"),
    ],
)
def test_malformed_input_fails_like_assess(tmp_path: Path, name: str, text: str) -> None:
    f = tmp_path / name
    f.write_text(text)
    incident, assess = run("incident", str(f)), run("assess", str(f))
    assert incident.returncode == assess.returncode == 2
    assert incident.stdout == assess.stdout == ""
    assert incident.stderr == assess.stderr


def test_yaml_no_is_not_a_boolean(tmp_path: Path) -> None:
    # The shared reader: only true/false are booleans, as in `anpo assess`.
    f = tmp_path / "no.yaml"
    f.write_text("\n".join(f"{k}: {v}" for k, v in {**GOOD, "official_duty": "no"}.items()))
    p = run("incident", str(f))
    assert p.returncode == 2 and "official_duty: expected true or false" in p.stderr
