"""typer's help renderer loads without rich's Markdown and Traceback modules
(anpo.cli.help_imports), and every help and usage error reads the same as with them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

# Renders the root help, every command's help and two usage errors in one fresh process;
# with "plain" typer's renderer is imported first, as it would be without anpo.cli.help_imports.
_RENDER = """
import json, sys
if sys.argv[1] == "plain":
    import typer.rich_utils
from typer.testing import CliRunner
from anpo.cli import COMMANDS, app
runner = CliRunner()
argvs = [["--help"], *([name, "--help"] for name in COMMANDS), ["asess"], ["where", "abc", "1"]]
out = {" ".join(a): [(r := runner.invoke(app, a, terminal_width=100)).exit_code, r.output] for a in argvs}
loaded = sorted(m for m in ("markdown_it", "pygments", "attr", "rich.markdown", "rich.traceback")
                if m in sys.modules)
print(json.dumps({"out": out, "loaded": loaded}))
"""


def _render(mode: str) -> dict[str, object]:
    env = {**os.environ, "COLUMNS": "100"}
    res = subprocess.run([sys.executable, "-c", _RENDER, mode], capture_output=True, text=True,
                         timeout=300, env=env, check=True)
    return json.loads(res.stdout)  # type: ignore[no-any-return]


def test_help_reads_the_same_without_the_deferred_modules() -> None:
    deferred, plain = _render("deferred"), _render("plain")
    assert deferred["loaded"] == []
    assert "markdown_it" in plain["loaded"]  # the modules the stand-ins spare
    out, plain_out = deferred["out"], plain["out"]
    assert isinstance(out, dict) and isinstance(plain_out, dict)
    assert out.keys() == plain_out.keys()
    for argv, (code, text) in out.items():
        assert [code, text] == plain_out[argv], argv
        assert code == (2 if argv in ("asess", "where abc 1") else 0)
        assert "Usage: anpo" in text


_LATER = """
import sys
from anpo.cli import app
from typer.testing import CliRunner
CliRunner().invoke(app, ["--help"])
import typer.rich_utils as ru
from rich.markdown import Markdown
from rich.traceback import Traceback
assert sys.modules["rich.markdown"].Markdown is Markdown and Markdown.__module__ == "rich.markdown"
assert type(ru.Markdown("**x**")) is Markdown  # the stand-in builds the real thing
assert ru.Traceback.from_exception.__func__ is Traceback.from_exception.__func__
md = ru._make_rich_text(text="**bold**", markup_mode="markdown")
assert isinstance(md, Markdown)
print("ok")
"""


def test_the_real_modules_stay_for_later_importers() -> None:
    res = subprocess.run([sys.executable, "-c", _LATER], capture_output=True, text=True, timeout=300)
    assert res.stdout.strip() == "ok", res.stderr
