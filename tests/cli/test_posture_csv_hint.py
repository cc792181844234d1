"""`anpo posture --format csv` without a series says which options take csv (exit 2, nothing printed)."""

from __future__ import annotations

import pytest
from cli_runner import run_main


def test_csv_summary_names_the_series_that_take_csv(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run_main(["posture", "--format", "csv"], capsys, monkeypatch)
    assert code == 2 and out == ""
    assert err.startswith("anpo: error: --format: ") and "--personnel or --share" in err


def test_csv_with_a_series_still_works(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run_main(["posture", "--share", "--format", "csv"], capsys, monkeypatch)
    assert code == 0, err
    assert out.lstrip("\ufeff").startswith("date,")
