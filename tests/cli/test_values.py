"""Option values are converted without pydantic (anpo.cli.values) and exactly as typer's own
conversion would: same value and type wherever ours answers, typer's message wherever it does
not (issue 19)."""

from __future__ import annotations

import json
import math
import random
import subprocess
import sys
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

import pytest
from typer._adapters import try_build_adapter
from typer.models import ArgumentInfo, OptionInfo

from anpo.cli import COMMANDS, load_commands, values

EDGES = ["7", "-0", "007", "+5", " 5", "5 ", "1_000", "1.0", "1.5", "1e3", "1E-2", "-.5", ".5", "1.",
         "99999999999999999999", "123456789012345678", "0x10", "", "-", "+", ".", "e3", "1e", "1e400",
         "-1e400", "nan", "NaN", "inf", "-inf", "Infinity", "1__0", "1_0.5", "٣", "１", "25.743",
         "123.473", "-95", "0.1e-310", "1.7976931348623157e308", "2.5e-324"]


def _random_strings(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    alphabet = "0123456789+-._eEinfa x"
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9))) for _ in range(n)]


def _long_decimals(n: int, seed: int) -> list[str]:
    """Up to 40 digits either side of the point and exponents to +-330: rounding and range."""
    rng = random.Random(seed)
    digits = "0123456789"
    out = []
    for _ in range(n):
        text = rng.choice(["", "-", "+"]) + "".join(rng.choice(digits) for _ in range(rng.randint(1, 40)))
        if rng.random() < 0.7:
            text += "." + "".join(rng.choice(digits) for _ in range(rng.randint(0, 40)))
        if rng.random() < 0.5:
            text += rng.choice("eE") + rng.choice(["", "-", "+"]) + str(rng.randint(0, 330))
        out.append(text)
    return out


def _typer(annotation: Any, value: Any, info: Any = None) -> tuple[str, Any]:
    adapter = try_build_adapter(annotation, info or OptionInfo())
    assert adapter is not None
    try:
        return "ok", adapter.validate_python(value)
    except Exception as err:  # pydantic's ValidationError (or typer's, for a choice)
        return "error", str(err)


def _same(a: Any, b: Any) -> bool:
    """Equal in value and type, -0.0 apart from 0.0 (repr), nan equal to nan."""
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return type(a) is type(b) and repr(a) == repr(b)


@pytest.mark.parametrize("annotation", [int, float, str, bool])
def test_numbers_and_text_convert_as_typer_does(annotation: type) -> None:
    convert = values.converter(annotation, OptionInfo())
    assert convert is not None
    answered = 0
    samples = [*EDGES, *_random_strings(3000, seed=19), *_long_decimals(2000, seed=7)]
    for value in [*samples, 0, 3, -7, 2**60, 2.5, -0.0, True, False, None]:
        ours = convert(value, None)
        if ours is values.UNSURE:
            continue  # typer's own conversion takes it, whatever it says
        answered += 1
        kind, theirs = _typer(annotation, value)
        assert kind == "ok" and _same(ours, theirs), (annotation, value, ours, theirs)
    assert answered > (1 if annotation is bool else 20)  # the fast path does take the usual values


class Colour(StrEnum):
    red = "red"
    green = "green"


@pytest.mark.parametrize("annotation", [Literal["text", "json", "csv"], Colour])
def test_choices_convert_as_typer_does(annotation: Any) -> None:
    for case_sensitive in (True, False):
        info = OptionInfo(case_sensitive=case_sensitive)
        convert = values.converter(annotation, info)
        assert convert is not None
        for value in ["text", "json", "JSON", "red", "RED", "green", "xml", "", Colour.red, "csv "]:
            ours = convert(value, None)
            kind, theirs = _typer(annotation, value, info)
            if ours is values.UNSURE:
                assert kind == "error", (value, theirs)  # a choice we do not match is no choice
            else:
                assert kind == "ok" and _same(ours, theirs), (value, ours, theirs)


def test_lists_and_tuples_convert_as_typer_does() -> None:
    cases: list[tuple[Any, Any]] = [
        (list[str], ("a", "b")), (list[str], ["x"]), (list[str], "solo"), (list[str], ()),
        (tuple[float, float], ("26.3", "127.8")), (tuple[float, float], ("26.3", "abc")),
        (tuple[float, float], ("1",)), (tuple[float, float], "1,2"), (list[int], ("1", "2", "x")),
    ]
    for annotation, value in cases:
        convert = values.converter(annotation, ArgumentInfo())
        assert convert is not None
        ours = convert(value, None)
        kind, theirs = _typer(annotation, value, ArgumentInfo())
        if ours is values.UNSURE:
            assert kind == "error", (annotation, value, theirs)
        else:
            assert kind == "ok" and _same(ours, theirs), (annotation, value, ours, theirs)


def test_bounds_parsers_and_paths_stay_with_typer() -> None:
    assert values.converter(int, OptionInfo(min=1)) is None
    assert values.converter(float, OptionInfo(parser=float)) is None
    assert values.converter(Path, OptionInfo()) is None


def test_every_parameter_of_every_command_has_a_converter() -> None:
    """A command whose option had a type without one would bring pydantic back into its runs."""
    from typer.main import get_group

    from anpo.cli import app

    missing = []
    commands = [get_group(app)]
    for module in dict.fromkeys(c.module for c in COMMANDS.values()):
        commands += load_commands(module).values()
    for command in commands:
        for param in command.params:
            desc = getattr(param, "type_descriptor", None)
            if desc is not None and values.converter(desc.annotation, desc.parameter_info) is None:
                missing.append(f"{command.name} {param.name}: {desc.annotation}")
    assert missing == []


_PROBE = """
import sys
from anpo.cli import main
sys.argv = ["anpo", *sys.argv[1:]]
try:
    main()
except SystemExit as ex:
    code = int(ex.code or 0)
else:
    code = 0
print(code, sorted(m for m in ("pydantic", "typer._adapters") if m in sys.modules), file=sys.stderr)
"""


def _probe(*argv: str) -> tuple[str, str]:
    res = subprocess.run([sys.executable, "-c", _PROBE, *argv], capture_output=True, text=True, timeout=300)
    return res.stderr.strip().splitlines()[-1], res.stderr


def test_commands_run_without_pydantic(tmp_path: Path) -> None:
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"date": "2026-01-15", "event": "armed_attack", "target": "JPN",
                               "lat": 24.34, "lon": 124.16}))
    rows = tmp_path / "in.jsonl"
    rows.write_text(one.read_text() + "\n" + one.read_text() + "\n")
    batch = ["assess", "--batch", str(rows), "--out", str(tmp_path / "o.parquet")]
    for argv in (["--help"], ["--version"], ["where", "25.743", "123.473", "--date", "2026-01-15"],
                 ["assess", str(one)], batch):
        last, err = _probe(*argv)
        assert last == "0 []", (argv, err)


def test_a_bad_value_still_gets_typers_message() -> None:
    """The fallback: typer's conversion (and so pydantic) only for the value it must refuse."""
    last, err = _probe("where", "abc", "123.473")
    assert last == "2 ['pydantic', 'typer._adapters']"
    expected = "Invalid value for 'LAT': Input should be a valid number, unable to parse string as a number"
    assert expected in err, err
