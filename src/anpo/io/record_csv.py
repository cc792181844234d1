"""Records (dicts) as CSV text: every key of every record a column, in first-seen order.
Dict cells become `key:value` pairs; control characters are escaped."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable


def cell(v: object) -> str:
    """One cell as text: '' for None, %g for floats, `k:v ...` for dicts (None parts left out),
    controls escaped."""
    if v is None:
        return ""
    if isinstance(v, dict):
        v = " ".join(f"{k}:{x:g}" if isinstance(x, float) else f"{k}:{x}"
                     for k, x in v.items() if x is not None)
    elif isinstance(v, float):
        v = f"{v:g}"
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in str(v))


def to_csv(records: Iterable[dict[str, object]]) -> str:
    rows = list(records)
    keys: list[str] = []
    for r in rows:
        keys += [k for k in r if k not in keys]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=keys, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: cell(r.get(k)) for k in keys})
    return buf.getvalue()
