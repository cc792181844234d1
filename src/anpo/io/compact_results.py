"""Compact results: a list of scenarios as the batch table's rows, assembled from columns.

    rows = compact_rows(scenarios)                 # already parsed (anpo.law.assess.parse)
    rows = compact_rows(scenarios, whatif=w)       # under the law as a what-if changes it

The list is assessed as one frame (the fast geography, no explanation) and each row holds
what a row of `anpo assess --batch` holds, under the same names and with the same values:
`id`, `date`, the place columns (`zone`, `administered_by`, `claimed_by` with claimants
joined by commas, `place`) and the determinations of `anpo.io.determinations`. Each value
comes from one column per field (labels looked up by code for the whole column), so the
per-row work is only the zip into a dict. No citations, decisions or receipt: those are in
the full result (`anpo.law.assess.assess`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from anpo.core.scenario import Scenario, ScenarioFrame
from anpo.io.determinations import DETERMINATIONS, PLACE_COLUMNS, determination_columns
from anpo.law.assess import resolve
from anpo.law.common import active_context, default_context
from anpo.law.rules import evaluate
from anpo.law.whatif import WhatIf

# The fields of a compact row, in order.
FIELDS = ("id", "date", *PLACE_COLUMNS, *DETERMINATIONS)


def compact_rows(scenarios: Sequence[Scenario], *, whatif: WhatIf | None = None) -> list[dict[str, Any]]:
    """One compact row per scenario, in order (`whatif`: else the process's applied law)."""
    return frame_rows(ScenarioFrame.from_scenarios(scenarios), [s.id for s in scenarios],
                      [s.date.isoformat() for s in scenarios], whatif=whatif)


def frame_rows(frame: ScenarioFrame, ids: Sequence[str | None], dates: Sequence[str], *,
               whatif: WhatIf | None = None) -> list[dict[str, Any]]:
    """The compact rows of a frame whose ids and ISO dates are given as columns (a list body
    read straight into columns: `anpo.api.compact_lists`)."""
    place = resolve(frame)
    context = active_context() if whatif is None else default_context().under(whatif)
    evaluation = evaluate(frame, place, context)
    columns: list[Sequence[Any]] = [ids, dates]
    columns += [_python(array) for array in determination_columns(evaluation, place, None)]
    return [dict(zip(FIELDS, values, strict=True)) for values in zip(*columns, strict=True)]


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
