"""Start-up stays cheap: `import anpo`, `anpo --help` and `anpo --version` load none of the
heavy libraries, and a command imports only its own module (issue 19)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("numba", "scipy", "pyarrow", "shapely", "dask", "matplotlib", "fastapi")

# Runs `anpo ARGV` in a fresh interpreter, then prints which heavy modules got imported.
_PROBE = """
import json, sys
heavy = json.loads(sys.argv[1])
argv = sys.argv[2:]
code = 0
if argv != ["--import-only"]:
    from anpo.cli import main
    sys.argv = ["anpo", *argv]
    try:
        main()
    except SystemExit as ex:
        code = int(ex.code or 0)
else:
    import anpo
print(json.dumps({"code": code, "loaded": sorted(m for m in heavy if m in sys.modules)}), file=sys.stderr)
"""


def _probe(*argv: str, heavy: tuple[str, ...] = HEAVY) -> tuple[int, list[str], str]:
    res = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(heavy), *argv],
                         capture_output=True, text=True, timeout=120)
    report = json.loads(res.stderr.strip().splitlines()[-1])
    return report["code"], report["loaded"], res.stdout


@pytest.mark.parametrize("argv", [["--import-only"], ["--help"], ["--version"], []])
def test_no_heavy_library_at_start(argv: list[str]) -> None:
    code, loaded, _ = _probe(*argv)
    assert code == (2 if not argv else 0)  # no arguments: the help, as a usage error
    assert loaded == []


def test_version_prints_the_version() -> None:
    from anpo import __version__

    code, _, out = _probe("--version")
    assert (code, out.strip()) == (0, f"anpo {__version__}")


def test_help_lists_every_registered_command() -> None:
    from anpo.cli import COMMANDS

    _, _, out = _probe("--help")
    for name in COMMANDS:
        assert f" {name} " in out


def test_where_takes_the_small_input_path() -> None:
    """One point: no numba, no pyarrow, no dask (the numpy passes, the shipped arrays), and no
    pycountry (country codes come from the shipped table)."""
    code, loaded, out = _probe("where", "25.743", "123.473", "--date", "2026-01-15",
                               heavy=(*HEAVY, "pycountry"))
    assert code == 0 and "Senkaku" in out
    assert not {"numba", "pyarrow", "dask", "matplotlib", "fastapi", "pycountry"} & set(loaded)


def test_assess_one_scenario_loads_no_pycountry() -> None:
    example = Path(__file__).resolve().parents[1] / "examples" / "okinawa-1971.yaml"
    code, loaded, out = _probe("assess", str(example), heavy=("pycountry",))
    assert code == 0 and out.strip()
    assert loaded == []


def test_registry_help_is_the_commands_own() -> None:
    """The line `anpo --help` shows without importing a command is the one the command
    itself declares, and every registered module registers the commands named for it."""
    from anpo.cli import COMMANDS, load_commands

    for module in sorted({c.module for c in COMMANDS.values()}):
        loaded = load_commands(module)
        for name, entry in COMMANDS.items():
            if entry.module != module:
                continue
            assert name in loaded, f"anpo.cli.{module} does not register {name!r}"
            cmd = loaded[name]
            own = cmd.help or ""
            assert own.strip().splitlines()[0] == entry.help, name


def test_unknown_command_suggests_from_the_registry() -> None:
    res = subprocess.run([sys.executable, "-c", "from anpo.cli import main; main()", "asess"],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 2
    assert "Did you mean 'assess'" in res.stderr


_BLAS_PROBE = """
import os, sys
from anpo.cli import main
assert "numpy" not in sys.modules  # else OpenBLAS has already started its threads
sys.argv = ["anpo", "where", "26.2", "127.7", "--date", "2026-01-01"]
try:
    main()
except SystemExit:
    pass
import numpy  # loaded by the command
print(len(os.listdir("/proc/self/task")), file=sys.stderr)
"""


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads through /proc")
def test_a_command_starts_no_idle_blas_threads() -> None:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    res = subprocess.run([sys.executable, "-c", _BLAS_PROBE], capture_output=True, text=True,
                         timeout=120, env=env)
    assert res.returncode == 0, res.stderr
    assert int(res.stderr.strip().splitlines()[-1]) == 1  # the main thread alone
