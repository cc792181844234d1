// The map: a base map drawn by anpo from its own geography (/v1/tiles/base: land, sea,
// coastline; labels of the places the law names; a graticule), administration by state on a
// date (vector outlines from /v1/coverage up to zoom 6, exact raster tiles from zoom 7, where
// the coast must stay sharp), the Article V area, facilities (from /v1/bases), and a date
// slider from 1952 to today. Nothing is fetched from outside anpo.
import { get } from "./api.js";
import { $, clear, h, label } from "./dom.js";
import { lang, nameOf, placeName, prefName, t, te } from "./i18n.js";

const L = window.L;
const START = { y: 1952, m: 0 };
export const PALETTE = { JPN: "#d62828", USA: "#2563eb", CHN: "#e9c46a", TWN: "#90be6d", KOR: "#43aa8b",
  PRK: "#577590", RUS: "#a5a58d", PHL: "#f3722c", MNG: "#cdb4db", VNM: "#ffb4a2", FSM: "#8ecae6" };
export const colour = (c) => PALETTE[c] || "#bbbbbb";
const EXACT_FROM_ZOOM = 7; // from here administration is drawn as exact tiles, not outlines
const FIRST_VIEW = [[23.5, 122], [45.8, 146.5]]; // Yonaguni to Hokkaido and the Northern Territories

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
    this.map = L.map("map", { zoomControl: true, keyboard: true, minZoom: 3, maxZoom: 13, worldCopyJump: false,
      attributionControl: true });
    this.map.fitBounds(FIRST_VIEW);
    this.map.attributionControl.setPrefix(false).addAttribution("Geography: anpo (GSHHG, Natural Earth)");
    L.tileLayer("v1/tiles/base/{z}/{x}/{y}.png", { maxZoom: 13, className: "base-tiles" }).addTo(this.map);
    this.graticule = L.layerGroup().addTo(this.map);
    for (let lat = 10; lat <= 55; lat += 5) L.polyline([[lat, 110], [lat, 165]], { className: "graticule", interactive: false }).addTo(this.graticule);
    for (let lon = 110; lon <= 165; lon += 5) L.polyline([[5, lon], [60, lon]], { className: "graticule", interactive: false }).addTo(this.graticule);
    this.exact = L.tileLayer("", { maxZoom: 13, minZoom: EXACT_FROM_ZOOM, className: "admin-tiles" });
    this.coverage = L.layerGroup().addTo(this.map);
    this.labels = L.layerGroup().addTo(this.map);
    this.map.on("zoomend", () => this.zoomChanged());
    this.map.on("moveend", () => this.writeUrl());
    $("#date-play").addEventListener("click", () => this.togglePlay());
    $("#date-play").textContent = t("map.play");
    get("/v1/map-labels").then((fc) => { this.labelData = fc.features; this.drawLabels(); }).catch(() => {});
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
    this.pin = L.marker([lat, lon], { keyboard: false, title: t("map.event_at", { lat, lon }), alt: "event location" }).addTo(this.map);
  }

  setDate(date, moveSlider = true) {
    this.date = date;
    $("#date-label").value = date;
    $("#date-input").value = date;
    if (moveSlider) $("#date-slider").value = String(Math.min(monthIndexOf(date), this.maxIndex));
    // A date typed, played or opened from a URL is drawn at once; while the slider is dragged,
    // only where it rests for 80 ms (each month on the way would be a request).
    clearTimeout(this.timer);
    if (moveSlider) this.redraw(date);
    else this.timer = setTimeout(() => this.redraw(date), 80);
    document.dispatchEvent(new CustomEvent("anpo:date", { detail: date }));
    this.writeUrl();
  }

  // The map's view in the URL (`#map?date=...&lat=...&lon=...&z=...&lang=...`), so that any
  // view can be shared and reopened; only while the map view itself is shown (an assessment
  // or a run keeps its own permalink).
  writeUrl() {
    if (!this.urlReady) return; // not before the URL's own view has been applied
    const view = location.hash.slice(1).split(/[?/]/)[0];
    if (view && view !== "map") return;
    const c = this.map.getCenter();
    const params = new URLSearchParams({ date: this.date || todayIso(), lat: c.lat.toFixed(3), lon: c.lng.toFixed(3),
      z: String(this.map.getZoom()) });
    params.set("lang", lang());
    history.replaceState(null, "", `#map?${params.toString()}`);
  }

  // Play the years: 1 January of each year from the map's date to today, one a second (or
  // slower, as each year's map is drawn before the next is asked for).
  togglePlay() {
    const button = $("#date-play");
    if (this.player) {
      clearInterval(this.player);
      this.player = null;
      button.setAttribute("aria-pressed", "false");
      button.textContent = t("map.play");
      return;
    }
    let year = Number((this.date || "1952").slice(0, 4));
    if (year >= new Date().getFullYear()) year = START.y - 1;
    button.setAttribute("aria-pressed", "true");
    button.textContent = t("map.pause");
    this.player = setInterval(() => {
      if (document.body.dataset.mapDate !== this.date) return; // let each year draw before the next
      year += 1;
      if (year > new Date().getFullYear()) { this.togglePlay(); return; }
      this.setDate(`${year}-01-01`, true);
    }, 1000);
  }

  async redraw(date) {
    const status = $("#map-status");
    status.textContent = t("map.loading", { date });
    this.pending = date;
    try {
      // The last dates' facilities are kept (the slider and the play control come back to
      // them); administration maps are kept by period (`coverageFor`).
      if (!this.drawn) this.drawn = new Map();
      if (!this.drawn.has(date)) {
        this.drawn.set(date, get("/v1/bases", { date, format: "geojson" }));
        if (this.drawn.size > 36) this.drawn.delete(this.drawn.keys().next().value);
      }
      const [cov, bases] = await Promise.all([this.coverageFor(date),
        this.drawn.get(date).catch((err) => { this.drawn.delete(date); throw err; })]);
      if (!this.periods && Array.isArray(cov.periods)) { this.periods = cov.periods; this.prefetch(); }
      if (this.pending !== date) return;
      // A month in the period already shown keeps its administration layer: only the
      // facilities are drawn again.
      if (cov !== this.shownCoverage) { this.drawCoverage(cov); this.shownCoverage = cov; }
      this.drawBases(bases);
      this.exact.setUrl(`v1/tiles/admin/{z}/{x}/{y}.png?date=${cov.effective_from}`);
      this.showExact(); // the labels do not change with the date: not drawn again
      this.lastStatus = { date, changed: cov.administration_changed, n: bases.features.length };
      this.showStatus();
      document.body.dataset.mapDate = date;
      document.dispatchEvent(new CustomEvent("anpo:drawn", { detail: date }));
    } catch (err) {
      status.textContent = t("map.failed", { msg: err.message });
    }
  }

  // The period a date falls in (the last period start on or before it), once the server has
  // listed them; every date of a period has the same administration map.
  periodOf(date) {
    const ps = this.periods;
    if (!ps || !ps.length || date < ps[0]) return null;
    let lo = 0, hi = ps.length - 1;
    while (lo < hi) { const m = (lo + hi + 1) >> 1; if (ps[m] <= date) lo = m; else hi = m - 1; }
    return ps[lo];
  }

  coverageFor(date) {
    if (!this.maps) this.maps = new Map();
    const key = this.periodOf(date) || date;
    if (!this.maps.has(key)) {
      this.maps.set(key, get("/v1/coverage", { date: key }).catch((err) => { this.maps.delete(key); throw err; }));
    }
    return this.maps.get(key);
  }

  // Once the first map is drawn, the other periods' maps are fetched one at a time while the
  // page is idle (the server reads them from its disk cache), so a date change to a period not
  // shown yet waits only for its facilities.
  async prefetch() {
    const idle = () => new Promise((resolve) => (window.requestIdleCallback ? requestIdleCallback(resolve, { timeout: 2000 }) : setTimeout(resolve, 50)));
    for (const p of [...this.periods].reverse()) {
      await idle();
      try { await this.coverageFor(p); } catch { /* asked again when shown */ }
    }
    document.body.dataset.mapsPrefetched = "1";
  }

  showStatus() {
    const s = this.lastStatus;
    if (!s) return;
    const changed = s.changed ? t("map.unchanged_since", { date: s.changed }) : t("map.as_1945");
    $("#map-status").textContent = t("map.status", { date: s.date, changed, n: s.n });
  }

  // The page's language changed: the status, legend and play button in it.
  languageChanged() {
    this.showStatus();
    if (this.legendState) this.legend(...this.legendState);
    $("#date-play").textContent = this.player ? t("map.pause") : t("map.play");
    this.drawLabels();
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
          fillColor: colour(p.administered_by), fillOpacity: 0.6 } }).addTo(this.coverage);
      } else if (p.layer === "article5") {
        article5 = true;
        L.geoJSON(f, { interactive: false, style: { className: "article5-area", color: "#000", weight: 2, dashArray: "6 4",
          fill: false } }).addTo(this.coverage);
      }
    }
    this.legend(states, article5);
  }

  // Outlines of administration up to zoom 6 (light to draw, one request a date); exact tiles beyond.
  zoomChanged() {
    this.showExact();
    this.drawLabels();
  }

  showExact() {
    const exact = this.map.getZoom() >= EXACT_FROM_ZOOM;
    if (exact && !this.map.hasLayer(this.exact) && this.exact._url) this.exact.addTo(this.map);
    if (!exact && this.map.hasLayer(this.exact)) this.exact.remove();
    this.map.getContainer().classList.toggle("exact-admin", exact);
  }

  drawLabels() {
    this.labels.clearLayers();
    const z = this.map.getZoom();
    for (const f of this.labelData || []) {
      if (f.properties.min_zoom > z) continue;
      const [lon, lat] = f.geometry.coordinates;
      L.marker([lat, lon], { interactive: false, keyboard: false,
        icon: L.divIcon({ className: `map-label map-label-${f.properties.kind}`, html: "", iconSize: null }) })
        .bindTooltip(placeName(f.properties.id, f.properties.name), { permanent: true, direction: "right", className: `place-label ${f.properties.kind}` })
        .addTo(this.labels);
    }
  }

  drawBases(fc) {
    this.bases.clearLayers();
    for (const f of fc.features) {
      const p = f.properties, [lon, lat] = f.geometry.coordinates;
      const m = L.circleMarker([lat, lon], { radius: 5, color: "#111", weight: 2, fillColor: "#fff", fillOpacity: 1,
        bubblingMouseEvents: false, className: "facility" });
      m.bindTooltip(nameOf(p));
      m.bindPopup(() => h("div", {}, h("strong", {}, nameOf(p)), h("br"),
        `${label(p.kind)} · ${label(p.status_legal_status || "")} · ${prefName(p.prefecture || "")}`, h("br"),
        `${t("map.services")}: ${(p.services || "").split(",").join(", ") || "—"}`, h("br"), p.principal_units ? h("span", { lang: "en" }, p.principal_units) : "",
        h("br"), h("a", { href: p.source, rel: "noreferrer" }, t("map.source"))));
      m.addTo(this.bases);
    }
  }

  legend(states, article5) {
    this.legendState = [states, article5];
    const items = states.map((s) => h("span", {}, h("span", { class: "swatch", style: `background:${colour(s)}` }), `${te(`country.${s}`, s)} (${s})`));
    if (article5) items.push(h("span", {}, h("span", { class: "swatch outline" }), t("map.article5_area")));
    items.push(h("span", {}, h("span", { class: "swatch marker" }), t("map.facility")));
    clear($("#legend"), items);
  }
}
