"""`anpo costs` and `anpo costs what-if`: the ledger of Japan's spending on U.S. forces
(host-nation support and every other U.S.-forces-related budget line) and the calculator."""

from __future__ import annotations

import csv
import io
import json
from typing import Literal

import typer

from anpo import costs
from anpo.core.errors import InputError

BY = costs.VIEWS
FORMATS = ("text", "json", "csv")
FORMAT_ALIASES = {"table": "text"}
NOTES = {
    "units": "JPY bn (10^9 yen) by Japanese fiscal year (April-March) unless a column says USD",
    "missing": "None/'missing' = no figure anpo can source; never filled in",
    "basis": "budget = initial budget (expenditure basis); budget_contract = contract basis; "
    "settled = settled expenditure (Board of Audit); agreed levels come from the SMA; "
    "annual_level/period_average/single_year = the SMA's agreed level (period_average is derived)",
    "usd": "JPY / the average rate of the calendar year in which the JFY begins (an "
    "approximation: a JFY runs April-March): the Federal Reserve's G.5A where read, else the "
    "IMF's IFS rate via the World Bank (PA.NUS.FCRF); only years with a sourced rate",
    "per_member": "JPY million per U.S. active-duty service member in Japan (DoD/DMDC: the "
    "posture registry's yearly series, with the counts by service of costs/us_personnel.csv "
    "for 2002-06); a registry row marked as a counting spike would be left out",
    "constant_yen": "*_jpy_bn_2020 columns: JPY of 2020 by the consumer price index (Statistics "
    "Bureau CPI as published by the World Bank, FP.CPI.TOTL.ZG, chained to 2020 = 100; calendar "
    "year applied to the JFY that begins in it; 2023-24 from the Statistics Bureau's published "
    "change); none after 2024, the series' last year",
}


def _cell(v: object) -> str:
    if v is None:
        return "missing"
    if isinstance(v, dict):
        return " ".join(f"{k}:{x}" for k, x in v.items())
    return str(v)


def _table(by: str, rows: list[dict[str, object]]) -> str:
    cols = {
        "line": ["jfy", "line", "basis", "value_jpy_bn", "confidence", "name"],
        "comparison": ["id", "year", "value", "unit", "usd_bn", "confidence", "includes"],
        "period": [
            "period",
            "jfy",
            "signed",
            "in_force",
            "total_jpy_bn",
            "total_kind",
            "labor_cap_workers",
            "utilities_share",
            "utilities_cap_jpy_bn",
            "confidence",
        ],
        "category": ["category", "inside_sma", "jfy", "value_jpy_bn", "basis", "confidence"],
        "year": [
            "jfy",
            "period",
            "hns_total_jpy_bn",
            "basis",
            "labor_jpy_bn",
            "utilities_jpy_bn",
            "training_relocation_jpy_bn",
            "fip_jpy_bn",
            "labor_welfare_jpy_bn",
            "stationing_total_jpy_bn",
            "saco_jpy_bn",
            "realignment_jpy_bn",
            "mod_usfj_total_jpy_bn",
            "gov_usfj_total_jpy_bn",
            "hns_total_usd_bn",
            "hns_total_jpy_bn_2020",
            "reconciled",
            "confidence",
        ],
    }[by]
    # No SMA in force, or no published total to check: not a missing figure.
    blank = {"period": "-", "reconciled": "-"}
    cells = [[blank.get(c, "missing") if r.get(c) is None else _cell(r.get(c)) for c in cols]
             for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True))]
    lines += ["  ".join(x.ljust(w) for x, w in zip(row, widths, strict=True)) for row in cells]
    lines.append(
        "JPY bn by JFY. 'missing' = no figure anpo can source (never filled in). "
        "Sources: --by line or --format json."
    )
    return "\n".join(lines)


def _csv(rows: list[dict[str, object]]) -> str:
    buf = io.StringIO()
    keys: list[str] = []
    for r in rows:
        keys += [k for k in r if k not in keys]
    w = csv.DictWriter(buf, fieldnames=keys, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: ("" if r.get(k) is None else _cell(r.get(k))) for k in keys})
    return buf.getvalue()


app = typer.Typer(
    help="Japan's spending on U.S. forces by period, year, category or line; the SMA what-if.",
    invoke_without_command=True,
    no_args_is_help=False,
)


@app.callback()
def costs_command(
    ctx: typer.Context,
    by: Literal["period", "year", "category", "line", "comparison"] = typer.Option(
        "period", "--by", help="The view of the ledger."),
    format_: Literal["text", "json", "csv", "table"] = typer.Option(
        "text", "--format", help="Output format (table: the same as text)."),
    plot: str | None = typer.Option(None, "-o", "--output", "--plot", metavar="FILE",
                                    help="Also write a PNG plot to FILE (a .png name)."),
    bom: bool = typer.Option(False, "--bom", help="With --format csv: UTF-8 with a byte order mark (Excel)."),
) -> None:
    """The host-nation-support ledger."""
    if ctx.invoked_subcommand is not None:
        return
    if by not in BY:
        raise InputError("--by", f"unknown value {by!r}; accepted: {', '.join(BY)}")
    fmt = FORMAT_ALIASES.get(format_, format_)
    if fmt not in FORMATS:
        raise InputError("--format", f"unknown format {fmt!r}; accepted: {', '.join(FORMATS)}")
    if plot is not None:
        from anpo.costs.plot import plot_hns

        try:
            plot_hns(plot)
        except InputError as err:
            raise InputError("--plot", err.reason) from None
    rows = costs.ledger(by)
    if fmt == "json":
        out: dict[str, object] = {"by": by, "rows": rows, "notes": NOTES}
        if by == "year":
            out["history"] = [h.model_dump(mode="json") for h in costs.history()]
            out["sum_checks"] = costs.sum_checks()
            out["coverage"] = costs.coverage()
        if by in ("year", "line"):
            out["lines"] = {k: v.__dict__ for k, v in costs.lines().items()}
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    elif fmt == "csv":
        typer.echo(("\ufeff" if bom else "") + _csv(rows), nl=False)
    else:
        typer.echo(_table(by, rows))
        if by == "year":  # which years each line has a figure for, and the gaps
            typer.echo(costs.coverage_text())
    if plot is not None:
        from anpo.io.progress import info  # silenced by `anpo --quiet`

        info(f"plot written to {plot}")


@app.command("what-if")
def what_if_command(
    period: str = typer.Option(
        "2022-26", "--period", help="SMA period: 2022-26, JFY2022-2026, 2021, ..."
    ),
    labor_cap: float | None = typer.Option(
        None, "--labor-cap", help="Workers whose labor Japan pays (0..100,000)."
    ),
    labor_cost: float | None = typer.Option(
        None, "--labor-cost-per-worker-jpy", help="Override the derived cost per worker (JPY)."
    ),
    utilities_share: float | None = typer.Option(
        None, "--utilities-share", help="Japan's share of utilities, 0..1."
    ),
    utilities_cap: float | None = typer.Option(
        None, "--utilities-cap", help="Cap on utilities per JFY, JPY bn."
    ),
    training_relocation: float | None = typer.Option(
        None, "--training-relocation", help="Training relocation per JFY, JPY bn."
    ),
    format_: Literal["text", "json", "table"] = typer.Option(
        "text", "--format", help="Output format (table: the same as text)."),
) -> None:
    """Change an SMA rule and see totals per JFY and over the period, with the arithmetic."""
    fmt = FORMAT_ALIASES.get(format_, format_)
    if fmt not in ("text", "json"):
        raise InputError("--format", f"unknown format {fmt!r}; accepted: text, json")
    names = {
        "period": "--period",
        "labor_cap": "--labor-cap",
        "labor_cost_per_worker_jpy": "--labor-cost-per-worker-jpy",
        "utilities_share": "--utilities-share",
        "utilities_cap_jpy_bn": "--utilities-cap",
        "training_relocation_jpy_bn": "--training-relocation",
    }
    try:
        result = costs.what_if(
            period,
            labor_cap=labor_cap,
            labor_cost_per_worker_jpy=labor_cost,
            utilities_share=utilities_share,
            utilities_cap_jpy_bn=utilities_cap,
            training_relocation_jpy_bn=training_relocation,
        )
    except InputError as err:
        raise InputError(names.get(err.field, err.field), err.reason) from None
    if fmt == "json":
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    typer.echo(f"What-if for SMA period {result.period} (JPY bn)")
    typer.echo(f"{'JFY':<6} {'agreed':>9} {'basis':<15} {'change':>8} {'scenario':>9}")
    for y in result.years:
        a = "missing" if y.agreed_total_jpy_bn is None else f"{y.agreed_total_jpy_bn:.2f}"
        s = "missing" if y.scenario_total_jpy_bn is None else f"{y.scenario_total_jpy_bn:.2f}"
        d = sum(y.delta_jpy_bn.values())
        typer.echo(f"{y.jfy:<6} {a:>9} {y.agreed_basis:<15} {d:>+8.2f} {s:>9}")
    tot_a = result.agreed_total_jpy_bn
    tot_s = result.scenario_total_jpy_bn
    typer.echo(
        f"{'period':<6} {'missing' if tot_a is None else f'{tot_a:.2f}':>9} {'':<15} "
        f"{result.delta_total_jpy_bn:>+8.2f} {'missing' if tot_s is None else f'{tot_s:.2f}':>9}"
    )
    typer.echo("Arithmetic:")
    for line in result.arithmetic:
        typer.echo(f"  {line}")
    if result.assumptions:
        typer.echo("Assumptions:")
        for line in result.assumptions:
            typer.echo(f"  {line}")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="costs")
