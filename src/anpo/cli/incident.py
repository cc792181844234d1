"""`anpo incident FILE`: SOFA criminal jurisdiction and custody for incidents.

FILE holds one incident object or a list of them, as JSON or YAML (`-` reads stdin). Input is
parsed strictly; on any error nothing is written to stdout and the exit code is 2.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from anpo.core.errors import InputError
from anpo.law.sofa import assess_incidents, parse_incidents


class Format(StrEnum):
    text = "text"
    json = "json"


# A small private reader until anpo.io offers one: JSON or YAML, duplicate keys rejected.


class _StrictLoader(yaml.SafeLoader):
    pass


def _mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node)
        if key in out:
            raise InputError(str(key), f"duplicate key (line {key_node.start_mark.line + 1})")
        out[key] = loader.construct_object(value_node)
    return out


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise InputError(key, "duplicate key")
        out[key] = value
    return out


def read_document(source: str) -> Any:
    """Parse FILE (or `-` for stdin) as JSON (`.json`) or YAML (anything else)."""
    if source == "-":
        text = sys.stdin.read()
        as_json = text.lstrip().startswith(("{", "["))
    else:
        p = Path(source)
        if not p.is_file():
            raise InputError("FILE", f"no such file: {source}")
        try:
            text = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise InputError("FILE", f"cannot read {source}: {err}") from None
        as_json = p.suffix.lower() == ".json"
    try:
        if as_json:
            return json.loads(text, object_pairs_hook=_no_duplicates)
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 (a SafeLoader subclass)
    except json.JSONDecodeError as err:
        raise InputError("FILE", f"not valid JSON: {err}") from None
    except yaml.YAMLError as err:
        raise InputError("FILE", f"not valid YAML: {err}") from None


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
    if jd is None:
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
        lines.append(f"  location: {loc['lat']}, {loc['lon']} ({loc['note']})")
    lines.append("  sources:")
    for c in result["citations"]:
        lines.append(f"    {c['id']} (version {c['version']}) <{c['url']}>")
    return "\n".join(lines)


def incident(
    file: Annotated[
        str, typer.Argument(metavar="FILE", help="JSON or YAML file, or - for stdin.")
    ],
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.text,
) -> None:
    """Who may try an offense by U.S. forces personnel in Japan, and who holds the accused."""
    incidents, was_list = parse_incidents(read_document(file))
    results = assess_incidents(incidents)
    if fmt is Format.json:
        payload: Any = results if was_list else results[0]
        out = json.dumps(payload, indent=2, ensure_ascii=False)
    else:
        out = "\n\n".join(render_text(r) for r in results)
    typer.echo(out)


def register(app: typer.Typer) -> None:
    app.command("incident")(incident)
