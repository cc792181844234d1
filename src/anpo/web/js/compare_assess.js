// Two scenarios' assessments side by side (#compare-assess?a.date=...&b.date=...): the verdicts,
// then every condition of the explanation with both values, the differing ones marked ≠.
import { post } from "./api.js";
import { $, clear, h, label } from "./dom.js";
import { t, te } from "./i18n.js";
import { citeLink, yesNo } from "./assess.js";
import { dataTable, download, toCsv } from "./charts.js";

const FIELDS = ["date", "lat", "lon", "event", "target", "us_action"];
const DEFAULTS = { a: { date: "2026-01-01", lat: "25.743", lon: "123.473", event: "armed_attack", target: "JPN", us_action: "none" },
  b: { date: "1965-01-01", lat: "25.743", lon: "123.473", event: "armed_attack", target: "JPN", us_action: "none" } };
const EVENTS = ["armed_attack", "gray_zone", "missile_inbound", "cyber_attack", "space_attack", "none"];
const TARGETS = ["JPN", "USA", "TWN", "KOR", "PHL", "AUS"];
const ACTIONS = ["none", "combat_operations_from_japan", "major_deployment_change", "major_equipment_change"];

function fieldset(x, v) {
  const sel = (name, options, prefix) => h("select", { name: `${x}.${name}`, id: `cmpa-${x}-${name}` },
    options.map((o) => h("option", { value: o, selected: v[name] === o ? "" : null }, t(`${prefix}.${o}`))));
  return h("fieldset", { class: "card" }, h("legend", {}, t("cmpa.scenario", { x: x.toUpperCase() })),
    h("label", {}, t("run.date"), h("input", { type: "date", name: `${x}.date`, id: `cmpa-${x}-date`, value: v.date, required: "" })),
    h("div", { class: "grid2" },
      h("label", {}, t("event.lat"), h("input", { type: "number", step: "0.001", name: `${x}.lat`, id: `cmpa-${x}-lat`, value: v.lat, required: "" })),
      h("label", {}, t("event.lon"), h("input", { type: "number", step: "0.001", name: `${x}.lon`, id: `cmpa-${x}-lon`, value: v.lon, required: "" }))),
    h("label", {}, t("event.event"), sel("event", EVENTS, "event")), h("label", {}, t("event.target"), sel("target", TARGETS, "target")),
    h("label", {}, t("event.action"), sel("us_action", ACTIONS, "action")));
}

const scenario = (v) => {
  const s = { date: v.date, lat: Number(v.lat), lon: Number(v.lon), event: v.event, us_action: v.us_action };
  if (v.event !== "none") s.target = v.target;
  return s;
};

export async function showAssessComparison(params) {
  const vals = { a: { ...DEFAULTS.a }, b: { ...DEFAULTS.b } };
  for (const x of ["a", "b"]) for (const f of FIELDS) if (params.get(`${x}.${f}`)) vals[x][f] = params.get(`${x}.${f}`);
  const form = $("#cmpa-form");
  clear(form, fieldset("a", vals.a), fieldset("b", vals.b), h("button", { type: "submit", id: "cmpa-go" }, t("cmpa.assess")));
  form.onsubmit = (e) => {
    e.preventDefault();
    const q = new URLSearchParams(new FormData(form));
    const lang = new URLSearchParams(location.hash.split("?")[1] || "").get("lang");
    if (lang) q.set("lang", lang);
    location.hash = `#compare-assess?${q.toString()}`;
  };
  const out = $("#cmpa-body");
  clear(out, h("p", { class: "status" }, t("assess.assessing")));
  let A, B;
  try { [A, B] = await Promise.all([post("/v1/assess", scenario(vals.a)), post("/v1/assess", scenario(vals.b))]); } catch (err) {
    clear(out, h("p", { class: "error" }, t("assess.failed", { msg: err.message }))); return;
  }
  const ea = new Map((A.explanation || []).map((s) => [s.condition, s])), eb = new Map((B.explanation || []).map((s) => [s.condition, s]));
  const conds = [...new Set([...ea.keys(), ...eb.keys()])];
  const show = (s) => (s ? `${yesNo(s.value)}${s.assumed ? ` ${t("assess.assumed")}` : ""}` : "—");
  const rows = [{ condition: t("cmpa.verdict"), a: t(`verdict.${A.article5.status}`), b: t(`verdict.${B.article5.status}`) },
    ...conds.map((c) => ({ condition: te(`cond.${c}`, label(c)), a: show(ea.get(c)), b: show(eb.get(c)), cites: (ea.get(c) || eb.get(c)).citation || [] }))]
    .map((r) => ({ ...r, mark: r.a === r.b ? "" : "≠", _class: r.a === r.b ? null : "differs" }));
  const cols = [{ key: "mark", label: "" }, { key: "condition", label: t("cmpa.condition") },
    { key: "a", label: t("cmpa.scenario", { x: "A" }) }, { key: "b", label: t("cmpa.scenario", { x: "B" }) }];
  const table = dataTable(rows, cols);
  // The citations of each condition, linking to the law browser.
  [...table.querySelectorAll("tbody tr")].forEach((tr, i) => {
    const c = rows[i].cites;
    if (c && c.length) tr.children[1].append(" [", ...c.flatMap((x, k) => (k ? [", ", citeLink(x)] : [citeLink(x)])), "]");
  });
  const n = rows.filter((r) => r.mark).length;
  clear(out, h("p", { class: "headline", id: "cmpa-count" }, t("cmpa.differing", { n })),
    h("button", { type: "button", class: "dl dl-csv", onclick: () => download("compare-assessments.csv", new Blob([toCsv(rows, cols.slice(1))], { type: "text/csv" })) }, "CSV"),
    h("div", { class: "scroll" }, table));
  document.body.dataset.cmpaReady = "1";
}
