"""`anpo bases` and `anpo posture`: facilities, the SOFA registry with its areas and the
shift to Okinawa, what-if closures, command arrangements and personnel on a date."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any, Literal

import typer

from anpo import posture
from anpo.core.errors import InputError
from anpo.posture.areas import OKINAWA_REVERSION, SOFA_IN_FORCE
from anpo.posture.footprint import published_share_on, to_geojson
from anpo.posture.schema import LEGAL_STATUS_LABELS, Kind

FORMATS = ("table", "json", "geojson", "csv")
REGISTRY_CSV_COLUMNS = (
    "id", "fac", "name", "name_ja", "prefecture", "basis", "legal_basis", "joint_use_ii_4a",
    "from", "to", "listed_on", "area_km2", "area_as_of", "area_carried_back", "area_measure",
    "lat", "lon",
    "source", "read_from", "confidence",
)
FACILITY_CSV_COLUMNS = (
    "id", "name", "kind", "prefecture", "legal_status", "joint_use_ii_4a", "lat", "lon",
    "approximate", "distance_km", "source", "confidence",
)


def _check_format(fmt: str, accepted: tuple[str, ...]) -> None:
    if fmt not in accepted:
        raise InputError("--format", f"unknown format {fmt!r}; accepted: {', '.join(accepted)}")


def _flat(value: object) -> object:
    """A GeoJSON property value: scalars as they are, anything nested as JSON text."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return json.dumps(value, ensure_ascii=False)


def _geojson(rows: list[posture.FacilityOnDate], day: str) -> dict[str, Any]:
    """Flat, typed properties (status_legal_status, runways_count, runways_max_length_ft, ...),
    [lon, lat] to 6 decimals: `anpo.io.geojson`."""
    from anpo.io.geojson import collection, point

    feats = []
    for r in rows:
        props = r.to_dict(dt.date.fromisoformat(day))
        props.pop("lat")
        props.pop("lon")
        feats.append(point(r.facility.lon, r.facility.lat, props))
    return collection(feats)


def _csv(rows: list[dict[str, object]], columns: tuple[str, ...]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue().rstrip("\n")


def _summary_lines(fp: posture.Footprint) -> list[str]:
    """Exclusive-use area by prefecture and Okinawa's share, beside the publishers' figures."""
    d = fp.date.isoformat()
    basis = "SOFA Art. II-1(a)" if fp.date >= SOFA_IN_FORCE else "Administrative Agreement Art. II"
    lines = [f"{basis} (exclusive-use) facilities in the registry on {d}: {len(fp.exclusive)}"
             + (f" (closed: {', '.join(fp.closed)})" if fp.closed else "")]
    for p in fp.by_prefecture:
        share = "" if p.share_pct is None else f"  {p.share_pct:5.1f}%"
        missing = f"  ({p.without_area} without an area on the date)" if p.without_area else ""
        lines.append(f"  {p.prefecture:<10} {p.facilities:>3}  {p.itemized_km2:>8.3f} km²{share}{missing}")
    if fp.date < OKINAWA_REVERSION:
        lines.append(
            "Okinawa was under U.S. administration until 1972-05-15: its bases were not facilities"
            " provided by Japan and are not in the registry before that day"
        )
    if fp.without_area:
        lines.append(
            f"No area on {d} for {len(fp.without_area)} of {len(fp.exclusive)} exclusive-use rows"
            " (none published for the date, or only a later figure): the registry's totals and"
            " share below are partial; the publishers' totals follow"
        )
    oki = fp.okinawa_share_pct
    line = f"Registry: {fp.exclusive_km2:.3f} km² itemized"
    if oki is not None:
        line += f", Okinawa {oki:.1f}% of it"
    cov = fp.coverage_pct()
    pub = fp.published_national()
    if pub is not None and pub.area_km2 is not None:
        line += f"; MOD's total {pub.area_km2:g} km² (as of {pub.as_of_label}), itemized {cov:.1f}%"
    lines.append(line)
    lines.extend(_coverage_lines(fp))
    for t in fp.published:
        parts = []
        if t.facilities is not None:
            parts.append(f"{t.facilities} facilities")
        if t.area_km2 is not None:
            parts.append(f"{t.area_km2:g} km²")
        if t.okinawa_share_pct is not None:
            parts.append(f"Okinawa {t.okinawa_share_pct:g}%")
        qualifier = (t.note or "").split(":")[0]
        if qualifier in ("lower bound", "approximate"):
            parts.append(qualifier)
        lines.append(
            f"Published ({t.scope}, {t.as_of_label}; {t.confidence}): {', '.join(parts)}  <{t.source}>"
        )
    pair = published_share_on(fp.date)
    if pair is not None:
        rough = "about " if pair.approximate else ""
        lines.append(
            f"Okinawa's share from the published areas of {pair.as_of}: {rough}{pair.okinawa_km2:g}"
            f" of {rough}{pair.national_km2:g} km² = {rough}{pair.share_pct:.2f}%"
        )
    w = fp.what_if_published(tuple(e for e in fp.removed if e.row.basis == "II-1(a)"))
    if w is not None:
        line = (
            f"What-if on MOD's totals: {w['published_km2']:g} - {w['closed_km2']:g}"
            f" = {w['km2_after']:g} km²; "
            f"Okinawa {w['okinawa_share_before_pct']:.2f}% -> {w['okinawa_share_after_pct']:.2f}%"
        )
        if w["closed_without_area"]:
            line += f" (no area recorded for: {', '.join(w['closed_without_area'])})"  # type: ignore[arg-type]
        lines.append(line)
    line = f"Airfields in operation: {len(fp.airfields)} ({', '.join(fp.airfields)})"
    if fp.date < SOFA_IN_FORCE:
        # The list comes from the simulation's facilities, modelled from the 1960 SOFA on:
        # before it, "0" would read as "no airfields", which the registry above contradicts.
        line += (f" (the simulation's facility list starts at the SOFA's entry into force,"
                 f" {SOFA_IN_FORCE.isoformat()}; the registry above lists the facilities of the day)")
    lines.append(line)
    return lines


def _coverage_lines(fp: posture.Footprint) -> list[str]:
    """Total area (published), itemized area and rows without one, for the whole registry of
    the date and for Okinawa and the mainland apart; prefectures above MOD's figure."""
    cov = fp.coverage()
    out = []
    for part in (cov.total, cov.okinawa, cov.mainland):
        if part is None or (part is cov.mainland and cov.total.scope == "Mainland"):
            continue  # before reversion the registry's total is the mainland's
        pub = part.published
        if pub is None:
            total = "total area: none published on or before the date"
        else:
            about = "about " if pub.approximate else ""
            total = f"total area {about}{pub.km2:g} km² (published, as of {pub.as_of_label})"
        pct = part.itemized_pct
        share = "" if pct is None else f" = {pct:.1f}% of it"
        local = f", {part.local_km2:.3f} of it local governments' figures" if part.local_km2 else ""
        missing = "all with an area" if part.complete else (
            f"{part.without_area} of {part.rows} rows without an area"
        )
        if part.counted is not None:
            missing += f" (facilities counted: {part.counted.facilities} as of {part.counted.as_of_label})"
        label = {"Japan": "All Japan", "Mainland": "Mainland"}.get(part.scope, part.scope)
        out.append(
            f"{label}: {total}; itemized {part.itemized_km2:.3f} km²{share}{local}; {missing}"
        )
    for x in cov.above_mod:
        out.append(
            f"  above MOD's figure: {x.prefecture} itemized {x.itemized_km2:.3f} km² vs"
            f" {x.mod_km2:g} ({x.mod_as_of}); local governments' figures {x.local_km2:.3f} km²"
        )
    return out


def _split_ids(text: str | None) -> list[str]:
    return [] if not text else [x for x in text.split(",") if x.strip()]


def bases_command(
    date: str | None = typer.Option(None, "--date", metavar="YYYY-MM-DD", help="Date (default: today)."),
    near: tuple[float, float] | None = typer.Option(
        None, "--near", help="LAT LON of a point (decimal degrees, WGS-84)."
    ),
    radius_km: float | None = typer.Option(None, "--radius-km", help="Only within this many km."),
    kind: Kind | None = typer.Option(None, "--kind", help="Only facilities of this kind."),
    planned: bool = typer.Option(False, "--planned", help="Include planned facilities."),
    close: str | None = typer.Option(
        None, "--close", help="What-if: facility ids returned on the date, comma-separated."
    ),
    registry: bool = typer.Option(
        False, "--registry",
        help="List the SOFA registry (FAC, basis, areas) instead of the operational facilities.",
    ),
    fmt: Literal["table", "json", "geojson", "csv"] = typer.Option(
        "table", "--format", help="Output format."),
    bom: bool = typer.Option(False, "--bom", help="With --format csv: UTF-8 with a byte order mark (Excel)."),
) -> None:
    """Facilities on a date, optionally near a point and of one kind."""
    _check_format(fmt, FORMATS)
    date = date or dt.date.today().isoformat()
    mark = "\ufeff" if bom else ""
    try:
        closed = posture.check_closed(_split_ids(close))
    except InputError as err:
        raise InputError("--close", err.reason) from None
    fp = posture.footprint(date, closed)
    day = fp.date
    if registry:
        if fmt == "json":
            typer.echo(json.dumps(fp.to_dict(), ensure_ascii=False, indent=2))
        elif fmt == "geojson":
            typer.echo(json.dumps(to_geojson(fp), ensure_ascii=False, indent=2))
        elif fmt == "csv":
            typer.echo(mark + _csv([e.to_dict(day) for e in fp.entries], REGISTRY_CSV_COLUMNS))
        else:
            _registry_table(fp)
        return
    # posture.bases validates kind, radius and point; its field names become option names
    try:
        rows = posture.bases(
            date, near=near, radius_km=radius_km, kind=kind, include_planned=planned
        )
    except InputError as err:
        raise InputError(f"--{err.field.replace('_', '-')}", err.reason) from None
    rows = [r for r in rows if r.facility.id not in closed]
    if fmt == "json":
        typer.echo(json.dumps([r.to_dict(day) for r in rows], ensure_ascii=False, indent=2))
        return
    if fmt == "geojson":
        typer.echo(json.dumps(_geojson(rows, day.isoformat()), ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        flat = []
        for r in rows:
            f = r.facility
            flat.append({
                "id": f.id, "name": f.name, "kind": f.kind, "prefecture": f.prefecture,
                "legal_status": r.status.legal_status,
                "joint_use_ii_4a": f.joint_use_on(day) is not None,
                "lat": round(f.lat, 6), "lon": round(f.lon, 6), "approximate": f.approximate,
                "distance_km": None if r.distance_km is None else round(r.distance_km, 1),
                "source": f.record.source, "confidence": f.record.confidence,
            })
        typer.echo(mark + _csv(flat, FACILITY_CSV_COLUMNS))
        return
    header = f"{'id':<15} {'kind':<12} {'status':<17} {'prefecture':<10} {'lat':>8} {'lon':>9}"
    if near is not None:
        header += f" {'km':>7}"
    typer.echo(f"Facilities on {day.isoformat()}: {len(rows)}")
    typer.echo(header)
    for r in rows:
        f = r.facility
        line = (
            f"{f.id:<15} {f.kind:<12} {r.status.legal_status:<17} {f.prefecture:<10} "
            f"{f.lat:>8.3f} {f.lon:>9.3f}"
        )
        if r.distance_km is not None:
            line += f" {r.distance_km:>7.1f}"
        if f.joint_use_on(day) is not None:
            line += "  (SDF joint use, II-4(a))"
        if f.approximate:
            line += "  (approx. coordinates)"
        typer.echo(line)
    if near is None and kind is None:
        typer.echo("")
        for text in _summary_lines(fp):
            typer.echo(text)


def _registry_table(fp: posture.Footprint) -> None:
    d = fp.date
    typer.echo(f"SOFA facilities and areas on {d.isoformat()}: {len(fp.entries)} in the registry")
    typer.echo(f"{'id':<24} {'FAC':<5} {'basis':<8} {'prefecture':<10} {'km²':>8}  name")
    for e in fp.entries:
        r = e.row
        a = e.area
        area = "—" if a is None else f"{a.area_km2:8.3f}"
        flags = []
        if a is None and r.basis == "II-1(a)":
            flags.append("no area published for this date")
        if a is not None and a.as_of > d:
            flags.append(f"area of {a.as_of.year}, not counted")
        if r.joint_use_from is not None and r.joint_use_from <= d:
            flags.append("II-4(a) joint use")
        if r.start is None:
            flags.append(f"listed {r.listed_on}")
        tail = f"  [{'; '.join(flags)}]" if flags else ""
        head = f"{r.id:<24} {r.fac or '':<5} {r.basis:<8} {r.prefecture:<10} {area:>8}"
        typer.echo(f"{head}  {r.name_ja} {r.name}{tail}")
    typer.echo("")
    for text in _summary_lines(fp):
        typer.echo(text)


def _emit_rows(fmt: str, rows: list[dict[str, object]], bom: str) -> bool:
    """A series' rows as JSON or CSV when `fmt` asks for one (True: printed)."""
    if fmt == "json":
        typer.echo(json.dumps({"rows": rows}, ensure_ascii=False, indent=2))
        return True
    if fmt == "csv":
        typer.echo(bom + _csv(rows, tuple(rows[0])))
        return True
    return False


def _personnel(fmt: str, from_year: int | None, to_year: int | None, bom: str = "") -> None:
    from anpo.posture.personnel import SERVICES, series

    try:
        s = series(from_year, to_year)
    except InputError as err:
        raise InputError(f"--{err.field.replace('_', '-')}", err.reason) from None
    if _emit_rows(fmt, s.to_rows(), bom):
        return
    typer.echo("U.S. active-duty military personnel in Japan by year and service (DMDC; read from a copy)")
    typer.echo(
        f"{'as of':<11} {'line':<15} {'total':>8}  " + "  ".join(f"{x:>12}" for x in SERVICES)
    )
    for r in s.rows:
        svc = "  ".join(f"{'' if getattr(r, x) is None else getattr(r, x):>12}" for x in SERVICES)
        flag = f"  [{r.note}]" if r.note else ""
        typer.echo(f"{r.as_of.isoformat():<11} {r.country:<15} {r.active_duty:>8,}  {svc}{flag}")
    first = s.rows[0]
    typer.echo(f"Source: {first.source} (read from: {first.read_from}); {first.confidence}")
    typer.echo("Until 1973 Okinawa is its own line (Ryukyu Islands); an empty cell: not in the copy.")


def _share(fmt: str, bom: str = "") -> None:
    rows = posture.share_series()
    if _emit_rows(fmt, rows, bom):
        return

    def cell(v: object, spec: str) -> str:
        return "" if v is None else format(v, spec)

    typer.echo("Okinawa's share of the exclusive-use (SOFA II-1(a)) area by date: computed from the")
    typer.echo("registry's rows (partial while rows lack an area: 'no area'), computed from the areas")
    typer.echo("the publishers print for one date ('from areas', ~ when printed as approximate), and")
    typer.echo("the share they print ('printed'; 'diff' = from areas - printed, same date only);")
    typer.echo("'coverage': the registry's km² as a % of the total published on or before the date")
    typer.echo("(the mainland's before reversion; ~ when printed as approximate)")
    typer.echo(
        f"{'date':<11} {'rows':>4} {'no area':>7} {'registry km²':>12} {'share':>6} {'coverage':>8}"
        f"   {'from areas':>11} {'of':>10} {'diff':>6}   printed"
    )
    for r in rows:
        pub = "" if r["published_okinawa_share_pct"] is None else (
            f"{r['published_okinawa_share_pct']}% (as of {r['published_share_as_of']})"
        )
        areas = cell(r["published_areas_share_pct"], ".2f")
        if areas and r["published_areas_approximate"]:
            areas = "~" + areas
        share = cell(r["registry_okinawa_share_pct"], ".1f")
        if share and not r["registry_complete"]:
            share = f"({share})"  # a share of the itemized rows only
        cov = cell(r["itemized_pct_of_total"], ".1f")
        if cov and r["published_total_approximate"]:
            cov = "~" + cov
        typer.echo(
            f"{r['date']:<11} {r['registry_ii_1a']:>4} {r['without_area']:>7} "
            f"{cell(r['registry_km2'], '.3f'):>12} {share:>6} {cov:>8}"
            f"   {areas:>11} {r['published_areas_as_of'] or '':>10}"
            f" {cell(r['computed_minus_printed_pct'], '+.2f'):>6}   {pub}"
        )


def posture_command(
    date: str | None = typer.Option(None, "--date", metavar="YYYY-MM-DD", help="Date (default: today)."),
    personnel: bool = typer.Option(
        False, "--personnel", help="U.S. personnel in Japan by year instead (DMDC)."
    ),
    share: bool = typer.Option(
        False, "--share", help="Okinawa's exclusive-use share by date, computed from the registry."
    ),
    from_year: int | None = typer.Option(None, "--from-year", help="With --personnel."),
    to_year: int | None = typer.Option(None, "--to-year", help="With --personnel."),
    fmt: Literal["table", "json", "csv"] = typer.Option(
        "table", "--format", help="Output format (csv with --personnel or --share)."),
    bom: bool = typer.Option(False, "--bom", help="With --format csv: UTF-8 with a byte order mark (Excel)."),
) -> None:
    """Summary on a date: facilities by status and prefecture, arrangements in force."""
    if personnel:
        _check_format(fmt, ("table", "json", "csv"))
        _personnel(fmt, from_year, to_year, "\ufeff" if bom else "")
        return
    if share:
        _check_format(fmt, ("table", "json", "csv"))
        _share(fmt, "\ufeff" if bom else "")
        return
    if fmt == "csv":
        raise InputError("--format", "csv is for --personnel or --share; the summary takes table or json")
    _check_format(fmt, ("table", "json"))
    p = posture.at(date or dt.date.today().isoformat())
    if fmt == "json":
        typer.echo(json.dumps(p.to_dict(), ensure_ascii=False, indent=2))
        return
    typer.echo(f"Posture on {p.date.isoformat()}: {len(p.facilities)} facilities in the registry")
    typer.echo("By legal status:")
    for k, v in sorted(p.by_status().items()):
        typer.echo(f"  {v:>3}  {LEGAL_STATUS_LABELS[k]}")
    typer.echo("By prefecture:")
    for k, v in p.by_prefecture().items():
        typer.echo(f"  {v:>3}  {k}")
    if p.planned:
        typer.echo("Planned:")
        for r in p.planned:
            typer.echo(f"  {r.facility.name} — {r.status.note or ''}")
    units = [(r.facility.id, u) for r in p.facilities for u in r.facility.units_on(p.date)]
    if units:
        typer.echo("Dated units present:")
        for fid, u in units:
            typer.echo(f"  {fid}: {u.name}")
    typer.echo("Command and coordination in force:")
    for a in p.arrangements:
        flag = "" if a.status == "in_force" else f" [{a.status}]"
        typer.echo(f"  {a.start.isoformat()}  {a.name}{flag}  <{a.source.split(' ; ')[0]}>")
    if p.changes:
        typer.echo("Latest realignment changes:")
        for c in p.changes[-5:]:
            typer.echo(f"  {c.date.isoformat()}  [{c.status}] {c.summary}")
    if p.okinawa:
        typer.echo("Okinawa (latest figures as of this date):")
        for fig in p.okinawa:
            typer.echo(
                f"  {fig.value:g} {fig.unit}: {fig.measure} (as of {fig.as_of}; {fig.confidence})"
            )


def register(app: typer.Typer) -> None:
    app.command("bases")(bases_command)
    app.command("posture")(posture_command)
