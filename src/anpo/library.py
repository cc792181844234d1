"""anpo's public Python API: the one front door that the CLI, the HTTP API and notebooks call.

    import anpo
    anpo.assess([{"date": "1971-05-01", "event": "armed_attack", "target": "USA",
                  "lat": 26.35, "lon": 127.77}])          # pandas DataFrame, one row a scenario
    anpo.where(25.743, 123.473, "2026-01-15")             # one place, as a dict
    anpo.coverage("1965-07-01")                           # GeoDataFrame of who administers what
    anpo.bases("2026-01-01")                              # GeoDataFrame of facilities
    anpo.costs(by="period")                               # DataFrame of cost sharing
    anpo.simulate("examples/sim/senkaku-2026.yaml", trials=10_000, seed=7).summary

Every function imports what it needs when it is called, so `import anpo` stays cheap. Bad
input raises `anpo.InputError`, which names the field and, in a table, the row.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from anpo.core.errors import InputError

if TYPE_CHECKING:  # pragma: no cover - types only
    import geopandas as gpd
    import pandas as pd

TABLE_SUFFIXES = (".csv", ".parquet", ".jsonl", ".ndjson")
ECHO_COLUMNS = ("date", "lat", "lon")  # input columns the output repeats beside its row and id


def _today() -> str:
    return dt.date.today().isoformat()


def _chunks(data: Any) -> Iterator[Any]:
    """The input as the chunks the batch pipeline reads (Arrow record batches or JSON rows)."""
    import pyarrow as pa

    from anpo.io.tables import JsonRows, open_table

    if isinstance(data, str | Path):
        path = Path(data)
        if path.suffix.lower() in TABLE_SUFFIXES:
            yield from open_table(path).batches()
            return
        from anpo.io.documents import read_document

        data = read_document(str(path))
    if isinstance(data, Mapping):
        data = [data]
    if _is_dataframe(data):
        yield pa.RecordBatch.from_pandas(data, preserve_index=False)
        return
    if isinstance(data, Sequence) and not isinstance(data, str | bytes):
        yield JsonRows(list(data), {})
        return
    raise InputError("data", "expected a list of scenario dicts, a pandas DataFrame or a path, "
                     f"got {type(data).__name__}")


def _is_dataframe(value: object) -> bool:
    return type(value).__name__ == "DataFrame" and hasattr(value, "columns")


def _echo(chunk: Any, n: int) -> dict[str, list[Any]]:
    """The input's date, lat and lon, as given, for the rows of a chunk."""
    from anpo.io.tables import JsonRows

    if isinstance(chunk, JsonRows):
        rows = [v if isinstance(v, Mapping) else {} for v in chunk.values]
        return {c: [_plain(r.get(c)) for r in rows] for c in ECHO_COLUMNS}
    names = chunk.schema.names
    return {c: (chunk.column(names.index(c)).to_pylist() if c in names else [None] * n)
            for c in ECHO_COLUMNS}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def assess(
    data: Any, *, explain: bool = False, errors: str = "raise",
    without: Sequence[str] = (), in_force: Sequence[str] | Mapping[str, Any] = (),
) -> pd.DataFrame:
    """Assess scenarios: one row per scenario, in input order.

    `data` is a list of scenario dicts (or one dict), a pandas DataFrame with the scenario
    columns, or a path (.yaml/.json documents; .csv/.parquet/.jsonl tables). The columns are
    those of `anpo assess --batch` (`row`, `id`, `date`, `lat`, `lon`, `zone`,
    `administered_by`, `article5`, ...), determinations as categoricals, and `explanation`
    (a list of steps) only with `explain=True`. With `errors="raise"` (the default) the first
    bad scenario raises `InputError` naming its field and row; with `errors="keep"` bad rows
    stay, with their reason in the `error` column and no determinations. `without`
    (instrument ids) and `in_force` ({instrument: date} or "INSTRUMENT=YYYY-MM-DD" strings)
    assess under the law as a what-if changes it (`anpo.law.whatif`).
    """
    import pandas as pd
    import pyarrow as pa

    from anpo.io.batch import BatchOptions, assess_chunk
    from anpo.io.tables import JsonRows
    from anpo.law.whatif import WhatIf

    whatif = WhatIf.parse(without, in_force) if (without or in_force) else None
    if errors not in ("raise", "keep"):
        raise InputError("errors", f"{errors!r}; accepted: raise, keep")
    frames = []
    start = 0
    for chunk in _chunks(data):
        with_ids = isinstance(chunk, JsonRows) or "id" in chunk.schema.names
        result = assess_chunk(chunk, start, BatchOptions(explain=explain, with_ids=with_ids, whatif=whatif))
        if errors == "raise" and result.first_bad is not None:
            row, message = result.first_bad
            field_name, _, reason = message.partition(": ")
            raise InputError(field_name, reason, row)
        n = result.batch.num_rows
        table = pa.Table.from_batches([result.batch])
        if "id" not in table.column_names:
            table = table.add_column(1, "id", pa.nulls(n, pa.string()))
        # the batch output echoes date, lat and lon as parsed; the library gives them as written
        table = table.drop_columns([c for c in ECHO_COLUMNS if c in table.column_names])
        position = table.column_names.index("id") + 1
        for offset, (name, values) in enumerate(_echo(chunk, n).items()):
            table = table.add_column(position + offset, name, pa.array(values))
        frames.append(table.to_pandas())
        start += n
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if explain and "explanation" in out.columns:
        out["explanation"] = [None if t is None else json.loads(t) for t in out["explanation"]]
    return out


def where(lat: Any, lon: Any, date: Any = None) -> Any:
    """Who administers a point on a date (today when `date` is None).

    Scalars give one record (a dict: `zone`, `administered_by`, `claimed_by`, `name`,
    distances, and since when). Array-likes of equal length give a DataFrame with one row a
    point (`date` may then be one date or an array of dates).
    """
    import numpy as np

    if np.ndim(lat) == 0 and np.ndim(lon) == 0 and np.ndim(date) == 0:
        from anpo.geo.lookup import where as where_one

        return where_one(float(lat), float(lon), date or _today())
    lats = np.atleast_1d(np.asarray(lat, dtype=float))
    lons = np.atleast_1d(np.asarray(lon, dtype=float))
    if lats.shape != lons.shape:
        raise InputError("lon", f"{lons.size} values for {lats.size} latitudes")
    dates = [_plain(d) for d in np.atleast_1d(np.asarray(date if date is not None else _today(),
                                                          dtype=object)).tolist()]
    if len(dates) == 1:
        dates = dates * lats.size
    if len(dates) != lats.size:
        raise InputError("date", f"{len(dates)} dates for {lats.size} points")
    import pandas as pd

    rows = pd.DataFrame({"date": dates, "event": "none", "lat": lats, "lon": lons})
    out = assess(rows)
    return out[["row", "date", "lat", "lon", "zone", "administered_by", "claimed_by", "place"]]


def coverage(date: Any = None) -> gpd.GeoDataFrame:
    """Who administers what on a date, and the Article V area, as a GeoDataFrame (EPSG:4326).

    One row per administering state (`layer` = administration) and one for the area where an
    armed attack against Japan falls under Article V (`layer` = article5); display resolution
    (see `anpo.report.coverage`): for exact answers use `where` or `assess`.
    """
    import geopandas as gpd

    from anpo.report.coverage import coverage as coverage_geojson

    fc = coverage_geojson(_plain(date) if date is not None else _today())
    frame = gpd.GeoDataFrame.from_features(fc["features"], crs="EPSG:4326")
    frame.attrs.update({k: fc[k] for k in ("date", "effective_from", "resolution_deg")})
    return frame


def bases(date: Any = None, *, kind: str | None = None, include_planned: bool = False) -> gpd.GeoDataFrame:
    """Facilities in operation on a date (today when None) as a GeoDataFrame (EPSG:4326)."""
    import geopandas as gpd

    from anpo import posture

    day = _plain(date) if date is not None else _today()
    rows = posture.bases(day, kind=kind, include_planned=include_planned)
    from anpo.io.geojson import collection, point

    # flat, typed columns as in `anpo bases --format geojson` (status_legal_status, runways_count...)
    fc = collection(point(r.facility.lon, r.facility.lat, r.to_dict(_as_date(day))) for r in rows)
    records = [f["properties"] for f in fc["features"]]
    lons = [r.facility.lon for r in rows]
    lats = [r.facility.lat for r in rows]
    return gpd.GeoDataFrame(records, geometry=gpd.points_from_xy(lons, lats), crs="EPSG:4326")


def _as_date(day: Any) -> dt.date:
    from anpo.core.dates import parse_date

    return parse_date(_plain(day), "date")


def costs(by: str = "period") -> pd.DataFrame:
    """Japan's spending on U.S. forces as a table: by `period` (Special Measures Agreements),
    `year` (JFY1978 on, every budget line), `category`, `line` (every figure with its source)
    or `comparison` (Korea's SMA, DoD's Allied Contributions figures, ...)."""
    import pandas as pd

    from anpo.costs import VIEWS, ledger

    if by not in VIEWS:
        raise InputError("by", f"{by!r}; accepted: {', '.join(VIEWS)}")
    return pd.DataFrame(ledger(by))


@dataclass
class SimulationResult:
    """A finished simulation: `.data` is the CLI's JSON document, `.summary` a DataFrame with
    one row per measure (mean, p5, p50, p95, p_never as columns)."""

    data: dict[str, Any]
    summary: pd.DataFrame = field(repr=False)

    def to_json(self) -> str:
        """The same JSON as `anpo simulate --format json`."""
        return json.dumps(self.data, indent=2)


def simulate(
    scenario: Any,
    *,
    trials: int = 100_000,
    seed: int = 7,
    params: Mapping[str, Any] | None = None,
    sweep: Mapping[str, Sequence[float]] | None = None,
    sweep_metric: str | None = None,
    workers: int | None = None,
) -> SimulationResult:
    """Run the crisis Monte Carlo on a simulation scenario (a path or a dict); a disaster,
    evacuation or blockade scenario runs its own model (`.summary` is then empty: read `.data`).

    `params` overrides parameters (name: value); `sweep` reruns it once per value of each
    named parameter with the same seed (`{"strike.missiles_per_base": [30, 60]}`).
    """
    import os

    from anpo import sim
    from anpo.sim.plan import compile_plan
    from anpo.sim.run import run_plan
    from anpo.sim.sweep import DEFAULT_METRIC, parse_metric, parse_sweep, run_sweep

    if isinstance(scenario, str | Path):
        from anpo.io.documents import read_document

        scenario = read_document(str(scenario))
    spec = sim.parse_sim_scenario(scenario)
    from anpo.sim import own_model

    if own_model.kind(spec) is not None:  # disaster relief, evacuation, blockade: their own models
        for name, given in (("params", params), ("sweep", sweep)):
            if given:
                raise InputError(name, f"not used by {own_model.NAMES[own_model.kind(spec) or '']}")
        data = own_model.run_own_model(spec, trials, seed)
        return SimulationResult(data, _summary_frame(data))
    parameters = sim.load_parameters().with_overrides(spec.parameters)
    if params:
        parameters = parameters.with_overrides(dict(params))
    sim.run.check_run(trials, seed)
    threads = workers or os.cpu_count() or 1
    grid = parse_sweep([f"{k}={','.join(str(v) for v in vs)}" for k, vs in (sweep or {}).items()],
                       parameters)
    plan = compile_plan(spec, parameters)

    def runner(p: Any, progress: Any = None, sink: Any = None) -> Any:
        return run_plan(p, trials, seed, workers=threads, progress=progress, sink=sink)

    summary = runner(plan)
    data = summary.to_dict()
    if grid:
        metric = parse_metric(sweep_metric or DEFAULT_METRIC, plan)
        data["sweep"] = run_sweep(spec, parameters, grid, metric, runner, summary)
    return SimulationResult(data, _summary_frame(data))


def _summary_frame(data: Mapping[str, Any]) -> pd.DataFrame:
    import pandas as pd

    rows = []
    for group in ("metrics_h", "forces_on_station", "air_operations"):
        for name, stats in (data.get(group) or {}).items():
            if isinstance(stats, Mapping):
                rows.append({"measure": name, "group": group, **stats})
    return pd.DataFrame(rows)
