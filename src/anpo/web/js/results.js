// A simulation run as its own full-width view (#run/<id>), and two runs side by side
// (#compare-runs?a=<id>&b=<id>). Summaries are read as the API gives them: fields this view
// does not know are left out of the charts but kept in the whole table when they are metrics.
import { get } from "./api.js";
import { $, clear, h, label } from "./dom.js";
import { t, te, lang } from "./i18n.js";
import { barFigure, dataTable, download, fmt2, intervalFigure, lineFigure, toCsv } from "./charts.js";

const FORCE_CLASSES = ["maritime_patrol", "surface_ship", "coast_guard", "amphibious", "fighter", "tanker", "transport",
  "bomber", "helicopter", "airlift"];
const COUNTRY_COLOUR = { JPN: "#c1121f", USA: "#1d3557" };
const baseNameCache = new Map();

const country = (c) => te(`country.${c}`, c);
const force = (f) => te(`force.${f}`, label(f));
// An own model's force ("JPN.aircraft"): the country and what it counts.
const forceOf = (f) => { const [c, what] = String(f).split("."); return what ? `${country(c)} ${label(what)}` : label(f); };

// Names of the airfields (for "runway closed Kadena Air Base (fighters)"), by id, on the run's date.
async function baseNames(date) {
  if (!date) return {};
  if (!baseNameCache.has(date)) {
    baseNameCache.set(date, get("/v1/bases", { date, kind: "airfield" })
      .then((r) => Object.fromEntries(r.facilities.map((f) => [f.id, (lang() === "ja" && f.name_ja) || f.name])))
      .catch(() => ({})));
  }
  return baseNameCache.get(date);
}

// A metric's name spelled out: arrival_USA_fighter_h -> "arrival: United States, fighters".
export function metricName(key, bases = {}) {
  const k = key.replace(/_h$/, "");
  let m;
  if ((m = k.match(/^arrival_([A-Z]{3})_(.+)$/))) return t("metric.arrival", { country: country(m[1]), force: force(m[2]) });
  if ((m = k.match(/^first_response_([A-Z]{3})$/))) return t("metric.first_response_of", { country: country(m[1]) });
  if ((m = k.match(/^runway_closed_(.+)$/))) {
    const cls = FORCE_CLASSES.find((c) => m[1].endsWith(`_${c}`));
    const base = cls ? m[1].slice(0, -(cls.length + 1)) : m[1];
    const name = bases[base] || label(base).replace(/\b\w/g, (c) => c.toUpperCase());
    return cls ? t("metric.runway_closed", { base: name, force: force(cls) }) : t("metric.runway_closed_all", { base: name });
  }
  if ((m = k.match(/^on_station_([A-Z]{3})_(\d+)h$/))) return t("metric.on_station", { country: country(m[1]), hours: m[2] });
  return te(`metric.${k}`, label(k));
}

// A legal path's name: a known path, "strike on <base>", or the name as the run gives it.
function pathName(k) {
  const m = String(k).match(/^strike on (.+)$/);
  if (m) return t("path.strike_on", { base: label(m[1]).replace(/\b\w/g, (c) => c.toUpperCase()) });
  return te(`path.${String(k).replaceAll(" ", "_")}`, label(k));
}

const isNum = (v) => typeof v === "number" && Number.isFinite(v);
const isDist = (m) => m && typeof m === "object" && ["p5", "p50", "p95"].every((k) => k in m);

// Every metric of a run: times (hours) and forces on station, one row each.
function metricRows(s, bases) {
  const rows = [];
  for (const [group, unit] of [["metrics_h", "h"], ["forces_on_station", "units"], ["air_operations", "aircraft"]]) {
    for (const [k, m] of Object.entries(s[group] || {})) {
      if (!isDist(m)) continue;
      rows.push({ key: k, group, label: metricName(k, bases), unit: t(`unit.${unit}`), mean: m.mean, p5: m.p5, p50: m.p50, p95: m.p95,
        never: isNum(m.p_never) ? m.p_never : null });
    }
  }
  return rows;
}

const TABLE_COLUMNS = () => [
  { key: "label", label: t("sim.metric") }, { key: "unit", label: t("sim.unit") },
  { key: "mean", label: t("sim.mean"), num: true, format: fmt2 }, { key: "p5", label: "p5", num: true, format: fmt2 },
  { key: "p50", label: "p50", num: true, format: fmt2 }, { key: "p95", label: "p95", num: true, format: fmt2 },
  { key: "never", label: t("sim.never"), num: true, format: fmt2 }];
const INTERVAL_COLUMNS = () => TABLE_COLUMNS().filter((c) => c.key !== "unit");

// How many of the run's inputs are assumptions rather than sourced figures: shipped parameters
// not overridden for this run, and force units, each by its own provenance.
let shippedParameters = null;
async function assumptionLine(run, s) {
  if (!shippedParameters) shippedParameters = get("/v1/simulation-parameters").then((r) => r.parameters).catch(() => null);
  const params = await shippedParameters;
  const overridden = new Set(Object.keys(s.parameters_overridden || run.parameters || {}));
  const units = Array.isArray(s.units) ? s.units : [];
  const assumedUnits = units.filter((u) => String(u.basis || u.provenance || "").startsWith("assumption")).length;
  const parts = [];
  if (params) {
    const used = params.filter((p) => !overridden.has(p.name));
    parts.push(t("run.assumed_parameters", { n: used.filter((p) => p.assumption).length, total: used.length }));
  }
  if (overridden.size) parts.push(t("run.overridden", { n: overridden.size }));
  if (units.length) parts.push(t("run.assumed_units", { n: assumedUnits, total: units.length }));
  return parts.length ? `⚠ ${parts.join("; ")}. ${t("run.assumed_why")}` : "";
}

// The adversary's objective, when the run has a deadline: P(the alliance denies it) with its
// 95 % interval, and whether the adversary acts at its risk threshold.
const pct = (v) => (isNum(v) ? `${(v * 100).toFixed(1)} %` : "—");
function objectiveLine(o) {
  if (!o || !isNum(o.p_deny)) return "";
  const ci = Array.isArray(o.p_deny_ci95) ? ` (${t("run.ci95")} ${pct(o.p_deny_ci95[0])}–${pct(o.p_deny_ci95[1])})` : "";
  let line = t("run.p_deny", { h: o.deadline_h ?? "—", p: pct(o.p_deny) }) + ci;
  const d = o.deterrence;
  if (d && d.decision) line += `; ${t("run.adversary", { decision: te(`decision.${d.decision}`, d.decision), threshold: pct(d.risk_threshold) })}`;
  return line;
}

function scenarioOf(run) { return (run.scenario && run.scenario.scenario) || run.scenario || {}; }

function inputSummary(run, bases = {}) {
  const sc = scenarioOf(run);
  const spec = run.scenario || {};
  return [
    [t("run.date"), sc.date], [t("run.event"), te(`event.${sc.event}`, label(sc.event || ""))], [t("run.target"), sc.target ? country(sc.target) : "—"],
    [t("run.place"), sc.lat !== undefined ? `${sc.lat}, ${sc.lon}` : "—"], [t("run.action"), te(`action.${sc.us_action}`, label(sc.us_action || "none"))],
    [t("run.fait"), spec.fait_accompli_h ? `${spec.fait_accompli_h} h` : "—"],
    [t("run.strikes"), spec.strikes && spec.strikes.bases ? spec.strikes.bases.map((b) => bases[b] || b).join(", ") : "—"],
    [t("run.parameters"), Object.entries(spec.parameters || {}).map(([k, v]) => `${k} = ${v}`).join("; ") || "—"],
    [t("run.trials"), run.trials.toLocaleString()], [t("run.seed"), String(run.seed)],
  ];
}

function chartsOf(run, s, bases) {
  const out = [];
  const rows = metricRows(s, bases);
  const times = rows.filter((r) => r.group === "metrics_h");
  const stages = times.filter((r) => !/^(arrival_|runway_|first_response_[A-Z])/.test(r.key));
  const arrivals = times.filter((r) => /^(arrival_|first_response_[A-Z])/.test(r.key))
    .map((r) => ({ ...r, colour: COUNTRY_COLOUR[r.key.match(/_(JPN|USA)_?/)?.[1]] }));
  const runway = times.filter((r) => r.key.startsWith("runway_"));
  const id8 = run.id.slice(0, 8);
  if (stages.length) {
    out.push(intervalFigure({ name: `run-${id8}-stages`, title: t("run.chart_stages"), caption: t("run.band_caption"),
      rows: stages, valueLabel: t("unit.hours_after"), columns: INTERVAL_COLUMNS() }));
  }
  if (arrivals.length) {
    out.push(intervalFigure({ name: `run-${id8}-arrivals`, title: t("run.chart_arrivals"), caption: t("run.band_caption"),
      rows: arrivals, valueLabel: t("unit.hours_after"), columns: INTERVAL_COLUMNS() }));
  }
  const curve = s.forces_on_station_curve;
  if (curve && Array.isArray(curve.hours)) {
    const series = Object.entries(curve).filter(([k, y]) => k !== "hours" && Array.isArray(y)).map(([k]) => ({ key: k, label: country(k) }));
    const crows = curve.hours.map((x, i) => Object.fromEntries([["x", x], ...series.map((sr) => [sr.key, curve[sr.key][i]])]));
    out.push(lineFigure({ name: `run-${id8}-on-station`, title: t("run.chart_on_station"), caption: t("run.on_station_caption"),
      rows: crows, series, xLabel: t("unit.hours_after"), yLabel: t("run.units_on_station"),
      columns: [{ key: "x", label: t("unit.hours_after") }, ...series.map((sr) => ({ key: sr.key, label: sr.label, num: true, format: fmt2 }))] }));
  }
  if (runway.length) {
    out.push(intervalFigure({ name: `run-${id8}-runways`, title: t("run.chart_runways"), caption: t("run.runway_caption"),
      rows: runway, valueLabel: t("unit.hours_closed"), columns: INTERVAL_COLUMNS() }));
  }
  for (const [group, probs] of Object.entries(s.legal_paths || {})) {
    if (!probs || typeof probs !== "object") continue;
    const prow = Object.entries(probs).filter(([, v]) => isNum(v)).map(([k, v]) => ({ label: pathName(k), value: v }));
    if (!prow.length) continue;
    out.push(barFigure({ name: `run-${id8}-${group}`, title: t("run.chart_path", { group: te(`pathgroup.${group}`, label(group)) }),
      caption: t("run.path_caption"), rows: prow, valueLabel: t("unit.probability"), format: (v) => `${(v * 100).toFixed(1)} %` }));
  }
  return { charts: out, rows };
}

function wholeTable(rows, name) {
  const cols = TABLE_COLUMNS();
  return h("section", { class: "card whole-table", "aria-labelledby": `${name}-title` },
    h("h3", { id: `${name}-title` }, t("run.whole_table")),
    h("button", { type: "button", class: "dl dl-csv", id: "run-table-csv", onclick: () => download(`${name}.csv`, new Blob([toCsv(rows, cols)], { type: "text/csv" })) },
      t("run.download_csv")),
    h("div", { class: "scroll" }, dataTable(rows, cols)));
}

let following = null;

export async function showRun(id) {
  following = id;
  const status = $("#run-status"), bar = $("#run-progress");
  clear($("#run-body"));
  $("#run-warning").textContent = "";
  $("#run-heading").textContent = t("run.heading", { id: id.slice(0, 8) });
  for (;;) {
    if (following !== id) return;
    let run;
    try { run = await get(`/v1/simulations/${id}`); } catch (err) { status.textContent = err.message; bar.hidden = true; return; }
    bar.hidden = run.status === "done";
    bar.value = run.progress;
    status.textContent = t("run.status", { status: te(`status.${run.status}`, run.status), pct: Math.round(run.progress * 100),
      trials: run.trials.toLocaleString(), seed: run.seed });
    if (run.status === "done") { await drawRun(run); return; }
    if (["failed", "interrupted", "cancelled"].includes(run.status)) { status.textContent += `: ${run.error || ""}`; bar.hidden = true; return; }
    await new Promise((r) => setTimeout(r, 400));
  }
}

// Disaster relief, evacuation and blockade runs (`summaries.model`) report their own measures:
// every summary (mean, p5, p50, p95, never) and number as one table, the legal gates as
// another, and the whole document as JSON.
const isStats = (v) => v && typeof v === "object" && !Array.isArray(v) && isNum(v.mean);

function ownModelRows(s) {
  const rows = [];
  const add = (name, v) => rows.push(isStats(v) ? { label: name, mean: v.mean, p5: v.p5, p50: v.p50, p95: v.p95, never: isNum(v.p_never) ? v.p_never : null }
    : { label: name, mean: v });
  for (const [k, v] of Object.entries(s)) {
    if (["trials", "seed", "checkpoints_h"].includes(k)) continue;
    if (isNum(v) || isStats(v)) add(label(k), v);
    else if (v && typeof v === "object" && !Array.isArray(v) && Object.values(v).length && Object.values(v).every(isStats)) {
      for (const [at, stats] of Object.entries(v)) add(te(`measure.${k}`, null) ? t(`measure.${k}`, { at }) : `${label(k)} ${at}`, stats);
    } else if (Array.isArray(v)) {
      for (const f of v) {
        if (!f || typeof f !== "object" || !f.force || !f.on_station_by_h) continue;
        for (const [at, stats] of Object.entries(f.on_station_by_h)) add(`${forceOf(f.force)} ${t("run.by_h", { h: at })}`, stats);
      }
    }
  }
  return rows;
}

function drawOwnModel(run, s) {
  const rows = ownModelRows(s);
  const gates = Object.entries(s.legal_gates || {}).map(([gate, g]) => ({ gate: label(gate), ...g }));
  const gateCols = [{ key: "gate", label: t("run.gate") }, ...[...new Set(gates.flatMap((g) => Object.keys(g)))].filter((k) => k !== "gate")
    .map((k) => ({ key: k, label: label(k), num: true, format: fmt2 }))];
  const name = `run-${run.id.slice(0, 8)}`;
  const json = h("button", { type: "button", class: "dl dl-json", onclick: () => download(`${name}.json`,
    new Blob([JSON.stringify(s, null, 2)], { type: "application/json" })) }, t("run.download_json"));
  const inputs = h("dl", { class: "facts run-inputs" }, inputSummary(run).flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v ?? "—")]));
  clear($("#run-body"), h("p", { class: "headline", id: "run-model" }, t(`run.model_${s.model}`)), inputs, json,
    wholeTable(rows, `${name}-measures`),
    gates.length ? h("section", { class: "card" }, h("h3", {}, t("run.legal_gates")), h("div", { class: "scroll" }, dataTable(gates, gateCols))) : null);
  document.body.dataset.runReady = run.id;
}

// Missile defense of the struck bases: per base (and in all) the missiles launched, arriving,
// intercepted and through, the interceptors fired and the leak rate (means over trials).
function missileDefense(md, bases, run) {
  if (!md || !md.by_base) return null;
  const keys = ["missiles_launched", "missiles_arrived", "missiles_intercepted", "missiles_through", "sm3_fired", "pac3_fired", "leak_rate"];
  const rows = [...Object.entries(md.by_base).map(([id, v]) => ({ base: bases[id] || id, ...v })), { base: t("md.all"), ...md.total }];
  const cols = [{ key: "base", label: t("md.base") }, ...keys.map((k) => ({ key: k, label: t(`md.${k}`), num: true, format: fmt2 }))];
  const name = `run-${run.id.slice(0, 8)}-missile-defense`;
  return h("section", { class: "card", id: "run-missile-defense" }, h("h3", {}, t("md.title", { mode: md.mode })),
    h("button", { type: "button", class: "dl dl-csv", onclick: () => download(`${name}.csv`, new Blob([toCsv(rows, cols)], { type: "text/csv" })) },
      t("run.download_csv")),
    h("div", { class: "scroll" }, dataTable(rows, cols)));
}

async function drawRun(run) {
  const s = run.summaries || {};
  if (s.model) { drawOwnModel(run, s); return; }
  const bases = await baseNames(scenarioOf(run).date);
  $("#run-warning").textContent = await assumptionLine(run, s);
  const { charts, rows } = chartsOf(run, s, bases);
  const extra = [];
  if (isNum(s.p_respond_before_fait_accompli)) {
    extra.push(h("p", { class: "headline" }, t("run.p_before_fait", { p: (s.p_respond_before_fait_accompli * 100).toFixed(1) })));
  }
  const deny = objectiveLine(s.objective);
  if (deny) extra.push(h("p", { class: "headline", id: "run-objective" }, deny));
  if (s.war_powers && s.war_powers.note) extra.push(h("p", {}, `${t("run.war_powers")}: ${t("run.war_powers_note", { h: s.war_powers.report_due_h_after_introduction, days: s.war_powers.clock_days, ext: s.war_powers.extension_days })}`));
  const inputs = h("dl", { class: "facts run-inputs" }, inputSummary(run, bases).flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v ?? "—")]));
  const defense = missileDefense(s.missile_defense, bases, run);
  const picker = await comparePicker(run);
  const receipt = run.receipt ? h("p", { class: "receipt" }, t("assess.receipt_line", { version: run.receipt.anpo_version, rules: `${String(run.receipt.ruleset_sha256).slice(0, 16)}…`, data: `${String(run.receipt.data_sha256).slice(0, 16)}…`, input: `${String(run.receipt.input_sha256).slice(0, 16)}…` })) : null;
  clear($("#run-body"), h("div", { class: "run-top" }, inputs, picker), ...extra, h("div", { class: "chart-grid" }, charts),
    wholeTable(rows, `run-${run.id.slice(0, 8)}-metrics`), defense, receipt);
  document.body.dataset.runReady = run.id;
}

async function comparePicker(run) {
  let others = [];
  try { others = (await get("/v1/runs", { limit: 100, status: "done" })).runs.filter((r) => r.id !== run.id); } catch { /* no list: no picker */ }
  if (!others.length) return h("p", {}, t("cmp.no_other"));
  const sel = h("select", { id: "run-compare-with" }, others.map((r) => h("option", { value: r.id },
    `${r.id.slice(0, 8)} · ${scenarioOf(r).date || ""} · ${te(`event.${scenarioOf(r).event}`, label(scenarioOf(r).event || ""))} · ${r.trials.toLocaleString()} · ${t("run.seed")} ${r.seed}`)));
  const go = h("button", { type: "button", id: "run-compare-go", onclick: () => { location.hash = `#compare-runs?a=${run.id}&b=${sel.value}`; } }, t("cmp.compare"));
  return h("div", { class: "card" }, h("label", {}, t("cmp.with"), sel), go);
}

// Two runs side by side: inputs (differences marked), every metric with its difference.
export async function showRunComparison(a, b) {
  const out = $("#runcmp-body");
  clear(out, h("p", { class: "status" }, t("cmp.loading")));
  let A, B;
  try { [A, B] = await Promise.all([get(`/v1/simulations/${a}`), get(`/v1/simulations/${b}`)]); } catch (err) { clear(out, h("p", { class: "error" }, err.message)); return; }
  const bases = await baseNames(scenarioOf(A).date);
  const ia = inputSummary(A, bases), ib = inputSummary(B, bases);
  const inputRows = ia.map(([k, v], i) => ({ name: k, a: v, b: ib[i][1], _class: v === ib[i][1] ? null : "differs", mark: v === ib[i][1] ? "" : "≠" }));
  const oa = objectiveLine((A.summaries || {}).objective), ob = objectiveLine((B.summaries || {}).objective);
  if (oa || ob) inputRows.push({ name: t("run.objective"), a: oa || "—", b: ob || "—", _class: oa === ob ? null : "differs", mark: oa === ob ? "" : "≠" });
  const crn = A.seed === B.seed ? t("cmp.crn_same", { seed: A.seed }) : t("cmp.crn_diff", { a: A.seed, b: B.seed });
  const ra = Object.fromEntries(metricRows(A.summaries || {}, bases).map((r) => [r.key, r]));
  const rb = Object.fromEntries(metricRows(B.summaries || {}, bases).map((r) => [r.key, r]));
  const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])];
  const diff = (x, y) => (isNum(x) && isNum(y) ? y - x : null);
  const differs = (x, y) => !(isNum(x) && isNum(y)) ? x !== y : Math.abs(y - x) > Math.max(0.01, 0.02 * Math.abs(x));
  const mrows = keys.map((k) => {
    const x = ra[k] || {}, y = rb[k] || {};
    const d = ["p5", "p50", "p95", "never"].some((q) => differs(x[q] ?? null, y[q] ?? null));
    return { label: (x.label || y.label), a_p50: x.p50, b_p50: y.p50, d_p50: diff(x.p50, y.p50), a_p95: x.p95, b_p95: y.p95, d_p95: diff(x.p95, y.p95),
      a_never: x.never, b_never: y.never, mark: d ? "≠" : "", _class: d ? "differs" : null };
  });
  const mcols = [{ key: "mark", label: "" }, { key: "label", label: t("sim.metric") },
    { key: "a_p50", label: "A p50", num: true, format: fmt2 }, { key: "b_p50", label: "B p50", num: true, format: fmt2 }, { key: "d_p50", label: "Δ p50", num: true, format: fmt2 },
    { key: "a_p95", label: "A p95", num: true, format: fmt2 }, { key: "b_p95", label: "B p95", num: true, format: fmt2 }, { key: "d_p95", label: "Δ p95", num: true, format: fmt2 },
    { key: "a_never", label: `A ${t("sim.never")}`, num: true, format: fmt2 }, { key: "b_never", label: `B ${t("sim.never")}`, num: true, format: fmt2 }];
  const both = keys.filter((k) => ra[k] && rb[k] && ra[k].group === "metrics_h").flatMap((k) => [
    { ...ra[k], label: `${ra[k].label} · A`, colour: "#1d3557" }, { ...rb[k], label: `${rb[k].label} · B`, colour: "#c1121f" }]);
  const name = `compare-${a.slice(0, 8)}-${b.slice(0, 8)}`;
  clear(out,
    h("p", { class: "headline", id: "crn-note" }, crn),
    h("h3", {}, t("cmp.inputs")),
    h("div", { class: "scroll" }, dataTable(inputRows, [{ key: "mark", label: "" }, { key: "name", label: "" },
      { key: "a", label: h("a", { href: `#run/${a}` }, `A ${a.slice(0, 8)}`) }, { key: "b", label: h("a", { href: `#run/${b}` }, `B ${b.slice(0, 8)}`) }])),
    h("h3", {}, t("cmp.metrics")),
    h("p", {}, t("cmp.differs_note")),
    h("button", { type: "button", class: "dl dl-csv", id: "runcmp-csv", onclick: () => download(`${name}-metrics.csv`, new Blob([toCsv(mrows, mcols.slice(1))], { type: "text/csv" })) }, t("run.download_csv")),
    h("div", { class: "scroll" }, dataTable(mrows, mcols)),
    both.length ? intervalFigure({ name, title: t("cmp.chart"), caption: t("run.band_caption"), rows: both, valueLabel: t("unit.hours_after"), columns: INTERVAL_COLUMNS() }) : null);
  document.body.dataset.runcmpReady = `${a}/${b}`;
}
