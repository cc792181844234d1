"""The Korea Minute end to end: cited, noted with its uncertain standing, in the text too."""

from __future__ import annotations

from anpo.law.assess import assess_raw
from anpo.report.text import render_assessment

SEOUL = {"date": "2026-01-01", "event": "armed_attack", "target": "KOR", "lat": 37.5665,
         "lon": 126.978, "us_action": "combat_operations_from_japan"}


def test_korea_minute_is_cited_with_its_standing_and_never_waives_consultation() -> None:
    result = assess_raw(SEOUL)[0][0]
    pc = result["prior_consultation"]
    assert pc["required"] and pc["korea_minute"]
    ids = [c["id"] for c in pc["citations"]]
    assert "us-japan-1960-exchange-of-notes/combat-operations" in ids
    assert "korea-minute-1960/para-1" in ids
    assert pc["korea_minute_standing"].startswith("uncertain")
    text = render_assessment(result)
    assert "Korea Minute" in text and "present standing: uncertain" in text


def test_no_standing_note_when_the_minute_is_not_noted() -> None:
    result = assess_raw({**SEOUL, "us_action": "none"})[0][0]
    assert "korea_minute_standing" not in result["prior_consultation"]
    # Korea's own territorial sea is not drawn by Japan's Territorial Sea Law.
    busan = assess_raw({**SEOUL, "lat": 35.10, "lon": 129.04})[0][0]
    cited = [step["citation"] for step in busan["explanation"]
             if step["condition"] == "in_territories_under_japanese_administration"][0]
    assert not any(c.startswith("jp-territorial-sea-law") for c in cited)
