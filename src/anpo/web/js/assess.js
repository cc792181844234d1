// The assessment card: determinations, citations linking to the law browser, the receipt,
// a permalink that reproduces the assessment.
import { post } from "./api.js";
import { h, label, yesNo } from "./dom.js";

const VERDICT = { applies: "Article V applies", does_not_apply: "Article V does not apply", case_by_case: "Article V: case by case" };

export function citeLink(c) {
  const id = typeof c === "string" ? c : c.id;
  return h("a", { class: "cite", href: `#law/${id}`, title: c.term ? `“${c.term}”` : null }, id);
}

function cites(list) {
  if (!list || !list.length) return null;
  return h("span", {}, " [", list.flatMap((c, i) => (i ? [", ", citeLink(c)] : [citeLink(c)])), "]");
}

function fact(dt, dd, list) { return [h("dt", {}, dt), h("dd", {}, dd, cites(list))]; }

export function permalink(s) {
  const q = new URLSearchParams();
  for (const k of ["date", "lat", "lon", "event", "target", "us_action"]) if (s[k] !== undefined && s[k] !== null) q.set(k, s[k]);
  return `#assess?${q.toString()}`;
}

export function placeText(p) {
  if (!p || !p.zone) return "no location";
  const where = p.name ? `${label(p.zone)} of ${p.name}` : label(p.zone);
  const admin = p.administered_by ? `administered by ${p.administered_by}` : "not under any state's administration (outside territorial seas)";
  const claims = p.claimed_by && p.claimed_by.length ? `; also claimed by ${p.claimed_by.join(", ")}` : "";
  return `${where}, ${admin}${claims}`;
}

export function renderResult(r, scenario) {
  const a5 = r.article5;
  const verdict = h("p", { class: `verdict ${a5.status}`, id: "verdict" }, VERDICT[a5.status] || label(a5.status));
  const facts = h("dl", { class: "facts" },
    fact("Date", r.date), fact("Place", placeText(r.place)),
    fact("Treaty in force", r.treaty || "none"),
    a5.decides ? fact("Who decides", a5.decides) : null,
    a5.blocked_by ? fact("What would change it", a5.blocked_by.would_change || label(a5.blocked_by.condition)) : null,
    fact("Article V citations", a5.citations.length ? "" : "—", a5.citations),
    fact("Agreed Minute", yesNo(r.agreed_minute.applies), r.agreed_minute.citations),
    fact("Prior consultation", r.prior_consultation.required ? "required" : "not required", r.prior_consultation.citations),
    fact("Japan: individual self-defense", yesNo(r.japan.individual_self_defense)),
    fact("Japan: collective self-defense, legal basis", yesNo(r.japan.collective_self_defense_legal_basis)),
    fact("Japan: collective self-defense, may be exercised", yesNo(r.japan.collective_self_defense_available)),
    fact("Survival-threatening situation", yesNo(r.japan.survival_threatening_situation)),
    fact("Japan: situation", yesNo(r.japan.situation)),
    fact("Rear-area support", yesNo(r.japan.rear_area_support)),
    fact("Japanese measures", (r.japan.measures || []).map(label).join(", ") || "—", r.japan.citations),
    r.japan.decides ? Object.entries(r.japan.decides).flatMap(([k, v]) => fact(`Decides: ${label(k)}`, v)) : null,
    fact("U.S. War Powers report", r.us.war_powers_report_hours ? `within ${r.us.war_powers_report_hours} h; ${r.us.war_powers_clock_days}-day clock (+${r.us.war_powers_extension_days})` : "not required", r.us.citations));
  const steps = h("ol", { class: "explain" }, (r.explanation || []).map((s) =>
    h("li", { class: s.assumed ? "assumed" : null }, `${label(s.condition)}: ${yesNo(s.value)}`, cites(s.citation))));
  const receipt = h("p", { class: "receipt" }, `receipt: anpo ${r.receipt.anpo_version} · rules ${r.receipt.ruleset_sha256.slice(0, 16)}… · data ${r.receipt.data_sha256.slice(0, 16)}… · input ${r.receipt.input_sha256.slice(0, 16)}…`);
  const saved = h("span", { "aria-live": "polite" });
  const save = h("button", { type: "button", onclick: async () => {
    try {
      const s = await post("/v1/assessments", scenario);
      saved.replaceChildren(" saved: ", h("a", { href: `/v1/assessments/${s.id}` }, s.id));
    } catch (err) { saved.textContent = ` not saved: ${err.message}`; }
  } }, "Save");
  return h("section", { class: "card", id: "assessment", "aria-labelledby": "verdict" },
    h("h3", {}, "Assessment"), verdict, facts,
    h("details", {}, h("summary", {}, `Explanation (${(r.explanation || []).length} conditions)`), steps),
    receipt, h("p", {}, h("a", { href: permalink(scenario), id: "permalink" }, "Permalink"), " · ", save, saved));
}
