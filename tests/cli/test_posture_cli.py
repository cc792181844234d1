"""`anpo bases` and `anpo posture` through the real entry point (exit codes included)."""

from __future__ import annotations

import json

import pytest
from cli_runner import run_main


def run(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    """Run `anpo ARGV` via anpo.cli.main; returns (exit code, stdout, stderr)."""
    return run_main(argv, capsys, monkeypatch)


def test_bases_near_senkaku_json(capsys, monkeypatch):
    code, out, _ = run(
        [
            "bases",
            "--date",
            "2025-06-01",
            "--near",
            "25.74",
            "123.47",
            "--radius-km",
            "450",
            "--kind",
            "airfield",
            "--format",
            "json",
        ],
        capsys,
        monkeypatch,
    )
    assert code == 0
    rows = json.loads(out)
    ids = [r["id"] for r in rows]
    assert ids[:4] == ["yonaguni", "new-ishigaki", "shimoji", "miyako"]
    assert "kadena" in ids and "yokota" not in ids
    assert all(r["kind"] == "airfield" for r in rows)
    dists = [r["distance_km"] for r in rows]
    assert dists == sorted(dists) and max(dists) <= 450


def test_bases_geojson(capsys, monkeypatch):
    code, out, _ = run(
        ["bases", "--date", "2019-01-01", "--format", "geojson"], capsys, monkeypatch
    )
    assert code == 0
    fc = json.loads(out)
    assert fc["type"] == "FeatureCollection"
    kadena = next(f for f in fc["features"] if f["properties"]["id"] == "kadena")
    lon, lat = kadena["geometry"]["coordinates"]
    assert lat == pytest.approx(26.3567, abs=1e-3) and lon == pytest.approx(127.7655, abs=1e-3)
    assert kadena["properties"]["status_legal_status"] == "us_exclusive"  # flat, for QGIS
    ids = {f["properties"]["id"] for f in fc["features"]}
    assert "camp-blaz" not in ids  # activated 2020-10-01


def test_bases_table(capsys, monkeypatch):
    code, out, _ = run(["bases", "--date", "2025-06-01", "--kind", "radar"], capsys, monkeypatch)
    assert code == 0
    assert "kyogamisaki" in out and "shariki" in out and "kadena" not in out


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["bases", "--date", "2025-06-01", "--kind", "spaceport"], "--kind"),
        (
            ["bases", "--date", "2025-06-01", "--near", "26", "127", "--radius-km", "-5"],
            "--radius-km",
        ),
        (["bases", "--date", "2025-06-01", "--radius-km", "5"], "--radius-km"),
        (["bases", "--date", "2025-06-01", "--near", "95", "127"], "--near"),
        (["bases", "--date", "2025-06-01", "--format", "xml"], "--format"),
        (["bases", "--date", "2025-13-01"], "date"),
        (["posture", "--date", "yesterday"], "date"),
    ],
)
def test_bad_input_exit_2_names_option(argv, option, capsys, monkeypatch):
    code, out, err = run(argv, capsys, monkeypatch)
    assert code == 2
    assert option in err
    assert out == ""


def test_posture_summary_table(capsys, monkeypatch):
    code, out, _ = run(["posture", "--date", "2025-06-01"], capsys, monkeypatch)
    assert code == 0
    assert "Joint Operations Command" in out
    assert "[uncertain]" in out  # the USFJ joint-force-HQ plan
    assert "Guidelines for Japan–U.S. Defense Cooperation (2015)" in out
    assert "(1997)" not in out


def test_posture_json_before_reversion(capsys, monkeypatch):
    code, out, _ = run(["posture", "--date", "1970-01-01", "--format", "json"], capsys, monkeypatch)
    assert code == 0
    doc = json.loads(out)
    assert doc["facilities_by_status"]["us_administration"] == 2
    assert "jjoc" not in [a["id"] for a in doc["arrangements"]]


@pytest.mark.parametrize("date", ["1960-01-01", "1972-05-15", "2026-01-01"])
def test_bases_registry_table_on_the_three_dates(date, capsys, monkeypatch):
    code, out, _ = run(["bases", "--date", date, "--registry"], capsys, monkeypatch)
    assert code == 0
    assert f"SOFA facilities and areas on {date}" in out
    assert "Registry:" in out and "km² itemized" in out
    if date == "1972-05-15":
        assert "立川飛行場" in out and "Okinawa 58.7%" in out  # Tachikawa until 1977; the prefecture's share
    if date == "2026-01-01":
        assert "立川飛行場" not in out and "MOD's total 263.176 km²" in out


def test_bases_summary_follows_the_table(capsys, monkeypatch):
    code, out, _ = run(["bases", "--date", "2026-01-01"], capsys, monkeypatch)
    assert code == 0
    assert "(SDF joint use, II-4(a))" in out  # Misawa, Iwakuni, Atsugi, Yokota
    assert "SOFA Art. II-1(a) (exclusive-use) facilities in the registry on 2026-01-01" in out
    assert "Airfields in operation:" in out


def test_bases_close_what_if(capsys, monkeypatch):
    argv = ["bases", "--date", "2026-01-01", "--close", "kadena", "--registry", "--format", "json"]
    code, out, _ = run(argv, capsys, monkeypatch)
    assert code == 0
    doc = json.loads(out)
    assert doc["closed"] == ["kadena"]
    assert "kadena" not in [f["id"] for f in doc["facilities"]]
    assert "kadena" not in doc["airfields_in_operation"]
    w = doc["what_if_published"]
    assert w["okinawa_share_after_pct"] < w["okinawa_share_before_pct"]
    code, out, err = run(["bases", "--date", "2026-01-01", "--close", "kadena,area-51"], capsys, monkeypatch)
    assert code == 2 and "--close" in err and "area-51" in err and out == ""


def test_bases_registry_geojson_and_csv(capsys, monkeypatch):
    code, out, _ = run(
        ["bases", "--date", "2026-01-01", "--registry", "--format", "geojson"], capsys, monkeypatch
    )
    assert code == 0
    fc = json.loads(out)
    kadena = next(f for f in fc["features"] if f["properties"]["id"] == "kadena")
    lon, lat = kadena["geometry"]["coordinates"]
    assert lon == pytest.approx(127.7655, abs=1e-3) and lat == pytest.approx(26.3567, abs=1e-3)
    assert len(str(lon).split(".")[1]) <= 6
    assert all(not isinstance(v, dict | list) for f in fc["features"] for v in f["properties"].values())
    code, out, _ = run(
        ["bases", "--date", "2026-01-01", "--registry", "--format", "csv"], capsys, monkeypatch
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("id,fac,name,name_ja,prefecture,basis")
    assert any(line.startswith("kadena,6037,") for line in lines)
    code, out, _ = run(["bases", "--date", "2026-01-01", "--format", "csv"], capsys, monkeypatch)
    assert code == 0 and out.splitlines()[0].startswith("id,name,kind")


def test_posture_personnel(capsys, monkeypatch):
    code, out, _ = run(
        ["posture", "--personnel", "--from-year", "1970", "--to-year", "1975"], capsys, monkeypatch
    )
    assert code == 0
    assert "1972-09-30" in out and "Ryukyu Islands" in out and "41,171" in out and "dmdc.osd.mil" in out
    code, out, _ = run(["posture", "--personnel", "--format", "json"], capsys, monkeypatch)
    assert code == 0 and json.loads(out)["rows"][0]["as_of"] == "1950-06-30"
    code, _, err = run(
        ["posture", "--personnel", "--from-year", "2030", "--to-year", "2020"], capsys, monkeypatch
    )
    assert code == 2 and "--to-year" in err
    code, _, err = run(["posture", "--date", "1972-13-01"], capsys, monkeypatch)
    assert code == 2 and "1972-13-01" in err  # (without --date: today)


def test_posture_share_series(capsys, monkeypatch):
    code, out, _ = run(["posture", "--share"], capsys, monkeypatch)
    assert code == 0
    assert "1972-05-15" in out and "58.7%" in out and "70.27" in out
    code, out, _ = run(["posture", "--share", "--format", "csv"], capsys, monkeypatch)
    assert code == 0 and out.splitlines()[0].startswith("date,registry_ii_1a,")


def test_airfield_line_before_the_sofa_says_where_its_list_starts(capsys, monkeypatch):
    """Before 1960-06-23 the airfield line is empty because the simulation's facilities start
    at the SOFA, not because there were no airfields: the line says so; later it does not."""
    lines = {}
    for date in ("1960-01-01", "1972-05-15"):
        code, out, _ = run(["bases", "--registry", "--date", date], capsys, monkeypatch)
        assert code == 0
        lines[date] = next(x for x in out.splitlines() if x.startswith("Airfields in operation:"))
    assert "1960-06-23" in lines["1960-01-01"] and "registry above" in lines["1960-01-01"]
    assert "1960-06-23" not in lines["1972-05-15"] and "kadena" in lines["1972-05-15"]
