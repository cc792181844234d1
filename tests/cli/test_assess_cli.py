"""`anpo assess` through the real entry point: output, formats, and bad input (exit 2,
nothing on stdout, an error naming the field and the list index)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

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


# Streaming, checked writes and bounded input (issue 20).

def test_results_are_assessed_and_written_a_chunk_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import anpo.cli.assess as cli_assess

    sizes: list[int] = []
    real = cli_assess.assess

    def counting(scenarios: Any) -> Any:
        sizes.append(len(scenarios))
        return real(scenarios)

    monkeypatch.setattr(cli_assess, "CHUNK", 10)
    monkeypatch.setattr(cli_assess, "assess", counting)
    rows = [{**GOOD, "id": f"s{i}"} for i in range(25)]
    code, out, _ = run(["assess", write(tmp_path, rows), "-f", "json"], monkeypatch, capsys)
    assert code == 0 and sizes == [10, 10, 5]
    assert out == json.dumps(json.loads(out), indent=2, ensure_ascii=False) + "\n"
    assert [r["id"] for r in json.loads(out)] == [f"s{i}" for i in range(25)]


def test_jsonl_format_is_one_result_a_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [{**GOOD, "id": f"s{i}"} for i in range(3)]
    code, out, _ = run(["assess", write(tmp_path, rows), "-f", "jsonl"], monkeypatch, capsys)
    assert code == 0
    lines = out.splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["s0", "s1", "s2"]


def _limited_fsize(limit: int) -> Any:
    def setup() -> None:
        import resource
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write then fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return setup


def test_a_write_cut_short_is_an_error_not_a_truncated_success(tmp_path: Path) -> None:
    """The 2 GiB case in small: stdout is a file that may not grow past 20,000 bytes."""
    path = write(tmp_path, [{**GOOD, "id": f"s{i}"} for i in range(50)])
    out_path = tmp_path / "out.json"
    with open(out_path, "wb") as fh:
        proc = subprocess.run(
            [sys.executable, "-c", "from anpo.cli import main; main()", "assess", path, "-f", "json"],
            stdout=fh, stderr=subprocess.PIPE, text=True, check=False, preexec_fn=_limited_fsize(20_000),
        )
    assert proc.returncode == 1
    assert "incomplete" in proc.stderr and "stdout" in proc.stderr
    assert out_path.stat().st_size <= 20_000


def test_a_big_answer_under_no_limit_is_whole(tmp_path: Path) -> None:
    path = write(tmp_path, [{**GOOD, "id": f"s{i}"} for i in range(50)])
    proc = subprocess.run(
        [sys.executable, "-c", "from anpo.cli import main; main()", "assess", path, "-f", "json"],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0 and len(json.loads(proc.stdout)) == 50


def test_devices_are_refused_and_the_size_cap_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["assess", "/dev/zero"], monkeypatch, capsys)
    assert code == 2 and out == "" and "/dev/zero" in err and "not a regular file" in err
    monkeypatch.setenv("ANPO_MAX_INPUT_BYTES", "50")
    code, out, err = run(["assess", write(tmp_path, GOOD)], monkeypatch, capsys)
    assert code == 2 and out == "" and "larger than 50 bytes" in err and "ANPO_MAX_INPUT_BYTES" in err
    code, out, err = run(["assess", "-"], monkeypatch, capsys, stdin=json.dumps(GOOD))
    assert code == 2 and "<stdin>" in err and "larger than 50 bytes" in err


def test_endless_stdin_stops_at_the_cap(tmp_path: Path) -> None:
    proc = subprocess.run(
        ["bash", "-c", f"yes '#' | {sys.executable} -c 'from anpo.cli import main; main()' assess -"],
        capture_output=True, text=True, check=False, env={**__import__("os").environ,
                                                          "ANPO_MAX_INPUT_BYTES": "100000"},
        timeout=60,
    )
    assert proc.returncode == 2 and "larger than 100,000 bytes" in proc.stderr


@pytest.mark.parametrize("how", ["named", "substituted"])
def test_pipes_given_as_files_are_refused_not_read(how: str, tmp_path: Path) -> None:
    """A named pipe (or a shell's <(...)) is refused before it is opened: opening one with
    no writer would block for ever, and its stream may never end. Stdin (-) is the stream."""
    import os

    fifo = tmp_path / "scenarios.json"
    os.mkfifo(fifo)  # nobody writes to it: reading it would hang the test
    target = str(fifo) if how == "named" else "<(echo '{}')"
    proc = subprocess.run(
        ["bash", "-c", f"{sys.executable} -c 'from anpo.cli import main; main()' assess {target}"],
        capture_output=True, text=True, check=False, timeout=60,
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert "a named pipe (FIFO), not a regular file" in proc.stderr and "give -" in proc.stderr
    if how == "named":
        assert str(fifo) in proc.stderr


def test_character_devices_are_refused(monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    for device in ("/dev/zero", "/dev/null", "/dev/urandom"):
        code, out, err = run(["assess", device], monkeypatch, capsys)
        assert code == 2 and out == "" and f"{device}: file: a character device" in err


@pytest.mark.parametrize(("name", "text"), [
    ("deep.json", "[" * 50_000 + "]" * 50_000),
    ("deep.yaml", "a:\n" + "".join(" " * i + "-\n" for i in range(1, 2_000))),
    ("deep2.json", json.dumps({**GOOD, "assume": {"x": [[]]}}).replace("[]", "[" * 70 + "]" * 70)),
])
def test_deep_nesting_is_a_named_error(
    name: str, text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(["assess", write(tmp_path, text, name)], monkeypatch, capsys)
    assert code == 2 and out == "" and "nested deeper than 64 levels" in err


def test_repeated_ids_warn_and_strict_refuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, [GOOD, {**GOOD, "id": "b"}, GOOD])
    code, out, err = run(["assess", path, "-f", "jsonl"], monkeypatch, capsys)
    assert code == 0 and len(out.splitlines()) == 3
    assert "warning" in err and "'a' at rows 0, 2" in err
    code, out, err = run(["assess", path, "--strict"], monkeypatch, capsys)
    assert code == 2 and out == "" and "'a' at rows 0, 2" in err


def test_control_characters_in_ids_are_escaped_in_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, {**GOOD, "id": "x\u001b]52;c;aGVsbG8=\u0007y"})
    code, out, _ = run(["assess", path], monkeypatch, capsys)
    assert code == 0 and "\x1b" not in out and "\x07" not in out and "x\\x1b]52;c;aGVsbG8=\\x07y" in out
    code, out, _ = run(["assess", path, "-f", "json"], monkeypatch, capsys)
    assert json.loads(out)["id"] == "x\u001b]52;c;aGVsbG8=\u0007y"  # JSON escapes them itself


def test_repeated_ids_in_a_file_are_a_warning_or_with_strict_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, [{**GOOD, "id": i} for i in ("a", "b", "a", "a")])
    code, out, err = run(["assess", path, "-f", "jsonl"], monkeypatch, capsys)
    assert code == 0 and len(out.splitlines()) == 4
    assert f"anpo: warning: {path}: ids given more than once: 'a' at rows 0, 2, 3" in err
    code, out, err = run(["assess", path, "--strict"], monkeypatch, capsys)
    assert code == 2 and out == "" and "'a' at rows 0, 2, 3" in err
