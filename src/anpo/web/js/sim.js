// The simulation panel: start a run for the assessed scenario, follow its progress, chart it.
// Summaries are those of anpo.sim (Summary.to_dict without its receipt).
import { get, post } from "./api.js";
import { $, clear, h, label } from "./dom.js";
import { barChart, lineChart } from "./charts.js";

let current = null;

export function enableSimulation(available, scenarioFn) {
  const section = $("#sim");
  section.hidden = false;
  if (!available) {
    clear($("#sim-status"), "The crisis simulation is not available in this build of anpo.");
    $("#sim-form").hidden = true;
    return;
  }
  listAirBases();
  document.addEventListener("anpo:date", listAirBases);
  $("#sim-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const scenario = scenarioFn();
    if (!scenario) { $("#sim-status").textContent = "Assess an event first."; return; }
    const body = { scenario, trials: Number($("#s-trials").value), seed: Number($("#s-seed").value) };
    if ($("#s-fait").value !== "") body.fait_accompli_h = Number($("#s-fait").value);
    const bases = [...$("#s-bases").querySelectorAll("input[type=checkbox]:checked")].map((o) => o.value);
    if (bases.length) {
      body.strikes = { bases };
      body.parameters = { "strike.missiles_per_base": Number($("#s-missiles").value), "strike.salvos": Number($("#s-salvos").value) };
    }
    try {
      const run = await post("/v1/simulations", body);
      follow(run.id);
    } catch (err) { $("#sim-status").textContent = `Not started: ${err.message}`; }
  });
}

// The airfields in operation on the map's date: the bases a strike can target, as checkboxes
// (a multiple select needs Ctrl/Cmd-click, which means nothing on a touch screen).
async function listAirBases() {
  const box = $("#s-bases");
  if (!$("#date-input").value) return;  // the map sets its date (and says so) once it starts
  const chosen = new Set([...box.querySelectorAll("input:checked")].map((o) => o.value));
  try {
    const r = await get("/v1/bases", { date: $("#date-input").value, kind: "airfield" });
    clear(box, r.facilities.filter((f) => f.runways && f.runways.length).map((f) =>
      h("label", { class: "chip" }, h("input", { type: "checkbox", name: "strike-base", value: f.id,
        checked: chosen.has(f.id) ? "" : null }), ` ${f.name} (${f.prefecture})`)));
  } catch (err) { $("#sim-status").textContent = `Air bases not listed: ${err.message}`; }
}

export async function follow(id) {
  current = id;
  const bar = $("#sim-progress");
  bar.hidden = false;
  clear($("#sim-charts"));
  for (;;) {
    if (current !== id) return;
    let run;
    try { run = await get(`/v1/simulations/${id}`); } catch (err) { $("#sim-status").textContent = err.message; return; }
    bar.value = run.progress;
    $("#sim-status").textContent = `Run ${id.slice(0, 8)}: ${run.status}, ${Math.round(run.progress * 100)} % of ${run.trials.toLocaleString()} trials (seed ${run.seed})`;
    if (run.status === "done") { bar.hidden = true; charts(run.summaries || {}); return; }
    if (["failed", "interrupted"].includes(run.status)) { bar.hidden = true; $("#sim-status").textContent += `: ${run.error || ""}`; return; }
    await new Promise((r) => setTimeout(r, 400));
  }
}

function metricTable(title, metrics, unit) {
  return h("table", {}, h("caption", {}, title),
    h("thead", {}, h("tr", {}, ["metric", "mean", "p5", "p50", "p95", "never"].map((c, i) => h("th", { class: i ? "num" : null }, c)))),
    h("tbody", {}, Object.entries(metrics).map(([n, m]) => h("tr", {}, h("td", {}, `${label(n)}${unit}`),
      ["mean", "p5", "p50", "p95", "p_never"].map((k) => h("td", { class: "num" }, m[k] === null || m[k] === undefined ? "—" : Number(m[k]).toFixed(2)))))));
}

function figure(caption, chart) { return h("figure", { class: "sim-chart" }, chart, h("figcaption", {}, caption)); }

// Summaries of anpo.sim: metrics_h, forces_on_station, forces_on_station_curve, legal_paths.
export function charts(s) {
  const out = [];
  const times = s.metrics_h || {};
  const response = Object.keys(times).filter((k) => !k.startsWith("runway") && !k.startsWith("arrival_"));
  if (response.length) {
    out.push(figure("Response times: median (bar) per stage, hours; the table gives p5 and p95",
      barChart({ labels: response.map(label), values: response.map((k) => times[k].p50), yLabel: "hours (median)", title: "Response times" })));
  }
  const curve = s.forces_on_station_curve;
  if (curve && curve.hours) {
    const series = Object.entries(curve).filter(([k, y]) => k !== "hours" && Array.isArray(y)).map(([k, y]) => ({ name: k, y }));
    out.push(figure("Forces on station over time (mean units; solid and dashed lines by country, labelled)",
      lineChart({ x: curve.hours, series, xLabel: "hours after the event", yLabel: "forces on station", title: "Forces on station" })));
  }
  const runway = Object.keys(times).filter((k) => k.startsWith("runway"));
  if (runway.length) {
    out.push(figure("Runway closures by base (median hours closed)",
      barChart({ labels: runway.map(label), values: runway.map((k) => times[k].p50), yLabel: "hours", title: "Runway closures" })));
  }
  for (const [group, probs] of Object.entries(s.legal_paths || {})) {
    const names = Object.keys(probs);
    out.push(figure(`Legal path: ${label(group)} (probability)`,
      barChart({ labels: names.map(label), values: names.map((n) => probs[n]), yLabel: "probability", title: label(group) })));
  }
  if (Object.keys(times).length) out.push(metricTable("Times (hours)", times, ""));
  if (s.forces_on_station) out.push(metricTable("Forces on station", s.forces_on_station, ""));
  if (s.p_respond_before_fait_accompli !== undefined) out.push(h("p", {}, `Probability the alliance responds before the fait accompli: ${s.p_respond_before_fait_accompli}`));
  clear($("#sim-charts"), out);
}
