// The law browser: instruments with in-force timelines; provisions with paraphrases.
import { get } from "./api.js";
import { $, clear, h, label, svg } from "./dom.js";
import { lang, t } from "./i18n.js";

// The official Japanese title where the API gives one (title_ja), in Japanese; else the English.
const titleOf = (x) => (lang() === "ja" && x.title_ja) || x.title;

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
    h("strong", {}, titleOf(i)), h("br"), h("small", {}, `${label(i.kind)} · ${t("law.in_force", { from: i.in_force })}${i.ended ? ` – ${i.ended}` : ""}`), timeline(i)))));
  if (!instId) { clear($("#law-detail"), h("p", {}, t("law.choose"))); return; }
  const inst = await get(`/v1/instruments/${instId}`);
  const detail = $("#law-detail");
  clear(detail, h("h3", {}, titleOf(inst)), lang() === "ja" && inst.title_ja ? h("p", { lang: "en" }, inst.title) : (inst.title_ja ? h("p", { lang: "ja" }, inst.title_ja) : null),
    h("p", {}, `${label(inst.kind)} · ${t("law.signed", { date: inst.signed || "—" })} · ${t("law.in_force", { from: inst.in_force })}${inst.ended ? ` · ${t("law.until", { to: inst.ended })}` : ""} · ${t("law.confidence", { c: inst.confidence })}`),
    timeline(inst),
    h("p", {}, inst.url ? h("a", { href: inst.url, rel: "noreferrer" }, t("law.text")) : null,
      inst.url && inst.url_ja ? " · " : null, inst.url_ja ? h("a", { href: inst.url_ja, rel: "noreferrer", lang: "ja" }, t("law.text_ja")) : null),
    inst.note ? h("p", {}, inst.note) : null,
    inst.provisions.map((p) => h("div", { class: "provision", id: `p-${p.id}` },
      h("h4", {}, `${titleOf(p)} `, h("code", { class: "cite" }, p.id)),
      h("p", {}, p.paraphrase),
      p.term ? h("p", {}, t("law.term"), "“", p.term, "”") : null,
      h("small", {}, `${t("law.in_force", { from: p.in_force })} · ${p.confidence} · `, h("a", { href: p.url, rel: "noreferrer" }, t("law.source"))),
      p.note ? h("p", {}, h("small", {}, p.note)) : null)));
  const target = document.getElementById(`p-${path}`);
  (target || detail).scrollIntoView({ block: "start" });
  (target || detail).setAttribute("tabindex", "-1");
  (target || detail).focus({ preventScroll: true });
}
