"""The operation_area column of batch tables: parsed like the scalar field, bad values named."""

from __future__ import annotations

import pyarrow as pa

from anpo.core.codes import OperationArea
from anpo.io.scenario_columns import from_arrow, from_json_rows
from anpo.io.tables import JsonRows


def test_column_codes_and_errors() -> None:
    batch = pa.record_batch({
        "date": ["2026-06-01"] * 4,
        "event": ["armed_attack"] * 4,
        "target": ["KOR"] * 4,
        "lat": [37.5] * 4, "lon": [127.0] * 4,
        "us_action": ["combat_operations_from_japan"] * 4,
        "operation_area": ["korea", None, "middle_east", "mars"],
    })
    cols = from_arrow(batch)
    assert cols.bad.tolist() == [False, False, False, True]
    assert "operation_area: unknown value 'mars'" in cols.messages[int(cols.error[3])]
    assert cols.frame.operation_areas().tolist()[:3] == [
        OperationArea.korea, OperationArea.none, OperationArea.middle_east,
    ]


def test_json_rows_and_tables_agree() -> None:
    row = {"date": "2026-06-01", "event": "armed_attack", "target": "TWN", "lat": 24.2, "lon": 121.0,
           "us_action": "combat_operations_from_japan", "operation_area": "taiwan"}
    cols = from_json_rows(JsonRows([row, {**row, "operation_area": 3}], {}))
    assert cols.frame.operation_areas().tolist()[0] == OperationArea.taiwan
    assert cols.bad.tolist() == [False, True]
    assert cols.messages[int(cols.error[1])].startswith("operation_area:")
