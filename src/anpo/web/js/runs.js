// The runs table (newest first); a row opens its run in the simulation panel.
import { get } from "./api.js";
import { $, clear, h } from "./dom.js";

export async function showRuns() {
  const data = await get("/v1/runs", { limit: 100 });
  if (!data.runs.length) { clear($("#runs-table"), h("p", {}, "No runs yet.")); return; }
  clear($("#runs-table"), h("p", {}, `${data.total} runs`), h("table", {},
    h("thead", {}, h("tr", {}, ["id", "status", "progress", "trials", "seed", "date", "event", "created"].map((c) => h("th", {}, c)))),
    h("tbody", {}, data.runs.map((r) => h("tr", {},
      h("td", {}, h("a", { href: `#run/${r.id}` }, r.id.slice(0, 8))), h("td", {}, r.status),
      h("td", { class: "num" }, `${Math.round(r.progress * 100)} %`), h("td", { class: "num" }, r.trials.toLocaleString()),
      h("td", { class: "num" }, r.seed), h("td", {}, scenarioOf(r).date ?? ""), h("td", {}, scenarioOf(r).event ?? ""),
      h("td", {}, r.created_at))))));
}

// A run stores the simulation input as given: its scenario sits one level down
// (`r.scenario.scenario`), beside the strikes and parameters.
function scenarioOf(r) {
  return (r.scenario && r.scenario.scenario) || r.scenario || {};
}
