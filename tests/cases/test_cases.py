"""Run the legal cases in tests/cases/*.yaml end to end (parsing, geography, law).

A case may also give `what_if: {without: [...], in_force: {instrument: date}}` (the law it is
assessed under), `contains: {path: text}`: the value at `path` (a text, or a list of
citations, matched by their ids) contains `text`, and `lacks: {path: text}`: it does not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from anpo.law.assess import assess_raw
from anpo.law.whatif import WhatIf

CASES_DIR = Path(__file__).parent


def _cases() -> list[Any]:
    out = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            out.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return out


def _stringify(value: Any) -> Any:
    # YAML reads unquoted dates as dates; the scenario format takes strings.
    if isinstance(value, dict):
        return {k: _stringify(v) for k, v in value.items()}
    return value.isoformat() if hasattr(value, "isoformat") else value


def _get(result: dict[str, Any], path: str) -> Any:
    value: Any = result
    for part in path.split("."):
        assert isinstance(value, dict) and part in value, f"{path}: no {part!r} in the result"
        value = value[part]
    return value


def _text(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(v["id"] if isinstance(v, dict) and "id" in v else str(v) for v in value)
    return str(value)


@pytest.mark.parametrize("case", _cases())
def test_case(case: dict[str, Any]) -> None:
    spec = case.get("what_if")
    whatif = None
    if spec is not None:
        whatif = WhatIf.parse(without=spec.get("without", ()), in_force=spec.get("in_force", {}))
    results, _ = assess_raw(_stringify(case["scenario"]), whatif=whatif)
    result = results[0]
    for path, expected in case.get("expect", {}).items():
        assert _get(result, path) == expected, f"{path}: got {_get(result, path)!r}, expected {expected!r}"
    for path, text in case.get("contains", {}).items():
        assert text in _text(_get(result, path)), f"{path}: {_get(result, path)!r} lacks {text!r}"
    for path, text in case.get("lacks", {}).items():
        assert text not in _text(_get(result, path)), f"{path}: {_get(result, path)!r} has {text!r}"
