// The runs table (newest first); a row opens its run in its own view, and two checked rows
// open side by side.
import { get } from "./api.js";
import { $, clear, h } from "./dom.js";
import { t, te } from "./i18n.js";

export async function showRuns() {
  const data = await get("/v1/runs", { limit: 100 });
  if (!data.runs.length) { clear($("#runs-table"), h("p", {}, t("runs.none"))); return; }
  const go = h("button", { type: "button", id: "runs-compare", disabled: "" }, t("runs.compare"));
  const checked = () => [...$("#runs-table").querySelectorAll("input[name=run-pick]:checked")].map((i) => i.value);
  go.addEventListener("click", () => { const [a, b] = checked(); location.hash = `#compare-runs?a=${a}&b=${b}`; });
  const onPick = () => { go.disabled = checked().length !== 2; };
  clear($("#runs-table"), h("p", {}, t("runs.count", { n: data.total })), go, h("table", {},
    h("thead", {}, h("tr", {}, ["runs.pick", "runs.id", "runs.status", "runs.progress", "runs.trials", "runs.seed", "runs.date", "runs.event", "runs.created"]
      .map((c) => h("th", { scope: "col" }, t(c))))),
    h("tbody", {}, data.runs.map((r) => h("tr", {},
      h("td", {}, h("input", { type: "checkbox", name: "run-pick", value: r.id, "aria-label": `${t("runs.pick")} ${r.id.slice(0, 8)}`, onchange: onPick,
        disabled: r.status === "done" ? null : "" })),
      h("td", {}, h("a", { href: `#run/${r.id}` }, r.id.slice(0, 8))), h("td", {}, te(`status.${r.status}`, r.status)),
      h("td", { class: "num" }, `${Math.round(r.progress * 100)} %`), h("td", { class: "num" }, r.trials.toLocaleString()),
      h("td", { class: "num" }, r.seed), h("td", {}, scenarioOf(r).date ?? ""), h("td", {}, te(`event.${scenarioOf(r).event}`, scenarioOf(r).event ?? "")),
      h("td", {}, r.created_at))))));
}

// A run stores the simulation input as given: its scenario sits one level down
// (`r.scenario.scenario`), beside the strikes and parameters.
function scenarioOf(r) {
  return (r.scenario && r.scenario.scenario) || r.scenario || {};
}
