// The law browser: instruments with in-force timelines; provisions with paraphrases.
import { get } from "./api.js";
import { $, clear, h, svg } from "./dom.js";
import { lang, t, te, val } from "./i18n.js";

// The official Japanese title where the API gives one (title_ja), in Japanese; else the usual
// Japanese name from the dictionary (`instrument.<id>`, for U.S. law), else the English.
const titleOf = (x) => (lang() === "ja" && (x.title_ja || (x.id && te(`instrument.${x.id.replaceAll("-", "_")}`, null)))) || x.title;

// A provision's heading in Japanese citation form: "Article V, paragraph 1" -> 第5条第1項,
// "Article 82-2" -> 第82条の2, "Section 4(a)(1)" -> 第4条(a)(1); what follows it in
// parentheses is anpo's English description, kept as given.
const ROMAN = { I: 1, V: 5, X: 10, L: 50 };
function arabic(n) {
  if (/^\d+$/.test(n)) return Number(n);
  let total = 0;
  for (let i = 0; i < n.length; i++) { const v = ROMAN[n[i]], next = ROMAN[n[i + 1]] || 0; total += v < next ? -v : v; }
  return total;
}
function heading(p) {
  const title = titleOf(p);
  if (lang() !== "ja" || p.title_ja) return [title];
  const m = title.match(/^(?:Article|Section) ([IVXL]+|\d+)(?:-(\d+))?((?:\([a-z0-9]+\))*)(?:, paragraph (\d+))?(?:, item (\d+))?(?: (\(.*\)))?$/);
  if (!m) return [h("span", { lang: "en" }, title)];
  const cite = `第${arabic(m[1])}条${m[2] ? `の${m[2]}` : ""}${m[3] || ""}${m[4] ? `第${m[4]}項` : ""}${m[5] ? `第${m[5]}号` : ""}`;
  return m[6] ? [cite, " ", h("span", { lang: "en" }, m[6])] : [cite];
}

let list = null;
const T0 = new Date("1945-01-01").getTime();
const frac = (d) => Math.max(0, Math.min(1, (new Date(d).getTime() - T0) / (Date.now() - T0)));

function timeline(inst) {
  const a = frac(inst.in_force), b = inst.ended ? frac(inst.ended) : 1;
  return svg("svg", { viewBox: "0 0 100 8", preserveAspectRatio: "none", role: "img",
    "aria-label": `${t("law.in_force", { from: inst.in_force })}${inst.ended ? ` · ${t("law.until", { to: inst.ended })}` : ""}` },
    svg("rect", { x: 0, y: 3, width: 100, height: 2, fill: "#e5e5e5" }),
    svg("rect", { x: a * 100, y: 1, width: Math.max((b - a) * 100, 0.5), height: 6, fill: "#1d3557" }));
}

export async function showLaw(path) {
  if (!list) list = (await get("/v1/instruments")).instruments;
  const [instId] = (path || "").split("/");
  clear($("#law-list"), list.map((i) => h("li", {}, h("a", { href: `#law/${i.id}`, "aria-current": i.id === instId ? "true" : null },
    h("strong", {}, titleOf(i)), h("br"), h("small", {}, `${val(i.kind)} · ${t("law.in_force", { from: i.in_force })}${i.ended ? ` – ${i.ended}` : ""}`), timeline(i)))));
  if (!instId) { clear($("#law-detail"), h("p", {}, t("law.choose"))); return; }
  const inst = await get(`/v1/instruments/${instId}`);
  const detail = $("#law-detail");
  clear(detail, h("h3", {}, titleOf(inst)), lang() === "ja" && titleOf(inst) !== inst.title ? h("p", { lang: "en" }, inst.title) : (inst.title_ja ? h("p", { lang: "ja" }, inst.title_ja) : null),
    h("p", {}, `${val(inst.kind)} · ${t("law.signed", { date: inst.signed || "—" })} · ${t("law.in_force", { from: inst.in_force })}${inst.ended ? ` · ${t("law.until", { to: inst.ended })}` : ""} · ${t("law.confidence", { c: val(inst.confidence) })}`),
    timeline(inst),
    h("p", {}, inst.url ? h("a", { href: inst.url, rel: "noreferrer" }, t("law.text")) : null,
      inst.url && inst.url_ja ? " · " : null, inst.url_ja ? h("a", { href: inst.url_ja, rel: "noreferrer", lang: "ja" }, t("law.text_ja")) : null),
    inst.note ? h("p", { lang: "en", class: "law-text" }, inst.note) : null,
    lang() === "ja" ? h("p", { class: "note" }, t("law.english_only")) : null,
    inst.provisions.map((p) => h("div", { class: "provision", id: `p-${p.id}` },
      h("h4", {}, ...heading(p), " ", h("code", { class: "cite" }, p.id)),
      h("p", { lang: "en", class: "law-text" }, p.paraphrase),
      p.term ? h("p", {}, t("law.term"), "“", h("span", { lang: "en" }, p.term), "”") : null,
      h("small", {}, `${t("law.in_force", { from: p.in_force })} · ${val(p.confidence)} · `, h("a", { href: p.url, rel: "noreferrer" }, t("law.source"))),
      p.note ? h("p", { lang: "en", class: "law-text" }, h("small", {}, p.note)) : null)));
  const target = document.getElementById(`p-${path}`);
  (target || detail).scrollIntoView({ block: "start" });
  (target || detail).setAttribute("tabindex", "-1");
  (target || detail).focus({ preventScroll: true });
}
