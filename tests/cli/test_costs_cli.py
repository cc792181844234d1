"""`anpo costs` and `anpo costs what-if` through the real entry point."""

from __future__ import annotations

import csv
import io
import json

import pytest
from cli_runner import run_main


def run(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    """Run `anpo ARGV` via anpo.cli.main; returns (exit code, stdout, stderr)."""
    return run_main(argv, capsys, monkeypatch)


def test_costs_by_year_json_marks_missing(capsys, monkeypatch):
    code, out, _ = run(["costs", "--by", "year", "--format", "json"], capsys, monkeypatch)
    assert code == 0
    doc = json.loads(out)
    rows = {r["jfy"]: r for r in doc["rows"]}
    assert rows[2021]["hns_total_jpy_bn"] == 201.7 and rows[2021]["basis"] == "budget"
    # JFY2026 has the budget draft now (MOF, 2,191億円), no longer the SMA period's average
    assert rows[2022]["basis"] == "budget" and rows[2026]["basis"] == "budget"
    assert rows[2022]["utilities_jpy_bn"] == 23.4
    assert rows[2016]["labor_jpy_bn"] is None  # no verified figure: missing, not invented
    assert rows[1999]["hns_total_jpy_bn"] == 275.6
    assert any(h["jfy"] == 1987 for h in doc["history"])
    assert doc["sum_checks"] and all(c["ok"] for c in doc["sum_checks"])
    assert "constant_yen" in doc["notes"] and "hns_total" in doc["lines"]


def test_costs_by_year_text_covers_1978_to_2026(capsys, monkeypatch):
    code, out, _ = run(["costs", "--by", "year", "--format", "text"], capsys, monkeypatch)
    assert code == 0
    years = [line.split()[0] for line in out.splitlines() if line[:4].isdigit()]
    assert years[0] == "1978" and years[-1] == "2026" and len(years) == 49
    assert "gaps: 1981-1988" in out  # the coverage block under the table names the gaps
    row_1985 = next(line for line in out.splitlines() if line.startswith("1985"))
    assert "missing" in row_1985  # a gap is shown as a gap


def test_costs_by_year_csv(capsys, monkeypatch):
    code, out, _ = run(["costs", "--by", "year", "--format", "csv"], capsys, monkeypatch)
    assert code == 0
    rows = {r["jfy"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["2015"]["hns_total_jpy_bn"] == "189.9" and rows["2015"]["reconciled"] == "True"
    assert rows["1985"]["hns_total_jpy_bn"] == ""


def test_costs_by_line_every_figure_with_its_source(capsys, monkeypatch):
    code, out, _ = run(["costs", "--by", "line", "--format", "json"], capsys, monkeypatch)
    assert code == 0
    rows = json.loads(out)["rows"]
    assert rows and all(r["source"] or r["document"] for r in rows)
    assert any(r["line"] == "realignment" and r["jfy"] == 2015 for r in rows)


def test_costs_by_comparison(capsys, monkeypatch):
    code, out, _ = run(["costs", "--by", "comparison"], capsys, monkeypatch)
    assert code == 0
    assert "rok-sma-2021" in out and "dod-2004-japan-share" in out


def test_costs_by_period_table(capsys, monkeypatch):
    code, out, _ = run(["costs"], capsys, monkeypatch)
    assert code == 0
    assert "2022-26" in out and "1055.1" in out and "23178" in out


def test_costs_csv_by_category(capsys, monkeypatch):
    code, out, _ = run(["costs", "--by", "category", "--format", "csv"], capsys, monkeypatch)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    util_2024 = [r for r in rows if r["category"] == "utilities" and r["jfy"] == "2024"]
    assert util_2024 and util_2024[0]["value_jpy_bn"] == "15.1"


def test_costs_plot(tmp_path, capsys, monkeypatch):
    target = tmp_path / "hns.png"
    code, _, _ = run(["costs", "--by", "year", "--plot", str(target)], capsys, monkeypatch)
    assert code == 0
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind


def test_what_if_json(capsys, monkeypatch):
    code, out, _ = run(
        [
            "costs",
            "what-if",
            "--utilities-share",
            "0.5",
            "--training-relocation",
            "10",
            "--format",
            "json",
        ],
        capsys,
        monkeypatch,
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["agreed_total_jpy_bn"] == pytest.approx(1055.1)
    y2022 = doc["years"][0]
    assert y2022["delta_jpy_bn"]["utilities"] == pytest.approx(23.4 * 0.5 / 0.35 - 23.4, abs=1e-3)
    assert y2022["delta_jpy_bn"]["training_relocation"] == pytest.approx(-1.4)
    assert any("x 0.50 / 0.35" in line for line in doc["arithmetic"])


@pytest.mark.parametrize("period", ["JFY2022-2026", "2022-26"])
def test_readme_what_if_runs_as_written(period, capsys, monkeypatch):
    # README: anpo costs what-if --period JFY2022-2026 --utilities-share 0.5
    code, out, err = run(["costs", "what-if", "--period", period, "--utilities-share", "0.5"],
                         capsys, monkeypatch)
    assert code == 0, err
    assert "What-if for SMA period 2022-26" in out and "x 0.50 / 0.35" in out


def test_what_if_table_shows_arithmetic(capsys, monkeypatch):
    code, out, _ = run(["costs", "what-if", "--labor-cap", "22000"], capsys, monkeypatch)
    assert code == 0
    assert "(22,000 - 23,178)" in out and "Assumptions:" in out


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["costs", "what-if", "--utilities-share", "1.5"], "--utilities-share"),
        (["costs", "what-if", "--utilities-share", "-0.1"], "--utilities-share"),
        (["costs", "what-if", "--labor-cap", "-1"], "--labor-cap"),
        (["costs", "what-if", "--period", "1999-2003"], "--period"),
        (
            ["costs", "what-if", "--period", "2016-20", "--training-relocation", "5"],
            "--training-relocation",
        ),
        (
            ["costs", "what-if", "--period", "2008-10", "--utilities-share", "0.5"],
            "--utilities-share",
        ),
        (["costs", "what-if", "--labor-cap", "1e20"], "--labor-cap"),
        (["costs", "what-if", "--labor-cap", "22000.5"], "--labor-cap"),
        (["costs", "what-if", "--utilities-cap", "1e9"], "--utilities-cap"),
        (["costs", "what-if", "--training-relocation", "5000"], "--training-relocation"),
        (
            ["costs", "what-if", "--labor-cap", "22000", "--labor-cost-per-worker-jpy", "1e15"],
            "--labor-cost-per-worker-jpy",
        ),
        (["costs", "what-if", "--period", "JFY2023-2027"], "--period"),
        (["costs", "--by", "month"], "--by"),
        (["costs", "--format", "xlsx"], "--format"),
    ],
)
def test_bad_input_exit_2(argv, option, capsys, monkeypatch):
    code, out, err = run(argv, capsys, monkeypatch)
    assert code == 2
    assert option in err
    assert out == ""


def test_bad_plot_path_writes_nothing(tmp_path, capsys, monkeypatch):
    code, out, err = run(["costs", "--plot", str(tmp_path / "no" / "x.png")], capsys, monkeypatch)
    assert code == 2 and "--plot" in err and out == ""
    code, _, err = run(["costs", "--plot", str(tmp_path / "x.jpg")], capsys, monkeypatch)
    assert code == 2 and "--plot" in err
    assert list(tmp_path.iterdir()) == []
