"""Governance records: SCC meetings, exercises, information sharing, 95-2 counts, command."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from anpo import data
from anpo.core.errors import DataError, InputError
from anpo.posture import command, governance
from anpo.posture.cited import validate_file
from anpo.posture.governance_schema import GovernanceFile


def test_protection_counts_add_up_to_their_published_parts():
    years = {y.year: y for y in governance.governance().asset_protection.years}
    assert years[2022].value == 31 and sum(years[2022].parts.values()) == 31
    assert years[2022].covers == "us_and_australia" and years[2023].covers == "us"
    assert governance.protections_since_start() == sum(y.value for y in years.values())
    # the yearly series from the first year, each year's published total
    assert [years[y].value for y in range(2017, 2024)] == [2, 16, 14, 25, 22, 31, 22]


def test_a_count_that_contradicts_its_parts_is_named():
    raw = copy.deepcopy(data.read_yaml(governance.GOVERNANCE_FILE))
    row = next(i for i, y in enumerate(raw["asset_protection"]["years"]) if y["year"] == 2022)
    raw["asset_protection"]["years"][row]["value"] = 30
    where = rf"alliance.yaml: asset_protection\.years\.row {row}"
    with pytest.raises(DataError, match=where + ".*parts add up to 31"):
        validate_file(GovernanceFile, raw, governance.GOVERNANCE_FILE)


def test_information_sharing_in_force_by_date():
    assert governance.information_in_force(dt.date(2007, 8, 9)) == []
    on = governance.information_in_force(dt.date(2015, 1, 1))
    assert "jp-us-gsomia" in on and "jp-secrets-act" in on and "jp-rok-gsomia" not in on
    assert "jp-rok-gsomia" in governance.information_in_force(dt.date(2016, 11, 23))


def test_scc_meetings_are_dated_and_ordered():
    meetings = governance.governance().scc_meetings
    assert meetings[0].date == dt.date(1960, 1, 19) and meetings[0].kind == "establishment"
    assert [m.date for m in meetings] == sorted(m.date for m in meetings)
    assert any(m.date == dt.date(2015, 4, 27) and "Guidelines" in m.decided for m in meetings)


def test_exercise_sizes_add_up():
    ks = next(e for e in governance.governance().exercises if e.id == "keen-sword-25")
    assert ks.size is not None and ks.size.japan_persons + ks.size.us_persons == ks.size.total_persons


def test_the_acm_and_bpm_date_from_november_2015_and_the_simulation_reads_it():
    assert {a.id for a in command.in_force(dt.date(2015, 11, 3))} >= {"acm", "bpm", "guidelines-2015"}
    assert "acm" not in {a.id for a in command.in_force(dt.date(2015, 6, 1))}
    from anpo.sim.gates import Arrangement, coordination_arrangement

    assert coordination_arrangement(dt.date(2015, 6, 1)) == Arrangement.pre_acm
    assert coordination_arrangement(dt.date(2016, 1, 1)) == Arrangement.acm
    assert coordination_arrangement(dt.date(2025, 3, 24)) == Arrangement.acm_jjoc


def test_the_report_filters_by_date_and_rejects_unknown_sections():
    r = governance.report("scc", dt.date(2000, 1, 1))
    assert all(m["date"] <= "2000-01-01" for m in r["scc"])
    assert "exercises" not in r
    with pytest.raises(InputError, match="section"):
        governance.report("parades")
