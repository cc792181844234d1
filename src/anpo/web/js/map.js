// The map: administration by state on a date (from /v1/coverage), the Article V area,
// facilities (from /v1/bases), a date slider from 1952 to today.
import { get } from "./api.js";
import { $, clear, h, label } from "./dom.js";

const L = window.L;
const START = { y: 1952, m: 0 };
const PALETTE = { JPN: "#d62828", USA: "#2563eb", CHN: "#e9c46a", TWN: "#90be6d", KOR: "#43aa8b",
  PRK: "#577590", RUS: "#a5a58d", PHL: "#f3722c", MNG: "#cdb4db", VNM: "#ffb4a2", FSM: "#8ecae6" };
const NAMES = { JPN: "Japan", USA: "United States", CHN: "China (PRC)", TWN: "Taiwan", KOR: "Rep. of Korea",
  PRK: "DPRK", RUS: "USSR / Russia", PHL: "Philippines", MNG: "Mongolia", VNM: "Viet Nam", FSM: "Micronesia" };
const colour = (c) => PALETTE[c] || "#bbbbbb";

export const iso = (d) => d.toISOString().slice(0, 10);
const todayIso = () => iso(new Date());

function monthIndexOf(date) {
  const [y, m] = date.split("-").map(Number);
  return (y - START.y) * 12 + (m - 1 - START.m);
}
function dateOfMonthIndex(i, max) {
  if (i >= max) return todayIso();
  const y = START.y + Math.floor(i / 12), m = (i % 12) + 1;
  return `${y}-${String(m).padStart(2, "0")}-01`;
}

export class AllianceMap {
  constructor(onPick) {
    this.onPick = onPick;
    this.map = L.map("map", { zoomControl: true, keyboard: true, minZoom: 3, maxZoom: 12, worldCopyJump: false,
      attributionControl: true }).setView([30.5, 131], 5);
    this.map.attributionControl.setPrefix(false).addAttribution("Geography: anpo (GSHHG, Natural Earth)");
    this.coverage = L.layerGroup().addTo(this.map);
    this.bases = L.layerGroup().addTo(this.map);
    this.pin = null;
    this.map.on("click", (e) => this.pick(e.latlng.lat, e.latlng.lng));
    this.map.getContainer().addEventListener("keydown", (e) => {
      if (e.key === "Enter" && e.target === this.map.getContainer()) {
        const c = this.map.getCenter();
        this.pick(c.lat, c.lng);
      }
    });
    const slider = $("#date-slider");
    this.maxIndex = monthIndexOf(todayIso());
    slider.max = String(this.maxIndex);
    slider.addEventListener("input", () => this.setDate(dateOfMonthIndex(Number(slider.value), this.maxIndex), false));
    $("#date-input").min = "1952-01-01";
    $("#date-input").max = todayIso();
    $("#date-input").addEventListener("change", (e) => { if (e.target.value) this.setDate(e.target.value, true); });
    this.date = null;
    this.pending = null;
  }

  pick(lat, lon) {
    lat = Math.round(lat * 1000) / 1000;
    lon = Math.round(((lon + 540) % 360 - 180) * 1000) / 1000;
    this.mark(lat, lon);
    this.onPick(lat, lon);
  }

  mark(lat, lon) {
    if (this.pin) this.pin.remove();
    this.pin = L.marker([lat, lon], { keyboard: false, title: `event at ${lat}, ${lon}`, alt: "event location" }).addTo(this.map);
  }

  setDate(date, moveSlider = true) {
    this.date = date;
    $("#date-label").value = date;
    $("#date-input").value = date;
    if (moveSlider) $("#date-slider").value = String(Math.min(monthIndexOf(date), this.maxIndex));
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.redraw(date), 120);
    document.dispatchEvent(new CustomEvent("anpo:date", { detail: date }));
  }

  async redraw(date) {
    const status = $("#map-status");
    status.textContent = `Loading the map of ${date}…`;
    this.pending = date;
    try {
      const [cov, bases] = await Promise.all([get("/v1/coverage", { date }), get("/v1/bases", { date, format: "geojson" })]);
      if (this.pending !== date) return;
      this.drawCoverage(cov);
      this.drawBases(bases);
      status.textContent = `Map of ${date} (administration as changed on ${cov.effective_from}); ${bases.features.length} facilities.`;
      document.body.dataset.mapDate = date;
    } catch (err) {
      status.textContent = `Could not load the map: ${err.message}`;
    }
  }

  drawCoverage(fc) {
    this.coverage.clearLayers();
    const states = [];
    let article5 = false;
    for (const f of fc.features) {
      const p = f.properties;
      if (p.layer === "administration") {
        states.push(p.administered_by);
        L.geoJSON(f, { interactive: false, style: { className: `admin admin-${p.administered_by}`, color: "#444", weight: 0.5,
          fillColor: colour(p.administered_by), fillOpacity: 0.75 } }).addTo(this.coverage);
      } else if (p.layer === "article5") {
        article5 = true;
        L.geoJSON(f, { interactive: false, style: { className: "article5-area", color: "#000", weight: 2, dashArray: "6 4",
          fill: false } }).addTo(this.coverage);
      }
    }
    this.legend(states, article5);
  }

  drawBases(fc) {
    this.bases.clearLayers();
    for (const f of fc.features) {
      const p = f.properties, [lon, lat] = f.geometry.coordinates;
      const m = L.circleMarker([lat, lon], { radius: 5, color: "#111", weight: 2, fillColor: "#fff", fillOpacity: 1,
        bubblingMouseEvents: false, className: "facility" });
      m.bindTooltip(p.name);
      m.bindPopup(() => h("div", {}, h("strong", {}, p.name), h("br"),
        `${label(p.kind)} · ${label(p.status ? p.status.legal_status : "")} · ${p.prefecture || ""}`, h("br"),
        `services: ${(p.services || []).join(", ") || "—"}`, h("br"), p.principal_units || "",
        h("br"), h("a", { href: p.source, rel: "noreferrer" }, "source")));
      m.addTo(this.bases);
    }
  }

  legend(states, article5) {
    const items = states.map((s) => h("span", {}, h("span", { class: "swatch", style: `background:${colour(s)}` }), `${NAMES[s] || s} (${s})`));
    if (article5) items.push(h("span", {}, h("span", { class: "swatch outline" }), "Article V area (dashed outline)"));
    items.push(h("span", {}, h("span", { class: "swatch marker" }), "facility (U.S. or shared use)"));
    clear($("#legend"), items);
  }
}
