"""`anpo assess FILE... [--format text|json]`: scenarios in, cited determinations out.

Every file is read and assessed before anything is printed, so an error in any of them
leaves stdout empty (exit code 2, message on stderr).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import typer

from anpo.cli import batch as batch_cli
from anpo.core.errors import InputError
from anpo.io import read_parsed, to_json
from anpo.law.assess import assess_raw
from anpo.report.text import render_assessment


class Format(StrEnum):
    text = "text"
    json = "json"


def _assess_file(name: str) -> tuple[list[dict[str, Any]], bool]:
    return read_parsed(name, assess_raw)


def assess_command(
    files: list[str] | None = typer.Argument(
        None, metavar="FILE...", help="JSON or YAML scenario files; - for stdin."
    ),
    fmt: Format = typer.Option(
        Format.text, "--format", "-f", help="text (for people) or json (the contract)."
    ),
    batch: str | None = typer.Option(
        None, "--batch", metavar="IN",
        help="A table of scenarios (.csv, .parquet, .jsonl), assessed in streamed chunks.",
    ),
    out: str | None = typer.Option(
        None, "--out", help="With --batch: the output table (default IN.assessed.EXT)."
    ),
    strict: bool = typer.Option(False, "--strict", help="With --batch: stop at the first bad row (exit 2)."),
    explain: bool = typer.Option(False, "--explain", help="With --batch: add the explanation (JSON) column."),
    dask: str | None = typer.Option(None, "--dask", help=batch_cli.DASK_HELP),
) -> None:
    """Assess scenarios: treaty, Article V, prior consultation, Japanese and U.S. law."""
    if bool(files) == (batch is not None):
        raise InputError("FILE", "give scenario files, or --batch IN (not both)")
    if batch is not None:
        batch_cli.run_batch(batch, out, strict=strict, explain=explain, dask=dask)
        return
    files = files or []
    outputs = [(name, *_assess_file(name)) for name in files]
    if fmt is Format.json:
        docs = [results if was_list else results[0] for _, results, was_list in outputs]
        if len(docs) == 1:
            typer.echo(to_json(docs[0]))
        else:
            typer.echo(to_json({name: doc for (name, _, _), doc in zip(outputs, docs, strict=True)}))
        return
    blocks = []
    for name, results, _ in outputs:
        if len(files) > 1:
            blocks.append(f"== {name}")
        blocks.extend(render_assessment(r) + "\n" for r in results)
    typer.echo("\n".join(blocks).rstrip("\n"))


def register(app: typer.Typer) -> None:
    app.command("assess")(assess_command)
