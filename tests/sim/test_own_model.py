"""Disaster relief, evacuation and blockade run their own models through one entry
(`anpo.sim.own_model`): the CLI and the library give the same document."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import anpo
from anpo.core.errors import InputError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "sim"
FILES = {"disaster": "tomodachi-2011.yaml", "evacuation": "evacuation-korea-2026.yaml",
         "blockade": "blockade-hormuz-mines-2026.yaml"}


def _cli_json(path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> dict:
    from anpo.cli import main

    monkeypatch.setattr(sys, "argv", ["anpo", "simulate", str(path), "--trials", "3000", "--seed", "11",
                                      "--format", "json"])
    try:
        main()
    except SystemExit as ex:
        assert ex.code in (0, None)
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("model", sorted(FILES))
def test_the_library_and_the_cli_give_the_same_document(
    model: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = EXAMPLES / FILES[model]
    result = anpo.simulate(path, trials=3000, seed=11)
    assert result.data["model"] == model
    assert json.loads(result.to_json()) == _cli_json(path, capsys, monkeypatch)
    assert result.summary.empty  # the crisis measures table; these models report their own


def test_crisis_options_are_refused_by_name() -> None:
    path = EXAMPLES / FILES["evacuation"]
    with pytest.raises(InputError) as err:
        anpo.simulate(path, trials=100, params={"strike.salvos": 2})
    assert err.value.field == "params"
    with pytest.raises(InputError) as err:
        anpo.simulate(path, trials=2_000_000)
    assert err.value.field == "trials"
