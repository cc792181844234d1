"""Every series, item and row the dashboard shows has its Japanese text, and the JSON carries it.

The English fields stay as they are; each `*_ja` field is their Japanese rendering (official
Japanese names of places, instruments and provisions). A `*_ja` field must hold kana or kanji:
a copy of the English is rejected at load, naming the field.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from anpo import data
from anpo.core.errors import DataError
from anpo.posture import burden
from anpo.posture.burden_schema import BurdenSeriesFile, has_japanese
from anpo.posture.cited import validate_file


def _missing(rows: list[dict[str, Any]], *fields: str) -> list[str]:
    """`id.field` of every row whose Japanese field is absent, empty or without kana/kanji."""
    return [f"{r.get('id') or r.get('topic')}.{f}" for r in rows for f in fields
            if not (isinstance(r.get(f), str) and r[f].strip() and has_japanese(r[f]))]


def test_has_japanese_tells_japanese_from_english() -> None:
    assert has_japanese("嘉手納飛行場") and has_japanese("キャンプ・シュワブ")
    assert not has_japanese("Kadena Air Base") and not has_japanese("")


# --- Okinawa's burden -------------------------------------------------------------------------

def test_every_burden_series_and_gap_has_its_japanese_text() -> None:
    doc = burden.report()
    assert doc["series"] and doc["gaps"]
    assert not _missing(doc["series"], "title_ja", "counts_ja", "publisher_ja")
    assert not _missing(doc["gaps"], "text_ja")


def test_the_burden_json_carries_the_japanese_text() -> None:
    doc = json.loads(json.dumps(burden.report("sofa-crimes-national")))
    assert doc["series"][0]["publisher_ja"] == "警察庁"
    share = burden.report("exclusive-area-share")["series"][0]
    assert "沖縄県知事公室基地対策課" in share["publisher_ja"] and "沖縄防衛局" in share["publisher_ja"]


def test_a_japanese_field_in_english_is_rejected_naming_it() -> None:
    raw = copy.deepcopy(data.read_yaml(burden.SERIES_FILE))
    raw["series"][0]["title_ja"] = "Okinawa's share"
    with pytest.raises(DataError, match="title_ja"):
        validate_file(BurdenSeriesFile, raw, burden.SERIES_FILE)


# --- Realignment plans against outcomes -------------------------------------------------------

def test_every_plan_and_item_has_its_japanese_text() -> None:
    from anpo.posture import realignment

    doc = realignment.report()
    assert doc["plans"] and doc["items"]
    assert not _missing(doc["plans"], "title_ja")
    assert not _missing(doc["items"], "item_ja", "target_ja", "outcome_ja", "plan_ja")
    assert not _missing(doc["costs"], "text_ja") and not _missing(doc["schedules"], "text_ja")


def test_realignment_uses_the_official_japanese_names() -> None:
    from anpo.posture import realignment

    titles = {p["id"]: p["title_ja"] for p in realignment.report()["plans"]}
    assert titles["consolidation-2013"] == "沖縄における在日米軍施設・区域に関する統合計画"
    assert "再編実施のための日米のロードマップ" in titles["roadmap-2006"]
    assert titles["saco-1996"].startswith("SACO最終報告")
    frf = next(i for i in realignment.report("roadmap-2006")["items"] if i["id"] == "roadmap-frf")
    assert "普天間飛行場代替施設" in frf["item_ja"] and "辺野古" in frf["item_ja"]
