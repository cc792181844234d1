"""Whole-process figures: what a user sees from the shell, beside the warm in-process ones.

1. `anpo --help`, `anpo where LAT LON --date D` and `anpo assess FILE` (one scenario), each
   against the yardstick `python -c 'import numpy'`, run alternately (A B A B ...) so that
   both see the same load; medians of the paired runs, and the ratio.
2. `anpo assess --batch IN.parquet --out OUT.parquet` at 1e5, 1e6 and 1e7 rows, whole
   process, against a process that only reads the same input with pyarrow and writes it
   back (the I/O floor of any Parquet tool), alternately; and the warm in-process rate of
   the same file (`assess_table` after a first run).

Before measuring it writes anpo's bytecode (`anpo.precompile.compile_bytecode`), as an
installed package has it: the peers' libraries have theirs from their install.

    .venv/bin/python benchmarks/bench_startup.py [--runs R] [--quick]
    .venv/bin/python benchmarks/bench_startup.py --framework [--runs R] [--against DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from common import Row, machine  # noqa: E402

PY = sys.executable
ANPO = str(Path(PY).parent / "anpo")
SCENARIO = {"date": "2026-01-15", "event": "armed_attack", "target": "JPN", "lat": 25.743,
            "lon": 123.473, "us_action": "combat_operations_from_japan"}
NUMPY = [PY, "-c", "import numpy"]
ROUND_TRIP = """
import sys, pyarrow.parquet as pq
f = pq.ParquetFile(sys.argv[1])
w = None
for k in range(f.num_row_groups):
    t = f.read_row_group(k)
    w = w or pq.ParquetWriter(sys.argv[2], t.schema)
    w.write_table(t)
w.close()
"""


def wall(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def paired(a: list[str], b: list[str], runs: int) -> tuple[float, float, list[float]]:
    """(median of a, median of b, ratios a/b of each pair), run A B A B after one warm-up each."""
    wall(a), wall(b)
    ta, tb = [], []
    for _ in range(runs):
        ta.append(wall(a))
        tb.append(wall(b))
    return statistics.median(ta), statistics.median(tb), [x / y for x, y in zip(ta, tb, strict=True)]


def run(runs: int, quick: bool = False) -> list[Row]:
    from bench_scale import write_input

    from anpo.precompile import compile_bytecode

    # The tree as installed: pip writes a wheel's bytecode at install, `make install` runs
    # anpo.precompile; an edited module would otherwise be compiled from source at every
    # start here (PYTHONDONTWRITEBYTECODE is set on the development machine).
    compile_bytecode()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="anpo-startup-") as tmp:
        d = Path(tmp)
        one = d / "one.json"
        one.write_text(json.dumps(SCENARIO))
        commands = [
            ("`anpo --help`", [ANPO, "--help"], "<= 3x"),
            ("`anpo where 25.743 123.473 --date 2026-01-15`",
             [ANPO, "where", "25.743", "123.473", "--date", "2026-01-15"], "<= 5x"),
            ("`anpo assess FILE` with one scenario (text output, explanation)", [ANPO, "assess", str(one)],
             "<= 6x"),
        ]
        spread: list[float] = []
        for label, cmd, target in commands:
            t_cmd, t_np, ratios = paired(cmd, NUMPY, runs)
            spread.append(t_np)
            rows.append(Row(
                f"{label}, whole process, against `python -c 'import numpy'` ({runs} pairs, A B A B)",
                f"{t_cmd:.2f} s against {t_np:.2f} s: **{statistics.median(ratios):.1f}x** "
                f"(pairs {min(ratios):.1f}-{max(ratios):.1f}x)",
                target,
            ))
        rows.append(fixed_cost(d, 3 if quick else 5))
        sizes = (100_000, 1_000_000) if quick else (100_000, 1_000_000, 10_000_000)
        targets = {1_000_000: "<= 1.0x", 10_000_000: "<= 0.8x"}
        for n in sizes:
            src, out, copy = d / f"in{n}.parquet", d / f"out{n}.parquet", d / f"copy{n}.parquet"
            write_input(src, n, seed=n % 991)
            batch = [ANPO, "assess", "--batch", str(src), "--out", str(out)]
            floor = [PY, "-c", ROUND_TRIP, str(src), str(copy)]
            # More pairs than the other rows: a batch process's system time swings 3-4x between
            # identical runs on the 2-CPU virtual machine (page faults, docs/scale.md), and a
            # median of 5-7 pairs moved by a tenth from one `make bench` to the next.
            k = runs if quick else max(runs, 9 if n >= 10_000_000 else 15)
            t_b, t_f, ratios = paired(batch, floor, k)
            warm = _warm_rate(src, out)
            rows.append(Row(
                f"`anpo assess --batch` {n:,} rows Parquet -> Parquet, whole process, against a "
                f"process that reads the input with pyarrow and writes it back ({k} pairs)",
                f"{t_b:.2f} s = **{n / t_b / 1e6:.2f} million rows/s** whole process; pyarrow "
                f"round trip {t_f:.2f} s: **{statistics.median(ratios):.2f}x**; warm in process "
                f"{warm / 1e6:.2f} million rows/s",
                targets.get(n, ""),
            ))
            for p in (src, out, copy):
                p.unlink(missing_ok=True)
    return rows


_WARM = """
import sys, time
from anpo.io.batch import assess_table
assess_table(sys.argv[1], sys.argv[2])
t = []
for _ in range(3):
    t0 = time.perf_counter(); s = assess_table(sys.argv[1], sys.argv[2]); t.append(time.perf_counter() - t0)
print(s.rows / sorted(t)[1])
"""


# The fixed cost of a batch process, step by step, in the order a run pays it (one fresh
# process per measurement). The pyarrow round trip pays the first two steps and its I/O.
# With the install's extension (`core.ahead_of_time`) the kernels come from it; with
# ANPO_NO_AOT=1 (an install without a C compiler) numba starts and loads its cache instead.
_BREAKDOWN = """
import json, sys, time
T = time.perf_counter
out = {}
t = T(); import numpy, pyarrow.parquet; out["numpy_pyarrow"] = T() - t
t = T(); import anpo.io.batch as batch; out["anpo_modules"] = T() - t
t = T(); from anpo.geo.index import geo_index; geo_index(); batch.warm_up(); out["geography_law"] = T() - t
from anpo.core import ahead_of_time
from anpo.io import compiled_start
t = T(); out["extension"] = float(ahead_of_time.available()); out["extension_load"] = T() - t
if not out["extension"]:
    compiled_start.start_numba(out)
t = T(); batch.warm_up(compiled=True); out["kernels"] = T() - t
t = T(); batch.assess_table(sys.argv[1], sys.argv[2]); first = T() - t
t = T(); batch.assess_table(sys.argv[1], sys.argv[2]); out["writer_kernels"] = first - (T() - t)
out["numba_loaded"] = float("numba" in sys.modules)
t = T(); import scipy.linalg; out["scipy_linalg"] = T() - t
print(json.dumps(out))
"""
_STEPS = (("numpy_pyarrow", "numpy + pyarrow"), ("anpo_modules", "anpo's batch modules"),
          ("geography_law", "geography index + law"),
          ("extension_load", "the compiled extension's check and load"),
          ("kernels", "geography kernels' first calls (+ 20,000 rows)"),
          ("writer_kernels", "a first batch's other one-time costs (coast buckets, land edges, writer)"))
_JIT_STEPS = (("numba_import", "numba import"), ("numba_target", "numba CPU target setup"),
              ("kernels", "geography kernels from numba's cache (+ 20,000 rows)"),
              ("writer_kernels", "a first batch's other one-time costs, writer kernels from the cache"))


def _breakdown(src: Path, out: Path, runs: int, jit: bool) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if k != "ANPO_NO_AOT"}
    if jit:
        env["ANPO_NO_AOT"] = "1"
    samples = [json.loads(subprocess.run([PY, "-c", _BREAKDOWN, str(src), str(out)], capture_output=True,
                                         text=True, check=True, env=env).stdout) for _ in range(runs)]
    return {k: statistics.median(s.get(k, 0.0) for s in samples) for k in samples[0]}


def fixed_cost(d: Path, runs: int) -> Row:
    """The steps of a batch process's fixed cost, medians of `runs` fresh processes: with the
    install's compiled extension, and with numba's JIT in its place."""
    from bench_scale import write_input

    src, out = d / "small.parquet", d / "small.out.parquet"
    write_input(src, 20_000, seed=3)
    med = _breakdown(src, out, runs, jit=False)
    jit = _breakdown(src, out, runs, jit=True)
    interpreter = statistics.median(wall([PY, "-c", "pass"]) for _ in range(runs))
    if med["extension"]:
        steps = "; ".join(f"{label} {med[k]:.2f} s" for k, label in _STEPS)
        total = interpreter + sum(med[k] for k, _ in _STEPS)
        head = (f"with the kernels compiled at install (`core.ahead_of_time`; numba imported: "
                f"{'yes' if med['numba_loaded'] else 'no'}): interpreter {interpreter:.2f} s; {steps}; "
                f"sum {total:.2f} s")
    else:
        head = "no compiled extension in this install (`make install` builds it): numba's JIT below"
    jit_steps = "; ".join(f"{label} {jit[k]:.2f} s" for k, label in _JIT_STEPS)
    jit_total = interpreter + sum(jit[k] for k in ("numpy_pyarrow", "anpo_modules", "geography_law")) + sum(
        jit[k] for k, _ in _JIT_STEPS)
    return Row(
        f"fixed cost of an `anpo assess --batch` process, step by step in one fresh process "
        f"(median of {runs}; run one after another here, overlapped in a batch)",
        f"{head}. With numba's JIT instead (ANPO_NO_AOT=1, as an install without a C compiler): "
        f"{jit_steps}; sum {jit_total:.2f} s. Numba's target setup would also import scipy.linalg "
        f"({jit['scipy_linalg']:.2f} s): the batch hides scipy from it (`io/compiled_start.py`)",
        "",
    )


# What a batch pays beside the pyarrow round trip, one step after another on one thread of
# one fresh process (so the steps add up to CPU seconds): `--floor ROWS` (docs/scale.md,
# "The floor"). Not a row of performance.md.
_FLOOR = """
import json, sys, time
T = time.perf_counter
out = {}
t = T(); import numpy, pyarrow.parquet as pq; out["import numpy + pyarrow (both)"] = T() - t
t = T(); import anpo.io.batch as batch; from anpo.io import process_memory, tables
out["import anpo's batch modules"] = T() - t
memory = process_memory.reused_memory(); memory.__enter__()  # as a large run sets it
t = T(); from anpo.geo.index import geo_index; batch.warm_up(); out["geography index + law"] = T() - t
t = T(); gi = geo_index(); gi.coast_buckets; gi.land_edges; gi.fine
out["coast buckets, land edges, fine grid"] = T() - t
t = T(); chunks = list(tables.open_table(sys.argv[1]).batches()); out["read the input (both)"] = T() - t
options = batch.BatchOptions(geometry=True)
t = T(); results, start = [], 0
for c in chunks:
    results.append(batch.assess_chunk(c, start, options)); start += c.num_rows
out["assess: validate, geography, law, 26 output columns"] = T() - t
t = T()
with tables.atomic_table(sys.argv[2], batch.output_schema(options), batch.geo_metadata()) as w:
    for r in results: w.write(r.batch)
out["write the output (anpo's writer)"] = T() - t
out["pyarrow.compute imported by the batch path (1 = yes)"] = float("pyarrow.compute" in sys.modules)
t = T(); f = pq.ParquetFile(sys.argv[1]); w = None
for k in range(f.num_row_groups):
    g = f.read_row_group(k); w = w or pq.ParquetWriter(sys.argv[3], g.schema); w.write_table(g)
w.close(); out["the round trip's read + write of the input"] = T() - t
memory.__exit__(None, None, None)
print(json.dumps(out))
"""


def floor(rows: int) -> dict[str, float]:
    """The steps above for a `rows`-row input (bench_scale's), seconds."""
    from bench_scale import write_input

    with tempfile.TemporaryDirectory(prefix="anpo-floor-") as tmp:
        d = Path(tmp)
        write_input(d / "in.parquet", rows, seed=rows % 991)
        res = subprocess.run([PY, "-c", _FLOOR, str(d / "in.parquet"), str(d / "out.parquet"),
                              str(d / "copy.parquet")], capture_output=True, text=True, check=True)
    return {k: round(v, 3) for k, v in json.loads(res.stdout).items()}


# The command line framework's share of a process (`--framework`; docs/scale.md, "The
# floor"). `python -X importtime` prints each module after the ones it imported, indented by
# depth; a framework import counts with everything it pulled in (its cumulative time) when
# no framework module imported it, so stdlib modules loaded first by typer count as typer's.
# Not a row of performance.md.
FRAMEWORK = ("typer", "click", "rich", "pydantic", "pydantic_core", "annotated_types", "annotated_doc",
             "markdown_it", "mdurl", "pygments", "attr", "shellingham", "typing_inspection")
_ENTRY = "import sys; sys.argv[0] = 'anpo'; from anpo.cli import main; main()"


def framework_share(importtime: str) -> tuple[float, float, dict[str, float]]:
    """(seconds of outermost framework imports, seconds of all imports, the first by module)
    from the stderr of `python -X importtime`."""
    entries = []
    for line in importtime.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|", 2)
        if not cumulative.strip().isdigit():
            continue  # the header line
        depth = (len(name) - len(name.lstrip(" ")) - 1) // 2
        entries.append((depth, name.strip(), int(cumulative) / 1e6))
    share: dict[str, float] = {}
    total = 0.0
    stack: list[str] = []
    for depth, name, seconds in reversed(entries):  # parents before their children
        del stack[depth:]
        if depth == 0:
            total += seconds
        ours = name.split(".")[0] in FRAMEWORK
        if ours and not any(a.split(".")[0] in FRAMEWORK for a in stack):
            share[name] = share.get(name, 0.0) + seconds
        stack.append(name)
    return sum(share.values()), total, share


def framework(runs: int, against: str | None) -> None:
    """For `anpo --help`, `--version`, `where`, `assess FILE` and `assess --batch` (1e5
    rows): the framework's import seconds (median of `runs` fresh processes) and the whole
    process's wall seconds; with `against` (a directory holding another `anpo` package),
    that tree's figures beside, run A B A B (the other tree first in each pair)."""
    from bench_scale import write_input

    from anpo.precompile import compile_bytecode

    compile_bytecode()
    trees = {"this tree": None} if against is None else {"against": against, "this tree": None}
    with tempfile.TemporaryDirectory(prefix="anpo-framework-") as tmp:
        d = Path(tmp)
        one = d / "one.json"
        one.write_text(json.dumps(SCENARIO))
        write_input(d / "in.parquet", 100_000, seed=5)
        commands = {
            "anpo --help": ["--help"],
            "anpo --version": ["--version"],
            "anpo where": ["where", "25.743", "123.473", "--date", "2026-01-15"],
            "anpo assess FILE (one)": ["assess", str(one)],
            "anpo assess --batch 1e5": ["assess", "--batch", str(d / "in.parquet"),
                                        "--out", str(d / "o.parquet")],
        }
        for label, argv in commands.items():
            got: dict[str, dict[str, list[Any]]] = {t: {"fw": [], "imports": [], "wall": [], "top": []}
                                                   for t in trees}
            for k in range(runs + 1):  # the first round warms the caches, not counted
                for tree, path in trees.items():
                    env = dict(os.environ)
                    if path is not None:
                        env["PYTHONPATH"] = path
                    t0 = time.perf_counter()
                    subprocess.run([PY, "-c", _ENTRY, *argv], check=True, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, env=env)
                    wall_s = time.perf_counter() - t0
                    res = subprocess.run([PY, "-X", "importtime", "-c", _ENTRY, *argv], check=True, env=env,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                    if k:
                        fw, imports, share = framework_share(res.stderr)
                        got[tree]["fw"].append(fw)
                        got[tree]["imports"].append(imports)
                        got[tree]["wall"].append(wall_s)
                        got[tree]["top"].append(share)
            for tree, g in got.items():
                top = sorted(g["top"], key=lambda s: sum(s.values()))[len(g["top"]) // 2]  # the median run's
                largest = [(n, v) for n, v in sorted(top.items(), key=lambda x: -x[1])[:4] if v >= 1e-3]
                names = ", ".join(f"{n} {v * 1e3:.0f}" for n, v in largest)
                print(f"{label:24s} {tree:9s}: framework imports {statistics.median(g['fw']) * 1e3:5.0f} ms "
                      f"of {statistics.median(g['imports']) * 1e3:4.0f} ms imports; whole process "
                      f"{statistics.median(g['wall']):.3f} s  ({names} ms)")


def _warm_rate(src: Path, out: Path) -> float:
    res = subprocess.run([PY, "-c", _WARM, str(src), str(out)], capture_output=True, text=True, check=True)
    return float(res.stdout.split()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--floor", type=int, metavar="ROWS", help="only the floor's steps at ROWS rows")
    ap.add_argument("--framework", action="store_true",
                    help="only the command line framework's import share of five commands")
    ap.add_argument("--against", metavar="DIR", help="with --framework: a directory holding another "
                    "`anpo` package (PYTHONPATH) measured alternately beside this tree")
    args = ap.parse_args()
    if args.framework:
        framework(args.runs, args.against)
        return
    if args.floor:
        for step, seconds in floor(args.floor).items():
            print(f"{seconds:7.3f} s  {step}")
        return
    print(f"machine: {machine()}")
    for row in run(args.runs, args.quick):
        print(json.dumps(row.__dict__))


if __name__ == "__main__":
    main()
