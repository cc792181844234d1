// Hand-drawn SVG charts with axes and labels (readable without colour).
import { svg } from "./dom.js";

const W = 640, H = 280, M = { l: 56, r: 12, t: 14, b: 70 };

function ticks(lo, hi, n = 5) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n, p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) || raw;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

function axes(g, x0, x1, y0, y1, xs, ys, xLabel, yLabel) {
  const sx = (v) => M.l + ((v - x0) / (x1 - x0 || 1)) * (W - M.l - M.r);
  const sy = (v) => H - M.b - ((v - y0) / (y1 - y0 || 1)) * (H - M.t - M.b);
  g.append(svg("line", { x1: M.l, y1: H - M.b, x2: W - M.r, y2: H - M.b, stroke: "#333" }));
  g.append(svg("line", { x1: M.l, y1: M.t, x2: M.l, y2: H - M.b, stroke: "#333" }));
  for (const t of ys) {
    g.append(svg("line", { x1: M.l, x2: W - M.r, y1: sy(t), y2: sy(t), stroke: "#e5e5e5" }));
    g.append(svg("text", { x: M.l - 4, y: sy(t) + 4, "text-anchor": "end" }, t.toLocaleString()));
  }
  // Slant the labels when there are many, or when they are wider than their slot (about 8.5
  // units a character): level, they would run into each other. A slanted label longer than
  // the margin below the axis holds is cut with an ellipsis (the bars' tooltips say it whole).
  const slot = (W - M.l - M.r) / Math.max(xs.length, 1);
  const tilt = xs.length > 6 || xs.some(([, text]) => String(text).length * 8.5 > slot);
  for (const [v, text] of xs) {
    const x = sx(v), y = H - M.b + 12;
    const shown = tilt && String(text).length > 18 ? `${String(text).slice(0, 17)}…` : text;
    g.append(svg("text", tilt ? { x, y, "text-anchor": "end", transform: `rotate(-25 ${x} ${y})` } : { x, y: y + 2, "text-anchor": "middle" }, shown));
  }
  g.append(svg("text", { x: (M.l + W - M.r) / 2, y: H - 6, "text-anchor": "middle" }, xLabel));
  g.append(svg("text", { x: 12, y: (M.t + H - M.b) / 2, transform: `rotate(-90 12 ${(M.t + H - M.b) / 2})`, "text-anchor": "middle" }, yLabel));
  return { sx, sy };
}

// Each chart's hatch pattern needs its own id: with one shared id, url(#hatch) resolved to the
// first copy in the document, which vanished with the panel that drew it.
let patternCount = 0;

export function barChart({ labels, values, hatched = [], xLabel = "", yLabel = "", title = "" }) {
  const hatchId = `hatch-${++patternCount}`;
  const vals = values.map((v) => (v === null || v === undefined ? 0 : v));
  const hi = Math.max(...vals, 0) * 1.05 || 1;
  const root = svg("svg", { class: "chart", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": title });
  root.append(svg("title", {}, title));
  const defs = svg("defs", {}, svg("pattern", { id: hatchId, width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" },
    svg("rect", { width: 6, height: 6, fill: "#9fb3c8" }), svg("line", { x1: 0, y1: 0, x2: 0, y2: 6, stroke: "#1d3557", "stroke-width": 2 })));
  root.append(defs);
  const n = labels.length, every = Math.max(1, Math.ceil(n / 12));
  const xs = labels.map((l, i) => [i + 0.5, i % every === 0 ? l : ""]);
  const { sx, sy } = axes(root, 0, n, 0, hi, xs, ticks(0, hi), xLabel, yLabel);
  const bw = (W - M.l - M.r) / n * 0.8;
  vals.forEach((v, i) => {
    const r = svg("rect", { x: sx(i + 0.5) - bw / 2, y: sy(v), width: bw, height: sy(0) - sy(v), fill: hatched[i] ? `url(#${hatchId})` : "#1d3557" });
    r.append(svg("title", {}, `${labels[i]}: ${values[i] === null || values[i] === undefined ? "missing" : v.toLocaleString()}`));
    root.append(r);
  });
  return root;
}

export function lineChart({ x, series, xLabel = "", yLabel = "", title = "" }) {
  const all = series.flatMap((s) => s.y);
  const x0 = Math.min(...x), x1 = Math.max(...x), y1 = Math.max(...all, 0) * 1.05 || 1, y0 = Math.min(0, ...all);
  const root = svg("svg", { class: "chart", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": title });
  root.append(svg("title", {}, title));
  const { sx, sy } = axes(root, x0, x1, y0, y1, ticks(x0, x1).map((t) => [t, t.toLocaleString()]), ticks(y0, y1), xLabel, yLabel);
  const dashes = ["", "6 3", "2 3", "10 3 2 3"];
  series.forEach((s, k) => {
    const d = s.y.map((v, i) => `${i ? "L" : "M"}${sx(x[i]).toFixed(1)},${sy(v).toFixed(1)}`).join("");
    root.append(svg("path", { d, fill: "none", stroke: ["#1d3557", "#c1121f", "#2a9d8f", "#6a4c93"][k % 4], "stroke-width": 2, "stroke-dasharray": dashes[k % 4] }));
    const last = s.y.length - 1;
    root.append(svg("text", { x: sx(x[last]) - 4, y: sy(s.y[last]) - 4, "text-anchor": "end" }, s.name));
  });
  return root;
}
