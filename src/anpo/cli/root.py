"""The `anpo` command line's typer application: the root group, the registry of commands.

Each command group lives in its own module with a `register(app)` function. The modules
are imported lazily: `anpo --help` lists the commands from the registry below without
importing any of them, and `anpo CMD ...` imports only CMD's module (so `anpo where` never
loads numba, pyarrow or dask). To add a command, add one line to COMMANDS.

`anpo.cli.main` runs it (`run_app`); `from anpo.cli import app` gives it too.
"""

from __future__ import annotations

import importlib
import sys
from difflib import get_close_matches
from typing import Any, NamedTuple

import typer
from typer._click.exceptions import UsageError
from typer.core import TyperGroup

from anpo import __version__
from anpo.cli import conventions, help_imports, quick_batch, values
from anpo.core.errors import AnpoError

conventions.apply()
values.apply()  # option values converted without importing pydantic
help_imports.apply()  # the help's renderer without rich's Markdown and Traceback


class Command(NamedTuple):
    """A command of `anpo`: its module under anpo.cli (which has `register(app)`) and the
    one-line help `anpo --help` shows (tests hold it equal to the command's own)."""

    module: str
    help: str


# In the order they appear in `anpo --help`. One entry per command; a module that registers
# several commands (posture: bases and posture) is named on each of their lines.
COMMANDS: dict[str, Command] = {
    "assess": Command(
        "assess", "Assess scenarios: treaty, Article V, prior consultation, Japanese and U.S. law."
    ),
    "where": Command(
        "where", "Who administers the point LAT LON on a date: land, territorial sea or outside."
    ),
    "incident": Command(
        "incident", "Who may try an offense by U.S. forces personnel in Japan, and who holds the accused."
    ),
    "bases": Command("posture", "Facilities on a date, optionally near a point and of one kind."),
    "posture": Command(
        "posture", "Summary on a date: facilities by status and prefecture, arrangements in force."
    ),
    "okinawa": Command(
        "okinawa", "Okinawa's burden: yearly and period series with their publisher, checks and gaps."
    ),
    "realignment": Command(
        "realignment",
        "Realignment plans against outcomes, with slippage computed and Henoko's cost estimates.",
    ),
    "governance": Command("governance", "Alliance governance and interoperability as dated records."),
    "serve": Command("serve", "Serve the dashboard and the HTTP API (OpenAPI docs at /docs)."),
    "map": Command("map", "Map of who administers land and territorial sea, the Article V area outlined."),
    "simulate": Command(
        "simulate", "Monte Carlo of the alliance's response: legal gates, strikes on air bases, force flow."
    ),
    "grid": Command("grid", "Assess a grid of scenarios and write a raster-like Parquet table."),
    "costs": Command(
        "costs", "Japan's spending on U.S. forces by period, year, category or line; the SMA what-if."
    ),
}


def load_commands(module: str) -> dict[str, Any]:
    """The click commands that anpo.cli.MODULE registers, by name (imports the module)."""
    sub = typer.Typer()
    importlib.import_module(f"anpo.cli.{module}").register(sub)
    return dict(typer.main.get_group(sub).commands)


class LazyGroup(TyperGroup):
    """The root group: lists COMMANDS from their registry lines, imports a command's module
    only when that command runs (or its own --help is asked for)."""

    def list_commands(self, ctx: Any) -> list[str]:
        return [*COMMANDS, *(n for n in self.commands if n not in COMMANDS)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        # A stand-in that carries the help line, for listings; resolve_command loads the real one.
        return typer.core.TyperCommand(cmd_name, help=entry.help)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] in COMMANDS and args[0] not in self.commands:
            self.commands.update(load_commands(COMMANDS[args[0]].module))
        try:
            return super().resolve_command(ctx, args)
        except UsageError as err:
            # typer suggests from the loaded commands only; suggest from the registry too
            matches = get_close_matches(args[0], self.list_commands(ctx)) if args else []
            if matches and "Did you mean" not in err.message:
                # (not map(): importing the command module anpo.cli.map rebinds that name here)
                names = ", ".join(repr(m) for m in matches)
                err.message = f"{err.message.rstrip('.')}. Did you mean {names}?"
            raise


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"anpo {__version__}")
        raise typer.Exit()


app = typer.Typer(
    name="anpo",
    cls=LazyGroup,
    help="The U.S.-Japan security alliance as executable, cited, fast software.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish, PowerShell
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", is_eager=True, callback=_print_version,
                                 help="Print the version and exit."),
    quiet: bool = typer.Option(False, "-q", "--quiet",
                               help="No progress bars or informational lines on standard error."),
) -> None:
    quick_batch.command_loaded(quiet)  # the command's module is loaded: its run collects as usual


def run_app() -> None:
    """Parse the command line with typer and run the command; a command's exit code, a
    usage error or an Abort end the process here. An AnpoError goes to the caller
    (`anpo.cli.main`), which reports it."""
    try:
        # Without standalone mode click returns, rather than raises, a command's exit code.
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except AnpoError:
        raise
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
