"""`anpo okinawa`: Okinawa's burden as dated series (areas, returns, accidents, crimes, events)."""

from __future__ import annotations

from typing import Literal

import typer

from anpo.cli import rows_output as out

COLS = ["series", "period", "value", "unit", "base", "station", "over_standard", "pct_of_total",
        "per_100k_residents", "per_10k_sofa", "share_of_national_pct", "published_share_pct",
        "computed_pct", "confidence", "source"]


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
        typer.echo(f"{s['id']}: {s['title']} ({s['unit']})\n  counts: {s['counts']}\n"
                   f"  publisher: {s['publisher']}")
        if s["years_missing"]:
            typer.echo(f"  years missing since {s['yearly_from']}: {_years(s['years_missing'])}")
    typer.echo("")
    # a column no row fills is left out (one series uses few of them)
    typer.echo(out.table(rows, [c for c in COLS if any(r.get(c) is not None for r in rows)]))
    checks = report["sum_checks"]
    if checks:
        typer.echo("\nPublished totals against the rows that make them up:")
        for c in checks:
            mark = "ok" if c["ok"] else "MISMATCH"
            typer.echo(f"  {c['series']} {c['total_period']}: {c['published_total']:g} = "
                       f"{' + '.join(c['parts'])} = {c['computed_total']:g}  [{mark}]")
    bounds = report["bound_checks"]
    if bounds:
        typer.echo("\nPublished totals against the rows inside them (the remainder is the total of "
                   "the stretches not broken down):")
        for b in bounds:
            mark = "ok" if b["ok"] else "MISMATCH"
            typer.echo(f"  {b['series']} {b['total_period']}: {b['published_total']:g} = "
                       f"{' + '.join(b['parts'])} ({b['known_sum']:g}) + {b['remainder']:g} in "
                       f"{', '.join(b['uncovered']) or '-'}  [{mark}]")
    events = report["events"]
    if events:
        typer.echo("\nEnvironmental events:")
        for e in events:
            typer.echo(f"  {e['date']}  [{e['kind']}] {e['summary']}")
    typer.echo("\nGaps (left empty, not guessed):")
    for g in report["gaps"]:
        typer.echo(f"  {g['topic']}: {g['text']}")
    typer.echo("\nper_100k_residents: the value over the latest census population on or before the "
               "year; per_10k_sofa: over the U.S. forces head count dated within the two years before "
               "the row's end (sofa_count_as_of). Sources and copies read: --format json.")


def _years(years: list[int]) -> str:
    """1972, 1973, 1974, 1976 -> '1972-1974, 1976'."""
    runs: list[list[int]] = []
    for y in years:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def register(app: typer.Typer) -> None:
    app.command("okinawa")(okinawa_command)
