"""Run the legal cases in tests/cases/*.yaml end to end (parsing, geography, law)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from anpo.law.assess import assess_raw

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


@pytest.mark.parametrize("case", _cases())
def test_case(case: dict[str, Any]) -> None:
    results, _ = assess_raw(_stringify(case["scenario"]))
    result = results[0]
    for path, expected in case["expect"].items():
        assert _get(result, path) == expected, f"{path}: got {_get(result, path)!r}, expected {expected!r}"
