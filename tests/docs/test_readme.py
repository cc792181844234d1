"""The README's examples run as written, in order, and print what the README shows (issue 21).

Every line of a README code block that starts with `$ ` is a command; the lines after it, up
to the next command or the end of the block, are what it prints. The commands run in order,
with `anpo` the installed script, in a scratch copy of the repository's `examples/` (so files
they write land there, not in the checkout). Each printed line the README shows must appear in
the real output; lines that abridge (`...`, or with `…`) are skipped. `anpo serve` and `make`
lines are not run (they serve or install).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
NOT_RUN = re.compile(r"^(anpo serve|make |\.venv/bin/anpo serve)")


@dataclass
class Example:
    command: str
    shown: list[str] = field(default_factory=list)
    line: int = 0


def examples() -> list[Example]:
    out: list[Example] = []
    in_block = False
    current: Example | None = None
    for number, raw in enumerate(README.read_text(encoding="utf-8").splitlines(), 1):
        if raw.startswith("```"):
            in_block = not in_block
            current = None
            continue
        if not in_block:
            continue
        if raw.startswith("$ "):
            current = Example(raw[2:].strip(), [], number)
            out.append(current)
        elif current is not None and current.command.endswith("\\") and not current.shown:
            current.command = current.command[:-1].rstrip() + " " + raw.strip()
        elif current is not None:
            current.shown.append(raw)
    return out


def _shown_lines(example: Example) -> list[str]:
    keep = []
    for line in example.shown:
        text = line.strip()
        if not text or text.startswith("...") or "…" in text or text.startswith("#"):
            continue
        keep.append(" ".join(text.split()))
    return keep


def test_readme_has_runnable_examples() -> None:
    assert len([e for e in examples() if not NOT_RUN.match(e.command)]) >= 10


def test_readme_examples_run_as_written(workdir: Path, doc_env: dict[str, str]) -> None:
    env = doc_env
    failures = []
    for example in examples():
        if NOT_RUN.match(example.command):
            continue
        command = example.command.replace(".venv/bin/anpo", "anpo")
        proc = subprocess.run(["bash", "-c", command], cwd=workdir, env=env, capture_output=True,
                              text=True, timeout=600)
        if proc.returncode != 0:
            failures.append(f"README line {example.line}: `{example.command}` exited "
                            f"{proc.returncode}: {proc.stderr.strip()[-400:]}")
            continue
        printed = " ".join(proc.stdout.split())
        for line in _shown_lines(example):
            if line not in printed:
                failures.append(f"README line {example.line}: `{example.command}` did not print {line!r}")
    assert not failures, "\n".join(failures)
