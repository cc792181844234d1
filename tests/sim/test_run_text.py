"""The evacuation and sea-lane reports drawn by the shared `run_text` are byte for byte what
each model's own function printed before (commit 4fca30f).

`run_text_golden.json` holds, for seeded runs of the six example scenarios (400 trials, seed
11) and two edited copies that reach the branches those runs miss (90 % never reached, a gate
that never held anyone up), the result document and the text the earlier code drew from it.
The texts are redrawn from the stored results, so a change to the models' numbers does not
touch this test; a change to the reports' wording or layout does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from anpo.sim import blockade, evacuation

GOLDEN = json.loads((Path(__file__).parent / "run_text_golden.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", GOLDEN, ids=[c["name"] for c in GOLDEN])
def test_report_is_byte_identical_to_the_earlier_code(case: dict[str, Any]) -> None:
    model = evacuation if case["model"] == "evacuation" else blockade
    assert model.text(case["result"], case["name"]) == case["text"]


def test_the_golden_cases_reach_every_branch() -> None:
    texts = {c["model"]: "\n".join(x["text"] for x in GOLDEN if x["model"] == c["model"]) for c in GOLDEN}
    assert "90 % never evacuated within the horizon" in texts["evacuation"]
    assert "(mean of the trials that get there)" in texts["evacuation"]
    assert "never back to 90 % of normal within the run" in texts["blockade"]
    assert "(median of the trials that get there)" in texts["blockade"]
    for model in ("evacuation", "blockade"):
        assert any(line.split()[1:2] == ["-"] for line in texts[model].splitlines()
                   if line.startswith("  ") and "(+" in line)  # a gate with no mean hours
