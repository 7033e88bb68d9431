// The page's own small charts, drawn as inline SVG: bars and lines over the same categories (hours, days,
// weekdays), counts on a left scale and minutes on a right one. A chart is one image with a name
// (role="img"); the same numbers are in the table beside it, and each bar or point has a title for a
// pointer. The two kinds of mark differ by shape as well as colour (bars; a solid line with dots; a
// dashed line with squares), and the legend says which is which. A chart is drawn at its box's width in
// pixels, so its text stays readable on a phone, and drawn again when that width changes.
import { h } from "../shared/dom.js";

const NS = "http://www.w3.org/2000/svg";
const HEIGHT = 230;
const TOP = 12, BOTTOM = 28, CHAR = 7; // px; CHAR: an average digit's width at the chart's font size

function svg(tag, attrs, ...kids) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v != null) node.setAttribute(k, String(v));
  for (const kid of kids) if (kid != null) node.append(kid);
  return node;
}
const title = (text) => svg("title", null, text);

// A round scale from 0 in `steps` steps of 1, 2, 2.5 or 5 × 10^n, at least `least` each (whole steps
// for counts).
export function scale(max, whole, least = 0, steps = 4) {
  let step = Math.max(least, max > 0 ? max / steps : 1);
  const magnitude = 10 ** Math.floor(Math.log10(step));
  const n = step / magnitude;
  step = (n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10) * magnitude;
  if (whole) step = Math.max(1, Math.ceil(step));
  return { step, top: step * steps, steps };
}

function sideScale(series, side) {
  const mine = series.filter((s) => (s.side || "left") === side);
  if (!mine.length) return null;
  const max = Math.max(0, ...mine.flatMap((s) => s.values.filter((v) => v != null)));
  return { ...scale(max, mine.every((s) => s.whole), Math.max(0, ...mine.map((s) => s.least || 0))), format: mine[0].axisFormat };
}

// The chart as an <svg> `width` px wide. `spec`: { label, labels (full, for titles), ticks (short, on
// the axis), series: [{ kind: "bar" | "line", values, name, side: "left" | "right", whole, least (the
// smallest step of its scale), dashed, format (a value for a title), axisFormat (a scale's number) }] }.
export function drawChart(spec, width) {
  const { labels, ticks, series } = spec;
  const left = sideScale(series, "left"), right = sideScale(series, "right");
  const widest = (s) => (s ? Math.max(...Array.from({ length: s.steps + 1 }, (_, i) => s.format(s.step * i).length)) : 0);
  const l = left ? 10 + widest(left) * CHAR : 8, r = right ? 10 + widest(right) * CHAR : 8;
  const w = Math.max(120, width), pw = w - l - r, ph = HEIGHT - TOP - BOTTOM;
  const n = labels.length, band = pw / Math.max(1, n);
  const root = svg("svg", { class: "chart", role: "img", "aria-label": spec.label, width: w, height: HEIGHT,
                           viewBox: `0 0 ${w} ${HEIGHT}` });

  // Grid and scales: the right scale's lines fall on the left's.
  const grid = svg("g", { class: "chart-grid", "aria-hidden": "true" });
  const steps = (left || right).steps;
  for (let i = 0; i <= steps; i++) {
    const y = TOP + ph - (ph * i) / steps;
    grid.append(svg("line", { x1: l, x2: w - r, y1: y, y2: y, class: i ? "chart-line-grid" : "chart-line-base" }));
    if (left) grid.append(svg("text", { x: l - 6, y: y + 4, "text-anchor": "end" }, left.format(left.step * i)));
    if (right) grid.append(svg("text", { x: w - r + 6, y: y + 4, "text-anchor": "start" }, right.format(right.step * i)));
  }
  // Category labels (an empty one is not drawn), as many as fit side by side, evenly.
  const longest = Math.max(1, ...ticks.map((s) => String(s).length));
  const room = longest * CHAR + 10;
  const every = Math.max(1, Math.ceil(room / band));
  let last = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = l + band * (i + 0.5);
    if (!ticks[i] || (every > 1 && ticks.every(Boolean) && i % every) || x - last < room) continue;
    grid.append(svg("text", { x, y: HEIGHT - 8, "text-anchor": "middle" }, ticks[i]));
    last = x;
  }
  root.append(grid);

  const y = (v, s) => TOP + ph - (ph * v) / s.top;
  for (const [index, s] of series.entries()) {
    const sc = (s.side || "left") === "right" ? right : left;
    const g = svg("g", { class: `chart-series chart-${s.kind}${s.dashed ? " chart-dashed" : ""} chart-s${index}` });
    if (s.kind === "bar") {
      const bw = Math.max(1, band * 0.64);
      s.values.forEach((v, i) => {
        if (v == null) return;
        const top = y(v, sc);
        g.append(svg("rect", { x: l + band * i + (band - bw) / 2, y: top, width: bw, height: Math.max(0, TOP + ph - top) },
                     title(`${labels[i]}: ${s.name} ${s.format(v)}`)));
      });
    } else {
      let d = "", pen = false;
      s.values.forEach((v, i) => {
        if (v == null) { pen = false; return; }
        d += `${pen ? "L" : "M"}${(l + band * (i + 0.5)).toFixed(1)} ${y(v, sc).toFixed(1)}`;
        pen = true;
      });
      g.append(svg("path", { d: d || "M0 0", fill: "none" }));
      if (band >= 7) {
        s.values.forEach((v, i) => {
          if (v == null) return;
          const cx = l + band * (i + 0.5), cy = y(v, sc);
          const mark = s.dashed ? svg("rect", { x: cx - 3.5, y: cy - 3.5, width: 7, height: 7 }) : svg("circle", { cx, cy, r: 3.5 });
          mark.append(title(`${labels[i]}: ${s.name} ${s.format(v)}`));
          g.append(mark);
        });
      }
    }
    root.append(g);
  }
  return root;
}

// What each mark means, as text.
function legend(series) {
  return h("ul", { class: "legend" }, series.map((s, i) => h("li", null,
    h("span", { class: `swatch swatch-${s.kind}${s.dashed ? " swatch-dashed" : ""} chart-s${i}`, "aria-hidden": "true" }),
    s.legend || s.name)));
}

const drawn = new WeakMap(); // box -> { spec, width }
const watcher = typeof ResizeObserver === "function" ? new ResizeObserver((entries) => {
  for (const entry of entries) {
    const box = entry.target, was = drawn.get(box);
    if (was && Math.abs(box.clientWidth - was.width) >= 1) place(box, was.spec);
  }
}) : null;

function place(box, spec) {
  const width = box.clientWidth || 600;
  drawn.set(box, { spec, width });
  box.replaceChildren(drawChart(spec, width));
}

// The chart and its legend in `figure` (emptied first), kept as wide as its box.
export function showChart(figure, spec) {
  const box = h("div", { class: "chart-box" });
  figure.replaceChildren(box, legend(spec.series));
  place(box, spec);
  watcher?.observe(box);
}
