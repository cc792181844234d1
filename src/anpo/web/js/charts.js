// Charts drawn with Observable Plot (vendor/plot, from npm; CSP-safe: no eval, SVG out).
// Every chart is a figure with: the chart, drawn again at its container's width whenever that
// changes (names are wrapped, never cut); values on hover (a <title> per mark and Plot's tip);
// downloads of the chart as SVG and PNG and of its data as CSV; the same data as a table.
import { h } from "./dom.js";
import { lang, shownInEnglish, t, val } from "./i18n.js";

const Plot = window.Plot;
const FONT = 13; // px: the chart's text, readable on a phone
const CHAR = FONT * 0.6; // about the width of one character

let figureCount = 0;

// CSV: a header row, then one line a row; quotes where a value holds a comma, quote or newline.
export function toCsv(rows, columns) {
  const cell = (v) => {
    const s = v === null || v === undefined ? "" : String(v);
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [columns.map((c) => cell(c.label || c.key)), ...rows.map((r) => columns.map((c) => cell(r[c.key])))].join("\n") + "\n";
}

export function download(name, blob) {
  const a = h("a", { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

function svgText(svgEl) {
  const copy = svgEl.cloneNode(true);
  copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  copy.setAttribute("font-family", "system-ui, sans-serif");
  return new XMLSerializer().serializeToString(copy);
}

// PNG: the SVG drawn on a canvas at twice its size, on white.
function svgToPng(svgEl) {
  const w = svgEl.width.baseVal.value || svgEl.getBoundingClientRect().width, hgt = svgEl.height.baseVal.value || svgEl.getBoundingClientRect().height;
  return new Promise((resolve, reject) => {
    const img = new Image();
    const url = URL.createObjectURL(new Blob([svgText(svgEl)], { type: "image/svg+xml" }));
    img.onload = () => {
      const c = document.createElement("canvas");
      c.width = Math.ceil(w * 2);
      c.height = Math.ceil(hgt * 2);
      const g = c.getContext("2d");
      g.fillStyle = "#fff";
      g.fillRect(0, 0, c.width, c.height);
      g.drawImage(img, 0, 0, c.width, c.height);
      URL.revokeObjectURL(url);
      c.toBlob((b) => (b ? resolve(b) : reject(new Error("no PNG"))), "image/png");
    };
    img.onerror = () => { URL.revokeObjectURL(url); reject(new Error("the SVG could not be drawn")); };
    img.src = url;
  });
}

// A value that names a kind (a confidence, a basis, a status: lower case words, or UNVERIFIED)
// is shown in the page's language; free text is shown as the data gives it.
const ENUM = /^(?:[a-z][a-z_]*(?: [a-z_]+){0,3}|UNVERIFIED)$/;
// Columns of identifiers (`id: true`) are marked translate="no".
// Columns that cite a source: the citation as its publisher titles it (English in the data
// where it has no Japanese), marked lang="en" in the Japanese page.
const SOURCE = /(^|_)(source|read_from|document)$/;

export function dataTable(rows, columns, caption) {
  const fmt = (v, c) => (v === null || v === undefined ? "—" : c.format ? c.format(v) : typeof v === "number" ? v.toLocaleString()
    : typeof v === "boolean" || (!SOURCE.test(c.key) && ENUM.test(v)) ? val(v) : String(v));
  const cell = (v, c) => {
    const text = fmt(v, c);
    return h("td", { class: c.num ? "num" : SOURCE.test(c.key) ? "src-text" : null, translate: c.id ? "no" : null, lang: !c.num && (SOURCE.test(c.key) ? lang() === "ja" && /[A-Za-z]{3,}/.test(text) : c.asGiven && shownInEnglish(text)) ? "en" : null }, text);
  };
  return h("table", {}, caption ? h("caption", {}, caption) : null,
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { class: c.num ? "num" : null, scope: "col" }, c.label ?? c.key)))),
    h("tbody", {}, rows.map((r) => h("tr", { class: r._class || null }, columns.map((c) => cell(r[c.key], c))))));
}

// A chart figure. `draw(width)` returns Plot options for that width; `rows` and `columns` are
// the data behind it (for the CSV and the table).
export function chartFigure({ name, title, caption, rows, columns, draw }) {
  const id = `chart-${++figureCount}`;
  const holder = h("div", { class: "chart-holder" });
  let drawnWidth = 0;
  const render = () => {
    const width = Math.max(280, Math.floor(holder.clientWidth || holder.parentElement?.clientWidth || 640));
    if (Math.abs(width - drawnWidth) < 8 && holder.firstChild) return;
    drawnWidth = width;
    const opts = draw(width);
    const el = Plot.plot({ width, style: { fontSize: `${FONT}px`, overflow: "visible" }, ...opts });
    // With a legend Plot returns a figure: its chart is the figure's own svg (the legend's
    // swatches are svgs inside a div).
    const svgEl = el.tagName.toLowerCase() === "svg" ? el : el.querySelector(":scope > svg");
    svgEl.classList.add("chart");
    svgEl.setAttribute("role", "img");
    svgEl.setAttribute("aria-label", title);
    holder.replaceChildren(el);
  };
  const svgOf = () => holder.querySelector("svg.chart");
  const base = name || id;
  const buttons = h("div", { class: "downloads", role: "group", "aria-label": t("chart.downloads", { title }) },
    h("button", { type: "button", class: "dl dl-svg", onclick: () => download(`${base}.svg`, new Blob([svgText(svgOf())], { type: "image/svg+xml" })) }, "SVG"),
    h("button", { type: "button", class: "dl dl-png", onclick: async () => download(`${base}.png`, await svgToPng(svgOf())) }, "PNG"),
    h("button", { type: "button", class: "dl dl-csv", onclick: () => download(`${base}.csv`, new Blob([toCsv(rows, columns)], { type: "text/csv" })) }, "CSV"));
  const fig = h("figure", { class: "chart-figure", id, "data-chart": base },
    h("h4", { class: "chart-title" }, title), holder, h("figcaption", {}, caption || ""), buttons,
    h("details", { class: "chart-table" }, h("summary", {}, t("chart.table")), h("div", { class: "scroll" }, dataTable(rows, columns))));
  // Drawn once attached (its width known), again when the width changes.
  const ro = new ResizeObserver(() => { if (holder.isConnected) render(); });
  ro.observe(holder);
  requestAnimationFrame(() => { if (!holder.firstChild) render(); });
  return fig;
}

// A name's width in px: Japanese and Chinese characters are about one em wide, Latin ones
// about 0.6 em.
export function textWidth(text) {
  let w = 0;
  for (const ch of String(text)) w += ch.codePointAt(0) >= 0x2e80 ? FONT : CHAR;
  return w;
}

// Left margin that holds the longest name on one line, at most 45 % of the width (longer
// names wrap onto more lines).
function nameMargin(names, width) {
  const longest = Math.max(4 * CHAR, ...names.map(textWidth));
  return Math.min(Math.round(width * 0.45), Math.ceil(longest) + 16);
}
const wrapEms = (margin) => Math.max(6, (margin - 14) / FONT); // Plot wraps at this many ems
// A name's lines for a margin: Plot wraps only at spaces and hyphens, and Japanese has
// neither, so text with Japanese characters is broken here into lines that fit the margin.
export function wrapTick(margin) {
  const max = margin - 14;
  return (d) => {
    const text = String(d);
    if (!/[\u2e80-\u9fff\uff00-\uffef]/.test(text) || textWidth(text) <= max) return text;
    const lines = [];
    let line = "";
    for (const ch of text) {
      if (line && textWidth(line + ch) > max) { lines.push(line); line = ""; }
      line += ch;
    }
    return [...lines, line].join("\n");
  };
}

// Horizontal bars: long names on the left, wrapped to the margin (never cut).
export function barFigure({ name, title, caption, rows, valueLabel, format = (v) => v.toLocaleString(), hatchedLabel, columns }) {
  const names = rows.map((r) => r.label);
  return chartFigure({ name, title, caption, rows,
    columns: columns || [{ key: "label", label: t("chart.name") }, { key: "value", label: valueLabel, num: true }],
    draw: (width) => {
      const ml = nameMargin(names, width);
      const lines = Math.max(...names.map((n) => Math.ceil(textWidth(n) / (ml - 14))), 1);
      return {
        marginLeft: ml, marginRight: 20, height: 40 + rows.length * Math.max(26, 16 * Math.min(lines, 3)),
        x: { label: valueLabel, grid: true, nice: true, labelAnchor: "center", labelOffset: 34 }, marginBottom: 42,
        y: { label: null, domain: names },
        marks: [
          Plot.axisY({ lineWidth: wrapEms(ml), textOverflow: null, tickSize: 0, tickFormat: wrapTick(ml) }),
          ...[false, true].map((hatched) => Plot.barX(rows.filter((d) => !!d.hatched === hatched && d.value !== null && d.value !== undefined), {
            x: "value", y: "label", fill: hatched ? "#9fb3c8" : "#1d3557", stroke: hatched ? "#1d3557" : "none", strokeDasharray: hatched ? "3 2" : null,
            title: (d) => `${d.label}: ${format(d.value)}${hatched && hatchedLabel ? ` (${hatchedLabel})` : ""}`, tip: true })),
          Plot.ruleX([0]),
        ],
      };
    } });
}

// Vertical bars over years (the cost ledger): x is a year, labels thinned at narrow widths.
export function yearBarFigure({ name, title, caption, rows, valueLabel, hatchedLabel, columns }) {
  return chartFigure({ name, title, caption, rows, columns,
    draw: (width) => {
      const every = Math.max(1, Math.ceil(rows.length * 34 / width));
      return {
        marginLeft: 56, marginBottom: 40, height: 300,
        x: { label: null, type: "band", domain: rows.map((d) => d.x), tickFormat: (d, i) => (i % every === 0 ? String(d) : "") },
        y: { label: valueLabel, grid: true },
        marks: [
          ...[false, true].map((hatched) => Plot.barY(rows.filter((d) => !!d.hatched === hatched && d.value !== null && d.value !== undefined), {
            x: "x", y: "value", fill: hatched ? "#9fb3c8" : "#1d3557", stroke: hatched ? "#1d3557" : "none", strokeDasharray: hatched ? "3 2" : null,
            title: (d) => `${d.x}: ${d.value.toLocaleString()}${hatched && hatchedLabel ? ` (${hatchedLabel})` : ""}`, tip: true,
            className: hatched ? "bar-hatched" : "bar-budget" })),
          Plot.ruleY([0]),
        ],
      };
    } });
}

// Intervals: p5-p95 band, median dot, mean tick; one row a name, grouped by `group`.
export function intervalFigure({ name, title, caption, rows, valueLabel, columns }) {
  const names = rows.map((r) => r.label);
  return chartFigure({ name, title, caption, rows, columns,
    draw: (width) => {
      const ml = nameMargin(names, width);
      const lines = Math.max(...names.map((n) => Math.ceil(textWidth(n) / (ml - 14))), 1);
      const tip = (d) => `${d.label}\np5 ${fmt2(d.p5)} · p50 ${fmt2(d.p50)} · p95 ${fmt2(d.p95)} · ${t("sim.mean")} ${fmt2(d.mean)}${d.p_never ? ` · ${t("sim.never")} ${fmt2(d.p_never)}` : ""}`;
      return {
        marginLeft: ml, marginRight: 20, height: 50 + rows.length * Math.max(26, 16 * Math.min(lines, 3)),
        x: { label: valueLabel, grid: true, nice: true, labelAnchor: "center", labelOffset: 34 }, marginBottom: 42,
        y: { label: null, domain: names },
        color: { legend: false },
        marks: [
          Plot.axisY({ lineWidth: wrapEms(ml), textOverflow: null, tickSize: 0, tickFormat: wrapTick(ml) }),
          Plot.ruleY(rows, { y: "label", x1: "p5", x2: "p95", stroke: (d) => d.colour || "#1d3557", strokeWidth: 8, strokeOpacity: 0.35, title: tip }),
          Plot.tickX(rows, { y: "label", x: "mean", stroke: "#111", strokeDasharray: "2 2", title: tip }),
          Plot.dot(rows, { y: "label", x: "p50", fill: (d) => d.colour || "#1d3557", r: 5, title: tip, tip: true }),
        ],
      };
    } });
}

// Lines over a shared x, one a series, each named at its end and in the legend text.
export function lineFigure({ name, title, caption, rows, xLabel, yLabel, columns, series }) {
  const palette = ["#1d3557", "#c1121f", "#2a9d8f", "#6a4c93", "#e76f51"];
  const dashes = ["", "6 3", "2 3", "10 3 2 3", "1 2"];
  return chartFigure({ name, title, caption, rows, columns,
    draw: () => ({
      marginLeft: 56, marginRight: 110, height: 300,
      x: { label: xLabel, grid: true, labelAnchor: "center", labelOffset: 34 }, marginBottom: 42,
      y: { label: yLabel, grid: true },
      marks: [
        ...series.map((s, k) => Plot.line(rows, { x: "x", y: s.key, stroke: palette[k % 5], strokeWidth: 2, strokeDasharray: dashes[k % 5],
          title: (d) => `${s.label}: ${fmt2(d[s.key])} (${xLabel} ${d.x})` })),
        ...series.map((s, k) => Plot.text(rows.slice(-1), { x: "x", y: s.key, text: () => s.label, dx: 6, dy: (k % 2 ? 8 : -8), textAnchor: "start", fill: palette[k % 5] })),
        Plot.tip(rows, Plot.pointerX({ x: "x", y: series[0]?.key, title: (d) => [`${xLabel}: ${d.x}`, ...series.map((s) => `${s.label}: ${fmt2(d[s.key])}`)].join("\n") })),
      ],
    }) });
}

// Several series over years, one colour a part, named in the legend above (not stacked: a
// ledger's totals contain some of its other lines).
export function partLinesFigure({ name, title, caption, rows, valueLabel, columns }) {
  return chartFigure({ name, title, caption, rows, columns,
    draw: () => ({
      marginLeft: 56, marginBottom: 40, height: 360,
      color: { legend: true, type: "categorical", scheme: "tableau10" },
      x: { label: null, tickFormat: (d) => String(d), grid: true },
      y: { label: valueLabel, grid: true, zero: true },
      marks: [
        Plot.line(rows, { x: "x", y: "value", stroke: "part", strokeOpacity: 0.6 }),
        Plot.dot(rows, { x: "x", y: "value", fill: "part", r: 3.5, title: (d) => `${d.x} · ${d.part}: ${fmt2(d.value)}`, tip: true }),
      ],
    }) });
}

export const fmt2 = (v) => (v === null || v === undefined || Number.isNaN(v) ? "—" : Number(v).toLocaleString(undefined, { maximumFractionDigits: 2 }));
