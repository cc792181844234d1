// The law browser: instruments with in-force timelines; provisions with paraphrases.
import { get } from "./api.js";
import { $, clear, h, label, svg } from "./dom.js";

let list = null;
const T0 = new Date("1945-01-01").getTime();
const frac = (d) => Math.max(0, Math.min(1, (new Date(d).getTime() - T0) / (Date.now() - T0)));

function timeline(inst) {
  const a = frac(inst.in_force), b = inst.ended ? frac(inst.ended) : 1;
  return svg("svg", { viewBox: "0 0 100 8", preserveAspectRatio: "none", role: "img",
    "aria-label": `in force ${inst.in_force} to ${inst.ended || "today"}` },
    svg("rect", { x: 0, y: 3, width: 100, height: 2, fill: "#e5e5e5" }),
    svg("rect", { x: a * 100, y: 1, width: Math.max((b - a) * 100, 0.5), height: 6, fill: "#1d3557" }));
}

export async function showLaw(path) {
  if (!list) list = (await get("/v1/instruments")).instruments;
  const [instId] = (path || "").split("/");
  clear($("#law-list"), list.map((i) => h("li", {}, h("a", { href: `#law/${i.id}`, "aria-current": i.id === instId ? "true" : null },
    h("strong", {}, i.title), h("br"), h("small", {}, `${label(i.kind)} · in force ${i.in_force}${i.ended ? ` – ${i.ended}` : ""}`), timeline(i)))));
  if (!instId) { clear($("#law-detail"), h("p", {}, "Choose an instrument.")); return; }
  const inst = await get(`/v1/instruments/${instId}`);
  const detail = $("#law-detail");
  clear(detail, h("h3", {}, inst.title),
    h("p", {}, `${label(inst.kind)} · signed ${inst.signed || "—"} · in force ${inst.in_force}${inst.ended ? ` until ${inst.ended}` : ""} · confidence: ${inst.confidence}`),
    timeline(inst),
    h("p", {}, h("a", { href: inst.url, rel: "noreferrer" }, "Text (official or best public source)")),
    inst.note ? h("p", {}, inst.note) : null,
    inst.provisions.map((p) => h("div", { class: "provision", id: `p-${p.id}` },
      h("h4", {}, `${p.title} `, h("code", { class: "cite" }, p.id)),
      h("p", {}, p.paraphrase),
      p.term ? h("p", {}, "Term of art: “", p.term, "”") : null,
      h("small", {}, `in force ${p.in_force} · ${p.confidence} · `, h("a", { href: p.url, rel: "noreferrer" }, "source")),
      p.note ? h("p", {}, h("small", {}, p.note)) : null)));
  const target = document.getElementById(`p-${path}`);
  (target || detail).scrollIntoView({ block: "start" });
  (target || detail).setAttribute("tabindex", "-1");
  (target || detail).focus({ preventScroll: true });
}
