"""The dated facts docs/audit.md records as checked, pinned to the value the official source gives.

Each row names the source it was checked against (see docs/audit.md for how). A change to one
of these dates must come with a new check of the source, and a change here.
"""

from __future__ import annotations

import datetime as dt

import pytest

from anpo.core.source import host_of, is_primary
from anpo.geo import units
from anpo.law import instruments

D = dt.date.fromisoformat

# instrument, field, value, where the value was checked
INSTRUMENT_DATES = [
    ("us-japan-1960", "signed", "1960-01-19", "MOFA treaty DB A-H2-2891 recites it"),
    ("us-japan-1960", "in_force", "1960-06-23", "MOFA A-H2-2891; Cabinet answer b186171 (6-9)"),
    ("us-japan-1951", "ended", "1960-06-23", "1960 treaty Art. IX: ends when the new one is in force"),
    ("us-japan-sofa-1960", "in_force", "1960-06-23", "MOD text headed 昭和三十五年六月二十三日 条約第七号"),
    ("amami-reversion-1953", "signed", "1953-12-24", "National Archives of Japan"),
    ("amami-reversion-1953", "in_force", "1953-12-25", "National Archives of Japan"),
    ("ogasawara-reversion-1968", "signed", "1968-04-05", "MOFA Diplomatic Bluebook 1969"),
    ("ogasawara-reversion-1968", "in_force", "1968-06-26", "MOFA Diplomatic Bluebook 1969"),
    ("okinawa-reversion-1971", "signed", "1971-06-17", "Cabinet Secretariat"),
    ("okinawa-reversion-1971", "in_force", "1972-05-15", "Cabinet Secretariat"),
    ("tokara-reversion-1952", "in_force", "1952-02-10", "Kagoshima Prefecture"),
    ("sofa-jc-1995-custody", "in_force", "1995-10-25", "Cabinet answer t181031 (item 2)"),
    ("sofa-jc-2004-custody", "in_force", "2004-04-02", "government answer, HC Judicial Affairs 2004-04-22"),
    ("sofa-jc-2011-civilian-component", "in_force", "2011-11-23", "MOFA announcement of 2011-11-24"),
    ("us-japan-sofa-2017-civilian-component", "signed", "2017-01-16", "MOFA page3_001957"),
    ("scc-2019-cyber", "in_force", "2019-04-19", "MOD joint statement page"),
    ("scc-2023-space", "in_force", "2023-01-11", "statement text: convened on January 11, 2023"),
    ("us-statements-senkaku", "in_force", "2010-10-27", "State Department transcript, Honolulu"),
    ("jp-areas-surrounding-japan-act-1999", "signed", "1999-05-28", "Act No. 60 as promulgated (worldjpn)"),
    ("jp-cabinet-decision-2014-07-01", "in_force", "2014-07-01", "Defense of Japan 2014 (MOD)"),
]


@pytest.mark.parametrize(("iid", "field", "value", "checked"), INSTRUMENT_DATES,
                         ids=[f"{r[0]}.{r[1]}" for r in INSTRUMENT_DATES])
def test_instrument_dates_match_the_official_source(iid: str, field: str, value: str, checked: str) -> None:
    assert getattr(instruments.instruments()[iid], field) == D(value), checked


def test_takeshima_korean_administration_starts_in_1954_as_the_cabinet_answer_says() -> None:
    # Cabinet answer of 2014-05-30 (b186171, items 2-3): guards stationed in 1954, occupation
    # recognized by mid-1954 at the latest. anpo once started it on 1953-04-20.
    hist = {u.id: u for u in units()}["takeshima"].history
    korean = [p for p in hist if p.administered_by == "KOR"]
    assert len(korean) == 1 and korean[0].start.year == 1954
    assert korean[0].start == D("1954-07-01")
    assert "b186171" in korean[0].source
    assert korean[0].instrument == "jp-cabinet-answer-2014-05-30/takeshima"


def test_the_korea_minute_links_the_1960_01_06_record() -> None:
    # The earlier link (worldjpn 19590509.O1J) was another document; MOFA's 2010 release
    # (document 2-2) is the record dated 1960-01-06.
    assert "19600106" in instruments.instruments()["korea-minute-1960"].url


def test_the_treaty_links_mofa_for_both_languages() -> None:
    inst = instruments.instruments()["us-japan-1960"]
    assert host_of(inst.url) == "www.mofa.go.jp" and host_of(inst.url_ja or "") == "www.mofa.go.jp"
    assert inst.title_ja == "日本国とアメリカ合衆国との間の相互協力及び安全保障条約"
    for pid in ("us-japan-1960/art-5/para-1", "us-japan-1960/art-6", "us-japan-1960/art-10"):
        assert host_of(instruments.cite(pid).url) == "www.mofa.go.jp"


def test_every_citation_link_is_an_official_page_or_absent_with_the_document_named() -> None:
    for pid in instruments.provisions():
        url = instruments.cite(pid).url
        inst = instruments.instrument_of(pid)
        if url:
            assert is_primary(url), (pid, url)
        else:
            assert inst.document or inst.provisions[pid].note, pid


def test_japanese_and_bilateral_instruments_carry_their_japanese_title() -> None:
    foreign = {"un-charter", "us-war-powers-resolution", "us-statements-senkaku"}
    for iid, inst in instruments.instruments().items():
        if iid in foreign or iid.startswith("us-") and "japan" not in iid:
            continue
        assert inst.title_ja, iid


def _urls(value: object) -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(value, dict):
        if "id" in value and "url" in value:
            out[str(value["id"])] = str(value["url"])
        for v in value.values():
            out.update(_urls(v))
    elif isinstance(value, list):
        for v in value:
            out.update(_urls(v))
    return out


def test_assessing_an_attack_at_kadena_cites_official_pages_only() -> None:
    from anpo.law.assess import assess_raw

    results, _ = assess_raw({"id": "kadena-2026", "date": "2026-01-01", "event": "armed_attack",
                             "target": "USA", "lat": 26.35, "lon": 127.77})
    urls = _urls(results[0])
    assert urls, "the explanation cites provisions"
    treaty = {pid: u for pid, u in urls.items() if pid.startswith("us-japan-1960/")}
    assert treaty and all(host_of(u) == "www.mofa.go.jp" for u in treaty.values()), treaty
    for pid, url in urls.items():
        assert not url or is_primary(url), (pid, url)
