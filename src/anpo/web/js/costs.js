// Cost sharing: the ledger as a chart and a table; the what-if calculator as a form.
import { get } from "./api.js";
import { $, clear, h, label } from "./dom.js";
import { partLinesFigure, yearBarFigure } from "./charts.js";
import { lang, shownInEnglish, t, te, val } from "./i18n.js";

let loaded = null; // the language it was drawn in
const fmt = (v) => (v === null || v === undefined ? val("missing") : typeof v === "number" ? v.toLocaleString() : typeof v === "object" ? JSON.stringify(v)
  : typeof v === "boolean" || /^[a-z][a-z_]*$/.test(v) ? val(v) : String(v));

function table(rows, cols) {
  return h("table", {}, h("thead", {}, h("tr", {}, cols.map((c) => h("th", {}, te(`col.${c}`, label(c)))))),
    h("tbody", {}, rows.map((r) => h("tr", {}, cols.map((c) => {
      const text = c === "jfy" || c === "year" ? String(r[c]) : fmt(r[c]);
      // free text the ledger gives in English only (what a comparison includes) says so
      return h("td", { class: typeof r[c] === "number" ? "num" : null, lang: shownInEnglish(text) ? "en" : null }, text);
    })))));  // a year is not a quantity: no thousands separator
}

export async function showCosts() {
  if (loaded === lang()) return;
  const first = loaded === null;
  loaded = lang();
  const [years, periods, comparisons, lines] = await Promise.all([get("/v1/costs", { by: "year" }), get("/v1/costs", { by: "period" }),
    get("/v1/costs", { by: "comparison" }), get("/v1/costs", { by: "line" }).catch(() => ({ rows: [] }))]);
  const rows = years.rows;
  clear($("#costs-chart"), yearBarFigure({ name: "host-nation-support", title: t("costs.chart_title"), caption: t("costs.caption"),
    rows: rows.map((r) => ({ x: r.jfy, value: r.hns_total_jpy_bn, hatched: r.hns_total_jpy_bn !== null && r.basis !== "budget", basis: r.basis,
      confidence: r.confidence })), valueLabel: t("costs.jpy_bn"), hatchedLabel: t("costs.hatched"),
    columns: [{ key: "x", label: t("col.jfy_short"), format: String }, { key: "value", label: t("costs.jpy_bn"), num: true }, { key: "basis", label: t("col.basis") },
      { key: "confidence", label: t("col.confidence") }] }));
  // The whole ledger: every line Japan spends on U.S. forces, by JFY (names in the page's language).
  const counts = {};
  for (const r of lines.rows || []) counts[r.line] = (counts[r.line] || 0) + 1;
  // the lines with a series (four years or more); the table below the chart has every figure
  const lineRows = (lines.rows || []).filter((r) => typeof r.value_jpy_bn === "number" && counts[r.line] >= 4).map((r) => ({ x: r.jfy,
    part: (lang() === "ja" && r.name_ja) || r.name || r.line, line: r.line, value: r.value_jpy_bn, basis: r.basis, confidence: r.confidence,
    source: r.source || r.document || "" }));
  if (lineRows.length) {
    $("#costs-chart").append(partLinesFigure({ name: "ledger-by-line", title: t("costs.ledger_title"), caption: t("costs.ledger_caption"),
      rows: lineRows, valueLabel: t("costs.jpy_bn"),
      columns: [{ key: "x", label: t("col.jfy_short"), format: String }, { key: "part", label: t("chart.name") }, { key: "value", label: t("costs.jpy_bn"), num: true },
        { key: "basis", label: t("col.basis") }, { key: "confidence", label: t("col.confidence") }, { key: "source", label: t("map.source") }] }));
  }
  // JFY1978 onward: HNS by category, the other U.S.-forces lines MOD publishes, USD, and whether the year's totals add up.
  clear($("#costs-table"), table(rows, ["jfy", "period", "hns_total_jpy_bn", "basis", "labor_jpy_bn", "utilities_jpy_bn",
    "training_relocation_jpy_bn", "fip_jpy_bn", "labor_welfare_jpy_bn", "stationing_total_jpy_bn", "saco_jpy_bn", "realignment_jpy_bn",
    "mod_usfj_total_jpy_bn", "hns_total_usd_bn", "reconciled", "confidence"]),
  h("h3", {}, t("costs.by_period")), table(periods.rows, ["period", "jfy", "signed", "in_force", "total_jpy_bn", "total_kind", "labor_cap_workers", "utilities_share", "confidence"]),
  h("h3", {}, t("costs.comparisons")), table(comparisons.rows, ["id", "year", "value", "unit", "usd_bn", "includes", "confidence"]));
  clear($("#w-period"), periods.rows.map((p) => h("option", { value: p.period }, p.period)));
  $("#w-period").value = periods.rows[periods.rows.length - 1].period;
  if (!first) return;
  $("#whatif-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const out = $("#whatif-result");
    try {
      const r = await get("/v1/costs/what-if", { period: $("#w-period").value, labor_cap: $("#w-labor").value,
        utilities_share: $("#w-util").value, utilities_cap_jpy_bn: $("#w-ucap").value, training_relocation_jpy_bn: $("#w-train").value });
      clear(out, h("p", {}, h("strong", {}, t("costs.result", { period: r.period, agreed: fmt(r.agreed_total_jpy_bn),
        delta: `${r.delta_total_jpy_bn >= 0 ? "+" : ""}${fmt(r.delta_total_jpy_bn)}`, scenario: fmt(r.scenario_total_jpy_bn) }))),
        table(r.years.map((y) => ({ ...y, delta_jpy_bn: Object.entries(y.delta_jpy_bn).map(([k, v]) => `${label(k)} ${v}`).join("; ") })),
          ["jfy", "agreed_total_jpy_bn", "agreed_basis", "delta_jpy_bn", "scenario_total_jpy_bn"]),
        h("h4", {}, t("costs.arithmetic")), h("ul", {}, r.arithmetic.map((a) => h("li", {}, a))),
        r.assumptions.length ? [h("h4", {}, t("costs.assumptions")), h("ul", {}, r.assumptions.map((a) => h("li", {}, a)))] : null);
    } catch (err) { clear(out, h("p", { class: "error" }, err.message)); }
  });
}
