"""`anpo incident FILE`: SOFA criminal jurisdiction and custody for incidents.

FILE holds one incident object or a list of them, as JSON or YAML (`-` reads stdin), read by
`anpo.io` like `anpo assess` input. Input is parsed strictly; on any error nothing is written
to stdout and the exit code is 2.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from anpo.io import read_parsed, to_json
from anpo.io.output import Output, OutputError, escape_controls
from anpo.law.sofa import assess_incidents, parse_incidents


class Format(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"  # one row per incident, nested values flattened (anpo.io.geojson.flat)


# Text rendering.


def render_text(result: dict[str, Any]) -> str:
    inp = result["input"]
    head = f"incident {result['id']}" if result["id"] else "incident"
    lines = [
        f"{head} ({result['date']}): {inp['offense']}",
        f"  accused {inp['accused']}; victim {inp['victim']}; punishable under "
        f"{inp['punishable_under']}; official duty {'yes' if inp['official_duty'] else 'no'}"
        f"{' (certificate)' if inp['duty_certificate'] else ''}; held by {inp['custody']}",
    ]
    jd, cu = result["jurisdiction"], result["custody"]
    if jd is None and result["regime"] == "us_administration":
        lines.append("  regime: place under U.S. administration, outside the SOFA (not modeled by anpo)")
    elif jd is None:
        lines.append("  regime: 1952 Administrative Agreement (not modeled by anpo)")
    else:
        line = f"  jurisdiction: {jd['kind']}"
        if "primary_right" in jd:
            line += f"; primary right: {jd['primary_right']}"
            line += f"; waiver may be requested by {jd['waiver']['may_be_requested_by']}"
        lines.append(line)
        cc = jd.get("civilian_component_on_duty")
        if cc is not None:
            lines.append(
                f"  2011 framework: request within {cc['request_window_days']} days; "
                f"{cc['consideration']}"
            )
        line = f"  custody before indictment: {cu['holder']} ({cu['rule']})"
        if cu["pre_indictment_transfer"] is not None:
            line += f"; pre-indictment transfer request: {cu['pre_indictment_transfer']}"
        lines.append(line)
    lines.append(f"  confidence: {result['confidence']}")
    lines.append("  why:")
    for n, step in enumerate(result["explanation"], 1):
        cites = ", ".join(step["cites"])
        lines.append(f"    {n}. {step['finding']}" + (f" [{cites}]" if cites else ""))
    for lim in result["practical_limits"]:
        lines.append(f"  outside the SOFA: {lim['title']} <{lim['url']}> ({lim['confidence']})")
    if result["location"] is not None:
        loc = result["location"]
        where = f"{loc['place'] or 'open sea'}, administered by {loc['administered_by'] or 'no state'}"
        lines.append(f"  location: {loc['lat']}, {loc['lon']} ({where}): {loc['note']}")
        near = loc["nearest_facility"]
        if near is not None:
            side = "on" if loc["on_facility"] else "off"
            lines.append(
                f"  facility (approximate): {side} {near['name']}, {near['distance_km']:g} km from "
                f"its reference point, radius {near['radius_km']:g} km ({near['radius_basis']})"
            )
    lines.append("  sources:")
    for c in result["citations"]:
        lines.append(f"    {c['id']} (version {c['version']}) <{c['url']}>")
    return "\n".join(lines)


def incident(
    file: Annotated[
        str, typer.Argument(metavar="FILE", help="JSON or YAML file, or - for stdin.")
    ],
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.text,
    bom: Annotated[bool, typer.Option(
        "--bom", help="With --format csv: UTF-8 with a byte order mark (Excel).")] = False,
) -> None:
    """Who may try an offense by U.S. forces personnel in Japan, and who holds the accused."""
    # The same strict reader as `anpo assess`: malformed input fails the same way.
    incidents, was_list = read_parsed(file, parse_incidents)
    results = assess_incidents(incidents)
    if fmt is Format.json:
        payload: Any = results if was_list else results[0]
        out = to_json(payload)
    elif fmt is Format.csv:
        from anpo.io.geojson import csv_text

        out = csv_text(results, bom=bom).rstrip("\n")
    else:
        out = escape_controls("\n\n".join(render_text(r) for r in results))
    stdout = Output()
    try:
        stdout.write(out + "\n")
        stdout.flush()
    except OutputError as err:
        typer.echo(f"anpo: error: {err}", err=True)
        raise typer.Exit(1) from None


def register(app: typer.Typer) -> None:
    app.command("incident")(incident)
