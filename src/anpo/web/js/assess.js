// The assessment card: determinations, citations linking to the law browser, the receipt,
// a permalink that reproduces the assessment.
import { post } from "./api.js";
import { h, label } from "./dom.js";
import { decidesText, lawText, placeName, shownInEnglish, t, te } from "./i18n.js";

export const yesNo = (v) => (v === true ? t("value.yes") : v === false ? t("value.no") : v === null || v === undefined ? "—" : label(v));

export function citeLink(c) {
  const id = typeof c === "string" ? c : c.id;
  return h("a", { class: "cite", href: `#law/${id}`, title: c.term ? `“${c.term}”` : null }, id);
}

function cites(list) {
  if (!list || !list.length) return null;
  return h("span", {}, " [", list.flatMap((c, i) => (i ? [", ", citeLink(c)] : [citeLink(c)])), "]");
}

// `asGiven`: the law's own English sentence where the dictionary has no Japanese for it.
function fact(dt, dd, list, asGiven = false) {
  return [h("dt", {}, dt), h("dd", { lang: asGiven && shownInEnglish(dd) ? "en" : null }, dd, cites(list))];
}

export function permalink(s) {
  const q = new URLSearchParams();
  for (const k of ["date", "lat", "lon", "event", "target", "us_action"]) if (s[k] !== undefined && s[k] !== null) q.set(k, s[k]);
  return `#assess?${q.toString()}`;
}

// This scenario as A of a two-scenario comparison (B starts as the same, to be changed).
function compareLink(s) {
  const q = new URLSearchParams();
  for (const x of ["a", "b"]) for (const k of ["date", "lat", "lon", "event", "target", "us_action"]) if (s[k] !== undefined && s[k] !== null) q.set(`${x}.${k}`, s[k]);
  return `#compare-assess?${q.toString()}`;
}

export function placeText(p) {
  if (!p || !p.zone) return t("place.none");
  const zone = te(`zone.${p.zone}`, label(p.zone));
  const where = p.name ? t("place.of", { zone, name: placeName(p.unit, p.name) }) : zone;
  const admin = p.administered_by ? t("place.administered", { state: p.administered_by }) : t("place.unadministered");
  const claims = p.claimed_by && p.claimed_by.length ? t("place.claimed", { states: p.claimed_by.join(", ") }) : "";
  return `${where}, ${admin}${claims}`;
}

export function renderResult(r, scenario) {
  const a5 = r.article5;
  const verdict = h("p", { class: `verdict ${a5.status}`, id: "verdict" }, te(`verdict.${a5.status}`, label(a5.status)));
  const facts = h("dl", { class: "facts" },
    fact(t("assess.date"), r.date), fact(t("assess.place"), placeText(r.place)),
    fact(t("assess.treaty"), r.treaty || t("assess.no_treaty")),
    a5.decides ? fact(t("assess.decides"), lawText(decidesText(a5.decides)), null, true) : null,
    a5.blocked_by ? fact(t("assess.would_change"), lawText(a5.blocked_by.would_change) || label(a5.blocked_by.condition), null, true) : null,
    fact(t("assess.a5_citations"), a5.citations.length ? "" : "—", a5.citations),
    fact(t("assess.agreed_minute"), yesNo(r.agreed_minute.applies), r.agreed_minute.citations),
    fact(t("assess.prior_consultation"), r.prior_consultation.required ? t("assess.required") : t("assess.not_required"), r.prior_consultation.citations),
    fact(t("assess.isd"), yesNo(r.japan.individual_self_defense)),
    fact(t("assess.csd_basis"), yesNo(r.japan.collective_self_defense_legal_basis)),
    fact(t("assess.csd_available"), yesNo(r.japan.collective_self_defense_available)),
    fact(t("assess.survival"), yesNo(r.japan.survival_threatening_situation)),
    fact(t("assess.situation"), yesNo(r.japan.situation)),
    fact(t("assess.rear"), yesNo(r.japan.rear_area_support)),
    fact(t("assess.measures"), (r.japan.measures || []).map(label).join(", ") || "—", r.japan.citations),
    r.japan.decides ? Object.entries(r.japan.decides).flatMap(([k, v]) => fact(t("assess.decides_of", { what: te(`cond.${k}`, label(k)) }), decidesText(v))) : null,
    fact(t("assess.war_powers"), r.us.war_powers_report_hours ? t("assess.wpr_within", { h: r.us.war_powers_report_hours, days: r.us.war_powers_clock_days, ext: r.us.war_powers_extension_days }) : t("assess.not_required"), r.us.citations));
  const steps = h("ol", { class: "explain" }, (r.explanation || []).map((s) =>
    h("li", { class: s.assumed ? "assumed" : null }, `${te(`cond.${s.condition}`, label(s.condition))}: ${yesNo(s.value)}${s.assumed ? ` ${t("assess.assumed")}` : ""}`, cites(s.citation))));
  const receipt = h("p", { class: "receipt" }, t("assess.receipt_line", { version: r.receipt.anpo_version, rules: `${r.receipt.ruleset_sha256.slice(0, 16)}…`, data: `${r.receipt.data_sha256.slice(0, 16)}…`, input: `${r.receipt.input_sha256.slice(0, 16)}…` }));
  const saved = h("span", { "aria-live": "polite" });
  const save = h("button", { type: "button", onclick: async () => {
    try {
      const s = await post("/v1/assessments", scenario);
      saved.replaceChildren(t("assess.saved"), h("a", { href: `/v1/assessments/${s.id}` }, s.id));
    } catch (err) { saved.textContent = t("assess.not_saved", { msg: err.message }); }
  } }, t("assess.save"));
  return h("section", { class: "card", id: "assessment", "aria-labelledby": "verdict" },
    h("h3", {}, t("assess.title")), verdict, facts,
    h("details", {}, h("summary", {}, t("assess.explanation", { n: (r.explanation || []).length })), steps),
    receipt, h("p", {}, h("a", { href: permalink(scenario), id: "permalink" }, t("assess.permalink")), " · ",
      h("a", { href: compareLink(scenario), id: "compare-link" }, t("assess.compare")), " · ", save, saved));
}
