// The alliance on the ground (#ground): the facility registry on the map's date, Okinawa's
// burden series, realignment plans against outcomes, and the SCC's decisions; each a chart with
// downloads and a table, each row with its source. A dataset the server does not serve yet is
// said to be missing, not hidden.
import { get } from "./api.js";
import { $, clear, h, label } from "./dom.js";
import { t } from "./i18n.js";
import { barFigure, chartFigure, dataTable, download, fmt2, toCsv } from "./charts.js";

const Plot = window.Plot;
const srcCol = () => ({ key: "source", label: t("map.source") });

function section(id, title, ...body) {
  return h("section", { class: "card ground-section", id, "aria-labelledby": `${id}-h` }, h("h3", { id: `${id}-h` }, title), ...body);
}

function csvButton(name, rows, cols) {
  return h("button", { type: "button", class: "dl dl-csv", onclick: () => download(`${name}.csv`, new Blob([toCsv(rows, cols)], { type: "text/csv" })) }, t("ground.download"));
}

async function registry(date) {
  const r = await get("/v1/registry", { date });
  const rows = (r.by_prefecture || []).map((p) => ({ label: p.prefecture, value: p.itemized_km2, facilities: p.facilities, without_area: p.without_area, share_pct: p.share_pct }));
  return section("ground-registry", t("ground.registry", { date: r.date || date }),
    h("p", { class: "headline" }, t("ground.share", { pct: fmt2(r.okinawa_share_pct) })),
    barFigure({ name: `registry-${r.date || date}`, title: t("ground.registry", { date: r.date || date }), caption: t("ground.registry_caption"),
      rows, valueLabel: t("ground.km2"),
      columns: [{ key: "label", label: t("ground.prefecture") }, { key: "value", label: t("ground.km2"), num: true },
        { key: "facilities", label: t("ground.facilities"), num: true }, { key: "without_area", label: t("ground.without_area"), num: true },
        { key: "share_pct", label: "%", num: true }] }));
}

async function okinawa() {
  const r = await get("/v1/okinawa");
  const figs = (r.series || []).map((s) => {
    const rows = (r.rows || []).filter((x) => x.series === s.id && typeof x.value === "number")
      .map((x) => ({ period: x.period, x: new Date(String(x.period).slice(0, 10)), value: x.value, planned: x.planned, confidence: x.confidence, source: x.source }));
    if (!rows.length) return null;
    return chartFigure({ name: `okinawa-${s.id}`, title: s.title, caption: `${s.counts} (${s.unit}). ${s.publisher}`,
      rows, columns: [{ key: "period", label: t("run.date") }, { key: "value", label: s.unit, num: true }, { key: "confidence", label: t("col.confidence") }, srcCol()],
      draw: () => ({ marginLeft: 60, height: 220, x: { type: "utc", label: null }, y: { label: s.unit, grid: true, zero: true },
        marks: [Plot.line(rows.filter((d) => !Number.isNaN(d.x.getTime())), { x: "x", y: "value", stroke: "#1d3557", strokeOpacity: 0.5 }),
          Plot.dot(rows, { x: "x", y: "value", fill: (d) => (d.planned ? "#fff" : "#1d3557"), stroke: "#1d3557", r: 4,
            title: (d) => `${d.period}: ${d.value.toLocaleString()} ${s.unit} (${d.confidence})\n${d.source}`, tip: true })] }) });
  }).filter(Boolean);
  const gaps = (r.gaps || []).map((g) => h("li", {}, g.text));
  return section("ground-okinawa", t("ground.okinawa"), h("div", { class: "chart-grid" }, figs),
    gaps.length ? [h("h4", {}, t("ground.gaps")), h("ul", {}, gaps)] : null);
}

async function realignment() {
  const r = await get("/v1/realignment");
  const items = (r.items || []).map((i) => ({ ...i, label: i.item, x1: new Date(i.target_date), x2: new Date(i.outcome_date || i.open_as_of || new Date().toISOString().slice(0, 10)) }))
    .filter((i) => !Number.isNaN(i.x1.getTime()));
  const names = items.map((i) => i.label);
  const cols = [{ key: "plan", label: t("ground.plan") }, { key: "item", label: t("ground.item") }, { key: "target_date", label: t("ground.target") },
    { key: "status", label: t("runs.status") }, { key: "outcome_date", label: t("ground.outcome_date") }, { key: "slippage", label: t("ground.slippage") },
    { key: "outcome", label: t("ground.outcome") }, { key: "outcome_source", label: t("map.source") }];
  const fig = chartFigure({ name: "realignment-plans", title: t("ground.realignment"), caption: t("ground.realignment_caption"), rows: items, columns: cols,
    draw: (width) => {
      const ml = Math.min(Math.round(width * 0.45), 360);
      return { marginLeft: ml, marginRight: 20, height: 40 + items.length * 48, x: { type: "utc", label: null, grid: true }, y: { domain: names, label: null },
        marks: [Plot.axisY({ lineWidth: (ml - 14) / 13, tickSize: 0 }),
          Plot.link(items, { x1: "x1", x2: "x2", y1: "label", y2: "label", stroke: (d) => (d.status === "done" ? "#2a9d8f" : "#c1121f"), strokeWidth: 3,
            strokeDasharray: (d) => (d.status === "done" ? null : "4 3") }),
          Plot.dot(items, { x: "x1", y: "label", fill: "#fff", stroke: "#111", r: 5, title: (d) => `${t("ground.target")}: ${d.target} (${d.target_date})` }),
          Plot.dot(items, { x: "x2", y: "label", fill: (d) => (d.status === "done" ? "#2a9d8f" : "#c1121f"), r: 5,
            title: (d) => `${d.outcome} · ${d.slippage}`, tip: true })] };
    } });
  return section("ground-realignment", t("ground.realignment"), fig);
}

async function governance() {
  const r = await get("/v1/governance", { section: "scc" });
  const rows = (r.scc || []).map((x) => ({ date: x.date, place: x.place, kind: label(x.kind || ""), decided: x.decided, source: x.source }));
  const cols = [{ key: "date", label: t("run.date") }, { key: "place", label: t("ground.place") }, { key: "kind", label: t("ground.kind") },
    { key: "decided", label: t("ground.decided") }, srcCol()];
  return section("ground-governance", t("ground.governance"), csvButton("scc", rows, cols), h("div", { class: "scroll wrap-table" }, dataTable(rows, cols)));
}

export async function showGround(date) {
  const out = $("#ground-body");
  clear(out, h("p", { class: "status" }, t("ground.loading")));
  const parts = await Promise.all([registry(date), okinawa(), realignment(), governance()].map((p) => p.catch((err) =>
    h("p", { class: "error" }, `${t("ground.none")} (${err.message})`))));
  clear(out, parts);
  document.body.dataset.groundReady = "1";
}
