"""`anpo assess FILE... [--format text|json]`: scenarios in, cited determinations out.

Every file is read and assessed before anything is printed, so an error in any of them
leaves stdout empty (exit code 2, message on stderr).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import typer

from anpo.core.errors import InputError
from anpo.io.documents import in_file, read_document, to_json
from anpo.law.assess import assess_raw
from anpo.report.text import render_assessment


class Format(StrEnum):
    text = "text"
    json = "json"


def _assess_file(name: str) -> tuple[list[dict[str, Any]], bool]:
    source = "<stdin>" if name == "-" else name
    try:
        return assess_raw(read_document(name))
    except InputError as err:
        raise in_file(err, source) from None


def assess_command(
    files: list[str] = typer.Argument(
        ..., metavar="FILE...", help="JSON or YAML scenario files; - for stdin."
    ),
    fmt: Format = typer.Option(
        Format.text, "--format", "-f", help="text (for people) or json (the contract)."
    ),
) -> None:
    """Assess scenarios: treaty, Article V, prior consultation, Japanese and U.S. law."""
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
