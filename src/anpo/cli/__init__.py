"""The `anpo` command line: thin over the library.

Each command group lives in its own module with a `register(app)` function.
An AnpoError from the library becomes a message on stderr and exit code 2 (InputError).
"""

from __future__ import annotations

import importlib
import sys

import typer

from anpo import __version__
from anpo.core.errors import AnpoError, DataError

app = typer.Typer(
    name="anpo",
    help="The U.S.-Japan security alliance as executable, cited, fast software.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Command modules, in the order they appear in `anpo --help`.
COMMAND_MODULES = ["assess", "where", "incident", "posture", "costs", "serve", "map", "simulate", "grid"]


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    if version:
        typer.echo(f"anpo {__version__}")
        raise typer.Exit()


for _name in COMMAND_MODULES:
    importlib.import_module(f"anpo.cli.{_name}").register(app)


def main() -> None:
    """Entry point of the `anpo` script."""
    try:
        # Without standalone mode click returns, rather than raises, a command's exit code.
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except AnpoError as err:
        kind = "data error" if isinstance(err, DataError) else "error"
        print(f"anpo: {kind}: {err}", file=sys.stderr)
        sys.exit(1 if isinstance(err, DataError) else 2)
    except typer.Exit as ex:
        sys.exit(ex.exit_code)
    except typer.Abort:
        sys.exit(1)
    except Exception as err:  # click usage errors carry their own exit code
        code = getattr(err, "exit_code", None)
        if code is not None and hasattr(err, "show"):
            err.show()
            sys.exit(code)
        raise
