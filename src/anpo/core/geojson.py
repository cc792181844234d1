"""GeoJSON (RFC 7946) that GIS tools read with typed fields: pure data, no I/O, so every room
(posture's registry, the CLI, the library) builds its features the same way.

    flat({"status": {"legal_status": "us_exclusive"}})  # {"status_legal_status": "us_exclusive"}
    point(127.76549911499023, 26.3567, props)            # coordinates [127.765499, 26.3567]
    collection([feature, ...])                           # every feature has every property

QGIS, GDAL and GeoPandas give a nested property (an object or a list) as a JSON string that
cannot be styled or filtered on, so properties are flattened: an object's keys become
`parent_child`, a list of values one text of comma-separated values, a list of objects
(e.g. runways) a count and the largest value of each numeric key (`runways_count`,
`runways_max_length_ft`). Coordinates are [lon, lat] with 6 decimals (about 0.1 m), which
also drops the float32 noise of source data (127.76549911499023 -> 127.765499); other
floats keep 6 decimals at most. Every feature of a collection carries the same keys (null
where it has no value), so a reader types each field once.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

DECIMALS = 6


def number(value: float) -> float | None:
    """A float with at most DECIMALS decimals (None for NaN and infinities: JSON has none)."""
    if not math.isfinite(value):
        return None
    return round(float(value), DECIMALS)


def _scalar(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, float):
        return number(value)
    if hasattr(value, "isoformat"):  # dates
        return value.isoformat()
    return str(value)


def flat(record: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """The record with nested values flattened into typed scalar properties."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flat(value, f"{name}_"))
        elif isinstance(value, list | tuple):
            if value and all(isinstance(v, Mapping) for v in value):
                out[f"{name}_count"] = len(value)
                numeric = sorted({k for v in value for k, x in v.items()
                                  if isinstance(x, int | float) and not isinstance(x, bool)})
                for k in numeric:
                    xs = [v[k] for v in value if isinstance(v.get(k), int | float)]
                    out[f"{name}_max_{k}"] = _scalar(max(xs)) if xs else None
            else:
                out[name] = ",".join(str(_scalar(v)) for v in value) if value else None
        else:
            out[name] = _scalar(value)
    return out


def point(lon: float, lat: float, properties: Mapping[str, Any]) -> dict[str, Any]:
    """A Point feature at [lon, lat] with flattened properties."""
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [number(lon), number(lat)]},
            "properties": flat(properties)}


def collection(features: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """A FeatureCollection whose features all carry the union of the properties (in first-seen order)."""
    feats = list(features)
    keys: dict[str, None] = {}
    for f in feats:
        keys.update(dict.fromkeys(f.get("properties") or {}))
    # A key that is null everywhere but flattened elsewhere (an object or list of objects that
    # some features have and others lack) goes; the lists' counts are then 0, not null.
    empty = {k for k in keys if all((f.get("properties") or {}).get(k) is None for f in feats)
             and any(o.startswith(f"{k}_") for o in keys)}
    counts = {f"{k}_count" for k in empty} & set(keys)
    for f in feats:
        props = f.get("properties") or {}
        f["properties"] = {k: (0 if k in counts and props.get(k) is None else props.get(k))
                           for k in keys if k not in empty}
    return {"type": "FeatureCollection", "features": feats}
