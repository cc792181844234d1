"""`anpo okinawa`: Okinawa's burden as dated series (areas, returns, accidents, crimes, events)."""

from __future__ import annotations

from typing import Literal

import typer

from anpo.cli import rows_output as out

COLS = ["series", "period", "value", "unit", "station", "over_standard", "per_100k_residents",
        "share_of_national_pct", "published_share_pct", "computed_pct", "confidence", "source"]


def okinawa_command(
    series: str | None = typer.Option(
        None, "--series", help="One series id, e.g. sofa-crimes-okinawa (default: all)."),
    fmt: Literal["text", "json", "csv"] = typer.Option("text", "--format", help="Output format."),
    bom: bool = typer.Option(False, "--bom", help=out.BOM_HELP),
) -> None:
    """Okinawa's burden: yearly and period series with their publisher, checks and gaps."""
    out.check_format(fmt)
    from anpo.posture import burden

    report = burden.report(series)
    rows = report["rows"]
    assert isinstance(rows, list)
    if out.emit_data(fmt, report, lambda: rows, bom=bom):
        return
    for s in report["series"]:
        typer.echo(f"{s['id']}: {s['title']} ({s['unit']})\n  counts: {s['counts']}")
    typer.echo("")
    typer.echo(out.table(rows, COLS))
    checks = report["sum_checks"]
    if checks:
        typer.echo("\nPublished totals against the rows that make them up:")
        for c in checks:
            mark = "ok" if c["ok"] else "MISMATCH"
            typer.echo(f"  {c['series']} {c['total_period']}: {c['published_total']:g} = "
                       f"{' + '.join(c['parts'])} = {c['computed_total']:g}  [{mark}]")
    events = report["events"]
    if events:
        typer.echo("\nEnvironmental events:")
        for e in events:
            typer.echo(f"  {e['date']}  [{e['kind']}] {e['summary']}")
    typer.echo("\nGaps (left empty, not guessed):")
    for g in report["gaps"]:
        typer.echo(f"  {g['topic']}: {g['text']}")
    typer.echo("\nper_100k_residents: the value over the latest census population on or before the "
               "year. Sources and copies read: --format json.")


def register(app: typer.Typer) -> None:
    app.command("okinawa")(okinawa_command)
