"""`anpo assess FILE... [--format text|json|jsonl]`: scenarios in, cited determinations out.

Every file is read and validated before anything is printed, so an input error in any of
them leaves stdout empty (exit code 2, message on stderr). The scenarios are then assessed
in chunks and written result by result (`anpo.io.output`): memory holds one chunk of
results, and a write that fails part way is exit code 1 with a message, never a cut file
that looks whole.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from enum import StrEnum
from typing import Any

import typer

from anpo.cli import batch as batch_cli
from anpo.core.errors import InputError
from anpo.core.scenario import Scenario
from anpo.core.signals import stop_on_signals
from anpo.io import read_parsed
from anpo.io.output import Output, OutputError, escape_controls, write_json_lines, write_json_list
from anpo.law.assess import assess, parse
from anpo.law.common import applied
from anpo.report.text import render_assessment

CHUNK = 1000  # scenarios assessed (and their results held) at a time


class Format(StrEnum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"  # one row per scenario, the columns of `assess --batch` (anpo.assess)


def _read_file(name: str) -> tuple[list[Scenario], bool]:
    return read_parsed(name, parse)


def _check_ids(inputs: list[tuple[str, list[Scenario], bool]], strict: bool) -> None:
    """An id given to two scenarios of one file is a warning on stderr (an error with --strict)."""
    for name, scenarios, _ in inputs:
        rows: dict[str, list[int]] = {}
        for i, s in enumerate(scenarios):
            if s.id is not None:
                rows.setdefault(s.id, []).append(i)
        twice = [(k, v) for k, v in rows.items() if len(v) > 1]
        if not twice:
            continue
        shown = "; ".join(f"{escape_controls(repr(k))} at rows {', '.join(map(str, v[:5]))}"
                          + (" ..." if len(v) > 5 else "") for k, v in twice[:5])
        more = f" (and {len(twice) - 5} more)" if len(twice) > 5 else ""
        if strict:
            raise InputError("id", f"{name}: ids given more than once: {shown}{more}")
        print(f"anpo: warning: {name}: ids given more than once: {shown}{more}", file=sys.stderr)


def _results(scenarios: Sequence[Scenario]) -> Iterator[dict[str, Any]]:
    for start in range(0, len(scenarios), CHUNK):
        yield from assess(scenarios[start:start + CHUNK])


def _write(out: Output, inputs: list[tuple[str, list[Scenario], bool]], fmt: Format,
           bom: bool = False) -> None:
    """The results in the format asked; SIGTERM and SIGINT stop it with exit 143 / 130."""
    with stop_on_signals():
        _write_results(out, inputs, fmt, bom)


def _csv(inputs: list[tuple[str, list[Scenario], bool]], bom: bool) -> str:
    """The scenarios as `anpo.assess` tabulates them (a `file` column first with several files)."""
    import pandas as pd

    from anpo.library import assess as assess_table

    frames = []
    for name, scenarios, _ in inputs:
        df = assess_table([s.to_input_dict() for s in scenarios])
        if len(inputs) > 1:
            df.insert(0, "file", name)
        frames.append(df)
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return ("\ufeff" if bom else "") + escape_controls(table.to_csv(index=False, lineterminator="\n"))


def _write_results(out: Output, inputs: list[tuple[str, list[Scenario], bool]], fmt: Format,
                   bom: bool = False) -> None:
    if fmt is Format.csv:
        out.write(_csv(inputs, bom).rstrip("\n"))
        return
    if fmt is Format.jsonl:
        for _, scenarios, _ in inputs:
            write_json_lines(out, _results(scenarios))
        return
    if fmt is Format.json:
        # Byte for byte what json.dumps(..., indent=2) gives for the whole answer.
        def doc(scenarios: list[Scenario], was_list: bool, indent: str) -> None:
            if was_list:
                write_json_list(out, _results(scenarios), indent)
            else:
                one = json.dumps(next(_results(scenarios)), indent=2, ensure_ascii=False)
                out.write(one.replace("\n", "\n" + indent))

        if len(inputs) == 1:
            doc(inputs[0][1], inputs[0][2], "")
            return
        for k, (name, scenarios, was_list) in enumerate(inputs):
            out.write(("{\n" if k == 0 else ",\n") + "  " + json.dumps(name, ensure_ascii=False) + ": ")
            doc(scenarios, was_list, "  ")
        out.write("\n}" if inputs else "{}")
        return
    sep = ""
    for name, scenarios, _ in inputs:
        if len(inputs) > 1:
            out.write(sep + escape_controls(f"== {name}"))
            sep = "\n"
        for r in _results(scenarios):
            out.write(sep + escape_controls(render_assessment(r)))
            sep = "\n\n"
        sep = "\n\n" if sep else sep


def assess_command(
    files: list[str] | None = typer.Argument(
        None, metavar="FILE...", help="JSON or YAML scenario files; - for stdin."
    ),
    fmt: Format = typer.Option(
        Format.text, "--format", "-f",
        help="text (for people), json (the contract), jsonl, or csv (one row per scenario).",
    ),
    batch: str | None = typer.Option(
        None, "--batch", metavar="IN",
        help="A table of scenarios (.csv, .parquet, .jsonl), assessed in streamed chunks.",
    ),
    out: str | None = typer.Option(
        None, "-o", "--output", "--out", metavar="FILE",
        help="With --batch: the output table (default IN.assessed.EXT); .parquet is GeoParquet when IN has "
        "lat and lon.",
    ),
    strict: bool = typer.Option(
        False, "--strict",
        help="Stop at the first bad row or repeated id (exit 2); without it, a repeated id is a warning.",
    ),
    explain: bool = typer.Option(False, "--explain", help="With --batch: add the explanation (JSON) column."),
    geometry: bool = typer.Option(True, "--geometry/--no-geometry",
                                  help="With --batch and a .parquet output: the GeoParquet point column "
                                  "(--no-geometry: lat and lon only, about 45% fewer bytes)."),
    bom: bool = typer.Option(False, "--bom",
                             help="CSV (--format csv, a .csv --batch output) with a UTF-8 BOM (Excel)."),
    dask: str | None = typer.Option(None, "--dask", help=batch_cli.DASK_HELP),
    without: list[str] | None = typer.Option(None, "--without", metavar="INSTRUMENT",
                                             help=batch_cli.WITHOUT_HELP),
    in_force: list[str] | None = typer.Option(None, "--in-force", metavar="INSTRUMENT=DATE",
                                              help=batch_cli.IN_FORCE_HELP),
) -> None:
    """Assess scenarios: treaty, Article V, prior consultation, Japanese and U.S. law."""
    if bool(files) == (batch is not None):
        raise InputError("FILE", "give scenario files, or --batch IN (not both)")
    whatif = batch_cli.parse_whatif(without, in_force)
    if batch is not None:
        batch_cli.run_batch(batch, out, strict=strict, explain=explain, dask=dask, whatif=whatif, bom=bom,
                            geometry=geometry)
        return
    inputs = [(name, *_read_file(name)) for name in files or []]
    _check_ids(inputs, strict)
    stdout = Output()
    try:
        with applied(whatif):  # what `assess` evaluates under: the law as the options change it
            _write(stdout, inputs, fmt, bom)
        if fmt is not Format.jsonl:
            stdout.write("\n")
        stdout.flush()
    except OutputError as err:
        print(f"anpo: error: {err}", file=sys.stderr)
        raise typer.Exit(1) from None


def register(app: typer.Typer) -> None:
    app.command("assess")(assess_command)
