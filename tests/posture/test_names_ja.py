"""Every facility has its Japanese name, and a U.S. facility's is MOD's name in the registry."""

from __future__ import annotations

import csv

from anpo import data, posture


def test_every_facility_has_a_japanese_name() -> None:
    missing = [f.record.id for f in posture.facilities().values() if not f.record.name_ja]
    assert not missing


def test_a_us_facility_is_named_as_in_the_registry() -> None:
    with data.path("posture/registry.csv").open(encoding="utf-8") as fh:
        registry = {r["facility"]: r["name_ja"] for r in csv.DictReader(fh) if r["facility"] and r["name_ja"]}
    names = {f.record.id: f.record.name_ja for f in posture.facilities().values()}
    differ = {k: (v, names[k]) for k, v in registry.items() if k in names and names[k] != v}
    assert registry and not differ


def test_the_json_of_a_facility_carries_it() -> None:
    kadena = posture.facility("kadena")
    assert kadena.to_dict()["name_ja"] == "嘉手納飛行場"
