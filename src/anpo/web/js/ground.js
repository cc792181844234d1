// The alliance on the ground (#ground?date=&close=): the facility registry on the map's date
// (with a what-if that closes facilities), Okinawa's share through time, U.S. personnel by
// service, Okinawa's burden series, realignment plans against outcomes, and governance (SCC,
// exercises, information sharing, asset protection, command); each a chart or table with
// downloads, each row with its source. A dataset the server does not serve yet is said to be
// missing, not hidden. Japanese text comes from the data's `*_ja` fields where it has them.
import { get } from "./api.js";
import { $, clear, h, label } from "./dom.js";
import { lang, nameOf, prefName, sofaBasis, t, unitName } from "./i18n.js";
import { barFigure, chartFigure, dataTable, download, fmt2, textWidth, toCsv, wrapTick } from "./charts.js";

const Plot = window.Plot;
// A field in the page's language: `<key>_ja` in Japanese where the data has it.
const tr = (x, key) => (lang() === "ja" && x[`${key}_ja`]) || x[key];
const srcCol = () => ({ key: "source", label: t("map.source") });
// A time axis's ticks: in Japanese as 2016年 (or 2016年3月), not Plot's English month names.
const timeTicks = () => (lang() === "ja" ? (d) => `${d.getUTCFullYear()}年${d.getUTCMonth() ? `${d.getUTCMonth() + 1}月` : ""}` : undefined);
// Years as runs: [1972, 1973, 1974, 1980] -> "1972-1974, 1980".
function yearRuns(years) {
  const out = [];
  for (const y of [...years].sort((a, b) => a - b)) {
    const last = out[out.length - 1];
    if (last && y === last[1] + 1) last[1] = y; else out.push([y, y]);
  }
  return out.map(([a, b]) => (a === b ? String(a) : `${a}–${b}`)).join(", ");
}

function section(id, title, ...body) {
  return h("section", { class: "card ground-section", id, "aria-labelledby": `${id}-h` }, h("h3", { id: `${id}-h` }, title), ...body);
}

function csvButton(name, rows, cols) {
  return h("button", { type: "button", class: "dl dl-csv", onclick: () => download(`${name}.csv`, new Blob([toCsv(rows, cols)], { type: "text/csv" })) }, t("ground.download"));
}

// The closed facilities of the what-if live in the URL (`close=`), so a view can be shared.
function setClosed(ids) {
  const [head, query = ""] = location.hash.slice(1).split("?");
  const params = new URLSearchParams(query);
  if (ids.length) params.set("close", ids.join(",")); else params.delete("close");
  history.replaceState(null, "", `#${head}?${params.toString()}`);
}

async function registry(date, closed) {
  // The chips list the date's facilities before any closing; the rest shows the what-if.
  const [base, r] = await Promise.all([get("/v1/registry", { date }),
    closed.length ? get("/v1/registry", { date, close: closed.join(",") }) : null]).then(([b, w]) => [b, w || b]);
  const rows = (r.by_prefecture || []).map((p) => ({ label: prefName(p.prefecture), value: p.itemized_km2, facilities: p.facilities, without_area: p.without_area, share_pct: p.share_pct }));
  const day = r.date || date;
  const facilities = (r.facilities || []).map((f) => ({ ...f, name: nameOf(f), prefecture: prefName(f.prefecture), legal_basis: sofaBasis(f), joint: f.joint_use_ii_4a ? (f.joint_use_from || "✓") : "" }));
  const fcols = [{ key: "name", label: t("ground.facility") }, { key: "fac", label: t("col.fac") }, { key: "prefecture", label: t("ground.prefecture") },
    { key: "legal_basis", label: t("ground.basis") }, { key: "joint", label: t("ground.joint_use") }, { key: "from", label: t("ground.from") },
    { key: "to", label: t("ground.to") }, { key: "area_km2", label: t("ground.km2"), num: true }, { key: "area_as_of", label: t("ground.area_as_of") },
    { key: "confidence", label: t("col.confidence") }, srcCol()];
  const w = r.what_if_published;
  const whatIf = closed.length ? h("p", { class: "what-if", "data-what-if": "1" }, t("ground.what_if", {
    ids: closed.join(", "), before: fmt2(w?.okinawa_share_before_pct), after: fmt2(w?.okinawa_share_after_pct), km2: fmt2(w?.closed_km2) })) : null;
  const chosen = new Set(closed);
  const closable = (base.facilities || []).filter((f) => f.area_km2 > 0).sort((a, b) => b.area_km2 - a.area_km2);
  const chips = h("fieldset", { class: "wide ground-close" }, h("legend", {}, t("ground.close")), h("div", { class: "chips", id: "ground-close" },
    closable.map((f) => h("label", { class: "chip" }, h("input", { type: "checkbox", name: "ground-close", value: f.id, checked: chosen.has(f.id) ? "" : null,
      onchange: async () => {
        const ids = [...document.querySelectorAll("#ground-close input:checked")].map((o) => o.value);
        setClosed(ids);
        const fresh = await registry(date, ids).catch((err) => h("p", { class: "error" }, err.message));
        $("#ground-registry").replaceWith(fresh);
      } }), ` ${nameOf(f)} (${fmt2(f.area_km2)} km²)`))));
  return section("ground-registry", t("ground.registry", { date: day }),
    h("p", { class: "headline" }, t("ground.share", { pct: fmt2(r.okinawa_share_pct) }),
      " ", t("ground.coverage", { pct: fmt2(r.coverage_of_published_pct) })),
    whatIf, chips,
    barFigure({ name: `registry-${day}`, title: t("ground.registry", { date: day }), caption: t("ground.registry_caption"),
      rows, valueLabel: t("ground.km2"),
      columns: [{ key: "label", label: t("ground.prefecture") }, { key: "value", label: t("ground.km2"), num: true },
        { key: "facilities", label: t("ground.facilities"), num: true }, { key: "without_area", label: t("ground.without_area"), num: true },
        { key: "share_pct", label: "%", num: true }] }),
    h("details", { class: "facility-list" }, h("summary", {}, t("ground.facility_list", { n: facilities.length })),
      csvButton(`registry-facilities-${day}`, facilities, fcols),
      h("div", { class: "scroll wrap-table", id: "ground-facilities" }, dataTable(facilities, fcols))));
}

// Okinawa's share of the exclusive-use area through time: as printed by its publishers, as
// computed from published areas, and from the registry's itemized areas (incomplete).
async function shareSeries() {
  const r = await get("/v1/registry/share");
  const rows = (r.rows || []).map((x) => ({ ...x, x: new Date(x.date) }));
  const keys = [["published_okinawa_share_pct", t("ground.share_printed"), "#c1121f"], ["published_areas_share_pct", t("ground.share_computed"), "#1d3557"],
    ["registry_okinawa_share_pct", t("ground.share_registry"), "#999"]];
  const cols = [{ key: "date", label: t("run.date") }, ...keys.map(([k, l]) => ({ key: k, label: l, num: true })),
    { key: "coverage_of_published_pct", label: t("ground.coverage_col"), num: true }, { key: "published_share_source", label: t("map.source") }];
  const points = keys.flatMap(([k, l, c]) => rows.filter((d) => typeof d[k] === "number").map((d) => ({ x: d.x, y: d[k], series: l, colour: c, date: d.date })));
  return section("ground-share", t("ground.share_title"), chartFigure({ name: "okinawa-share", title: t("ground.share_title"), caption: t("ground.share_caption"), rows, columns: cols,
    draw: (width) => ({ marginLeft: 50, height: 280, x: { type: "utc", label: null, grid: true, tickFormat: timeTicks(), ticks: Math.max(2, Math.floor(width / 110)) }, y: { label: "%", domain: [0, 100], grid: true },
      color: { legend: true, domain: keys.map(([, l]) => l), range: keys.map(([, , c]) => c) },
      marks: [Plot.line(points, { x: "x", y: "y", stroke: "series", strokeOpacity: 0.6 }),
        Plot.dot(points, { x: "x", y: "y", fill: "series", r: 4, title: (d) => `${d.date} · ${d.series}: ${fmt2(d.y)} %`, tip: true })] }) }));
}

// U.S. active-duty personnel in Japan by service and year (DMDC).
async function personnel() {
  const r = await get("/v1/personnel");
  const services = [["army", t("ground.army")], ["navy", t("ground.navy")], ["marine_corps", t("ground.marine_corps")], ["air_force", t("ground.air_force")]];
  const rows = r.rows || [];
  const long = rows.flatMap((x) => services.filter(([k]) => typeof x[k] === "number").map(([k, l]) => ({ year: x.year, service: l, value: x[k] })));
  // A year without a report is a gap in the areas, not a slope drawn across it, and so is a
  // year a service has no figure in: each service's area is drawn in runs of consecutive
  // years (z = service and run), stacked in the services' order.
  const years = new Set(rows.map((x) => x.year));
  const missing = [];
  for (let y = Math.min(...years); y <= Math.max(...years); y++) if (!years.has(y)) missing.push(y);
  const lastYear = {}, run = {};
  const areas = [...long].sort((a, b) => a.year - b.year).map((d) => {
    if (lastYear[d.service] !== d.year - 1) run[d.service] = (run[d.service] ?? -1) + 1;
    lastYear[d.service] = d.year;
    return { ...d, z: `${d.service}#${run[d.service]}` };
  });
  const zOrder = services.flatMap(([, l]) => Array.from({ length: (run[l] ?? 0) + 1 }, (_, i) => `${l}#${i}`));
  const gapNote = missing.length ? ` ${t("ground.years_missing", { years: yearRuns(missing) })}` : "";
  const cols = [{ key: "year", label: t("ground.year") }, { key: "as_of", label: t("run.date") }, { key: "active_duty", label: t("ground.active_duty"), num: true },
    ...services.map(([k, l]) => ({ key: k, label: l, num: true })), { key: "confidence", label: t("col.confidence") }, srcCol()];
  return section("ground-personnel", t("ground.personnel"), chartFigure({ name: "us-personnel-japan", title: t("ground.personnel"), caption: t("ground.personnel_caption") + gapNote, rows, columns: cols,
    draw: () => ({ marginLeft: 60, height: 300, x: { label: null, tickFormat: (d) => String(d), grid: true }, y: { label: t("ground.persons"), grid: true },
      color: { legend: true, domain: services.map(([, l]) => l), scheme: "tableau10" },
      marks: [Plot.areaY(areas, { x: "year", y: "value", z: "z", fill: "service", fillOpacity: 0.8, order: zOrder }),
        Plot.ruleY([0]), Plot.tip(long, Plot.pointerX(Plot.stackY({ x: "year", y: "value", fill: "service", order: services.map(([, l]) => l),
          title: (d) => `${d.year} · ${d.service}: ${d.value.toLocaleString()}` })))] }) }));
}

// A series' period as a date: "2016", "2016-03-31", or a Japanese fiscal year "FY2016"
// (from 1 April); null when it is none of these.
function periodDate(period) {
  const m = String(period).match(/^(J?FY)?(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/);
  if (!m) return new Date(NaN);
  return new Date(Date.UTC(Number(m[2]), m[1] ? 3 : Number(m[3] || 1) - 1, Number(m[4] || 1)));
}

async function okinawa() {
  const r = await get("/v1/okinawa");
  const figs = (r.series || []).map((s) => {
    const rows = (r.rows || []).filter((x) => x.series === s.id && typeof x.value === "number")
      .map((x) => ({ period: x.period, x: periodDate(x.period), value: x.value, planned: x.planned, station: x.station, confidence: x.confidence, source: x.source }));
    if (!rows.length) return null;
    // Several figures a period (one a monitoring station) are dots; a line joins one a period.
    const onePerPeriod = new Set(rows.map((d) => d.period)).size === rows.length;
    const unit = unitName(s.unit);
    // A year the series has no figure for is a break in the line, not a line drawn across it.
    const missing = (s.years_missing || []).filter(Number.isFinite);
    const breaks = missing.map((y) => ({ x: new Date(Date.UTC(y, 6, 1)), value: NaN }));
    const line = [...rows.filter((d) => !Number.isNaN(d.x.getTime())), ...breaks].sort((a, b) => a.x - b.x);
    const gaps = missing.length ? ` ${t("ground.years_missing", { years: yearRuns(missing) })}` : "";
    return chartFigure({ name: `okinawa-${s.id}`, title: tr(s, "title"), caption: `${tr(s, "counts")} (${unit}). ${tr(s, "publisher")}.${gaps}`,
      rows, columns: [{ key: "period", label: t("run.date") }, { key: "value", label: unit, num: true }, { key: "confidence", label: t("col.confidence") }, srcCol()],
      draw: (width) => ({ marginLeft: 60, height: 220, x: { type: "utc", label: null, tickFormat: timeTicks(), ticks: Math.max(2, Math.floor(width / 110)) },
        y: { label: unit, grid: true, zero: true },
        marks: [onePerPeriod ? Plot.line(line, { x: "x", y: "value", stroke: "#1d3557", strokeOpacity: 0.5 }) : null,
          Plot.dot(rows, { x: "x", y: "value", fill: (d) => (d.planned ? "#fff" : "#1d3557"), stroke: "#1d3557", r: 4,
            title: (d) => `${d.period}${d.station ? ` · ${d.station}` : ""}: ${d.value.toLocaleString()} ${unit} (${d.confidence})\n${d.source}`, tip: true })] }) });
  }).filter(Boolean);
  const gaps = (r.gaps || []).map((g) => h("li", {}, tr(g, "text")));
  const events = (r.events || []).map((e) => ({ date: e.date, kind: label(e.kind || ""), summary: tr(e, "summary"), source: e.source }));
  const evCols = [{ key: "date", label: t("run.date") }, { key: "kind", label: t("ground.kind") }, { key: "summary", label: t("ground.summary"), asGiven: true }, srcCol()];
  return section("ground-okinawa", t("ground.okinawa"), h("div", { class: "chart-grid" }, figs),
    events.length ? [h("h4", {}, t("ground.events")), csvButton("okinawa-events", events, evCols), h("div", { class: "scroll wrap-table" }, dataTable(events, evCols))] : null,
    gaps.length ? [h("h4", {}, t("ground.gaps")), h("ul", {}, gaps)] : null);
}

// How late an item is, from the data's years (the data's own `slippage` is English text).
function slippage(i) {
  const y = i.slippage_years;
  if (typeof y !== "number") return i.open_as_of ? t("ground.not_due", { date: i.open_as_of }) : "—";
  if (y <= 0.05) return t("ground.on_time");
  return t(i.slippage_at_least ? "ground.slip_open" : "ground.slip", { y: y.toFixed(1) });
}

async function realignment() {
  const r = await get("/v1/realignment");
  const items = (r.items || []).map((i) => ({ ...i, slippage: slippage(i), plan: tr(i, "plan"), item: tr(i, "item"), target: tr(i, "target"), outcome: tr(i, "outcome"), label: tr(i, "item"), x1: new Date(i.target_date), x2: new Date(i.outcome_date || i.open_as_of || new Date().toISOString().slice(0, 10)) }))
    .filter((i) => !Number.isNaN(i.x1.getTime()));
  const names = items.map((i) => i.label);
  const cols = [{ key: "plan", label: t("ground.plan") }, { key: "item", label: t("ground.item") }, { key: "target_date", label: t("ground.target") },
    { key: "status", label: t("runs.status") }, { key: "outcome_date", label: t("ground.outcome_date") }, { key: "slippage", label: t("ground.slippage") },
    { key: "outcome", label: t("ground.outcome") }, { key: "outcome_source", label: t("map.source") }];
  const fig = chartFigure({ name: "realignment-plans", title: t("ground.realignment"), caption: t("ground.realignment_caption"), rows: items, columns: cols,
    draw: (width) => {
      const ml = Math.min(Math.round(width * 0.45), 360);
      const lines = Math.max(1, ...names.map((n) => Math.ceil(textWidth(n) / (ml - 14))));
      return { marginLeft: ml, marginRight: 20, height: 40 + items.length * Math.max(48, 16 * lines + 16), x: { type: "utc", label: null, grid: true, tickFormat: timeTicks(), ticks: Math.max(2, Math.floor((width - ml) / 90)) }, y: { domain: names, label: null },
        marks: [Plot.axisY({ lineWidth: (ml - 14) / 13, tickSize: 0, tickFormat: wrapTick(ml) }),
          Plot.link(items, { x1: "x1", x2: "x2", y1: "label", y2: "label", stroke: (d) => (d.status === "done" ? "#2a9d8f" : "#c1121f"), strokeWidth: 3,
            strokeDasharray: (d) => (d.status === "done" ? null : "4 3") }),
          Plot.dot(items, { x: "x1", y: "label", fill: "#fff", stroke: "#111", r: 5, title: (d) => `${t("ground.target")}: ${d.target} (${d.target_date})` }),
          Plot.dot(items, { x: "x2", y: "label", fill: (d) => (d.status === "done" ? "#2a9d8f" : "#c1121f"), r: 5,
            title: (d) => `${d.outcome} · ${d.slippage}`, tip: true })] };
    } });
  const costs = (r.costs || []).map((c) => ({ date: c.date, by: label(c.by || ""), value_jpy_bn: c.value_jpy_bn, text: tr(c, "text"), confidence: c.confidence, source: c.source }));
  const costCols = [{ key: "date", label: t("run.date") }, { key: "by", label: t("ground.by") }, { key: "value_jpy_bn", label: t("costs.jpy_bn"), num: true },
    { key: "text", label: t("ground.summary"), asGiven: true }, { key: "confidence", label: t("col.confidence") }, srcCol()];
  const schedules = (r.schedules || []).map((c) => ({ published: c.published, years: c.years, projected_completion: c.projected_completion, text: tr(c, "text"), confidence: c.confidence, source: c.source }));
  const schedCols = [{ key: "published", label: t("ground.published") }, { key: "years", label: t("ground.years"), num: true },
    { key: "projected_completion", label: t("ground.projected") }, { key: "text", label: t("ground.summary"), asGiven: true }, { key: "confidence", label: t("col.confidence") }, srcCol()];
  return section("ground-realignment", t("ground.realignment"), fig,
    costs.length ? [h("h4", {}, t("ground.plan_costs")), csvButton("realignment-costs", costs, costCols), h("div", { class: "scroll wrap-table" }, dataTable(costs, costCols))] : null,
    schedules.length ? [h("h4", {}, t("ground.plan_schedules")), csvButton("realignment-schedules", schedules, schedCols), h("div", { class: "scroll wrap-table" }, dataTable(schedules, schedCols))] : null);
}

async function governance() {
  const r = await get("/v1/governance");
  const scc = (r.scc || []).map((x) => ({ date: x.date, place: tr(x, "place"), kind: label(x.kind || ""), decided: tr(x, "decided"), source: x.source }));
  const sccCols = [{ key: "date", label: t("run.date") }, { key: "place", label: t("ground.place") }, { key: "kind", label: t("ground.kind") },
    { key: "decided", label: t("ground.decided") }, srcCol()];
  const exercises = (r.exercises || []).map((x) => ({ ...x, name: `${tr(x, "name")} ${x.edition || ""}`.trim(), summary: tr(x, "summary"), where: tr(x, "where"),
    size: x.size ? Object.entries(x.size).map(([k, v]) => `${t(`ground.size_${k}`)} ${Number(v).toLocaleString()}`).join(", ") : "" }));
  const exCols = [{ key: "name", label: t("ground.exercise") }, { key: "from", label: t("ground.from") }, { key: "to", label: t("ground.to") },
    { key: "where", label: t("ground.place") }, { key: "size", label: t("ground.size") }, srcCol()];
  const info = (r.information || []).map((x) => ({ ...x, name: tr(x, "name"), summary: tr(x, "summary") }));
  const infoCols = [{ key: "name", label: t("ground.instrument") }, { key: "signed", label: t("ground.signed") }, { key: "in_force", label: t("ground.in_force") },
    { key: "summary", label: t("ground.summary") }, srcCol()];
  const command = (r.command || []).map((x) => ({ ...x, name: tr(x, "name"), summary: tr(x, "summary") }));
  const cmdCols = [{ key: "name", label: t("ground.arrangement") }, { key: "kind", label: t("ground.kind") }, { key: "from", label: t("ground.from") },
    { key: "to", label: t("ground.to") }, { key: "summary", label: t("ground.summary") }, srcCol()];
  const prot = (r.protection || []).filter((x) => typeof x.value === "number").map((x) => ({ label: `${x.year} (${label(x.covers || "")})`, value: x.value, year: x.year, covers: label(x.covers || ""), confidence: x.confidence, source: x.source }));
  const table = (name, rows, cols) => [csvButton(name, rows, cols), h("div", { class: "scroll wrap-table" }, dataTable(rows, cols))];
  return section("ground-governance", t("ground.governance_all"),
    h("h4", {}, t("ground.governance")), table("scc", scc, sccCols),
    h("h4", {}, t("ground.exercises")), table("exercises", exercises, exCols),
    prot.length ? barFigure({ name: "asset-protection-95-2", title: t("ground.protection"), caption: t("ground.protection_caption"), rows: prot, valueLabel: t("ground.protections"),
      columns: [{ key: "year", label: t("ground.year") }, { key: "covers", label: t("ground.covers") }, { key: "value", label: t("ground.protections"), num: true },
        { key: "confidence", label: t("col.confidence") }, srcCol()] }) : null,
    h("h4", {}, t("ground.information")), table("information-sharing", info, infoCols),
    h("h4", {}, t("ground.command")), table("command-arrangements", command, cmdCols));
}

export async function showGround(date, params = new URLSearchParams()) {
  const out = $("#ground-body");
  const closed = (params.get("close") || "").split(",").filter(Boolean);
  clear(out, h("p", { class: "status" }, t("ground.loading")));
  const parts = await Promise.all([registry(date, closed), shareSeries(), personnel(), okinawa(), realignment(), governance()].map((p) => p.catch((err) =>
    h("p", { class: "error" }, `${t("ground.none")} (${err.message})`))));
  clear(out, parts);
  document.body.dataset.groundReady = "1";
}
