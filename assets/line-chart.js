/* The first screen's two charts, the loss along one weight with its ball and the loss over
 * training, drawn by the page itself as SVG (components/line_chart.py). They were Plotly charts:
 * Plotly is 0.37 MB of the page's 0.73 MB, and it is now fetched only when a chart that needs it
 * is first shown (assets/plotly-loader.js). A redraw here is one SVG built in well under a
 * millisecond, where Plotly's replot took 10-30 ms of the frames Play paints the network in.
 *
 * The server still writes each picture as a Plotly figure (components/charts.py,
 * components/landscape_charts.py): lines and markers of scatter traces, their axes' titles and
 * ranges, a legend, and annotations (words placed on the plot, an arrow between two points). This
 * draws that much of the format and nothing more. The element keeps what it drew in .data and
 * .layout, as a Plotly chart does, so that whatever reads a chart reads either kind.
 */
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";
  const GAP = 6;        // px between tick labels and the plot, and between them and an axis title
  const TICKS = 6;      // at most this many ticks on an axis
  const MINUS = "\u2212";

  function el(name, attrs, parent) {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) node.setAttribute(k, v);
    if (parent) parent.appendChild(node);
    return node;
  }

  const finite = (v) => typeof v === "number" && Number.isFinite(v);

  // Round numbers in [lo, hi], at most `count` of them, as close together as that allows: steps of
  // 1, 2 or 5 times a power of ten (so a count of steps never reads 2.5).
  function ticks(lo, hi, count) {
    const span = hi - lo;
    if (!(span > 0)) return {values: [lo], step: 1};
    const power = 10 ** Math.floor(Math.log10(span / Math.max(1, count)));
    for (const step of [1, 2, 5, 10, 20, 50, 100].map((m) => m * power / 10)) {
      const first = Math.ceil(lo / step - 1e-9);
      const last = Math.floor(hi / step + 1e-9);
      if (last - first + 1 <= count || step >= span) {
        const values = [];
        for (let i = first; i <= last; i++) values.push(i * step);
        return {values, step};
      }
    }
    return {values: [lo, hi], step: span};
  }

  // A tick's words: as many decimals as the step needs, no trailing zeros, a true minus sign.
  function tickText(value, step) {
    const decimals = Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
    let text = Math.abs(value) < step * 1e-6 ? "0" : value.toFixed(decimals);
    if (text.includes(".")) text = text.replace(/0+$/, "").replace(/\.$/, "");
    return text.replace("-", MINUS);
  }

  // Plotly's %{x:.3f} and %{y} in a hover template; <br> is a new line, <extra> is dropped.
  function fill(template, x, y) {
    const value = (v, format) => {
      if (!finite(v)) return "—";
      const fixed = /^\.(\d+)f$/.exec(format || "");
      return (fixed ? v.toFixed(+fixed[1]) : String(+v.toPrecision(5))).replace("-", MINUS);
    };
    return template.replace(/<extra>.*?<\/extra>/g, "")
      .replace(/%\{(x|y)(?::([^}]*))?\}/g, (_, axis, format) => value(axis === "x" ? x : y, format))
      .split(/<br\s*\/?>/i);
  }

  // The values an axis must show: every finite point of the traces, and the annotations' points.
  function extent(figure, axis) {
    let lo = Infinity;
    let hi = -Infinity;
    const see = (v) => { if (finite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); } };
    for (const trace of figure.data || []) (trace[axis] || []).forEach(see);
    for (const note of (figure.layout || {}).annotations || []) {
      if (note.xref === "x") { see(note[axis]); see(note[axis === "x" ? "ax" : "ay"]); }
    }
    return [lo, hi];
  }

  function range(figure, axis) {
    const spec = ((figure.layout || {})[`${axis}axis`]) || {};
    if (Array.isArray(spec.range) && finite(spec.range[0]) && finite(spec.range[1]) && spec.range[1] > spec.range[0]) {
      return spec.range;
    }
    let [lo, hi] = extent(figure, axis);
    if (lo > hi) return [0, 1];
    if (spec.rangemode === "tozero") { lo = Math.min(lo, 0); hi = Math.max(hi, 0); }
    if (hi === lo) { const d = Math.abs(lo) || 1; return [lo - d / 2, hi + d / 2]; }
    // Room for the markers on the y axis, none on x: a line runs from edge to edge as Plotly draws it.
    const pad = axis === "y" ? (hi - lo) * 0.05 : 0;
    return [spec.rangemode === "tozero" && lo === 0 ? 0 : lo - pad, hi + pad];
  }

  const textWidth = (() => {
    const paint = document.createElement("canvas").getContext("2d");
    return (text, font) => { paint.font = font; return paint.measureText(text).width; };
  })();

  let clips = 0;

  function draw(box, figure) {
    const layout = figure.layout || {};
    const width = box.clientWidth;
    const height = box.clientHeight;
    box.data = figure.data || [];
    box.layout = layout;
    box.textContent = "";
    if (!(width > 0 && height > 0)) return;
    const style = getComputedStyle(box);
    const size = parseFloat(style.fontSize) || 14;
    const font = `${size}px ${style.fontFamily}`;
    const xs = layout.xaxis || {};
    const ys = layout.yaxis || {};
    const shown = (spec) => spec.visible !== false;
    const [x0, x1] = range(figure, "x");
    const [y0, y1] = range(figure, "y");
    const traces = (figure.data || []).filter((t) => (t.type || "scatter") === "scatter");
    const legend = layout.showlegend ? traces.filter((t) => t.name) : [];
    const line = size * 1.25;
    const title = (spec) => (spec.title && spec.title.text) || "";
    const m = layout.margin || {};
    const bottom = shown(xs) ? Math.max(m.b || 0, GAP + line + (title(xs) ? line + GAP : 0)) : (m.b || 0) / 4;
    const top = (m.t || 0) + (legend.length ? line + GAP : 0) + size / 2;
    // As many ticks as fit with room between their words, up to TICKS; on a plot too short for two
    // (a small window's loss history on the stage), one: never two words over each other.
    const fits = (length, room, least) => Math.max(least, Math.min(TICKS, Math.floor(length / room)));
    const yt = ticks(y0, y1, fits(height - size * 4, size * 2, height - top - bottom >= size * 1.5 ? 2 : 1));
    const yLabels = yt.values.map((v) => tickText(v, yt.step));
    const left = shown(ys) ? Math.max(m.l || 0, GAP + Math.max(...yLabels.map((t) => textWidth(t, font))) + GAP +
      (title(ys) ? line + GAP : 0)) : (m.l || 0) / 4;
    const right = Math.max(m.r || 0, size);
    const plot = {x: left, y: top, w: Math.max(1, width - left - right), h: Math.max(1, height - top - bottom)};
    const xt = ticks(x0, x1, fits(plot.w, size * 3.5, 2));
    const px = (v) => plot.x + (v - x0) / (x1 - x0) * plot.w;
    const py = (v) => plot.y + plot.h - (v - y0) / (y1 - y0) * plot.h;

    const svg = el("svg", {width, height, viewBox: `0 0 ${width} ${height}`, class: "line-chart-svg",
      role: "img", "aria-label": [title(ys), title(xs)].filter(Boolean).join(" against ") || "chart"}, box);
    const background = layout.plot_bgcolor && layout.plot_bgcolor !== "rgba(0,0,0,0)";
    if (background) el("rect", {class: "lc-bg", x: plot.x, y: plot.y, width: plot.w, height: plot.h, fill: layout.plot_bgcolor}, svg);
    const ink = (layout.font || {}).color;
    if (shown(xs)) {
      const grid = el("g", {class: "lc-grid", stroke: xs.gridcolor, "stroke-width": 1}, svg);
      const labels = el("g", {class: "lc-ticks xtick", "text-anchor": "middle", fill: ink}, svg);
      for (const v of xt.values) {
        el("line", {x1: px(v), x2: px(v), y1: plot.y, y2: plot.y + plot.h}, grid);
        el("text", {x: px(v), y: plot.y + plot.h + GAP + size * 0.9}, labels).textContent = tickText(v, xt.step);
      }
      if (title(xs)) {
        el("text", {class: "xtitle", x: plot.x + plot.w / 2, y: plot.y + plot.h + GAP + line + GAP + size * 0.9,
          "text-anchor": "middle", fill: ink}, svg).textContent = title(xs);
      }
    }
    if (shown(ys)) {
      const grid = el("g", {class: "lc-grid", stroke: ys.gridcolor, "stroke-width": 1}, svg);
      const labels = el("g", {class: "lc-ticks ytick", "text-anchor": "end", fill: ink}, svg);
      yt.values.forEach((v, i) => {
        el("line", {x1: plot.x, x2: plot.x + plot.w, y1: py(v), y2: py(v)}, grid);
        el("text", {x: plot.x - GAP, y: py(v) + size * 0.35}, labels).textContent = yLabels[i];
      });
      if (title(ys)) {
        const x = size * 0.9;
        const y = plot.y + plot.h / 2;
        el("text", {class: "ytitle", x, y, "text-anchor": "middle", fill: ink, transform: `rotate(-90 ${x} ${y})`}, svg)
          .textContent = title(ys);
      }
    }

    // The traces, clipped to the plot (a marker may reach a little past it, as on Plotly's plot).
    clips += 1;  // an id of its own: the first screen's copy of a chart is on the page beside the live one
    const clip = `lc-clip-${clips}`;
    el("rect", {x: plot.x - size, y: plot.y - size, width: plot.w + 2 * size, height: plot.h + 2 * size},
      el("clipPath", {id: clip}, el("defs", {}, svg)));
    const drawn = el("g", {class: "lc-traces", "clip-path": `url(#${clip})`}, svg);
    for (const trace of traces) {
      const mode = trace.mode || "lines";
      const xsOf = trace.x || [];
      const ysOf = trace.y || [];
      const g = el("g", {class: "trace"}, drawn);
      if (mode.includes("lines")) {
        let d = "";
        let pen = false;
        for (let i = 0; i < xsOf.length; i++) {
          if (finite(xsOf[i]) && finite(ysOf[i])) {
            d += `${pen ? "L" : "M"}${px(xsOf[i]).toFixed(2)},${py(ysOf[i]).toFixed(2)}`;
            pen = true;
          } else {
            pen = false;  // a gap where the loss overflowed, as Plotly leaves one
          }
        }
        const style = trace.line || {};
        const w = style.width || 2;
        if (d) {
          el("path", {class: "js-line", d, fill: "none", stroke: style.color, "stroke-width": w, "stroke-linejoin": "round",
            "stroke-linecap": "round", "stroke-dasharray": style.dash === "dot" ? `${w * 0.1} ${w * 2}` : null}, g);
        }
      }
      if (mode.includes("markers")) {
        const marker = trace.marker || {};
        const rim = marker.line || {};
        const r = (marker.size || 6) / 2 * (size / 14);
        for (let i = 0; i < xsOf.length; i++) {
          if (!finite(xsOf[i]) || !finite(ysOf[i])) continue;
          el("circle", {class: "point", cx: px(xsOf[i]), cy: py(ysOf[i]), r, fill: marker.color || (trace.line || {}).color,
            stroke: rim.color, "stroke-width": rim.width}, g);
        }
      }
    }

    for (const note of layout.annotations || []) {
      if (note.xref === "x" && note.showarrow) {
        arrow(svg, px(note.ax), py(note.ay), px(note.x), py(note.y), note);
      } else if (note.xref === "paper" && note.text) {
        const f = note.font || {};
        const lines = String(note.text).split(/<br\s*\/?>/i);
        const fs = (f.size || 14) * (size / 14);
        const t = el("text", {class: "lc-note", x: plot.x + note.x * plot.w, "text-anchor": "middle",
          y: plot.y + (1 - note.y) * plot.h - (lines.length - 1) * fs * 0.6 + fs * 0.35,
          fill: f.color, "font-size": fs}, svg);
        lines.forEach((words, i) => {
          el("tspan", {x: plot.x + note.x * plot.w, dy: i ? fs * 1.2 : 0}, t).textContent = words;
        });
      }
    }

    if (legend.length) {
      const g = el("g", {class: "lc-legend", fill: ink}, svg);
      let x = plot.x + plot.w;
      const y = (m.t || 0) + line / 2 + 2;
      for (const trace of legend.slice().reverse()) {
        const style = trace.line || {};
        const w = textWidth(trace.name, font);
        el("text", {x, y: y + size * 0.35, "text-anchor": "end"}, g).textContent = trace.name;
        x -= w + GAP;
        el("line", {x1: x - 24, x2: x, y1: y, y2: y, stroke: style.color, "stroke-width": style.width || 2,
          "stroke-linecap": "round", "stroke-dasharray": style.dash === "dot" ? `${0.1 * (style.width || 2)} ${2 * (style.width || 2)}` : null}, g);
        x -= 24 + 2 * GAP;
      }
    }

    hover(svg, plot, traces, px, py, size);
  }

  // An arrow from one point to another, `standoff` px short of its head and `startstandoff` of its
  // tail, as Plotly draws an annotation's arrow (the update's step, from the hollow ball to the full one).
  function arrow(svg, ax, ay, x, y, note) {
    const dx = x - ax;
    const dy = y - ay;
    const length = Math.hypot(dx, dy);
    const start = note.startstandoff || 0;
    const end = note.standoff || 0;
    if (!(length > start + end + 1)) return;
    const ux = dx / length;
    const uy = dy / length;
    const w = note.arrowwidth || 2;
    const head = w * 3.5 * (note.arrowsize || 1);
    const tip = [x - ux * end, y - uy * end];
    const base = [tip[0] - ux * head, tip[1] - uy * head];
    const g = el("g", {class: "lc-arrow", stroke: note.arrowcolor, fill: note.arrowcolor}, svg);
    el("line", {x1: ax + ux * start, y1: ay + uy * start, x2: base[0], y2: base[1], "stroke-width": w, "stroke-linecap": "round"}, g);
    el("polygon", {points: [tip, [base[0] - uy * head * 0.6, base[1] + ux * head * 0.6],
      [base[0] + uy * head * 0.6, base[1] - ux * head * 0.6]].map((p) => p.join(",")).join(" "), stroke: "none"}, g);
  }

  // Hovering the plot shows each hoverable trace's point nearest the pointer across, with its words.
  function hover(svg, plot, traces, px, py, size) {
    const hoverable = traces.filter((t) => t.hoverinfo !== "skip" && (t.x || []).length > 1);
    if (!hoverable.length) return;
    const layer = el("g", {class: "lc-hover", "pointer-events": "none", visibility: "hidden"}, svg);
    const area = el("rect", {class: "lc-hover-area", x: plot.x, y: plot.y, width: plot.w, height: plot.h, fill: "transparent"}, svg);
    const hide = () => layer.setAttribute("visibility", "hidden");
    area.addEventListener("pointerleave", hide);
    area.addEventListener("pointermove", (ev) => {
      const at = ev.clientX - svg.getBoundingClientRect().left;
      layer.textContent = "";
      let shown = 0;
      for (const trace of hoverable) {
        let best = -1;
        for (let i = 0; i < trace.x.length; i++) {
          if (finite(trace.x[i]) && finite(trace.y[i]) && (best < 0 || Math.abs(px(trace.x[i]) - at) < Math.abs(px(trace.x[best]) - at))) best = i;
        }
        if (best < 0) continue;
        const x = px(trace.x[best]);
        const y = py(trace.y[best]);
        const template = trace.hovertemplate || `${trace.name ? trace.name + ": " : ""}(%{x}, %{y})`;
        const lines = fill(template, trace.x[best], trace.y[best]);
        const colour = (trace.line || {}).color;
        el("circle", {cx: x, cy: y, r: size * 0.35, fill: colour, stroke: "#fff", "stroke-width": 1.5}, layer);
        const t = el("text", {class: "lc-hover-text", y: 0}, layer);
        lines.forEach((words, i) => { el("tspan", {x: 0, dy: i ? size * 1.2 : 0}, t).textContent = words; });
        const box = t.getBBox();
        const w = box.width + 12;
        const h = box.height + 8;
        const tx = x + 10 + w > plot.x + plot.w ? x - 10 - w : x + 10;
        const ty = Math.min(Math.max(y - h / 2 + shown * (h + 4), plot.y), plot.y + plot.h - h);
        t.setAttribute("transform", `translate(${tx + 6} ${ty + 4 - box.y})`);
        layer.insertBefore(el("rect", {class: "lc-hover-box", x: tx, y: ty, width: w, height: h, rx: 3}), t);
        shown += 1;
      }
      layer.setAttribute("visibility", shown ? "visible" : "hidden");
    });
  }

  // Each chart is drawn again when its box changes size (the window, presentation mode, a card opened).
  const resized = new ResizeObserver((entries) => {
    for (const entry of entries) {
      const box = entry.target;
      if (box.figure && (box.clientWidth !== box.drawnAt?.[0] || box.clientHeight !== box.drawnAt?.[1])) show(box, box.figure);
    }
  });

  function show(box, figure) {
    box.figure = figure;
    box.drawnAt = [box.clientWidth, box.clientHeight];
    draw(box, figure);
  }

  function drawn(box, figure) {
    if (!box.observed) { resized.observe(box); box.observed = true; }
    show(box, figure);
  }

  // The first screen's charts (app/page.py; network.js hands them over with the first picture): drawn
  // into its boxes as soon as they have a size, so the ball is on screen with the network. They are
  // the lab the first picture shows: the address's, or on a reload the tab's, kept when the page went.
  let firstCharts = null;
  const isFigure = (figure) => figure !== null && typeof figure === "object" && Array.isArray(figure.data);
  function first(charts) {
    if (!charts || typeof charts !== "object") return;
    firstCharts = charts;
    for (const [name, shown] of Object.entries(charts)) {
      const box = document.querySelector(`.first-screen [data-id="${CSS.escape(name)}"]`);
      if (!box) continue;
      if (isFigure(shown) && box.classList.contains("line-chart")) drawn(box, shown);
      else if (typeof shown === "string" && name === "slice-note") box.textContent = shown;  // React never touches it
    }
  }
  // When the live page takes the first screen's place (shell.js): a chart the server has not drawn
  // there yet shows the first screen's until it does, so the curve does not blink away.
  function adoptFirst() {
    for (const [name, shown] of Object.entries(firstCharts || {})) {
      const box = document.getElementById(name);
      if (box && box.classList.contains("line-chart") && !box.figure && isFigure(shown)) drawn(box, shown);
    }
    firstCharts = null;
  }
  // The charts on show, for the picture the tab keeps when the page goes (network.js): the first
  // screen's while it is up (the live page's may not be drawn yet).
  function kept() {
    const shell = document.querySelector(".first-screen");
    const name = (box) => (shell ? box.dataset.id : box.id);
    const charts = {};
    for (const box of (shell || document).querySelectorAll(shell ? ".line-chart[data-id]" : ".line-chart[id]")) {
      if (!isFigure(box.figure)) continue;
      const {ahead: _, ...figure} = box.figure;  // the moments ahead are the server's to bring again
      charts[name(box)] = figure;
    }
    const note = shell ? shell.querySelector('[data-id="slice-note"]') : document.getElementById("slice-note");
    if (note && note.textContent) charts["slice-note"] = note.textContent;
    return charts;
  }

  // The loss curve's pictures of the moments ahead (app/panels.py, _slice_ahead), by the moment's name:
  // a Step or a Full step that paints the network ahead of the server draws the curve's picture of
  // the same moment with it (network.js, paint), so the ball moves in the same frame as the network.
  // Only for the lab the curve was drawn for (`of`, its fingerprint: app/ahead.py). What it replaced is
  // kept until an answer comes, for a click the server never hears of.
  let beforeAhead = null;
  function ahead(of, moment) {
    const box = document.getElementById("slice-chart");
    const brought = box?.figure?.ahead;
    const picture = brought && typeof of === "string" && brought.of === of ? brought.moments?.[moment] : null;
    if (!picture || !isFigure(picture.figure) || !box.clientWidth) return false;
    const note = document.getElementById("slice-note");
    beforeAhead ??= {figure: box.figure, note: note ? note.textContent : null};
    drawn(box, picture.figure);
    if (typeof picture.note === "string") window.backpropLabWords?.write("slice-note", picture.note);
    return true;
  }
  function takeBack() {
    const box = document.getElementById("slice-chart");
    if (beforeAhead && box) drawn(box, beforeAhead.figure);
    if (typeof beforeAhead?.note === "string") window.backpropLabWords?.write("slice-note", beforeAhead.note);
    beforeAhead = null;
  }

  window.backpropLabLineChart = {
    ahead,
    takeBack,
    settled() { beforeAhead = null; },
    first,
    adoptFirst,
    kept,
    // The clientside callback's work (components/line_chart.py): draw the figure into the box with this
    // id. It changes nothing in Dash's store (its output is only there because a callback needs one):
    // every prop set costs the page Dash's bookkeeping for each component, a few ms while Play runs.
    draw(figure, id) {
      const box = typeof id === "string" ? document.getElementById(id) : null;
      if (box && isFigure(figure)) drawn(box, figure);
      return window.dash_clientside.no_update;
    },
    ticks,
    tickText,
    fill,
  };
})();
