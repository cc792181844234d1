"""Determinations as Arrow columns: the output rows of batch assessment and grids.

Each determination is a column named after its legal concept (the condition of
`anpo.law`); categorical ones are dictionary-encoded text (their labels), the others
booleans. The place is four columns: zone, administered_by, claimed_by (claimants joined
with commas) and place (the unit's name). Rows whose input was bad have an `error` and no
determinations (missing values).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from anpo.core.codes import NULL, Zone, country_name
from anpo.core.signals import raise_if_stopped
from anpo.geo.place import Place
from anpo.io.arrow_arrays import bool_array, coded_array, compact_array, string_array
from anpo.law.common import default_context
from anpo.law.engine import Evaluation
from anpo.law.rules import ruleset

_STOP_CHECK_ROWS = 256  # explanations between two looks at a stop signal (about 1-3 ms)

# The determinations written for every row, in this order.
DETERMINATIONS = (
    "security_treaty_in_force",
    "article5",
    "un_security_council_report_required",
    "agreed_minute_applies",
    "prior_consultation_required",
    "korea_minute_noted",
    "defense_operation_available",
    "collective_self_defense_legal_basis",
    "collective_self_defense_available",
    "survival_threatening_situation",
    "japan_situation",
    "rear_area_support",
    "diet_approval_required",
    "maritime_security_operations_available",
    "ballistic_missile_destruction_measures_available",
    "war_powers_report_required",
)
PLACE_COLUMNS = ("zone", "administered_by", "claimed_by", "place")
EXPLANATION = "explanation"
_TEXT = pa.dictionary(pa.int16(), pa.string())


def _type(name: str) -> pa.DataType:
    return pa.bool_() if ruleset().by_name[name].labels is None else _TEXT


def determination_fields() -> list[pa.Field]:
    """Schema fields of the place and determination columns."""
    return [pa.field(n, _TEXT) for n in PLACE_COLUMNS] + [pa.field(n, _type(n)) for n in DETERMINATIONS]


def explanation_field() -> pa.Field:
    return pa.field(EXPLANATION, pa.string(), metadata={"anpo.json": "1"})


@cache
def _dictionaries() -> dict[str, pa.Array]:
    ctx = default_context()
    countries = _country_table()
    out = {
        "zone": string_array([z.name for z in Zone]),
        "administered_by": string_array(countries),
        "claimed_by": string_array([",".join(cs) for cs in ctx.claim_sets]),
        "place": string_array([u.name for u in ctx.units]),
    }
    for name in DETERMINATIONS:
        labels = ruleset().by_name[name].labels
        if labels is not None:
            out[name] = string_array(list(labels))
    return out


def _country_table() -> list[str]:
    """ISO-3 code of every country code, in code order."""
    out: list[str] = []
    while True:
        try:
            out.append(country_name(len(out)) or "")
        except IndexError:
            return out


def determination_columns(
    evaluation: Evaluation, place: Place, bad: npt.NDArray[np.bool_] | None
) -> list[pa.Array]:
    """The place and determination columns of an evaluated chunk (missing on `bad` rows)."""
    d = _dictionaries()
    no_place = place.zone == NULL if bad is None else (place.zone == NULL) | bad
    named = (place.unit != NULL) & (place.zone != int(Zone.outside)) & ~no_place
    out = [
        coded_array(place.zone, no_place, d["zone"]),
        compact_array(place.administered_by, (place.administered_by == NULL) | no_place,
                      d["administered_by"]),
        compact_array(place.claims, (place.claims == 0) | no_place, d["claimed_by"]),
        compact_array(place.unit, ~named, d["place"]),
    ]
    for name in DETERMINATIONS:
        values = evaluation[name]
        out.append(coded_array(values, bad, d[name]) if name in d else bool_array(values, bad))
    return out


def explanations(evaluation: Evaluation, rows: Sequence[int], n: int,
                 actual: Evaluation | None = None) -> pa.Array:
    """The explanation (JSON) of the given rows, missing elsewhere. Under a what-if, `actual`
    is the same rows under the actual law: a step whose value differs carries `actual`."""
    texts: list[str | None] = [None] * n
    for k, i in enumerate(rows):
        if k % _STOP_CHECK_ROWS == 0:
            # a chunk's explanations take minutes, and a stopped run's exit waits for its
            # running chunks (`ordered_map`): a stop ends them within a fraction of a second
            raise_if_stopped()
        steps = [step.to_dict() for step in evaluation.trace(i)]
        if actual is not None:
            for step in steps:
                was = actual.value(step["condition"], i)
                if was != step["value"]:
                    step["actual"] = was
        texts[i] = json.dumps(steps, ensure_ascii=False)
    return pa.array(texts, pa.string())
