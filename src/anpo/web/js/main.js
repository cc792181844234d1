// The dashboard: views switched by the URL hash (#map?..., #assess?..., #law/<id>, #costs, #runs,
// #run/<id>, #compare-runs?a=&b=, #compare-dates?a=&b=, #compare-assess?..., #ground). Every view
// takes `lang=ja|en` in its hash.
import { get, post } from "./api.js";
import { $, clear, h } from "./dom.js";
import { AllianceMap } from "./map.js";
import { placeText, renderResult } from "./assess.js";
import { enableSimulation } from "./sim.js";
import { showLaw } from "./law.js";
import { showCosts } from "./costs.js";
import { showRuns } from "./runs.js";
import { showRun, showRunComparison } from "./results.js";
import { showDateComparison } from "./compare.js";
import { showAssessComparison } from "./compare_assess.js";
import { showGround } from "./ground.js";
import { detectLanguage, lang, setLanguage, t } from "./i18n.js";

let lastScenario = null;
let whereSeq = 0;

function scenarioFromForm() {
  const s = { date: $("#date-input").value, event: $("#f-event").value, lat: Number($("#f-lat").value), lon: Number($("#f-lon").value),
    us_action: $("#f-action").value };
  if (s.event !== "none") s.target = $("#f-target").value;
  return s;
}

async function describePlace(lat, lon) {
  const seq = ++whereSeq;
  $("#f-lat").value = lat;
  $("#f-lon").value = lon;
  // The old text stays (greyed) until the answer: a shorter "looking up" line would move the
  // Assess button under a pointer that is pressing it, and the click would be lost.
  $("#place").classList.add("pending");
  try {
    const w = await get("/v1/where", { lat, lon, date: $("#date-input").value });
    if (seq === whereSeq) $("#place").textContent = t("event.place_on", { lat, lon, date: w.date, text: placeText(w) });
  } catch (err) { if (seq === whereSeq) $("#place").textContent = err.message; }
  if (seq === whereSeq) $("#place").classList.remove("pending");
}

function typedPoint() {
  // Both fields filled: Number("") is 0, which would put a half-typed point on the meridian.
  const lat = $("#f-lat").value, lon = $("#f-lon").value;
  if (lat === "" || lon === "") return null;
  const p = [Number(lat), Number(lon)];
  return p.every(Number.isFinite) ? p : null;
}

// The hash with `lang` kept (or set): every view's URL says its language.
export function withLang(hash) {
  const [head, query = ""] = hash.replace(/^#/, "").split("?");
  const q = new URLSearchParams(query);
  q.set("lang", lang());
  return `#${head}?${q.toString()}`;
}

async function assessNow() {
  const s = scenarioFromForm();
  const out = $("#result");
  clear(out, h("p", { class: "status" }, t("assess.assessing")));
  try {
    const r = await post("/v1/assess", s);
    lastScenario = s;
    clear(out, renderResult(r, s));
    history.replaceState(null, "", withLang(`#assess?${new URLSearchParams(s).toString()}`));
  } catch (err) { clear(out, h("p", { class: "error card" }, t("assess.failed", { msg: err.message }))); }
}

function showView(name) {
  for (const v of document.querySelectorAll(".view")) v.hidden = v.id !== `view-${name}`;
  for (const a of document.querySelectorAll("header nav a[data-view]")) {
    if (a.dataset.view === name) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

async function route(map) {
  const hash = decodeURIComponent(location.hash.slice(1));
  const [head, query = ""] = hash.split("?");
  const [view, ...rest] = head.split("/");
  const params = new URLSearchParams(query);
  const wanted = params.get("lang");
  if ((wanted === "ja" || wanted === "en") && wanted !== lang()) applyLanguage(wanted, false);
  if (view === "law") { showView("law"); await showLaw(rest.join("/")); return; }
  if (view === "costs") { showView("costs"); await showCosts(); return; }
  if (view === "runs") { showView("runs"); await showRuns(); return; }
  if (view === "ground") { showView("ground"); await showGround(params.get("date") || map.date, params); return; }
  if (view === "run" && rest[0]) { showView("run"); await showRun(rest[0]); return; }
  if (view === "compare-runs") { showView("compare-runs"); await showRunComparison(params.get("a") || "", params.get("b") || ""); return; }
  if (view === "compare-dates") { showView("compare-dates"); await showDateComparison(params.get("a"), params.get("b"), params.get("mode") || "side"); return; }
  if (view === "compare-assess") { showView("compare-assess"); await showAssessComparison(params); return; }
  showView("map");
  map.map.invalidateSize();
  if (params.get("date") && params.get("date") !== map.date) map.setDate(params.get("date"));
  if ((view === "map" || view === "") && params.get("lat") && params.get("lon")) {
    const z = Number(params.get("z") || map.map.getZoom());
    map.map.setView([Number(params.get("lat")), Number(params.get("lon"))], Number.isFinite(z) ? z : 5);
  }
  if (view === "assess" && params.get("lat") && params.get("lon")) {
    for (const [k, id] of [["event", "#f-event"], ["target", "#f-target"], ["us_action", "#f-action"]]) if (params.get(k)) $(id).value = params.get(k);
    const lat = Number(params.get("lat")), lon = Number(params.get("lon"));
    map.mark(lat, lon);
    await describePlace(lat, lon);
    await assessNow();
  }
}

// The language: the page's texts at once; the current view drawn again in it.
let mapRef = null;
function applyLanguage(code, rerender = true) {
  setLanguage(code);
  $("#lang-select").value = lang();
  if ($("#place").dataset.hint !== "0") $("#place").textContent = t("event.place_hint");
  // The header's links carry the language, so a view opened from them says it in its URL.
  for (const a of document.querySelectorAll("header nav a[data-view]")) a.setAttribute("href", `#${a.dataset.view}?lang=${lang()}`);
  if (mapRef) mapRef.languageChanged();
  document.dispatchEvent(new CustomEvent("anpo:lang", { detail: lang() }));
  if (rerender && mapRef) {
    const target = withLang(location.hash || "#map");
    if (target !== location.hash) location.hash = target; // the hashchange draws the view again
    else route(mapRef);
  }
}

async function main() {
  applyLanguage(detectLanguage(), false);
  $("#lang-select").addEventListener("change", (e) => {
    localStorage.setItem("anpo-lang", e.target.value); // the reader's own choice is remembered
    applyLanguage(e.target.value);
  });
  $("#place").textContent = t("event.place_hint");
  const meta = await get("/v1/meta");
  $("#version").textContent = `anpo ${meta.anpo_version}`;
  if (meta.writes_need_token && !sessionStorage.getItem("anpo-token")) {
    const tok = window.prompt(t("app.token_prompt"));
    if (tok) sessionStorage.setItem("anpo-token", tok);
  }
  const map = new AllianceMap((lat, lon) => { $("#place").dataset.hint = "0"; return describePlace(lat, lon); });
  mapRef = map;
  window.anpo = { map: map.map };
  $("#event-form").addEventListener("submit", (e) => { e.preventDefault(); assessNow(); });
  for (const id of ["#f-lat", "#f-lon"]) $(id).addEventListener("change", () => {
    const p = typedPoint();
    if (p) { $("#place").dataset.hint = "0"; map.mark(...p); describePlace(...p); }
  });
  document.addEventListener("anpo:date", () => { const p = typedPoint(); if (p) describePlace(...p); });
  enableSimulation(meta.simulation_available, () => lastScenario);
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  map.setDate(params.get("date") || new Date().toISOString().slice(0, 10));
  window.addEventListener("hashchange", () => route(map));
  await route(map);
  map.urlReady = true;
  document.body.dataset.ready = "1";
}

main().catch((err) => { document.body.prepend(h("p", { class: "error" }, t("app.start_failed", { msg: err.message }))); });
