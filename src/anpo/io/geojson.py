"""CSV that spreadsheets read with typed fields, flattened like GeoJSON properties
(`anpo.core.geojson`, re-exported here for the CLI)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from anpo.core.geojson import DECIMALS, collection, flat, number, point

__all__ = ["BOM", "DECIMALS", "collection", "csv_text", "flat", "number", "point"]

BOM = "\ufeff"  # UTF-8 byte order mark: Excel then reads the CSV as UTF-8 (Japanese names intact)


def csv_text(records: Iterable[Mapping[str, Any]], *, bom: bool = False,
             columns: Iterable[str] | None = None) -> str:
    """Records as CSV (flattened like GeoJSON properties; `columns` picks and orders them);
    with `bom`, a UTF-8 byte order mark first, for Excel."""
    rows = [flat(r) for r in records]
    keys: list[str] = list(columns) if columns is not None else []
    if columns is None:
        seen: dict[str, None] = {}
        for r in rows:
            seen.update(dict.fromkeys(r))
        keys = list(seen)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=keys, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: _cell(r.get(k)) for k in keys})
    return (BOM if bom else "") + buf.getvalue()


def _cell(value: Any) -> str:
    """A CSV cell: '' for None, controls escaped (data never drives a terminal)."""
    if value is None:
        return ""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in str(value))
