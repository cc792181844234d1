"""SOFA Art. XVII: legal cases in tests/cases/sofa/*.yaml, parsing, and batch consistency."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from anpo.core.errors import InputError
from anpo.law import sofa
from anpo.law.instruments import cite, instruments

CASES = sorted((Path(__file__).parents[1] / "cases" / "sofa").glob("*.yaml"))
CASE_KEYS = {"description", "input", "expect", "cites", "not_cites", "explanation_has"}


def _get(obj: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if isinstance(obj, list):
            obj = obj[int(part)]
        elif isinstance(obj, dict):
            if part not in obj:
                raise AssertionError(f"no {part!r} in {sorted(obj)} (path {dotted})")
            obj = obj[part]
        else:
            raise AssertionError(f"cannot descend into {obj!r} at {part!r} (path {dotted})")
    return obj


def _assess(raw: dict[str, Any]) -> dict[str, Any]:
    incidents, _ = sofa.parse_incidents(raw)
    return sofa.assess_incidents(incidents)[0]


def test_there_are_cases() -> None:
    assert len(CASES) >= 15


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_legal_case(path: Path) -> None:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(case) <= CASE_KEYS, f"unknown keys in {path.name}: {set(case) - CASE_KEYS}"
    result = _assess(case["input"])
    for dotted, expected in case["expect"].items():
        got = _get(result, dotted)
        assert got == expected, f"{path.name}: {dotted} = {got!r}, expected {expected!r}"
    cited = {c["id"] for c in result["citations"]}
    for cid in case.get("cites", []):
        assert cid in cited, f"{path.name}: {cid} not cited; cited: {sorted(cited)}"
    for cid in case.get("not_cites", []):
        assert cid not in cited, f"{path.name}: {cid} cited but should not be"
    if "explanation_has" in case:
        assert case["explanation_has"] in [s["rule"] for s in result["explanation"]]


def test_every_citation_resolves_and_every_step_cites_a_shipped_provision() -> None:
    for path in CASES:
        result = _assess(yaml.safe_load(path.read_text(encoding="utf-8"))["input"])
        for step in result["explanation"]:
            for cid in step["cites"]:
                assert cite(cid).url.startswith("http")


def test_instruments_are_dated_and_sourced() -> None:
    inst = instruments()
    assert inst["us-japan-sofa-1960"].in_force.isoformat() == "1960-06-23"
    assert inst["sofa-jc-1995-custody"].in_force.isoformat() == "1995-10-25"
    assert inst["sofa-jc-2004-custody"].in_force.isoformat() == "2004-04-02"
    assert inst["sofa-jc-2011-civilian-component"].in_force.isoformat() == "2011-11-23"
    assert inst["us-japan-sofa-2017-civilian-component"].in_force.isoformat() == "2017-01-16"
    # Not confirmed in the fact sheet: must say so in the data.
    assert inst["us-japan-sofa-2017-civilian-component"].confidence == "partly"
    assert inst["us-japan-sofa-1960-agreed-minutes"].confidence == "partly"


BASE: dict[str, Any] = {
    "date": "2012-08-01", "accused": "member", "offense": "assault", "punishable_under": "both",
    "official_duty": False, "victim": "japanese_person", "custody": "us",
}


def test_batch_equals_one_by_one() -> None:
    rows = [yaml.safe_load(p.read_text(encoding="utf-8"))["input"] for p in CASES]
    batch = sofa.assess_incidents(sofa.parse_incidents(rows)[0])
    singles = [_assess(r) for r in rows]
    assert batch == singles


def test_custody_in_japanese_hands_needs_no_transfer() -> None:
    r = _assess({**BASE, "custody": "japan", "heinous": "murder"})
    assert r["custody"] == {
        "holder": "japan", "rule": "japan_holds", "pre_indictment_transfer": None,
    }


def test_member_gets_no_outside_limit_but_civilian_does() -> None:
    on_duty = {**BASE, "official_duty": True}
    assert _assess(on_duty)["practical_limits"] == []
    lims = _assess({**on_duty, "accused": "civilian_component"})["practical_limits"]
    assert [x["id"] for x in lims] == [
        "us-scotus/reid-v-covert-1957",
        "us-scotus/kinsella-v-singleton-1960",
        "us-code/18-usc-3261",
    ]


def test_result_carries_receipt_and_echo() -> None:
    r = _assess({**BASE, "id": "x1", "lat": 26.3, "lon": 127.8})
    assert r["id"] == "x1"
    assert r["input"]["lat"] == 26.3
    assert r["location"]["facility"] is None
    assert len(r["receipt"]["input_sha256"]) == 64
    assert r["receipt"]["input_sha256"] != _assess(BASE)["receipt"]["input_sha256"]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"accused": "contractor"}, "accused", "accepted: member, civilian_component, dependent"),
        ({"official_duty": "yes"}, "official_duty", "true or false"),
        ({"official_duty": 1}, "official_duty", "true or false"),
        ({"duty_certificate": None}, "duty_certificate", "true or false"),
        ({"punishable_under": "both_maybe"}, "punishable_under", "accepted"),
        ({"heinous": "arson"}, "heinous", "accepted: murder, rape"),
        ({"victim": 3}, "victim", "expected a string"),
        ({"custody": "UN"}, "custody", "accepted: us, japan"),
        ({"harm": "bruise"}, "harm", "accepted"),
        ({"date": "1996-02-30"}, "date", "not a real calendar day"),
        ({"offense": "  "}, "offense", "non-empty"),
        ({"lat": 26.0}, "lon", "go together"),
        ({"lat": True, "lon": 127.0}, "lat", "expected a number"),
        ({"colour": "red"}, "colour", "unknown field"),
        ({"id": 7}, "id", "expected a string"),
    ],
)
def test_bad_input_names_the_field(change: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(InputError) as info:
        sofa.parse_incident({**BASE, **change})
    assert info.value.field == field
    assert words in info.value.reason


@pytest.mark.parametrize("missing", sofa.REQUIRED)
def test_missing_required_field(missing: str) -> None:
    raw = {k: v for k, v in BASE.items() if k != missing}
    with pytest.raises(InputError) as info:
        sofa.parse_incident(raw)
    assert info.value.field == missing


def test_list_error_names_the_row() -> None:
    with pytest.raises(InputError) as info:
        sofa.parse_incidents([BASE, {**BASE, "victim": "nobody"}])
    assert info.value.row == 1 and info.value.field == "victim"
    with pytest.raises(InputError):
        sofa.parse_incidents([])
    with pytest.raises(InputError):
        sofa.parse_incidents("an incident")


def test_confidence_is_per_provision() -> None:
    # Paras 1, 2 and 5(c) are confirmed in the fact sheet; para 3 stays partly.
    result = _assess({**BASE, "date": "1990-01-01", "punishable_under": "japan"})
    levels = {c["id"]: c["confidence"] for c in result["citations"]}
    assert levels == {
        "us-japan-sofa-1960/art-17/para-1/b": "confirmed",
        "us-japan-sofa-1960/art-17/para-2/b": "confirmed",
        "us-japan-sofa-1960/art-17/para-5/c": "confirmed",
    }
    assert result["confidence"] == "confirmed"
    concurrent = _assess({**BASE, "date": "1990-01-01"})
    assert {c["id"]: c["confidence"] for c in concurrent["citations"]}[
        "us-japan-sofa-1960/art-17/para-3/b"] == "partly"
    assert concurrent["confidence"] == "partly"
