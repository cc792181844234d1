"""At scale: batch assessment Parquet -> Parquet, against peers, a hardware floor, and Dask.

1. End to end: N random scenarios (the distribution of bench_assess: 10N-55N, 115E-160E,
   random events, targets, dates 1945-2100, U.S. actions) in a Parquet file (date32 dates,
   dictionary-encoded text), through `anpo.io.batch.assess_table` to a Parquet file of
   determinations: read, validate, geography, law, write. Target >= 5 million/s.
2. The same question as a plain scalar Python function per scenario (the way the Article V
   rule is usually written first: ifs on the date and the event, then a point-in-polygon
   test per row against each Japanese unit's land and a loop over its administration
   history), on a sample of the same rows; its agreement with the engine is reported.
3. OpenFisca (benchmark-only extra `pip install -e .[bench]`; skipped, saying so, if absent):
   Article V as a variable over a `scenario` entity, the 1960 treaty as a dated parameter.
   An OpenFisca period is shared by a whole simulation, so rows are grouped by date (one
   simulation per distinct date; exact), and also run as one simulation at the latest date
   (fast, but wrong for every row on another date). Geography is given to it as an input
   (anpo's), since OpenFisca has none; only its law evaluation is timed.
4. Floor: the machine's memory bandwidth for the same bytes (decoded input columns read
   once, output columns written once), and how far the engine is from it.
5. Dask: LocalCluster with 1 and 2 worker processes on 4 million rows of the same
   distribution, and Dask's overhead against the local run on a small (10,000 rows) and
   that large input (cluster start-up reported apart).
6. Memory: peak resident memory of `anpo assess --batch` on 1, 5 and 20 million rows.

    .venv/bin/python benchmarks/bench_scale.py [--rows N] [--runs R] [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import shapely

sys.path.insert(0, str(Path(__file__).parent))
from bench_assess import random_frame  # noqa: E402
from common import Row, machine, median_seconds  # noqa: E402

from anpo.core.codes import Event, UsAction, country_name  # noqa: E402
from anpo.io.batch import assess_table, default_workers, local_mapper, warm_up  # noqa: E402

SLICE = 1 << 20
# Rounds of the in-process comparison with OpenFisca per epoch (OpenFisca, anpo law only,
# anpo end to end, in turn): a run is 0.01-0.1 s, so more rounds than the batch's cost little.
PEER_ROUNDS = 7


def write_input(path: Path, rows: int, seed: int = 0) -> None:
    """Random scenarios, written slice by slice (row groups of about a million rows)."""
    events = pa.array([e.name for e in Event])
    actions = pa.array([a.name for a in UsAction])
    writer: pq.ParquetWriter | None = None
    for k, lo in enumerate(range(0, rows, SLICE)):
        f = random_frame(min(SLICE, rows - lo), seed=seed * 1000 + k)
        codes, inverse = np.unique(f.target, return_inverse=True)
        names = pa.array([country_name(int(c)) or "" for c in codes])
        table = pa.table({
            "date": pa.array(f.day, pa.int32()).cast(pa.date32()),
            "event": pa.DictionaryArray.from_arrays(pa.array(f.event), events),
            "target": pa.DictionaryArray.from_arrays(
                pa.array(inverse.astype(np.int8), mask=f.target < 0), names),
            "lat": f.lat,
            "lon": f.lon,
            "us_action": pa.DictionaryArray.from_arrays(pa.array(f.us_action), actions),
        })
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema)
        writer.write_table(table, row_group_size=SLICE)
    assert writer is not None
    writer.close()


def wall_and_cpu(fn: Any, runs: int) -> tuple[float, float]:
    """(median wall seconds, median process CPU seconds, all threads) of `runs` calls."""
    walls, cpus = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return float(np.median(walls)), float(np.median(cpus))


def writer_cpu(src: Path, d: Path, runs: int) -> tuple[float, float, int, int]:
    """Writing one output batch (the first SLICE rows, assessed) to Parquet: (process CPU
    seconds of anpo's writer, of pyarrow's with the options anpo used; file sizes), the
    minimum of `runs` writes each, alternating."""
    from anpo.io.batch import BatchOptions, assess_chunk
    from anpo.io.parquet_writer import ParquetFileWriter
    from anpo.io.tables import _ArrowParquetWriter, open_table

    batch = assess_chunk(next(open_table(src, SLICE).batches()), 0, BatchOptions()).batch
    writers = {"anpo": ParquetFileWriter, "pyarrow": _ArrowParquetWriter}
    best = dict.fromkeys(writers, float("inf"))
    for _ in range(runs):
        for name, cls in writers.items():
            c0 = time.process_time()
            w = cls(d / f"{name}.parquet", batch.schema)
            w.write(batch)
            w.close()
            best[name] = min(best[name], time.process_time() - c0)
    return (best["anpo"], best["pyarrow"], (d / "anpo.parquet").stat().st_size,
            (d / "pyarrow.parquet").stat().st_size)


# -- 2. the plain scalar function ------------------------------------------------------------

def japanese_units() -> list[tuple[Any, tuple[float, ...], list[tuple[dt.date, str | None]]]]:
    """(prepared land, its bounding box, [(start, administered_by), ...]) of every unit Japan
    ever administered."""
    from anpo.geo import resolver
    from anpo.geo.index import geo_index

    land = geo_index().unit_land
    out = []
    for u in resolver.units():
        history = [(p.start, p.administered_by) for p in u.history]
        if u.code in land and any(a == "JPN" for _, a in history):
            out.append((land[u.code], tuple(land[u.code].bounds), history))
    return out


TREATY_1960 = dt.date(1960, 6, 23)


def article5_scalar(date: dt.date, event: str, lat: float, lon: float,
                    units: list[tuple[Any, tuple[float, ...], list[tuple[dt.date, str | None]]]]) -> str:
    """Article V as usually written first: one scenario at a time, with the bounding-box
    test before each polygon test (most points are in no unit's box)."""
    if date < TREATY_1960 or event != "armed_attack":
        return "does_not_apply"
    for land, (w, s, e, n), history in units:
        if not (w <= lon <= e and s <= lat <= n):
            continue
        if shapely.contains_xy(land, lon, lat):
            admin = None
            for start, by in history:
                if start <= date:
                    admin = by
            return "applies" if admin == "JPN" else "does_not_apply"
    return "does_not_apply"


def scalar_run(rows: list[dict[str, Any]], units: Any) -> list[str]:
    return [article5_scalar(r["date"], r["event"], r["lat"], r["lon"], units) for r in rows]


# -- 3. OpenFisca ------------------------------------------------------------------------------

def openfisca_model() -> Any:
    """An OpenFisca tax-benefit system with Article V as a variable (None if not installed)."""
    try:
        from openfisca_core import entities, periods, taxbenefitsystems, variables
        from openfisca_core.parameters import ParameterNode
    except ImportError:
        return None
    scenario = entities.Entity("scenario", "scenarios", "A scenario", "")
    day = periods.DateUnit.DAY

    class armed_attack(variables.Variable):  # noqa: N801 - OpenFisca names variables so
        value_type = bool
        entity = scenario
        definition_period = day

    class under_japanese_administration(variables.Variable):  # noqa: N801
        value_type = bool
        entity = scenario
        definition_period = day

    class article5_applies(variables.Variable):  # noqa: N801
        value_type = bool
        entity = scenario
        definition_period = day
        reference = "https://www.mofa.go.jp/region/n-america/us/q&a/ref/1.html"

        def formula(s: Any, period: Any, parameters: Any) -> Any:
            in_force = parameters(period).treaty.mutual_cooperation_in_force
            return s("armed_attack", period) * s("under_japanese_administration", period) * in_force

    tbs = taxbenefitsystems.TaxBenefitSystem([scenario])
    for v in (armed_attack, under_japanese_administration, article5_applies):
        tbs.load_variable(v)
    tbs.parameters = ParameterNode("", data={"treaty": {"mutual_cooperation_in_force": {"values": {
        "1945-09-02": {"value": False}, TREATY_1960.isoformat(): {"value": True}}}}})
    return tbs


def openfisca_by_date(tbs: Any, days: np.ndarray, attack: np.ndarray, japan: np.ndarray) -> np.ndarray:
    """One simulation per distinct date: the exact way with a shared period."""
    from openfisca_core.simulations import SimulationBuilder

    out = np.zeros(len(days), dtype=bool)
    order = np.argsort(days, kind="stable")
    uniq, starts = np.unique(days[order], return_index=True)
    bounds = [*starts.tolist(), len(days)]
    for k, d in enumerate(uniq.tolist()):
        idx = order[bounds[k]:bounds[k + 1]]
        period = str(np.datetime64(int(d), "D"))
        sim = SimulationBuilder().build_default_simulation(tbs, len(idx))
        sim.set_input("armed_attack", period, attack[idx])
        sim.set_input("under_japanese_administration", period, japan[idx])
        out[idx] = sim.calculate("article5_applies", period)
    return out


def openfisca_latest(tbs: Any, day: int, attack: np.ndarray, japan: np.ndarray) -> np.ndarray:
    from openfisca_core.simulations import SimulationBuilder

    period = str(np.datetime64(int(day), "D"))
    sim = SimulationBuilder().build_default_simulation(tbs, len(attack))
    sim.set_input("armed_attack", period, attack)
    sim.set_input("under_japanese_administration", period, japan)
    return np.asarray(sim.calculate("article5_applies", period))


def parameter_epochs(tbs: Any) -> np.ndarray:
    """Day numbers on which any parameter of the tax-benefit system changes value, sorted,
    from the first day anpo accepts: between two of them every parameter is constant, so one
    simulation per epoch answers every date in it (the way OpenFisca users batch periods).
    Found by walking every parameter's dated values (`ParameterNode.get_descendants`)."""
    from openfisca_core.parameters import Parameter

    from anpo.core.dates import FIRST_DATE, to_day

    starts = {to_day(FIRST_DATE)}
    for p in tbs.parameters.get_descendants():
        if isinstance(p, Parameter):
            starts.update(to_day(dt.date.fromisoformat(v.instant_str)) for v in p.values_list)
    return np.array(sorted(starts), dtype=np.int64)


def openfisca_by_epoch(tbs: Any, epochs: np.ndarray, days: np.ndarray, attack: np.ndarray,
                       japan: np.ndarray) -> np.ndarray:
    """One simulation per parameter epoch, its period the epoch's first day."""
    from openfisca_core.simulations import SimulationBuilder

    out = np.zeros(len(days), dtype=bool)
    epoch = np.searchsorted(epochs, days, side="right") - 1
    for k in np.unique(epoch).tolist():
        idx = np.flatnonzero(epoch == k)
        period = str(np.datetime64(int(epochs[k]), "D"))
        sim = SimulationBuilder().build_default_simulation(tbs, len(idx))
        sim.set_input("armed_attack", period, attack[idx])
        sim.set_input("under_japanese_administration", period, japan[idx])
        out[idx] = sim.calculate("article5_applies", period)
    return out


def anpo_law_runs(n: int) -> tuple[Any, Any]:
    """anpo in process on n random scenarios: (law only: `law.rules.evaluate` with the place
    given, geography + law: `assess_frame`), each warmed up once."""
    from anpo.geo import resolve
    from anpo.law.assess import assess_frame
    from anpo.law.rules import evaluate

    frame = random_frame(n, seed=7)
    place = resolve(frame.lat, frame.lon, frame.day)
    evaluate(frame, place)
    assess_frame(frame)
    return (lambda: evaluate(frame, place)), (lambda: assess_frame(frame))


def alternating_medians(fns: list[Any], rounds: int) -> list[float]:
    """Median wall seconds of each function, called in turn (A B C A B C ...) `rounds` times:
    on a shared machine each side meets the same load, which a block of runs of one side
    and then a block of the other does not."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(rounds):
        for fn, ts in zip(fns, times, strict=True):
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
    return [float(np.median(ts)) for ts in times]


# -- 4. memory bandwidth -----------------------------------------------------------------------

def bandwidth_floor(in_bytes_per_row: int, out_bytes_per_row: int, rows: int, runs: int
                    ) -> tuple[float, float]:
    """(seconds, GB/s): moving the bytes at the machine's memory copy bandwidth.

    A copy of `size` bytes reads `size` and writes `size`; the floor reads the decoded
    inputs once and writes the outputs once, so it moves (in + out) bytes a row.
    """
    size = 512 * 1024**2
    src = np.ones(size, dtype=np.uint8)
    dst = np.empty_like(src)
    np.copyto(dst, src)
    t_copy = median_seconds(lambda: np.copyto(dst, src), max(runs, 5))
    per_byte = t_copy / (2 * size)
    return rows * (in_bytes_per_row + out_bytes_per_row) * per_byte, 2 * size / t_copy / 1e9


def decoded_bytes(path: Path) -> int:
    """Bytes of the decoded columns of a Parquet file (dictionary columns as their indices)."""
    table = pq.ParquetFile(path).read_row_group(0)
    total = 0
    for col in table.columns:
        chunk = col.combine_chunks()
        arr = chunk.indices if pa.types.is_dictionary(chunk.type) else chunk
        total += arr.nbytes
    return total // table.num_rows


# -- 5. Dask -----------------------------------------------------------------------------------

def dask_times(src: Path, small: Path, out: Path, runs: int) -> dict[str, float]:
    from anpo.cluster import dask_client, dask_mapper

    times: dict[str, float] = {}
    for n in (1, 2):
        t0 = time.perf_counter()
        with dask_client(f"local:{n}") as client:
            client.wait_for_workers(n)
            times[f"start{n}"] = time.perf_counter() - t0
            mapper = dask_mapper(client)
            assess_table(small, out, mapper=mapper)  # warm the workers
            times[f"large{n}"] = median_seconds(lambda m=mapper: assess_table(src, out, mapper=m), runs)
            times[f"small{n}"] = median_seconds(lambda m=mapper: assess_table(small, out, mapper=m), runs)
    return times


# -- 6. memory ---------------------------------------------------------------------------------

# VmHWM (peak resident set of this process image); ru_maxrss would carry over the parent's
# peak across fork + exec.
_PEAK = """
import sys
from anpo.io.batch import assess_table
s = assess_table(sys.argv[1], sys.argv[2])
hwm = [line for line in open("/proc/self/status") if line.startswith("VmHWM")][0].split()[1]
print(s.rows, int(hwm) / 1024)
"""


def peak_mb(src: Path, out: Path) -> tuple[int, float]:
    res = subprocess.run([sys.executable, "-c", _PEAK, str(src), str(out)], capture_output=True, text=True,
                         check=True)
    rows, mb = res.stdout.split()
    return int(rows), float(mb)


def run(runs: int, rows: int = 10_000_000, quick: bool = False) -> list[Row]:
    warnings.simplefilter("ignore", RuntimeWarning)
    out_rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="anpo-bench-") as tmp:
        d = Path(tmp)
        src, out = d / "in.parquet", d / "out.parquet"
        write_input(src, rows)
        # Steady state: load every compiled kernel (geography, law columns, the Parquet
        # writer's) with one run on a small file first. A fresh process pays that load
        # once, about 1 s (the memory rows below run fresh processes).
        warm = d / "warm.parquet"
        write_input(warm, 100_000, seed=9)
        warm_up(compiled=True)
        assess_table(warm, d / "warm-out.parquet")
        e2e_runs = max(1, min(runs, 3))
        workers = default_workers()
        summaries: list[Any] = []
        t_e2e, cpu_e2e = wall_and_cpu(lambda: summaries.append(assess_table(src, out)), e2e_runs)
        step = summaries[-1].cpu  # thread CPU by step of the last run
        t_one, _ = wall_and_cpu(lambda: assess_table(src, out, mapper=local_mapper(1)), 1)
        in_mb, out_mb = src.stat().st_size / 1e6, out.stat().st_size / 1e6
        load = os.getloadavg()[0]
        out_rows.append(Row(
            f"`anpo assess --batch` Parquet -> Parquet, {rows:,} random scenarios (read, validate, "
            f"geography, law, write; {in_mb:.0f} MB in, {out_mb:.0f} MB out): a thread reads, "
            f"{workers} threads assess and encode the output's pages (the default: one per CPU, at most 4), "
            "the caller writes the file; "
            f"kernels loaded by a run on a small file first (load average {load:.1f} when "
            "measured: the CPUs were shared)",
            f"{t_e2e:.2f} s = **{rows / t_e2e / 1e6:.2f} million scenarios/s**; process CPU time "
            f"{cpu_e2e:.2f} s ({cpu_e2e / rows * 1e9:.0f} ns/row), of which (thread CPU, last run) "
            f"assessing {step['assess']:.2f} s and encoding the output's pages {step['encode']:.2f} s "
            f"on the assessing threads, the calling thread's writing {step['write']:.2f} s; "
            "one assessing thread: "
            f"{rows / t_one / 1e6:.2f} million/s (1 run)",
            ">= 5 million/s",
        ))
        ours, theirs, our_size, their_size = writer_cpu(src, d, max(runs, 5))
        out_rows.append(Row(
            f"of which the Parquet writer: one output batch of {SLICE:,} rows (21 columns) written by "
            "anpo's writer (`io/parquet_writer.py`) and by pyarrow's (the options anpo used), "
            "process CPU, minimum of 5",
            f"anpo {ours * 1e3:.0f} ms ({ours / SLICE * 1e9:.0f} ns/row, {our_size / 1e6:.1f} MB); "
            f"pyarrow {theirs * 1e3:.0f} ms ({their_size / 1e6:.1f} MB): x{theirs / ours:.1f}",
            "",
        ))

        # 2. scalar function on a sample
        sample_n = 20_000 if quick else 100_000
        sample = pq.ParquetFile(src).read_row_group(0).slice(0, sample_n)
        engine = pq.ParquetFile(out).read_row_group(0).slice(0, sample_n).column("article5").to_pylist()
        py_rows = sample.to_pylist()
        units = japanese_units()
        scalar_run(py_rows[:100], units)
        t_scalar = median_seconds(lambda: scalar_run(py_rows, units), 1)
        got = scalar_run(py_rows, units)
        agree = np.mean([a == b for a, b in zip(got, engine, strict=True)])
        scalar_rate = sample_n / t_scalar
        out_rows.append(Row(
            f"plain scalar Python function per scenario (Article V only: dates, event, bounding box "
            "then point-in-polygon per Japanese unit, administration history), "
            f"{sample_n:,} of the same rows",
            f"{t_scalar:.2f} s = {scalar_rate:,.0f} scenarios/s; the engine is "
            f"**{rows / t_e2e / scalar_rate:,.0f}x** faster end to end (with I/O and every determination); "
            f"the scalar rule agrees with the engine's Article V on {agree:.1%} of rows (it misses the "
            "territorial sea and the case-by-case events)",
            "",
        ))

        # 3. OpenFisca
        tbs = openfisca_model()
        if tbs is None:
            out_rows.append(Row("OpenFisca model of Article V", "skipped: openfisca-core is not installed "
                                "(`.venv/bin/pip install -e .[bench]`)", ""))
        else:
            out_rows += _openfisca_rows(tbs, src, out, rows, t_e2e, sample_n)

        # 4. floor
        in_b, out_b = decoded_bytes(src), decoded_bytes(out)
        t_floor, gbps = bandwidth_floor(in_b, out_b, rows, runs)
        out_rows.append(Row(
            f"floor: memory bandwidth for the same bytes ({in_b} B/row of decoded input read once, "
            f"{out_b} B/row of output columns written once; memory copy {gbps:.1f} GB/s)",
            f"{t_floor:.3f} s = {rows / t_floor / 1e6:,.0f} million rows/s; the engine takes "
            f"**{t_e2e / t_floor:.0f}x** the floor",
            "",
        ))

        # 5. Dask
        small = d / "small.parquet"
        write_input(small, 10_000, seed=9)
        t_small_local = median_seconds(lambda: assess_table(small, out), runs)
        dask_rows = min(rows, 1_000_000 if quick else 4_000_000)
        dsrc = src
        if dask_rows != rows:
            dsrc = d / "dask.parquet"
            write_input(dsrc, dask_rows, seed=5)
        t_local_d = t_e2e if dsrc == src else median_seconds(lambda: assess_table(dsrc, out), e2e_runs)
        dt_ = dask_times(dsrc, small, out, e2e_runs)
        out_rows.append(Row(
            f"Dask LocalCluster (processes, 1 thread each), {dask_rows:,} rows Parquet -> Parquet: "
            "1 vs 2 workers",
            f"1 worker {dask_rows / dt_['large1'] / 1e6:.2f} million/s; 2 workers "
            f"{dask_rows / dt_['large2'] / 1e6:.2f} million/s (x{dt_['large1'] / dt_['large2']:.2f}); "
            f"cluster start {dt_['start1']:.1f} s / {dt_['start2']:.1f} s",
            "",
        ))
        out_rows.append(Row(
            "Dask overhead against the local run, small and large input",
            f"10,000 rows: local {t_small_local * 1e3:.0f} ms, "
            f"Dask (2 workers) {dt_['small2'] * 1e3:.0f} ms; "
            f"{dask_rows:,} rows: local {t_local_d:.2f} s, Dask {dt_['large2']:.2f} s "
            f"({(dt_['large2'] / t_local_d - 1):+.0%})",
            "",
        ))

        # 6. memory
        peaks = []
        sizes = (1_000_000, 5_000_000) if quick else (1_000_000, 5_000_000, 20_000_000)
        for n in sizes:
            p = d / f"mem{n}.parquet"
            if n == rows:
                p = src
            else:
                write_input(p, n, seed=n % 997)
            peaks.append((n, peak_mb(p, out)[1]))
            if p != src:
                p.unlink()
        out_rows.append(Row(
            "peak resident memory of a batch run (whole process: interpreter, geography index, "
            "chunks in flight) by input size",
            "; ".join(f"{n:,} rows: {mb:.0f} MB" for n, mb in peaks)
            + " (flat in rows: memory is bounded by the chunks in flight, not by the file)",
            "< 1 GB for 100 million rows",
        ))
    return out_rows


def _openfisca_rows(tbs: Any, src: Path, out: Path, rows: int, t_e2e: float, sample_n: int) -> list[Row]:
    from anpo.law.engine import reuse_freed_memory

    # The allocator setting anpo's law pass makes on long columns is process-wide: made here
    # first, so that OpenFisca's numpy is measured with it too, not only anpo.
    reuse_freed_memory()
    sample = pq.ParquetFile(src).read_row_group(0).slice(0, sample_n)
    res = pq.ParquetFile(out).read_row_group(0).slice(0, sample_n)
    days = sample.column("date").cast(pa.int32()).to_numpy()
    attack = np.asarray(sample.column("event").cast(pa.string()).to_pylist()) == "armed_attack"
    admin = np.asarray(res.column("administered_by").cast(pa.string()).to_pylist(), dtype=object)
    zone = np.asarray(res.column("zone").cast(pa.string()).to_pylist(), dtype=object)
    japan = (admin == "JPN") & np.isin(zone, ["land", "territorial_sea"])
    openfisca_by_date(tbs, days[:200], attack[:200], japan[:200])
    t_by_date = median_seconds(lambda: openfisca_by_date(tbs, days, attack, japan), 1)
    n_dates = len(np.unique(days))
    big = 1_000_000
    reps = -(-big // sample_n)
    a_big, j_big = np.tile(attack, reps)[:big], np.tile(japan, reps)[:big]
    t_latest = median_seconds(lambda: openfisca_latest(tbs, int(days.max()), a_big, j_big), 3)
    latest = openfisca_latest(tbs, int(days.max()), attack, japan)
    by_date = openfisca_by_date(tbs, days, attack, japan)
    wrong = float(np.mean(latest != by_date))
    off_period = float(np.mean(days != days.max()))
    epochs = parameter_epochs(tbs)
    by_epoch = openfisca_by_epoch(tbs, epochs, days, attack, japan)
    same = bool(np.array_equal(by_epoch, by_date))
    d_big = np.tile(days, reps)[:big]
    openfisca_by_epoch(tbs, epochs, d_big[:1000], a_big[:1000], j_big[:1000])
    law, law_and_geo = anpo_law_runs(big)
    t_epoch, t_law, t_all = alternating_medians(
        [lambda: openfisca_by_epoch(tbs, epochs, d_big, a_big, j_big), law, law_and_geo], PEER_ROUNDS)
    epoch_rate, law_rate, all_rate = big / t_epoch, big / t_law, big / t_all
    return [
        Row(
            f"OpenFisca {_openfisca_version()}, one simulation per parameter epoch ({len(epochs)} epochs: "
            "the days on which any parameter changes, read from the parameter tree), "
            f"{big:,} rows, law only (geography given); median of {PEER_ROUNDS}, each run taking its "
            "turn with anpo's two below",
            f"{t_epoch:.3f} s = {epoch_rate / 1e6:.2f} million/s; answers "
            f"{'identical to' if same else 'DIFFERENT from'} one simulation per date on the sample",
            "",
        ),
        Row(
            f"anpo against OpenFisca per epoch, {big:,} random scenarios in process: law only "
            "(every determination, place given) and end to end (geography + law); both peers "
            "with the allocator setting of `law.engine.reuse_freed_memory`; medians of "
            f"{PEER_ROUNDS}, the three runs alternating",
            f"law only {law_rate / 1e6:.2f} million/s: **{law_rate / epoch_rate:.1f}x** OpenFisca's "
            f"Article V alone; with geography {all_rate / 1e6:.2f} million/s: "
            f"**{all_rate / epoch_rate:.2f}x**",
            ">= 5x law only; >= 1x end to end",
        ),
        Row(
            f"OpenFisca {_openfisca_version()} (benchmark-only extra), Article V variable, period = "
            f"each row's date: rows grouped by date, one simulation per date ({sample_n:,} rows, "
            f"{n_dates:,} dates); geography given as input",
            f"{t_by_date:.2f} s = {sample_n / t_by_date:,.0f} scenarios/s; the engine is "
            f"**{rows / t_e2e / (sample_n / t_by_date):,.0f}x** faster end to end",
            "",
        ),
        Row(
            "OpenFisca, one simulation at the latest date (1,000,000 rows; law only)",
            f"{t_latest:.3f} s = {big / t_latest / 1e6:.1f} million/s, but evaluated on the wrong date for "
            f"{off_period:.1%} of rows; on this sample that changes Article V on {wrong:.2%} of rows "
            "(armed attacks on Japanese territory before the 1960 treaty)",
            "",
        ),
    ]


def _openfisca_version() -> str:
    from importlib.metadata import version

    return version("openfisca-core")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="smaller samples (a smoke run)")
    args = ap.parse_args()
    print(f"machine: {machine()}")
    for row in run(args.runs, args.rows, args.quick):
        print(json.dumps(row.__dict__))


if __name__ == "__main__":
    main()
