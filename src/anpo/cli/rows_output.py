"""Rows of a dataset as a text table, CSV or JSON, for the okinawa, realignment and governance
commands. Control characters in cells are escaped so data never drives the terminal."""

from __future__ import annotations

import json
from collections.abc import Callable

import typer

from anpo.core.errors import InputError
from anpo.io.geojson import BOM
from anpo.io.record_csv import cell, to_csv

__all__ = ["BOM", "BOM_HELP", "FORMATS", "cell", "check_format", "emit_data", "table", "to_csv",
           "to_json"]

FORMATS = ("text", "json", "csv")
BOM_HELP = "With --format csv: UTF-8 with a byte order mark (Excel)."


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise InputError("--format", f"unknown format {fmt!r}; accepted: {', '.join(FORMATS)}")


def table(rows: list[dict[str, object]], cols: list[str], width: int = 60) -> str:
    """A plain table of `cols`; long cells are cut to `width` characters with an ellipsis."""
    def fit(s: str) -> str:
        return s if len(s) <= width else s[: width - 1] + "…"

    cells = [[fit(cell(r.get(c))) for c in cols] for r in rows]
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(cols)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)).rstrip()]
    lines += ["  ".join(x.ljust(w) for x, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    return "\n".join(lines)


def to_json(payload: object) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=2, default=str)


def emit_data(fmt: str, report: object, rows: Callable[[], list[dict[str, object]]], *,
              bom: bool) -> bool:
    """Print the report as JSON or its rows as CSV when `fmt` asks for one (True: printed);
    text tables are each command's own."""
    if fmt == "json":
        typer.echo(to_json(report))
        return True
    if fmt == "csv":
        typer.echo((BOM if bom else "") + to_csv(rows()), nl=False)
        return True
    return False
