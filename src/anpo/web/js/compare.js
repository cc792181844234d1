// Two dates side by side (#compare-dates?a=YYYY-MM-DD&b=YYYY-MM-DD): two maps moving together,
// and what changed between them: which states administer territory, the last administration
// change before each date, and the facilities present on one date only.
import { get } from "./api.js";
import { $, clear, h } from "./dom.js";
import { colour } from "./map.js";
import { eventText, nameOf, placeName, prefName, t, te } from "./i18n.js";
import { dataTable, download, toCsv } from "./charts.js";

const L = window.L;
let maps = null;

function twinMaps() {
  if (maps) return maps;
  const make = (id) => {
    const m = L.map(id, { minZoom: 3, maxZoom: 13, attributionControl: false });
    m.fitBounds([[23.5, 122], [45.8, 146.5]]);
    L.tileLayer("v1/tiles/base/{z}/{x}/{y}.png", { maxZoom: 13 }).addTo(m);
    return { map: m, layer: L.layerGroup().addTo(m) };
  };
  maps = [make("map-a"), make("map-b")];
  // Moving one moves the other (a guard stops the echo).
  let syncing = false;
  for (const [i, j] of [[0, 1], [1, 0]]) {
    maps[i].map.on("moveend", () => {
      if (syncing) return;
      syncing = true;
      maps[j].map.setView(maps[i].map.getCenter(), maps[i].map.getZoom(), { animate: false });
      syncing = false;
    });
  }
  const go = () => {
    const mode = document.querySelector("input[name=dates-mode]:checked").value;
    location.hash = `#compare-dates?a=${$("#dates-a").value}&b=${$("#dates-b").value}&mode=${mode}`;
  };
  $("#dates-form").addEventListener("submit", (e) => { e.preventDefault(); go(); });
  for (const r of document.querySelectorAll("input[name=dates-mode]")) r.addEventListener("change", go);
  return maps;
}

// The swipe: one map, date A's layers in one pane and date B's in another, B's pane clipped
// to the right of the handle (in layer coordinates, so the clip follows pans and zooms).
let swipe = null;
function swipeMap() {
  if (swipe) return swipe;
  const m = L.map("map-swipe", { minZoom: 3, maxZoom: 13, attributionControl: false });
  m.fitBounds([[23.5, 122], [45.8, 146.5]]);
  L.tileLayer("v1/tiles/base/{z}/{x}/{y}.png", { maxZoom: 13 }).addTo(m);
  for (const name of ["dateA", "dateB"]) m.createPane(name).style.zIndex = name === "dateA" ? "410" : "420";
  swipe = { map: m, a: L.layerGroup().addTo(m), b: L.layerGroup().addTo(m),
    renderers: { dateA: L.svg({ pane: "dateA" }), dateB: L.svg({ pane: "dateB" }) } };
  const handle = h("div", { class: "swipe-handle", "aria-hidden": "true" });
  m.getContainer().append(handle);
  const clip = () => {
    const size = m.getSize(), x = size.x * Number($("#swipe-range").value) / 100;
    handle.style.left = `${x}px`;
    const nw = m.containerPointToLayerPoint([0, 0]), se = m.containerPointToLayerPoint(size);
    const cx = m.containerPointToLayerPoint([x, 0]).x;
    m.getPane("dateB").style.clip = `rect(${nw.y}px, ${se.x}px, ${se.y}px, ${cx}px)`;
    m.getPane("dateA").style.clip = `rect(${nw.y}px, ${cx}px, ${se.y}px, ${nw.x}px)`;
  };
  swipe.clip = clip;
  m.on("move zoom resize", clip);
  $("#swipe-range").addEventListener("input", clip);
  return swipe;
}

function drawSwipe(ca, cb) {
  const s = swipeMap();
  for (const [group, cov, pane] of [[s.a, ca, "dateA"], [s.b, cb, "dateB"]]) {
    group.clearLayers();
    for (const f of cov.features) {
      const p = f.properties;
      const style = p.layer === "administration"
        ? { className: `admin admin-${p.administered_by}`, color: "#444", weight: 0.5, fillColor: colour(p.administered_by), fillOpacity: 0.6 }
        : { className: "article5-area", color: "#000", weight: 2, dashArray: "6 4", fill: false };
      L.geoJSON(f, { interactive: false, pane, renderer: s.renderers[pane], style }).addTo(group);
    }
  }
  setTimeout(() => { s.map.invalidateSize(); s.clip(); }, 0);
}

function showMode(mode) {
  $("#dates-side").hidden = mode === "swipe";
  $("#dates-swipe").hidden = mode !== "swipe";
  for (const r of document.querySelectorAll("input[name=dates-mode]")) r.checked = r.value === mode;
}

function draw(target, cov, bases) {
  target.layer.clearLayers();
  for (const f of cov.features) {
    const p = f.properties;
    if (p.layer === "administration") {
      L.geoJSON(f, { interactive: false, style: { className: `admin admin-${p.administered_by}`, color: "#444", weight: 0.5,
        fillColor: colour(p.administered_by), fillOpacity: 0.6 } }).addTo(target.layer);
    } else if (p.layer === "article5") {
      L.geoJSON(f, { interactive: false, style: { className: "article5-area", color: "#000", weight: 2, dashArray: "6 4", fill: false } }).addTo(target.layer);
    }
  }
  for (const f of bases.features) {
    const [lon, lat] = f.geometry.coordinates;
    L.circleMarker([lat, lon], { radius: 4, color: "#111", weight: 1.5, fillColor: "#fff", fillOpacity: 1, className: "facility" })
      .bindTooltip(nameOf(f.properties)).addTo(target.layer);
  }
  setTimeout(() => target.map.invalidateSize(), 0);
}

// The places the law names (the map's island labels), each asked of the exact geography on
// both dates: those whose administering state differs, with the change that made it so.
async function changedUnits(a, b) {
  let labels = [];
  try { labels = (await get("/v1/map-labels")).features.filter((f) => f.properties.kind !== "strait"); } catch { return []; }
  const rows = await Promise.all(labels.map(async (f) => {
    const [lon, lat] = f.geometry.coordinates;
    try {
      const [wa, wb] = await Promise.all([get("/v1/where", { lat, lon, date: a }), get("/v1/where", { lat, lon, date: b })]);
      if ((wa.administered_by || null) === (wb.administered_by || null)) return null;
      const state = (x) => (x ? `${te(`country.${x}`, x)} (${x})` : "—");
      return { unit: placeName(wb.unit || f.properties.id, wb.unit_name || wb.name || f.properties.name), from: state(wa.administered_by), to: state(wb.administered_by),
        since: wb.since ? `${wb.since.date}: ${eventText(wb.since.event)}` : "" };
    } catch { return null; }
  }));
  return rows.filter(Boolean);
}

export async function showDateComparison(a, b, mode = "side") {
  const [ma, mb] = twinMaps();
  showMode(mode === "swipe" ? "swipe" : "side");
  a = a || "1965-01-01";
  b = b || "1975-01-01";
  $("#dates-a").value = a;
  $("#dates-b").value = b;
  $("#dates-a-title").textContent = t("dates.map_of", { date: a });
  $("#dates-b-title").textContent = t("dates.map_of", { date: b });
  const out = $("#dates-changes");
  try {
    const [ca, cb, ba, bb] = await Promise.all([get("/v1/coverage", { date: a }), get("/v1/coverage", { date: b }),
      get("/v1/bases", { date: a, format: "geojson" }), get("/v1/bases", { date: b, format: "geojson" })]);
    draw(ma, ca, ba);
    draw(mb, cb, bb);
    $("#swipe-caption").textContent = t("dates.swipe_caption", { a, b });
    if (mode === "swipe") drawSwipe(ca, cb);
    const states = (c) => new Set(c.features.filter((f) => f.properties.layer === "administration").map((f) => f.properties.administered_by));
    const sa = states(ca), sb = states(cb);
    const gained = [...sb].filter((s) => !sa.has(s)), lost = [...sa].filter((s) => !sb.has(s));
    const adminChanged = ca.administration_changed !== cb.administration_changed;
    const ida = new Map(ba.features.map((f) => [f.properties.id, f.properties])), idb = new Map(bb.features.map((f) => [f.properties.id, f.properties]));
    const onlyA = [...ida.values()].filter((p) => !idb.has(p.id)), onlyB = [...idb.values()].filter((p) => !ida.has(p.id));
    const rows = [...onlyA.map((p) => ({ change: t("dates.only", { date: a }), id: p.id, name: nameOf(p), prefecture: prefName(p.prefecture || "") })),
      ...onlyB.map((p) => ({ change: t("dates.only", { date: b }), id: p.id, name: nameOf(p), prefecture: prefName(p.prefecture || "") }))];
    const cols = [{ key: "change", label: "" }, { key: "id", label: t("col.id"), id: true }, { key: "name", label: t("chart.name") }, { key: "prefecture", label: t("ground.prefecture") }];
    const names = (xs) => xs.map((s) => te(`country.${s}`, s)).join(", ");
    const unitRows = await changedUnits(a, b);
    clear(out, h("h3", {}, t("dates.changes", { a, b })),
      h("p", { id: "admin-change" }, adminChanged ? t("dates.admin_changed", { a: ca.administration_changed || "1945", b: cb.administration_changed || "1945" }) : t("dates.no_admin_change")),
      gained.length ? h("p", {}, t("dates.states_gained", { states: names(gained) })) : null,
      lost.length ? h("p", {}, t("dates.states_lost", { states: names(lost) })) : null,
      h("h4", {}, t("dates.units_changed", { n: unitRows.length })),
      unitRows.length ? h("div", { class: "scroll", id: "units-changed" }, dataTable(unitRows, [{ key: "unit", label: t("dates.unit") },
        { key: "from", label: a }, { key: "to", label: b }, { key: "since", label: t("dates.since"), asGiven: true }])) : h("p", {}, t("dates.none")),
      h("h4", {}, t("dates.closed", { a, n: onlyA.length })), h("p", {}, onlyA.map(nameOf).join(", ") || t("dates.none")),
      h("h4", {}, t("dates.opened", { b, n: onlyB.length })), h("p", {}, onlyB.map(nameOf).join(", ") || t("dates.none")),
      rows.length ? h("button", { type: "button", class: "dl dl-csv", onclick: () => download(`facilities-${a}-${b}.csv`, new Blob([toCsv(rows, cols)], { type: "text/csv" })) }, "CSV") : null,
      rows.length ? h("details", {}, h("summary", {}, t("chart.table")), h("div", { class: "scroll" }, dataTable(rows, cols))) : null);
    document.body.dataset.datesReady = `${a}/${b}/${mode === "swipe" ? "swipe" : "side"}`;
  } catch (err) { clear(out, h("p", { class: "error" }, err.message)); }
}
