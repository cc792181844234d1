"""Outputs that open everywhere, and the CLI's shared conventions: GeoJSON with flat, typed
properties read by GeoPandas and by GDAL's ogrinfo; CSV with an optional BOM for Excel;
--format declared as a choice; --date defaulting to today; -o/--output with --out kept;
--quiet; shell completion."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cli_runner import run_main

from anpo.io.geojson import collection, csv_text, flat, point

Cap = pytest.CaptureFixture[str]
MP = pytest.MonkeyPatch
needs_ogrinfo = pytest.mark.skipif(shutil.which("ogrinfo") is None,
                                   reason="ogrinfo (GDAL, Debian's gdal-bin) is not installed")


def run(argv: list[str], capsys: Cap, monkeypatch: MP
        ) -> tuple[int, str, str]:
    return run_main(argv, capsys, monkeypatch)


def ogr_fields(path: Path) -> dict[str, str]:
    """Field name -> OGR type, as `ogrinfo -so -al` lists them."""
    text = subprocess.run(["ogrinfo", "-so", "-al", str(path)], capture_output=True, text=True,
                          check=True).stdout
    fields = {}
    for line in text.splitlines():
        name, sep, kind = line.partition(": ")
        if sep and " (" in kind and name and " " not in name:
            fields[name] = kind.split(" (")[0]
    return fields


# -- the flattening itself ----------------------------------------------------------------------

def test_flat_properties_are_scalars_with_float32_noise_removed() -> None:
    record = {"status": {"legal_status": "us_exclusive", "from": "1972-05-15"},
              "services": ["USAF", "USN"], "none": [],
              "runways": [{"length_ft": 12100, "low_end": [26.3462, 127.751]}, {"length_ft": 9000}],
              "area": 19.856000000000001, "x": 127.76549911499023, "ok": True}
    got = flat(record)
    assert got == {"status_legal_status": "us_exclusive", "status_from": "1972-05-15",
                   "services": "USAF,USN", "none": None, "runways_count": 2,
                   "runways_max_length_ft": 12100, "area": 19.856, "x": 127.765499, "ok": True}
    feature = point(127.76549911499023, 26.356700897216797, {})
    assert feature["geometry"]["coordinates"] == [127.765499, 26.356701]  # [lon, lat]


def test_a_collection_gives_every_feature_the_same_keys() -> None:
    fc = collection([point(1, 2, {"units": [{"n": 1}], "a": 1}), point(3, 4, {"units": [], "b": "x"})])
    props = [f["properties"] for f in fc["features"]]
    assert props[0].keys() == props[1].keys() == {"units_count", "units_max_n", "a", "b"}
    assert props[1]["units_count"] == 0 and props[1]["a"] is None


def test_csv_with_bom_keeps_japanese_names() -> None:
    text = csv_text([{"name": "嘉手納飛行場", "n": 1}], bom=True)
    assert text.startswith("\ufeffname,n\n")
    assert text.encode("utf-8").decode("utf-8-sig").splitlines()[1] == "嘉手納飛行場,1"


# -- where ----------------------------------------------------------------------------------------

def test_where_defaults_to_today(capsys: Cap, monkeypatch: MP) -> None:
    code, out, err = run(["where", "25.75", "123.5", "--format", "json"], capsys, monkeypatch)
    assert code == 0, err
    assert json.loads(out)["date"] == dt.date.today().isoformat()


def test_where_csv_is_one_flat_row(capsys: Cap, monkeypatch: MP) -> None:
    code, out, _ = run(["where", "25.75", "123.5", "--date", "2026-01-01", "--format", "csv", "--bom"],
                       capsys, monkeypatch)
    assert code == 0 and out.startswith("\ufefflat,lon,date,zone,")
    header, row = out.lstrip("\ufeff").splitlines()
    cells = dict(zip(header.split(","), row.replace('"CHN,TWN"', "CHN;TWN").split(","), strict=False))
    assert cells["zone"] == "territorial_sea" and cells["since_date"] == "1972-05-15"


def test_where_refuses_an_unknown_format(capsys: Cap,
                                         monkeypatch: MP) -> None:
    code, out, err = run(["where", "25.75", "123.5", "--format", "xml"], capsys, monkeypatch)
    assert code == 2 and out == "" and "geojson" in err


@pytest.fixture
def where_geojson(tmp_path: Path, capsys: Cap, monkeypatch: MP) -> Path:
    code, out, _ = run(["where", "25.75", "123.5", "--date", "2026-01-01", "--format", "geojson"],
                       capsys, monkeypatch)
    assert code == 0
    path = tmp_path / "where.geojson"
    path.write_text(out)
    return path


def test_where_geojson_opens_in_geopandas(where_geojson: Path) -> None:
    gpd = pytest.importorskip("geopandas")
    df = gpd.read_file(where_geojson)
    assert (df.geometry.x[0], df.geometry.y[0]) == (123.5, 25.75)
    assert df.loc[0, "administered_by"] == "JPN" and df.loc[0, "claimed_by"] == "CHN,TWN"
    assert df["coast_distance_nm"].dtype.kind == "f"


@needs_ogrinfo
def test_where_geojson_opens_in_ogrinfo(where_geojson: Path) -> None:
    fields = ogr_fields(where_geojson)
    assert fields["zone"] == "String" and fields["coast_distance_nm"] == "Real"
    assert fields["since_date"] == "Date"


# -- bases ----------------------------------------------------------------------------------------

@pytest.fixture
def bases_geojson(tmp_path: Path, capsys: Cap, monkeypatch: MP) -> Path:
    code, out, err = run(["bases", "--date", "2026-01-01", "--format", "geojson"], capsys, monkeypatch)
    assert code == 0, err
    path = tmp_path / "bases.geojson"
    path.write_text(out)
    return path


def test_bases_geojson_has_flat_typed_properties(bases_geojson: Path) -> None:
    fc = json.loads(bases_geojson.read_text())
    for f in fc["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert 120 < lon < 150 and 10 < lat < 46  # [lon, lat]: Japan and Guam
        assert all(round(v, 6) == v for v in (lon, lat))
        assert not any(isinstance(v, dict | list) for v in f["properties"].values())
    kadena = next(f["properties"] for f in fc["features"] if f["properties"]["id"] == "kadena")
    assert kadena["status_legal_status"] == "us_exclusive"
    assert kadena["runways_count"] == 2 and kadena["runways_max_length_ft"] > 10_000


def test_bases_geojson_opens_in_geopandas(bases_geojson: Path) -> None:
    gpd = pytest.importorskip("geopandas")
    df = gpd.read_file(bases_geojson)
    assert df["runways_count"].dtype.kind == "i"
    assert set(df["status_legal_status"]) >= {"us_exclusive"}


@needs_ogrinfo
def test_bases_geojson_opens_in_ogrinfo(bases_geojson: Path) -> None:
    fields = ogr_fields(bases_geojson)
    assert fields["runways_count"] == "Integer" and fields["status_legal_status"] == "String"
    assert fields["area_km2_value"] == "Real"


def test_registry_geojson_has_flat_typed_properties(tmp_path: Path, capsys: Cap, monkeypatch: MP) -> None:
    code, out, err = run(["bases", "--date", "2026-01-01", "--registry", "--format", "geojson"], capsys,
                         monkeypatch)
    assert code == 0, err
    fc = json.loads(out)
    for f in fc["features"]:
        # no nested value, and none smuggled in as JSON text (QGIS could not style on it)
        assert not any(isinstance(v, dict | list) or (isinstance(v, str) and v[:1] in "[{")
                       for v in f["properties"].values())
    path = tmp_path / "registry.geojson"
    path.write_text(out)
    gpd = pytest.importorskip("geopandas")
    df = gpd.read_file(path)
    assert df["area_km2"].dtype.kind == "f" and "kadena" in set(df["id"])
    if shutil.which("ogrinfo"):
        assert ogr_fields(path)["area_km2"] == "Real"


# -- options shared by the commands -------------------------------------------------------------------

GRID = ["grid", "--bbox", "127.5,26.0,128.0,26.5", "--step-km", "20", "--dates", "1973-01-01",
        "--event", "armed_attack", "--target", "JPN"]


@pytest.mark.parametrize("option", ["-o", "--output", "--out"])
def test_output_option_has_one_name_and_keeps_out(option: str, tmp_path: Path, capsys: Cap,
                                                  monkeypatch: MP) -> None:
    out = tmp_path / "g.parquet"
    code, _, err = run([*GRID, option, str(out)], capsys, monkeypatch)
    assert code == 0 and out.exists(), err


def test_quiet_silences_the_summary(tmp_path: Path, capsys: Cap,
                                    monkeypatch: MP) -> None:
    code, _, err = run(["--quiet", *GRID, "-o", str(tmp_path / "q.parquet")], capsys, monkeypatch)
    assert code == 0 and err == ""
    code, _, err = run([*GRID, "-o", str(tmp_path / "v.parquet")], capsys, monkeypatch)
    assert code == 0 and "rows" in err  # the next run is not quiet


def test_shell_completion_is_offered(capsys: Cap, monkeypatch: MP) -> None:
    code, out, _ = run(["--help"], capsys, monkeypatch)
    assert code == 0 and "--install-completion" in out and "--quiet" in out


# -- CSV from the commands that print tables ---------------------------------------------------------

def test_assess_csv_is_one_row_per_scenario_with_the_batch_columns(capsys: Cap, monkeypatch: MP) -> None:
    files = ["examples/okinawa-1971.yaml", "examples/judgments.yaml"]
    code, out, err = run(["assess", *files, "--format", "csv", "--bom"], capsys, monkeypatch)
    assert code == 0, err
    rows = list(csv.DictReader(out.lstrip("\ufeff").splitlines()))
    assert out.startswith("\ufefffile,row,id,date,lat,lon,error,zone,")
    first = rows[0]
    assert (first["file"], first["id"], first["administered_by"], first["article5"]) == (
        "examples/okinawa-1971.yaml", "okinawa-1971", "USA", "does_not_apply")
    assert len({r["file"] for r in rows}) == 2


def test_incident_csv_flattens_each_incident(capsys: Cap, monkeypatch: MP) -> None:
    code, out, err = run(["incident", "examples/incident.yaml", "--format", "csv"], capsys, monkeypatch)
    assert code == 0, err
    header = out.splitlines()[0].split(",")
    assert "jurisdiction_kind" in header and "custody_holder" in header and "explanation_count" in header


@pytest.mark.parametrize("option", ["-o", "--output", "--out"])
def test_simulate_output_names(option: str, tmp_path: Path, capsys: Cap, monkeypatch: MP) -> None:
    out = tmp_path / "run"
    code, _, err = run(["simulate", "examples/sim/senkaku-2026.yaml", "--trials", "1000", "--format", "json",
                        option, str(out)], capsys, monkeypatch)
    assert code == 0, err
    assert (out / "summary.json").is_file()


def test_simulate_format_is_a_declared_choice(capsys: Cap, monkeypatch: MP) -> None:
    code, _, err = run(["simulate", "examples/sim/senkaku-2026.yaml", "--format", "yaml"],
                       capsys, monkeypatch)
    assert code == 2 and "'text', 'json'" in err


@pytest.mark.parametrize("command", [["bases", "--format", "csv", "--bom"], ["posture"]])
def test_bases_and_posture_default_to_today(command: list[str], capsys: Cap, monkeypatch: MP) -> None:
    code, out, err = run(command, capsys, monkeypatch)
    assert code == 0, err
    if command[0] == "bases":
        assert out.startswith("\ufeffid,name,kind,") and "kadena" in out
    else:
        assert out.startswith(f"Posture on {dt.date.today().isoformat()}:")


def test_batch_csv_output_with_bom_keeps_japanese_ids(tmp_path: Path, capsys: Cap, monkeypatch: MP) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,date,event,target,lat,lon\n嘉手納,2026-01-15,armed_attack,JPN,26.3567,127.7655\n",
                   encoding="utf-8")
    out = tmp_path / "out.csv"
    code, _, err = run(["assess", "--batch", str(src), "-o", str(out), "--bom"], capsys, monkeypatch)
    assert code == 0, err
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0]["id"] == "嘉手納" and rows[0]["date"] == "2026-01-15" and rows[0]["article5"] == "applies"
    plain = tmp_path / "plain.csv"
    code, _, err = run(["assess", "--batch", str(src), "-o", str(plain)], capsys, monkeypatch)
    assert code == 0 and plain.read_bytes().startswith(b'"row"')


@pytest.mark.parametrize(("argv", "shown"), [
    (["costs", "--by", "decade"], "[period|year|category|line|comparison]"),
    (["costs", "--format", "xml"], "[text|json|csv|table]"),
    (["costs", "what-if", "--format", "csv"], "[text|json|table]"),
    (["governance", "--section", "treaty"], "[scc|exercises|information|protection|command]"),
    (["okinawa", "--format", "xml"], "[text|json|csv]"),
    (["realignment", "--format", "xml"], "[text|json|csv]"),
    (["bases", "--kind", "silo"], "[airfield|"),
    (["bases", "--format", "kml"], "[table|json|geojson|csv]"),
    (["posture", "--format", "geojson"], "[table|json|csv]"),
    (["incident", "examples/incident.yaml", "--format", "xml"], "[text|json|csv]"),
    (["assess", "examples/okinawa-1971.yaml", "--format", "xml"], "[text|json|jsonl|csv]"),
])
def test_choices_are_declared_shown_and_checked(argv: list[str], shown: str, capsys: Cap,
                                                monkeypatch: MP) -> None:
    code, out, err = run(argv, capsys, monkeypatch)
    assert code == 2 and out == "" and "is not one of" in err
    command = argv[:2] if argv[1] == "what-if" else argv[:1]
    monkeypatch.setenv("COLUMNS", "250")  # rich wraps help to the terminal's width
    code, out, _ = run([*command, "--help"], capsys, monkeypatch)
    assert code == 0 and shown in out


def test_grid_event_is_a_declared_choice_and_geometry_is_not_a_field(tmp_path: Path, capsys: Cap,
                                                                     monkeypatch: MP) -> None:
    args = [*GRID[:-4], "--event", "attack", "-o", str(tmp_path / "g.parquet")]
    code, _, err = run(args, capsys, monkeypatch)
    assert code == 2 and "armed_attack" in err
    grid = tmp_path / "ok.parquet"
    assert run([*GRID, "-o", str(grid)], capsys, monkeypatch)[0] == 0
    code, _, err = run(["map", "--grid", str(grid), "--field", "geometry", "-o", str(tmp_path / "m.png")],
                       capsys, monkeypatch)
    assert code == 2 and "--field" in err and "geometry" not in err.split("accepted:")[1]


@pytest.fixture
def coverage_geojson(tmp_path: Path) -> Path:
    from anpo.report.coverage import coverage

    path = tmp_path / "coverage.geojson"
    path.write_text(json.dumps(coverage("2026-01-01")))
    return path


def test_coverage_geojson_opens_in_geopandas(coverage_geojson: Path) -> None:
    gpd = pytest.importorskip("geopandas")
    df = gpd.read_file(coverage_geojson)
    assert set(df["layer"]) == {"administration", "article5"}
    japan = df[df["administered_by"] == "JPN"].geometry.iloc[0]
    assert japan.bounds[0] > 120 and japan.bounds[3] < 50  # [lon, lat]


@needs_ogrinfo
def test_coverage_geojson_opens_in_ogrinfo(coverage_geojson: Path) -> None:
    fields = ogr_fields(coverage_geojson)
    assert fields["layer"] == "String" and fields["administered_by"] == "String"


@pytest.mark.parametrize("argv", [
    ["okinawa"], ["realignment"], ["governance"], ["costs"],
    ["posture", "--personnel"], ["posture", "--share"],
    ["bases", "--date", "2026-01-01"], ["where", "25.743", "123.473"], ["incident", "examples/incident.yaml"],
    ["assess", "examples/okinawa-1971.yaml"],
    ["simulate", "examples/sim/senkaku-2026.yaml", "--trials", "1000"],
])
def test_every_csv_takes_bom(argv: list[str], capsys: Cap, monkeypatch: MP) -> None:
    code, plain, err = run([*argv, "--format", "csv"], capsys, monkeypatch)
    assert code == 0, err
    code, marked, err = run([*argv, "--format", "csv", "--bom"], capsys, monkeypatch)
    assert code == 0, err
    assert not plain.startswith("\ufeff") and marked == "\ufeff" + plain


def test_completion_offers_commands_and_declared_choices() -> None:
    import os
    import sys

    anpo = Path(sys.executable).parent / "anpo"

    def complete(words: str, cword: int) -> list[str]:
        env = {**os.environ, "_ANPO_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
        return subprocess.run([str(anpo)], env=env, capture_output=True, text=True, check=True).stdout.split()

    assert complete("anpo wh", 1) == ["where"]
    assert complete("anpo where 1 2 --format ", 5) == ["text", "json", "csv", "geojson"]
