"""`anpo governance`: SCC meetings, exercises, information sharing, 95-2 counts, command."""

from __future__ import annotations

from typing import Literal

import typer

from anpo.cli import rows_output as out
from anpo.core.dates import parse_date

COLS = {
    "scc": ["date", "place", "kind", "decided", "confidence"],
    "exercises": ["name", "edition", "from", "to", "size", "where", "confidence"],
    "information": ["name", "signed", "in_force", "confidence"],
    "protection": ["year", "value", "covers", "parts", "confidence"],
    "command": ["from", "to", "name", "status", "confidence"],
}


def governance_command(
    section: Literal["scc", "exercises", "information", "protection", "command"] | None = typer.Option(
        None, "--section", help="One section (default: all)."),
    date: str | None = typer.Option(None, "--date", help="Only what existed on YYYY-MM-DD."),
    fmt: Literal["text", "json", "csv"] = typer.Option("text", "--format", help="Output format."),
    bom: bool = typer.Option(False, "--bom", help=out.BOM_HELP),
) -> None:
    """Alliance governance and interoperability as dated records."""
    out.check_format(fmt)
    day = None if date is None else parse_date(date, "--date")
    from anpo.posture import governance

    report = governance.report(section, day)
    names = [k for k in COLS if k in report]
    if out.emit_data(fmt, report, lambda: [{"section": n, **r} for n in names for r in report[n]], bom=bom):
        return
    for n in names:
        rows = report[n]
        assert isinstance(rows, list)
        typer.echo(f"\n{n}:")
        typer.echo(out.table(rows, COLS[n], width=70) if rows else "  (none on this date)")
    typer.echo("\nGaps (left empty, not guessed):")
    for g in report["gaps"]:
        typer.echo(f"  {g['topic']}: {g['text']}")
    typer.echo("Sources and copies read: --format json.")


def register(app: typer.Typer) -> None:
    app.command("governance")(governance_command)
