"""Compact results: a list of scenarios as the batch table's rows, assembled from columns.

    rows = compact_rows(scenarios)                 # already parsed (anpo.law.assess.parse)
    rows = compact_rows(scenarios, whatif=w)       # under the law as a what-if changes it
    text = compact_json(scenarios)                 # orjson.dumps(compact_rows(scenarios))

The list is assessed as one frame (the fast geography, no explanation) and each row holds
what a row of `anpo assess --batch` holds, under the same names and with the same values:
`id`, `date`, the place columns (`zone`, `administered_by`, `claimed_by` with claimants
joined by commas, `place`) and the determinations of `anpo.io.determinations`. Each value
comes from one column per field (labels looked up by code for the whole column), so the
per-row work is only the zip into a dict. No citations, decisions or receipt: those are in
the full result (`anpo.law.assess.assess`).

`frame_json` writes the same rows straight as JSON text, byte for byte what `orjson.dumps`
gives for `frame_rows`, from the code columns (a list worker's answer, `anpo.api.list_pool`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson
import pyarrow as pa

from anpo.core.codes import NULL, Zone
from anpo.core.scenario import Scenario, ScenarioFrame
from anpo.geo.place import Place
from anpo.io.determinations import DETERMINATIONS, PLACE_COLUMNS, _dictionaries, determination_columns
from anpo.law.assess import resolve
from anpo.law.common import active_context, default_context
from anpo.law.engine import Evaluation
from anpo.law.rules import evaluate
from anpo.law.whatif import WhatIf

# The fields of a compact row, in order.
FIELDS = ("id", "date", *PLACE_COLUMNS, *DETERMINATIONS)


def compact_rows(scenarios: Sequence[Scenario], *, whatif: WhatIf | None = None) -> list[dict[str, Any]]:
    """One compact row per scenario, in order (`whatif`: else the process's applied law)."""
    return frame_rows(ScenarioFrame.from_scenarios(scenarios), [s.id for s in scenarios],
                      [s.date.isoformat() for s in scenarios], whatif=whatif)


def compact_json(scenarios: Sequence[Scenario], *, whatif: WhatIf | None = None) -> bytes:
    """`orjson.dumps(compact_rows(scenarios, whatif=whatif))`, written by `frame_json`."""
    return frame_json(ScenarioFrame.from_scenarios(scenarios), [s.id for s in scenarios],
                      [s.date.isoformat() for s in scenarios], whatif=whatif)


def frame_rows(frame: ScenarioFrame, ids: Sequence[str | None], dates: Sequence[str], *,
               whatif: WhatIf | None = None) -> list[dict[str, Any]]:
    """The compact rows of a frame whose ids and ISO dates are given as columns (a list body
    read straight into columns: `anpo.api.compact_lists`)."""
    place = resolve(frame)
    columns: list[Sequence[Any]] = [ids, dates]
    evaluation = _evaluation(frame, place, whatif)
    columns += [_python(array) for array in determination_columns(evaluation, place, None)]
    return [dict(zip(FIELDS, values, strict=True)) for values in zip(*columns, strict=True)]


def frame_json(frame: ScenarioFrame, ids: Sequence[str | None], dates: Sequence[str], *,
               whatif: WhatIf | None = None) -> bytes:
    """`orjson.dumps(frame_rows(frame, ids, dates, whatif=whatif))`, written from the code
    columns: a list worker's answer (`anpo.api.list_pool`) with no dict or value a field.

    Each place or determination column has a table of its values' JSON text (`,"name":value`
    a code, written once a process) and a code a row. Neighbouring columns are joined into one
    code (mixed radix), whose text is joined once for each distinct combination in the list (a
    list of 1,000 random scenarios holds about a hundred), so a row is six pieces joined once."""
    n = len(ids)
    if n == 0:
        return b"[]"
    place = resolve(frame)
    groups = _groups(_codes(_evaluation(frame, place, whatif), place), _tables(), n)
    width = 4 + len(groups)
    out = [b'},{"id":'] * (n * width)  # a row: {"id": id ,"date": date, then its groups' text
    out[0] = b'[{"id":'
    out[1::width] = _json_texts(ids)
    out[2::width] = [b',"date":'] * n
    out[3::width] = _json_texts(dates)
    for g, group in enumerate(groups):
        out[4 + g::width] = group
    out.append(b"}]")  # in the join: `+` would copy the whole answer again
    return b"".join(out)


def _json_texts(values: Sequence[str | None]) -> list[bytes]:
    """orjson's text of each value, cut from one encoding of the whole column when no value is
    null and none holds a quote: `","` then stands only between values (orjson writes a quote
    in a string as `\\"`, and a NUL as `\\u0000`, never as the byte). Else value by value."""
    try:
        plain = '"' not in "".join(values)  # type: ignore[arg-type]  # TypeError: a null
    except TypeError:
        plain = False
    if plain:
        texts = orjson.dumps(list(values))[1:-1].replace(b'","', b'"\0"').split(b"\0")
        if len(texts) == len(values):
            return texts
    return list(map(orjson.dumps, values))


def _evaluation(frame: ScenarioFrame, place: Place, whatif: WhatIf | None) -> Evaluation:
    context = active_context() if whatif is None else default_context().under(whatif)
    return evaluate(frame, place, context)


def _codes(evaluation: Evaluation, place: Place) -> list[npt.NDArray[np.int64]]:
    """Each column's code a row into its `_tables` entry (-1: null, its last entry), as
    `determination_columns` writes the columns for rows without errors."""
    no_place = place.zone == NULL
    named = (place.unit != NULL) & (place.zone != int(Zone.outside)) & ~no_place
    columns: list[tuple[npt.NDArray[Any], npt.NDArray[np.bool_] | None]] = [
        (place.zone, no_place),
        (place.administered_by, (place.administered_by == NULL) | no_place),
        (place.claims, (place.claims == 0) | no_place),
        (place.unit, ~named),
    ]
    columns += [(evaluation[name], None) for name in DETERMINATIONS]
    out = []
    for values, missing in columns:
        codes = values.astype(np.int64)
        if missing is not None:
            codes[missing] = -1
        out.append(codes)
    return out


@cache
def _tables() -> list[list[bytes]]:
    """Each column's JSON text `,"name":value` by code, null last (the labels
    `determination_columns` writes)."""
    labels = _dictionaries()
    out = []
    for name in FIELDS[2:]:
        values = [*labels[name].to_pylist(), None] if name in labels else [False, True, None]
        out.append([b',"' + name.encode() + b'":' + orjson.dumps(v) for v in values])
    return out


_RADIX_LIMIT = 1 << 62
# The text of each combination of codes seen, by run: lists of a long-lived process (a list
# worker) meet the same few hundred combinations again and again. Emptied when it grows large.
_SEEN: dict[int, dict[int, bytes]] = {}  # by the run's first column
_SEEN_MAX = 1 << 12  # texts of about 600 bytes: a few MB at most


def _groups(codes: list[npt.NDArray[np.int64]], tables: list[list[bytes]], n: int) -> list[list[bytes]]:
    """Each row's text of runs of neighbouring columns: n pieces a run."""
    out: list[list[bytes]] = []
    start = 0
    while start < len(codes):
        key = np.zeros(n, dtype=np.int64)
        radix, stop = 1, start
        while stop < len(codes) and radix * len(tables[stop]) < _RADIX_LIMIT:
            size = len(tables[stop])
            key = key * size + codes[stop] % size  # -1 (null) is the last entry
            radix *= size
            stop += 1
        distinct, row_of = np.unique(key, return_inverse=True)
        seen = _SEEN.setdefault(start, {})
        if len(seen) > _SEEN_MAX:
            seen.clear()
        keys = distinct.tolist()
        texts = [seen.get(k) for k in keys]
        if None in texts:
            new = [i for i, text in enumerate(texts) if text is None]
            joined = np.full(len(new), b"", dtype=object)
            rest = distinct[new]
            for table in reversed(tables[start:stop]):  # the last column is the lowest digit
                rest, digit = np.divmod(rest, len(table))
                joined = _objects(table)[digit] + joined
            for i, text in zip(new, joined.tolist(), strict=True):
                texts[i] = seen[keys[i]] = text
        out.append(_objects(texts)[row_of.ravel()].tolist())  # type: ignore[arg-type]
        start = stop
    return out


def _objects(table: list[bytes]) -> npt.NDArray[np.object_]:
    out = np.empty(len(table), dtype=object)
    out[:] = table
    return out


def _python(array: pa.Array) -> list[Any]:
    """A column as Python values: labels looked up by code for the whole column at once
    (Arrow's own to_pylist builds each value separately, several times slower)."""
    if isinstance(array, pa.DictionaryArray):
        labels = np.array([*array.dictionary.to_pylist(), None], dtype=object)
        codes = array.indices.fill_null(len(labels) - 1).to_numpy(zero_copy_only=False)
        return list(labels[codes].tolist())
    if array.null_count:
        return list(array.to_pylist())
    return list(array.to_numpy(zero_copy_only=False).tolist())
