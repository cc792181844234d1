"""`anpo realignment`: SACO, the Roadmap and the Consolidation Plan, targets against outcomes."""

from __future__ import annotations

from typing import Literal

import typer

from anpo.cli import rows_output as out

COLS = ["plan", "id", "target", "target_date", "status", "outcome_date", "open_as_of", "slippage",
        "outcome_confidence"]


def realignment_command(
    plan: str | None = typer.Option(None, "--plan", help="One plan id (default: all)."),
    fmt: Literal["text", "json", "csv"] = typer.Option("text", "--format", help="Output format."),
    bom: bool = typer.Option(False, "--bom", help=out.BOM_HELP),
) -> None:
    """Realignment plans against outcomes, with slippage computed and Henoko's cost estimates."""
    out.check_format(fmt)
    from anpo.posture import realignment

    report = realignment.report(plan)
    items = report["items"]
    assert isinstance(items, list)
    if out.emit_data(fmt, report, lambda: items, bom=bom):
        return
    typer.echo(out.table(items, COLS, width=40))
    typer.echo("Slippage: years from the last day the target allows to the outcome; '>=' for open "
               "items, measured to the latest source that shows them open.")
    costs = report["costs"]
    if costs:
        typer.echo("\nHenoko (FRF) cost estimates:")
        for c in costs:
            bound = "at least " if c["bound"] == "at_least" else ""
            when = c["date"][:4] if c["precision"] == "year" else c["date"]
            typer.echo(f"  {when:<10}  {c['by']}: {bound}JPY {c['value_jpy_bn']:g} bn ({c['confidence']})")
    for s in report["schedules"]:
        typer.echo(f"\nSchedule {s['id']}: {s['years']:g} years from {s['from_event']} -> "
                   f"{s['projected_completion']} ({s['confidence']})")
    typer.echo("\nSources and copies read: --format json.")


def register(app: typer.Typer) -> None:
    app.command("realignment")(realignment_command)
