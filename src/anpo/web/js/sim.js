// The simulation panel: start a run for the assessed scenario; its progress and results open
// in their own full-width view (#run/<id>, results.js).
import { get, post } from "./api.js";
import { $, clear, h } from "./dom.js";
import { nameOf, prefName, t } from "./i18n.js";

export function enableSimulation(available, scenarioFn) {
  const section = $("#sim");
  section.hidden = false;
  if (!available) {
    clear($("#sim-status"), t("sim.unavailable"));
    $("#sim-form").hidden = true;
    return;
  }
  // After the map of a new date is drawn, not with it: the list's request would otherwise
  // share the server and the network with the map's and slow the date change.
  document.addEventListener("anpo:drawn", listAirBases);
  $("#sim-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const scenario = scenarioFn();
    if (!scenario) { $("#sim-status").textContent = t("sim.assess_first"); return; }
    const body = { scenario, trials: Number($("#s-trials").value), seed: Number($("#s-seed").value) };
    if ($("#s-fait").value !== "") body.fait_accompli_h = Number($("#s-fait").value);
    const bases = [...$("#s-bases").querySelectorAll("input[type=checkbox]:checked")].map((o) => o.value);
    if (bases.length) {
      body.strikes = { bases };
      body.parameters = { "strike.missiles_per_base": Number($("#s-missiles").value), "strike.salvos": Number($("#s-salvos").value) };
    }
    try {
      const run = await post("/v1/simulations", body);
      $("#sim-status").textContent = t("sim.started", { id: run.id.slice(0, 8) });
      location.hash = `#run/${run.id}`;
    } catch (err) { $("#sim-status").textContent = t("sim.not_started", { msg: err.message }); }
  });
}

// The airfields in operation on the map's date: the bases a strike can target, as checkboxes
// (a multiple select needs Ctrl/Cmd-click, which means nothing on a touch screen).
async function listAirBases() {
  const box = $("#s-bases");
  if (!$("#date-input").value) return;  // the map sets its date (and says so) once it starts
  const chosen = new Set([...box.querySelectorAll("input:checked")].map((o) => o.value));
  try {
    const r = await get("/v1/bases", { date: $("#date-input").value, kind: "airfield" });
    clear(box, r.facilities.filter((f) => f.runways && f.runways.length).map((f) =>
      h("label", { class: "chip" }, h("input", { type: "checkbox", name: "strike-base", value: f.id,
        checked: chosen.has(f.id) ? "" : null }), ` ${nameOf(f)} (${prefName(f.prefecture)})`)));
  } catch (err) { $("#sim-status").textContent = t("sim.bases_failed", { msg: err.message }); }
}

