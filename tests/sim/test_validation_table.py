"""The validation table of docs/model.md ("Validation against published studies") is what the
current model gives: the cases rerun at small trial counts (`validation.TEST_TRIALS`) must match
the page's rows, figure by figure within Monte Carlo tolerance, with the same inside/outside
labels and texts. When this fails after a model or parameter change, rerun
`anpo simulate --validate --write docs/model.md` and read the rows that moved."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sim_cli_helpers import run_anpo

from anpo.core.errors import InputError
from anpo.sim import validation
from anpo.sim.validation import Figure, Row

PAGE = Path(__file__).resolve().parents[2] / "docs" / "model.md"
TOLERANCE_SE = 5.0  # the page's run has more trials, so its own error is smaller than the rerun's


@pytest.fixture(scope="module")
def fresh() -> list[Row]:
    return validation.rows(validation.TEST_TRIALS)


@pytest.fixture(scope="module")
def page() -> list[tuple[str, ...]]:
    return validation.parse_table(validation.block_of(PAGE.read_text(encoding="utf-8")))


def _skeleton(cell: str) -> str:
    return validation.NUMBER.sub("#", cell)


def test_the_page_has_the_rows_the_module_makes(fresh: list[Row], page: list[tuple[str, ...]]) -> None:
    assert [p[0] for p in page] == [r.case for r in fresh]
    for p, r in zip(page, fresh, strict=True):
        case, published, anpo, inside, why = r.cells()
        assert p[1] == published, case
        assert _skeleton(p[2]) == _skeleton(anpo), case
        assert p[3] == inside, f"{case}: the page says {p[3]!r}, the model now gives {inside!r}"
        assert p[4] == why, case


def test_the_page_figures_are_within_monte_carlo_tolerance(
    fresh: list[Row], page: list[tuple[str, ...]]
) -> None:
    for p, r in zip(page, fresh, strict=True):
        ours = validation.numbers(r.anpo_text)
        assert len(ours) == len(r.figures), f"{r.case}: a digit in the template {r.anpo!r}"
        theirs = validation.numbers(p[2])
        assert len(theirs) == len(r.figures), r.case
        for shown, fig in zip(theirs, r.figures, strict=True):
            # plus one shown unit: rounding, and quantiles of whole counts move in steps of one
            tol = TOLERANCE_SE * fig.se + 10 ** -fig.decimals
            assert abs(shown - fig.value) <= tol, (r.case, shown, fig.value, tol)


def test_a_row_outside_its_band_says_so_plainly(fresh: list[Row]) -> None:
    opening = {"yes": "Inside.", "no": "Outside.", "partly": "Partly outside."}
    for r in fresh:
        assert r.why.startswith(opening[r.inside]), r.case
    labels = {r.inside for r in fresh}
    assert "no" in labels and "yes" in labels  # the table discriminates: not every case passes


def test_every_row_cites_a_publisher_or_says_it_cannot(fresh: list[Row]) -> None:
    hosts = ("stimson.org", "csis.org", "mod.go.jp", "spf.org", "defense.gov", "usfj.mil", "navy.mil")
    for r in fresh:
        s = validation.SOURCES[r.source]
        assert s.read_from and s.confidence in ("confirmed", "partly", "unverified")
        if s.url:
            host = re.sub(r"^https?://(www\.)?", "", s.url).split("/")[0]
            assert host.endswith(hosts), (r.case, s.url)
        else:
            assert "not identified" in s.title, r.case


def test_the_published_cases_read_as_the_studies_do(fresh: list[Row]) -> None:
    by_case = {r.case.split(";")[0]: r for r in fresh}
    # CSIS: without the U.S. bases in Japan the alliance denies nothing; with them it mostly does
    with_bases = by_case["CSIS 2023: with U.S. bases in Japan the invasion fails"].figures[0]
    without = by_case["CSIS 2023: the U.S. must be able to fight from its bases in Japan"].figures[0]
    assert without.value < with_bases.value
    # Stimson: more missiles, longer closures (common seed, same example)
    at_30 = [r for r in fresh if "30 missiles" in r.case and "fighters" in r.case][0]
    at_100 = [r for r in fresh if "100 missiles a base a day, single" in r.case and "fighters" in r.case][0]
    assert at_100.figures[0].value > at_30.figures[1].value


def test_replace_block_touches_only_what_is_between_the_markers() -> None:
    text = f"before\n{validation.BEGIN}\nold\n{validation.END}\nafter\n"
    new = validation.replace_block(text, "new")
    assert new == f"before\n{validation.BEGIN}\nnew\n{validation.END}\nafter\n"
    with pytest.raises(InputError, match="--write"):
        validation.replace_block("no markers here", "new")
    with pytest.raises(InputError, match="--write"):
        validation.replace_block(f"{validation.END}\n{validation.BEGIN}", "new")


def test_figures_print_a_minus_sign_and_never_minus_zero() -> None:
    assert Figure(-3.4, 0.0, 1).text == "\u22123.4"
    assert Figure(-0.0001, 0.0, 0).text == "0"
    assert validation.numbers("4.1-5.4 d [1.2-9.9], \u22125-14 % shorter") == [4.1, 5.4, 1.2, 9.9, -5.0, 14.0]


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["simulate", "--write", "x.md"], "--write"),
        (["simulate", "--validate", "examples/sim/senkaku-2026.yaml"], "SCENARIO"),
        (["simulate", "--validate", "--format", "csv"], "--format"),
    ],
)
def test_cli_refuses_bad_combinations(
    argv: list[str], field: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run_anpo(argv, capsys, monkeypatch)
    assert code == 2 and field in err


def test_json_rows_carry_the_source_and_the_copy_read(fresh: list[Row]) -> None:
    rows = validation.to_dicts(fresh)
    assert [r["anpo"] for r in rows] == [r.anpo_text for r in fresh]
    assert all(r["read_from"] and r["source"] and r["inside"] in ("yes", "no", "partly") for r in rows)
    assert all(len(r["figures"]) == len(f.figures) for r, f in zip(rows, fresh, strict=True))
