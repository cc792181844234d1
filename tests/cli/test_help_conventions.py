"""Every command's --help reads as users of git, gh and click tools expect (issue 21)."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from anpo.cli import COMMANDS, app

PYTHON_TYPE = re.compile(r"<(bool|str|int|float|list\[[^\]]*\]|Path|datetime)>")


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_shows_no_python_type_and_conventional_usage(command: str | None) -> None:
    args = ["--help"] if command is None else [command, "--help"]
    result = CliRunner().invoke(app, args, terminal_width=200)
    assert result.exit_code == 0, result.output
    text = result.output
    assert not PYTHON_TYPE.search(text), PYTHON_TYPE.search(text)
    usage = next(line for line in text.splitlines() if "Usage:" in line)
    assert "{" not in usage and "...]..." not in usage, usage  # not `{lat}` or `[FILE...]...`


def test_where_usage_names_its_arguments() -> None:
    text = CliRunner().invoke(app, ["where", "--help"], terminal_width=200).output
    assert re.search(r"Usage: anpo where \[OPTIONS\] LAT LON", text)
