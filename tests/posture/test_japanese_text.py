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
from anpo.posture.burden_schema import BurdenSeriesFile
from anpo.posture.cited import validate_file
from anpo.posture.japanese import has_japanese


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
    assert doc["events"] and not _missing(doc["events"], "summary_ja")


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
    # the chart labels its rows by item: two items must not read alike in Japanese either
    names = [i["item_ja"] for i in doc["items"]]
    assert len(set(names)) == len(names)
    assert not _missing(doc["costs"], "text_ja") and not _missing(doc["schedules"], "text_ja")


def test_realignment_uses_the_official_japanese_names() -> None:
    from anpo.posture import realignment

    titles = {p["id"]: p["title_ja"] for p in realignment.report()["plans"]}
    assert titles["consolidation-2013"] == "沖縄における在日米軍施設・区域に関する統合計画"
    assert "再編実施のための日米のロードマップ" in titles["roadmap-2006"]
    assert titles["saco-1996"].startswith("SACO最終報告")
    frf = next(i for i in realignment.report("roadmap-2006")["items"] if i["id"] == "roadmap-frf")
    assert "普天間飛行場代替施設" in frf["item_ja"] and "辺野古" in frf["item_ja"]


# --- Governance: SCC meetings, exercises, information sharing, command arrangements ------------

def test_every_governance_row_has_its_japanese_text() -> None:
    from anpo.posture import governance

    doc = governance.report()
    assert doc["scc"] and doc["exercises"] and doc["information"] and doc["command"]
    assert not _missing(doc["scc"], "decided_ja", "place_ja")
    assert not _missing(doc["exercises"], "name_ja", "where_ja", "summary_ja")
    assert not _missing(doc["information"], "name_ja", "summary_ja")
    assert not _missing(doc["command"], "name_ja", "summary_ja")
    assert not _missing([doc["protection_started"]], "text_ja")
    assert not _missing(doc["gaps"], "text_ja")


def test_governance_uses_the_official_japanese_names() -> None:
    from anpo.posture import governance

    doc = governance.report()
    names = {i["id"]: i["name_ja"] for i in doc["information"]}
    assert names["jp-us-gsomia"].startswith(
        "秘密軍事情報の保護のための秘密保持の措置に関する日本国政府とアメリカ合衆国政府との間の協定")
    assert names["jp-secrets-act"].startswith("特定秘密の保護に関する法律")
    command = {a["id"]: a["name_ja"] for a in doc["command"]}
    assert command["usfj"].startswith("在日米軍司令部") and command["acm"].startswith("同盟調整メカニズム")
    assert command["bpm"].startswith("共同計画策定メカニズム")
    assert command["jjoc"].startswith("自衛隊統合作戦司令部")
    article5 = [m for m in doc["scc"] if "Article V" in m["decided"]]
    assert article5 and all("日米安全保障条約第5条" in m["decided_ja"] for m in article5)


def test_command_arrangements_in_force_on_a_date_carry_japanese_names() -> None:
    import datetime as dt

    from anpo.posture import governance

    rows = governance.report("command", dt.date(2025, 3, 24))["command"]
    assert "自衛隊統合作戦司令部（JJOC）" in {a["name_ja"] for a in rows}
