"""`anpo simulate`: the crisis Monte Carlo, from a scenario file to summaries and plots."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from anpo import sim
from anpo.cli.batch import IN_FORCE_HELP, WITHOUT_HELP, parse_whatif
from anpo.core.errors import InputError
from anpo.core.files import remove_stale
from anpo.core.signals import raise_if_stopped, stop_on_signals
from anpo.io.documents import read_document
from anpo.io.progress import runs_progress
from anpo.law.common import applied
from anpo.sim.plan import Plan
from anpo.sim.run import Summary, run_plan
from anpo.sim.scenario import SimScenario
from anpo.sim.sweep import (
    DEFAULT_METRIC,
    default_tornado_metric,
    parse_metric,
    parse_sweep,
    run_sweep,
    tornado_grid,
)


class Format(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"  # the summary: one row per measure, its statistics as columns (anpo.simulate().summary)

STALE_STAGING = r"\.anpo-sim-(?P<pid>\d+)-.+"  # a staging folder, named for its process


def _read_mapping(path: str, field: str) -> Any:
    # Any readable path: a file, `-` for stdin, or a pipe such as bash's <(...).
    try:
        return read_document(path)
    except InputError as err:  # its text names the file already
        raise InputError(field, str(err)) from None


def _explain() -> str:
    lines = []
    for p in sim.defaults().values():
        dist = p.distribution + (f" (log-sd {p.spread:g})" if p.distribution == "lognormal" else "")
        most = "" if p.maximum is None else f", at most {p.maximum:g} a run"
        rng = "" if p.low is None else f", range {p.low:g} to {p.high:g}"
        lines.append(f"{p.name} = {p.default:g} {p.unit}, {dist}{rng}{most}")
        lines.append(f"    {p.provenance()}")
    return "\n".join(lines)


def _fmt(v: object) -> str:
    return "never" if v is None else f"{v:.2f}" if isinstance(v, float) else str(v)


def _sig(v: float | None) -> str:
    return "none" if v is None else f"{v:.4g}"


def _text(d: dict[str, Any]) -> str:
    g = d["legal_gates"]
    lines = [
        f"simulation of {d['scenario']['scenario'].get('id') or 'scenario'}: "
        f"{d['trials']:,} trials, seed {d['seed']}",
        *([f"WHAT-IF, not the actual law: without {', '.join(d['what_if']['without']) or '-'}; in force "
            f"{', '.join(f'{k}={v}' for k, v in d['what_if']['in_force'].items()) or '-'}"]
          if "what_if" in d else []),
        "legal gates (from the assessment engine), as each event of the run changes them:",
        f"  at 0 h (triggering event): Japan {g['japan_gate']}; Article V {g['article5']}; "
        f"prior consultation {'required' if g['prior_consultation_required'] else 'not required'}; "
        f"coordination {g['coordination_arrangement']}",
    ]
    if "korea_minute" in g:  # a Korean emergency: the 1960 minute is noted, never applied
        lines.append(
            f"  Korea Minute (1960) noted [{', '.join(g['korea_minute']['citations'])}]: "
            "prior consultation not waived; its standing is uncertain (see --format json)"
        )
    for e in d.get("legal_events", [])[1:]:  # each later event that changes the law
        cites = ", ".join(e["citations"]["article5"] + e["citations"]["defense_operation_available"])
        lines.append(
            f"  from {e['at_h']:g} h ({e['cause']}): Japan {e['japan_gate']}; Article V {e['article5']}; "
            f"prior consultation {'required' if e['prior_consultation_required'] else 'not required'}"
            f"  [{cites}]"
        )
    for k, v in d["legal_paths"].items():
        lines.append(f"  {k}: " + ", ".join(f"{lab} {p:.1%}" for lab, p in v.items() if p))
    lines.append(f"{'metric (hours)':<40} {'mean':>8} {'p5':>8} {'p50':>8} {'p95':>8} {'never':>7}")
    for k, m in d["metrics_h"].items():
        lines.append(
            f"{k:<40} {_fmt(m['mean']):>8} {_fmt(m['p5']):>8} {_fmt(m['p50']):>8} "
            f"{_fmt(m['p95']):>8} {m['p_never']:>7.1%}"
        )
    for k, m in d["forces_on_station"].items():
        lines.append(f"{k:<40} {_fmt(m['mean']):>8} {m['p5']:>8} {m['p50']:>8} {m['p95']:>8}")
    for k, m in d.get("air_operations", {}).items():  # sorties and aircraft lost (counts)
        q = " ".join(f"{_fmt(m[s]):>8}" for s in ("mean", "p5", "p50", "p95"))
        lines.append(f"{k:<40} {q}")
    if "p_respond_before_fait_accompli" in d:
        lines.append(
            f"P(alliance responds before the fait accompli at "
            f"{d['scenario']['fait_accompli_h']:g} h) = {d['p_respond_before_fait_accompli']:.3f}"
        )
    if "objective" in d:
        o = d["objective"]
        lo, hi = o["p_deny_ci95"]
        lost = o["access_lost_h"]
        lines.append(
            f"P(alliance denies the objective: >= {o['required_units']:g} combat units held on station at "
            f"{o['deadline_h']:g} h) = {o['p_deny']:.3f} (95% CI {lo:.3f}-{hi:.3f})"
        )
        dt_ = o["deterrence"]
        lines.append(
            f"deterrence by denial: adversary's chance of success {dt_['adversary_success_probability']:.3f} "
            f"against its threshold {dt_['risk_threshold']:g}: {dt_['decision']}"
        )
        lines.append(
            f"hours the legal gates cost (mean): Japan's decision {_fmt(lost['japan_decision']['mean'])}, "
            f"prior consultation {_fmt(lost['prior_consultation']['mean'])}"
        )
    if "war_powers" in d:
        lines.append(f"War Powers: {d['war_powers']['note']}")
    if "sweep" in d:
        sw = d["sweep"]
        lines.append(f"sweep of {sw['metric']} (base {_sig(sw['base'])}; same seed for every run):")
        for name, pts in sorted(sw["results"].items(), key=lambda kv: -(sw["swing"][kv[0]] or 0.0)):
            values = ", ".join(f"{p['value']:g} -> {_sig(p['metric'])}" for p in pts)
            lines.append(f"  {name}: {values}  (swing {_sig(sw['swing'][name])})")
        if sw.get("unranged"):
            lines.append(f"  without a stated range (not swept): {', '.join(sw['unranged'])}")
    return "\n".join(lines)


def _parquet_sink(path: Path) -> Any:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError(
            "--keep-trials", "writing the per-trial table needs pyarrow (pip install pyarrow)"
        ) from None
    state: dict[str, Any] = {}

    def sink(start: int, chunk: Any) -> None:
        cols = {"trial": list(range(start, start + len(next(iter(chunk.times.values())))))}
        cols.update({k: v for k, v in chunk.times.items()})
        cols.update({k: v for k, v in chunk.counts.items()})
        cols.update({k: v for k, v in chunk.paths.items()})
        table = pa.table(cols)
        if "w" not in state:
            state["w"] = pq.ParquetWriter(str(path), table.schema)
        state["w"].write_table(table)

    def close() -> None:
        if "w" in state:
            state["w"].close()

    sink.close = close  # type: ignore[attr-defined]
    return sink


def _own_model(spec: SimScenario, name: str, trials: int, seed: int, fmt: str, whatif: Any,
               *unused: object) -> None:
    """A disaster response, an evacuation or a blockade: its own small model
    (`anpo.sim.own_model`), the law under the what-if (--without, --in-force)."""
    from anpo.sim import own_model

    k = own_model.kind(spec)
    assert k is not None
    kind = own_model.NAMES[k]
    if any(unused):
        raise InputError(
            "SCENARIO", f"{kind} takes --trials, --seed, --without, --in-force and --format text|json only"
        )
    if fmt == "csv":
        raise InputError("--format", f"{kind} prints text or json")
    try:
        # SIGTERM/SIGINT: exit 143/130 as the crisis model does (it writes no file to remove)
        with applied(whatif), stop_on_signals():
            result = own_model.run_own_model(spec, trials, seed)
    except InputError as err:  # the options by the names the command line gives them
        if err.field in ("trials", "seed"):
            raise InputError(f"--{err.field}", err.reason) from None
        raise
    if whatif:
        result["what_if"] = whatif.to_dict()
    label = spec.scenario.id or Path(name).stem
    typer.echo(json.dumps(result, indent=2) if fmt == "json" else own_model.text(result, label))


def _validate(scenario: str | None, fmt: str, write: str | None) -> None:
    """`--validate`: anpo's figures beside the published studies' (`anpo.sim.validation`)."""
    from anpo.sim import validation

    if scenario is not None:
        raise InputError("SCENARIO", "--validate runs its own cases (examples/sim): give no file")
    if fmt == "csv":
        raise InputError("--format", "--validate prints text (Markdown) or json")
    table = validation.rows()
    if write is not None:
        validation.write(write, table)
    shown = json.dumps(validation.to_dicts(table), indent=2) if fmt == "json" else validation.markdown(table)
    typer.echo(shown)


def register(app: typer.Typer) -> None:
    @app.command()
    def simulate(
        scenario: str = typer.Argument(None, help="Simulation file (YAML or JSON): scenario, strikes, ..."),
        trials: int = typer.Option(
            1_000_000, "--trials", help=f"Number of trials (1 to {sim.MAX_TRIALS:,})."
        ),
        seed: int = typer.Option(7, "--seed", help="Random seed (recorded with the results)."),
        params_file: str = typer.Option(None, "--params", help="YAML of parameter overrides."),
        fmt: Format = typer.Option(Format.text, "--format", help="Output format."),
        bom: bool = typer.Option(False, "--bom", help="With --format csv: UTF-8 with a byte order mark."),
        out: str = typer.Option(None, "-o", "--output", "--out", metavar="DIR",
                                help="Directory for summary.json and plots."),
        keep_trials: bool = typer.Option(False, "--keep-trials", help="Also write trials.parquet to --out."),
        explain: bool = typer.Option(
            False, "--explain-parameters", help="List every parameter and its source."
        ),
        validate: bool = typer.Option(
            False, "--validate",
            help="Run the validation cases (Stimson 2024, CSIS 2023, SPF 2023, Tomodachi 2011) at fixed "
            "trials and seed; print anpo's figures beside the studies' as Markdown (or --format json).",
        ),
        write: str = typer.Option(
            None, "--write", metavar="PAGE",
            help="With --validate: replace the table between the page's validation markers "
            "(docs/model.md).",
        ),
        sweep: list[str] = typer.Option(
            None, "--sweep", help="PARAM=a,b,c (repeatable): one run per value, the others at base."
        ),
        sweep_metric: str = typer.Option(
            None,
            "--sweep-metric",
            help="What the sweep compares: MEASURE[:mean|p5|p50|p95|p_never], or "
            f"p_respond_before_fait_accompli (default {DEFAULT_METRIC}).",
        ),
        tornado: bool = typer.Option(
            False,
            "--tornado",
            help="Sweep every parameter that states a range to its two ends, one at a time with the "
            "same seed, and rank them by how much they move the metric (default p_deny_objective).",
        ),
        workers: int = typer.Option(
            os.cpu_count() or 1,
            "--workers",
            help="Threads (one per CPU by default; same results for any number).",
        ),
        deterministic: bool = typer.Option(False, "--deterministic", help="Set every spread to zero."),
        dask: str = typer.Option(
            None, "--dask",
            help="Dask scheduler address, or local:N for a local cluster of N processes "
            "(default: $ANPO_DASK_SCHEDULER); results are bit-identical to a local run.",
        ),
        without: list[str] = typer.Option(None, "--without", metavar="INSTRUMENT", help=WITHOUT_HELP),
        in_force: list[str] = typer.Option(None, "--in-force", metavar="INSTRUMENT=DATE", help=IN_FORCE_HELP),
    ) -> None:
        """Monte Carlo of the alliance's response: legal gates, strikes on air bases, force flow."""
        if write is not None and not validate:
            raise InputError("--write", "needs --validate")
        if validate:
            _validate(scenario, fmt, write)
            return
        if explain:
            typer.echo(
                json.dumps([p.to_dict() for p in sim.defaults().values()], indent=2)
                if fmt == "json"
                else _explain()
            )
            return
        if fmt not in ("text", "json", "csv"):
            raise InputError("--format", f"{fmt!r}; accepted: text, json, csv")
        if scenario is None:
            raise InputError("SCENARIO", "missing: give a simulation file (see examples/sim/)")
        if keep_trials and out is None:
            raise InputError("--keep-trials", "needs --out DIR")
        spec: SimScenario = sim.parse_sim_scenario(_read_mapping(scenario, "SCENARIO"))
        own_model = ("disaster", "evacuation", "blockade")  # not the crisis model's parameters
        if tornado and any(getattr(spec, k, None) is not None for k in own_model):
            raise InputError("--tornado", "this scenario runs its own model, with no parameters to sweep")
        if any(getattr(spec, k, None) is not None for k in own_model):  # their own small models
            unused = (out, sweep, dask, params_file, deterministic)
            _own_model(spec, scenario, trials, seed, fmt, parse_whatif(without, in_force), *unused)
            return
        # The scenario's parameters, then --params over them: the command line has the last word.
        params = sim.load_parameters().with_overrides(spec.parameters)
        if params_file:
            raw = _read_mapping(params_file, "--params")
            if not isinstance(raw, dict):
                raise InputError("--params", "expected a mapping of parameter names to values")
            params = params.with_overrides(raw.get("parameters", raw))
        if deterministic:
            params = params.deterministic()
        sim.run.check_run(trials, seed)
        if workers < 1:
            raise InputError("--workers", "must be >= 1")
        grid = parse_sweep(sweep or [], params)
        unranged: list[str] = []
        if tornado:
            if grid:
                raise InputError("--tornado", "sweeps every ranged parameter: give it without --sweep")
            grid, unranged = tornado_grid(params)
        from anpo.cluster.cluster import dask_client, scheduler_address
        from anpo.sim.plan import compile_plan

        address = scheduler_address(dask)
        if address and keep_trials:
            raise InputError("--keep-trials", "not available with --dask (the trials stay on the workers)")

        whatif = parse_whatif(without, in_force)
        with applied(whatif):  # the legal gates under the what-if (--without, --in-force)
            plan = compile_plan(spec, params)
        if sweep_metric is not None and not grid:
            raise InputError("--sweep-metric", "needs --sweep PARAM=a,b,c")
        default_metric = default_tornado_metric(plan) if tornado else DEFAULT_METRIC
        metric = parse_metric(sweep_metric or default_metric, plan) if grid else None
        target = Path(out) if out else None
        if target is not None and target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise InputError("--out", f"{out} exists and is not an empty directory")
        guard = contextlib.ExitStack()  # SIGTERM/SIGINT: exit 143/130 through the `finally` below
        guard.enter_context(stop_on_signals())
        staging = (target or Path(".")).absolute().parent
        if target is not None:
            remove_stale(staging, STALE_STAGING)  # left by a run killed outright (SIGKILL, a crash)
        tmp = (
            Path(tempfile.mkdtemp(prefix=f".anpo-sim-{os.getpid()}-", dir=str(staging)))
            if target is not None
            else None
        )
        try:
            with contextlib.ExitStack() as stack:
                stack.enter_context(applied(whatif))
                client = stack.enter_context(dask_client(address)) if address else None

                # one rich bar on stderr over the run and every sweep run (off when not a terminal)
                runs = 1 + sum(len(values) for _, values in grid)
                bar = stack.enter_context(runs_progress(f"simulate {Path(scenario).name}", trials * runs))

                def runner(p: Plan, progress: Any = None, sink: Any = None) -> Summary:
                    progress = progress or bar()
                    if client is None:
                        return run_plan(p, trials, seed, workers=workers, progress=progress, sink=sink)
                    from anpo.cluster.sim import run_plan_on_dask

                    return run_plan_on_dask(client, p, trials, seed, progress=progress)

                sink = _parquet_sink(tmp / "trials.parquet") if keep_trials and tmp is not None else None
                summary: Summary = runner(plan, None, sink)
                if sink is not None:
                    sink.close()
                result = summary.to_dict()
                if whatif:
                    result["what_if"] = whatif.to_dict()
                if grid and metric is not None:
                    result["sweep"] = run_sweep(spec, params, grid, metric, runner, summary)
                    if tornado:
                        result["sweep"]["unranged"] = unranged
            if tmp is not None and target is not None:
                from anpo.report import sim_plots

                result["plots"] = sim_plots.write_all(summary, tmp)
                if "sweep" in result and sim_plots.tornado(result["sweep"], tmp / "tornado.png"):
                    result["sweep"]["plot"] = "tornado.png"
                (tmp / "summary.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
                raise_if_stopped()  # a stopped run renames nothing, even if its exception was lost
                if target.exists():
                    target.rmdir()
                tmp.rename(target)
                tmp = None
        finally:
            if tmp is not None:
                shutil.rmtree(tmp, ignore_errors=True)
            guard.close()
        if fmt == "csv":
            from anpo.library import _summary_frame  # the table of anpo.simulate(...).summary

            table = _summary_frame(result).to_csv(index=False, lineterminator="\n")
            typer.echo(("\ufeff" if bom else "") + table, nl=False)
            return
        typer.echo(json.dumps(result, indent=2) if fmt == "json" else _text(result))
