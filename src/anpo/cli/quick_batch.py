"""`anpo assess --batch IN ...` in its plain forms, without loading typer.

    call = parse(sys.argv[1:], os.environ)   # a BatchCall, or None: typer parses
    run(call)                                # what typer's `assess` would call, as it would

A batch process spent about 25 ms of its start importing typer (with click and the
standard modules they bring) and building the `assess` command from its signature, to
read a handful of words; a 1e6-row run takes about 0.35 s in all. This reads those words
when they are the plain ones, and nothing else:

    anpo [-q|--quiet] assess --batch IN [--out|-o|--output FILE] [--strict] [--explain]
                                        [--geometry|--no-geometry] [--bom]

in any order after `assess`, each at most once, values as separate words that do not start
with `-` and are not empty. Anything else (`--dask`, `--without`, `--in-force`, `--format`,
files, `--help`, `--batch=IN`, a repeated option, shell completion's environment) returns
None and typer parses the line, so its messages and exit codes stay the only ones. The
call is the one `anpo.cli.assess.assess_command` makes for the same words
(tests/cli/test_quick_batch.py holds the two equal, word list by word list).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from anpo.cli import process_end

_QUIET = ("-q", "--quiet")
_OUT = ("--out", "-o", "--output")
_FLAGS = {"--strict": "strict", "--explain": "explain", "--bom": "bom", "--geometry": "geometry",
          "--no-geometry": "geometry"}
_COMPLETION = "_ANPO_COMPLETE"  # typer's shell completion runs when this is set


@dataclass(frozen=True)
class BatchCall:
    """The options of `anpo assess --batch` that the plain forms set."""

    source: str
    out: str | None = None
    strict: bool = False
    explain: bool = False
    geometry: bool = True
    bom: bool = False
    quiet: bool = False


def parse(words: Sequence[str], environ: Mapping[str, str]) -> BatchCall | None:
    """The call for `words` (the command line after the program's name), or None."""
    if _COMPLETION in environ:
        return None
    k, quiet = 0, False
    while k < len(words) and words[k] in _QUIET:
        k, quiet = k + 1, True
    if k >= len(words) or words[k] != "assess":
        return None
    values: dict[str, str] = {}
    flags: dict[str, bool] = {}
    rest = words[k + 1:]
    j = 0
    while j < len(rest):
        word = rest[j]
        key = "source" if word == "--batch" else "out" if word in _OUT else None
        if key is not None:
            value = rest[j + 1] if j + 1 < len(rest) else ""
            if key in values or not value or value.startswith("-"):
                return None
            values[key] = value
            j += 2
        elif word in _FLAGS:
            name = _FLAGS[word]
            if name in flags:
                return None
            flags[name] = word != "--no-geometry"
            j += 1
        else:
            return None
    if "source" not in values:
        return None
    return BatchCall(source=values["source"], out=values.get("out"), quiet=quiet, **flags)


def command_loaded(quiet: bool) -> None:
    """What the root's options do once the command's module is loaded (typer's root callback
    calls this too): the collector back on, and --quiet applied (a run in process resets an
    earlier --quiet)."""
    process_end.resume_collector()
    if quiet or "anpo.io.progress" in sys.modules:
        from anpo.io.progress import set_quiet

        set_quiet(quiet)


def run(call: BatchCall) -> None:
    """Run the batch as `anpo assess --batch` does after typer's parse: the collector back
    on, --quiet applied (the root's callback), the input opened (its first chunk read on a
    thread from here), the what-if of no option, then the run."""
    from anpo.cli import batch as batch_cli

    command_loaded(call.quiet)
    table = batch_cli.start_reading(call.source)  # read while the law's modules load
    whatif = batch_cli.parse_whatif(None, None)
    batch_cli.run_batch(call.source, call.out, strict=call.strict, explain=call.explain, dask=None,
                        whatif=whatif, bom=call.bom, geometry=call.geometry, table=table)
