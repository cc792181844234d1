"""The commands the user docs show run as written (a past complaint: "README commands that fail").

`test_readme.py` runs the README's `$ ` examples and checks their output. This test takes the
other commands a newcomer copies: every `anpo ...` line of a shell block in README.md and the
user docs (docs/*.md), and the README's inline `` `.venv/bin/anpo ...` `` commands. Each runs
from a scratch copy of `examples/`, as the repository's root would be, and must exit 0 without a
traceback. Not run: lines with a placeholder (FILE, LAT, `...`, `[--option]`), input files the
docs only name (scenarios.parquet), servers, clusters, and the slow ones (map series, the
validation run, tornadoes, simulations of more than 20,000 trials); `test_readme.py` covers those the
README shows with `$`.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted(p for p in (ROOT / "docs").glob("*.md")
                                     if p.name not in {"performance.md", "audit.md", "architecture.md"})]
INLINE = re.compile(r"`(\.venv/bin/anpo [^`]+)`")
PLACEHOLDER = re.compile(r"^[A-Z][A-Z_.]*$|\.\.\.|^\[|^FILE|^-$")
INPUT_SUFFIXES = (".yaml", ".yml", ".json", ".csv", ".parquet", ".jsonl")
WRITES = {"-o", "--out", "--output", "--plot", ">"}
SLOW = re.compile(r"anpo serve|--dask|--validate|--tornado|--from |anpo map|anpo grid|curl ")
MAX_TRIALS = 20_000


def doc_commands() -> list[tuple[str, str]]:
    """(where, command) for each anpo command line of a shell block, and the README's inline ones."""
    found: list[tuple[str, str]] = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        lang: str | None = None
        pending = ""
        for number, raw in enumerate(text.splitlines(), 1):
            if raw.startswith("```"):
                lang = raw[3:].strip() if lang is None else None
                continue
            if lang is None or lang not in ("", "sh", "bash", "shell"):
                continue
            line = pending + raw.strip() if pending else raw.strip()
            if line.endswith("\\"):
                pending = line[:-1].rstrip() + " "
                continue
            pending = ""
            if line.startswith(("anpo ", ".venv/bin/anpo ")):
                found.append((f"{page.name}:{number}", line.split("  #")[0].split(" # ")[0].strip()))
        if page.name == "README.md":
            for match in INLINE.finditer(text.replace("\n", " ")):
                found.append(("README.md (inline)", match.group(1)))
    return found


def runnable(command: str, workdir: Path) -> bool:
    if SLOW.search(command):
        return False
    words = shlex.split(command)
    if any(PLACEHOLDER.search(w) for w in words[1:]):
        return False
    trials = re.search(r"--trials (\d+)", command)
    if "anpo simulate" in command and "--explain-parameters" not in command and (
            trials is None or int(trials.group(1)) > MAX_TRIALS):
        return False
    for before, word in zip(words, words[1:], strict=False):
        shipped = (workdir / word).exists() or ("*" in word and any(workdir.glob(word)))
        if word.endswith(INPUT_SUFFIXES) and before not in WRITES and not shipped:
            return False  # a file the docs name but do not ship
    return True


def test_docs_show_commands() -> None:
    commands = [c for _, c in doc_commands()]
    assert len(commands) >= 40
    assert ".venv/bin/anpo assess examples/law-edges.yaml examples/judgments.yaml" in commands


def test_doc_commands_run_as_written(workdir: Path, doc_env: dict[str, str]) -> None:
    env = doc_env
    ran, failures = 0, []
    for where, command in doc_commands():
        if not runnable(command, workdir):
            continue
        ran += 1
        proc = subprocess.run(["bash", "-c", command.replace(".venv/bin/anpo", "anpo")], cwd=workdir,
                              env=env, capture_output=True, text=True, timeout=300)
        if proc.returncode != 0 or "Traceback" in proc.stderr:
            failures.append(f"{where}: `{command}` exited {proc.returncode}: {proc.stderr.strip()[-300:]}")
    assert ran >= 30, f"only {ran} doc commands were runnable: the extraction lost them"
    assert not failures, "\n".join(failures)
