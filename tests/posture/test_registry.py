"""Facility registry: schema at load, dates, runways, posture on a date, command by date."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from anpo import data, posture
from anpo.core.errors import DataError, InputError
from anpo.posture import burden, changes, command
from anpo.posture.registry import FACILITIES_FILE
from anpo.posture.schema import FacilitiesFile, validate


def raw_facilities() -> dict:
    return copy.deepcopy(data.read_yaml(FACILITIES_FILE))


def test_shipped_files_validate():
    assert len(posture.facilities()) >= 28
    assert len(changes.changes()) >= 10
    assert len(command.arrangements()) >= 8
    assert len(burden.okinawa().figures) >= 8


def test_every_fact_sheet_and_simulation_facility_present():
    ids = set(posture.facilities())
    needed = {
        "kadena",
        "futenma",
        "camp-schwab",
        "camp-hansen",
        "camp-courtney",
        "white-beach",
        "torii-station",
        "yokota",
        "yokosuka",
        "camp-zama",
        "atsugi",
        "misawa",
        "iwakuni",
        "sasebo",
        "kyogamisaki",
        "shariki",
        "ie-shima",
        "henoko-frf",
        "andersen",
        "camp-blaz",
        "naha",
        "shimoji",
        "miyako",
        "new-ishigaki",
        "yonaguni",
        "nyutabaru",
        "tsuiki",
        "kanoya",
        "iwo-to",
    }
    assert needed <= ids


def test_unknown_field_is_an_error():
    raw = raw_facilities()
    raw["facilities"][0]["colour"] = "blue"
    with pytest.raises(DataError, match="colour"):
        validate(FacilitiesFile, raw, "facilities.yaml")


def test_status_periods_must_be_ordered():
    raw = raw_facilities()
    kadena = raw["facilities"][0]
    kadena["status"][0]["to"] = dt.date(1980, 1, 1)  # overlaps the 1972 period
    with pytest.raises(DataError, match="overlap"):
        validate(FacilitiesFile, raw, "facilities.yaml")
    raw = raw_facilities()
    raw["facilities"][0]["status"][0]["to"] = dt.date(1950, 1, 1)  # before its 'from'
    with pytest.raises(DataError, match="not after"):
        validate(FacilitiesFile, raw, "facilities.yaml")


def test_every_value_has_a_source_and_confidence():
    raw = raw_facilities()
    del raw["facilities"][3]["location"]["confidence"]
    with pytest.raises(DataError, match="confidence"):
        validate(FacilitiesFile, raw, "facilities.yaml")
    raw = raw_facilities()
    raw["facilities"][3]["status"][0]["confidence"] = "probably"
    with pytest.raises(DataError):
        validate(FacilitiesFile, raw, "facilities.yaml")


def test_approximate_points_are_marked():
    reg = posture.facilities()
    for fid in ("camp-schwab", "camp-courtney", "white-beach", "sasebo", "yokosuka", "shariki"):
        assert reg[fid].approximate, fid
    assert not reg["kadena"].approximate


def test_runway_geometry_from_ourairports():
    kadena = posture.facility("kadena")
    assert [r.length_ft for r in kadena.runways] == [12100, 12100]
    assert kadena.lat == pytest.approx(26.3567, abs=1e-4)
    assert kadena.lon == pytest.approx(127.7655, abs=1e-4)
    andersen = posture.facility("andersen")
    assert andersen.runways[0].length_ft == 11185  # longest first
    assert posture.facility("new-ishigaki").runways[0].has_geometry is False


def test_unknown_facility_names_field():
    with pytest.raises(InputError, match="facility"):
        posture.facility("area-51")


def test_cvw5_moves_from_atsugi_to_iwakuni():
    before, after = dt.date(2018, 3, 27), dt.date(2018, 3, 28)
    atsugi, iwakuni = posture.facility("atsugi"), posture.facility("iwakuni")
    assert [u.name for u in atsugi.units_on(before)] == ["CVW-5 fixed-wing squadrons"]
    assert iwakuni.units_on(before) == []
    assert atsugi.units_on(after) == []
    assert [u.name for u in iwakuni.units_on(after)] == ["CVW-5 fixed-wing squadrons"]


def test_marines_to_guam_and_camp_blaz():
    assert "camp-blaz" not in {f.facility.id for f in posture.at("2020-09-30").facilities}
    assert "camp-blaz" in {f.facility.id for f in posture.at("2020-10-01").facilities}
    blaz = posture.facility("camp-blaz")
    assert blaz.units_on(dt.date(2024, 12, 13)) == []
    assert len(blaz.units_on(dt.date(2024, 12, 14))) == 1


def test_henoko_is_planned_not_operating():
    p = posture.at("2025-06-01")
    assert "henoko-frf" in {f.facility.id for f in p.planned}
    assert "henoko-frf" not in {f.facility.id for f in p.facilities}
    assert "henoko-frf" not in {f.facility.id for f in posture.at("2006-04-30").planned}
    henoko_events = [c.id for c in changes.up_to(dt.date(2025, 1, 1), "henoko-frf")]
    assert henoko_events[0] == "roadmap-2006-frf"
    assert "henoko-reaffirmed-2017" in henoko_events


def test_okinawa_reversion_changes_status():
    assert (
        posture.facility("kadena").status_on(dt.date(1972, 5, 14)).legal_status
        == "us_administration"
    )
    assert posture.facility("kadena").status_on(dt.date(1972, 5, 15)).legal_status == "us_exclusive"


def test_kyogamisaki_provided_2013_12_12():
    # issue 16: provided by the Joint Committee on 2013-12-12 (not when the radar came in 2014)
    kyoga = posture.facility("kyogamisaki")
    assert kyoga.status_on(dt.date(2013, 12, 11)) is None
    assert kyoga.status_on(dt.date(2013, 12, 12)).legal_status == "us_exclusive"


@pytest.mark.parametrize("fid", ["misawa", "iwakuni", "atsugi"])
def test_shared_bases_are_ii_1a_with_a_joint_use_flag(fid):
    # issue 16: II-1(a) facilities the SDF also uses, not a separate class
    f = posture.facility(fid)
    day = dt.date(2026, 1, 1)
    assert f.status_on(day).legal_status == "us_exclusive"
    assert f.joint_use_on(day) is not None
    assert f.to_dict(day)["joint_use"]["basis"] == "SOFA Art. II-4(a)"


def test_yokota_joint_use_since_2012_03_26():
    yokota = posture.facility("yokota")
    assert yokota.joint_use_on(dt.date(2012, 3, 25)) is None
    assert yokota.joint_use_on(dt.date(2012, 3, 26)) is not None
    assert yokota.status_on(dt.date(2012, 3, 26)).legal_status == "us_exclusive"


def test_yonaguni_runway_2000_m_from_2007_03_15():
    # issue 16: the operator's 2,000 m wins over OurAirports' 1,500 m, dated
    def lengths(day: str) -> list[int]:
        rows = [f for f in posture.at(day).facilities if f.facility.id == "yonaguni"]
        return [r.length_ft for r in rows[0].facility.runways]

    assert lengths("2007-03-14") == [4920]
    assert lengths("2007-03-15") == [6562]  # 2,000 m
    assert [r.length_ft for r in posture.facility("yonaguni").runways] == [6562]
    assert round(6562 * 0.3048) == 2000


def test_southwest_islands_garrisons_by_date():
    opened = {
        "camp-yonaguni": dt.date(2016, 3, 28),
        "camp-amami": dt.date(2019, 3, 26),
        "camp-miyakojima": dt.date(2019, 3, 26),
        "camp-ishigaki": dt.date(2023, 3, 16),
    }
    for fid, day in opened.items():
        f = posture.facility(fid)
        assert f.status_on(day - dt.timedelta(days=1)) is None, fid
        assert f.status_on(day).legal_status == "jsdf", fid


def test_no_joint_use_legal_status_and_no_local_paths():
    for f in posture.facilities().values():
        texts = [f.record.source, f.record.location.source]
        texts += [p.source for p in f.record.status] + [p.source for p in f.record.joint_use]
        assert all("../" not in t and "shared/reference" not in t for t in texts), f.id
        assert all(p.legal_status != "joint_use" for p in f.record.status), f.id


def test_command_arrangements_by_date():
    def ids(day: str) -> set[str]:
        return {a.id for a in posture.at(day).arrangements}

    assert "guidelines-1978" in ids("1997-09-22")
    assert {"guidelines-1997"} <= ids("1997-09-23") and "guidelines-1978" not in ids("1997-09-23")
    assert "guidelines-1997" not in ids("2015-04-27")
    # the ACM was set up on 2015-11-03; the Guidelines of 2015-04-27 only provided for it
    assert "acm" not in ids("2015-11-02") and {"acm", "bpm"} <= ids("2015-11-03")
    assert "jjoc" not in ids("2025-03-23") and "jjoc" in ids("2025-03-24")
    assert "usfj-jfhq-plan" not in ids("2024-07-27")
    plan = next(a for a in posture.at("2024-07-28").arrangements if a.id == "usfj-jfhq-plan")
    assert plan.status == "uncertain"
    assert "usfj" not in ids("1957-06-30") and "usfj" in ids("1957-07-01")


def test_okinawa_burden_figures():
    share = burden.latest("exclusive-area-share", dt.date(2025, 1, 1))
    assert share is not None and share.value == 70.3 and share.source.startswith("https://")
    assert burden.latest("exclusive-area-share", dt.date(2020, 6, 1)).value == 58.7  # 1972's
    assert burden.figure("exclusive-facilities-okinawa-2021").value == 31
    p = posture.at("2025-01-01")
    assert p.by_prefecture()["Okinawa"] >= 10


def test_bases_filters():
    rows = posture.bases("2025-01-01", kind="port")
    assert {r.facility.id for r in rows} == {"yokosuka", "sasebo", "white-beach"}
    with pytest.raises(InputError, match="kind"):
        posture.bases("2025-01-01", kind="silo")
    with pytest.raises(InputError, match="radius_km"):
        posture.bases("2025-01-01", near=(26.0, 127.0), radius_km=-1)
    assert posture.bases("2025-01-01", near=(26.0, 127.0), radius_km=0) == []
