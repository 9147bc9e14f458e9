/* Backprop Lab's network renderer.
 *
 * Python (components/network_view.py) decides everything: positions, sizes,
 * colours, labels, which edges carry the travelling signal or blame. This file
 * only maps that view model onto SVG elements: it builds them once per network
 * shape and afterwards updates attributes, which is what keeps a Step click
 * fast. Clicking an edge or neuron pins its weight or bias (through the
 * "clicked-param" store); hovering shows the live values in a tooltip built on
 * hover, not on every step. It also draws the first picture, into the first
 * screen, and moves it to the live page.
 *
 * Play's clock (play.js) and a slider drag (slider-drag.js) draw through this
 * file too. What the three share is one object, window.backpropLabNetwork:
 *   view      the last view drawn (Step paints its `next`; a drag takes its model; at full
 *             speed Play paints its `frames` first, one per display frame);
 *   paint     draws a view onto the live network, if its shape is the one there;
 *   redraw    draws the last view again;
 *   nextTick  (play.js) asks for Play's next tick around each drawing;
 *   follow    (slider-drag.js) keeps each view's model, and draws a drag's latest position.
 * This file is read first of the three (Dash loads assets by name, app/page.py keeps that
 * order) and draws the first picture before the other two are there: it calls their
 * parts only when they have put them on the object.
 */
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";
  const net = window.backpropLabNetwork = window.backpropLabNetwork || {};

  function el(tag, attrs, parent) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (parent) parent.appendChild(node);
    return node;
  }

  function set(node, attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (node.getAttribute(k) !== String(v)) node.setAttribute(k, v);
    }
  }

  // Returns whether the text changed: a picture drawn again unchanged is no new moment.
  function setText(node, text) {
    if (node.textContent === text) return false;
    node.textContent = text;
    return true;
  }

  // One-time skeleton for a network shape, from its geometry (positions, paths, names):
  // layers of groups so that blame glows sit under edges, edges under the travelling
  // pulses, and neurons on top. Every later view only changes attributes.
  function build(container, geometry) {
    hideTip();
    container.innerHTML = "";
    const svg = el("svg", {
      viewBox: (geometry.view || [0, 0, geometry.width, geometry.height]).join(" "), class: "network-svg", role: "img",
      "aria-label": `Network with layers ${geometry.key}`,
    }, container);
    const groups = {};
    for (const name of ["columns", "glows", "edges", "pulses", "edgeLabels", "nodes", "output"]) {
      groups[name] = el("g", {class: `g-${name}`}, svg);
    }
    const parts = {svg, groups, edges: new Map(), nodes: new Map(), key: geometry.key, line: geometry.line,
      font: geometry.fonts, sudden: geometry.eased === false ? " sudden" : ""};
    // Type sizes come with the geometry: the label placement was computed for them.
    const font = geometry.fonts;

    for (const c of geometry.columns) {
      el("text", {class: "column-title", "text-anchor": "middle", x: c.x, y: c.y, "font-size": font.title},
        groups.columns).textContent = c.text;
    }
    for (const e of geometry.edges) {
      const glow = el("path", {class: "edge-glow"}, groups.glows);
      const line = el("path", {class: "edge", tabindex: "-1"}, groups.edges);
      // A wide invisible stroke over each edge: a thin edge is hard to hit with a mouse.
      const hit = el("path", {class: "edge-hit"}, groups.edges);
      const pulse = el("path", {class: "pulse"}, groups.pulses);
      const label = el("text", {class: "edge-label", "text-anchor": "middle", "font-size": font.weight}, groups.edgeLabels);
      const grad = el("text", {class: "edge-grad", "text-anchor": "middle", "font-size": font.grad,
        x: e.gx ?? 0, y: e.gy ?? 0}, groups.edgeLabels);
      for (const target of [line, glow, hit]) {
        target.addEventListener("click", () => pick(e.id));
        target.addEventListener("mouseenter", (ev) => showTip(parts.edges.get(e.id), ev));
        target.addEventListener("mousemove", moveTip);
        target.addEventListener("mouseleave", hideTip);
      }
      for (const path of [line, hit, glow, pulse]) path.setAttribute("d", e.d);
      hit.dataset.graph = e.id;  // what a click names (predict.js answers a question with it)
      parts.edges.set(e.id, {glow, line, hit, pulse, label, grad, tip: "", at: e});
    }
    for (const n of geometry.nodes) {
      // data-graph, not data-id: the first screen waits for the live page to have each data-id (shell.js).
      const g = el("g", {class: "node", tabindex: "0", role: "button", "data-graph": n.id}, groups.nodes);
      const ring = el("circle", {class: "ring"}, g);
      const base = el("circle", {class: "node-base"}, g);
      const fill = el("circle", {class: "node-fill"}, g);
      // A value sits inside its neuron, or left of an input of a larger network, after its name.
      const left = n.value_at === "left";
      const text = el("text", {"text-anchor": left ? "end" : "middle", x: n.vx, y: n.vy, "font-size": n.vf ?? font.value}, g);
      const sub = el("text", {class: "node-delta", "text-anchor": "middle", x: n.x, y: n.dy ?? 0,
        "font-size": font.delta}, g);
      const arrow = el("text", {class: "node-arrow", "text-anchor": "middle", "font-size": font.arrow,
        x: n.ax ?? 0, y: n.ay}, g);
      const name = el("text", {class: "node-name", "text-anchor": "middle", x: n.x, y: n.ny,
        "font-size": font.name}, g);
      const bias = n.id.startsWith("n0-") ? null : biasName(n.id);
      const activate = () => { if (bias) pick(bias); };
      g.addEventListener("click", activate);
      g.addEventListener("keydown", (ev) => { if (ev.key === "Enter") activate(); });
      g.addEventListener("mouseenter", (ev) => { showTip(parts.nodes.get(n.id), ev); hover(n.id); });
      g.addEventListener("mousemove", moveTip);
      g.addEventListener("mouseleave", () => { hideTip(); hover(null); });
      set(base, {cx: n.x, cy: n.y, r: n.r, stroke: n.stroke});
      set(fill, {cx: n.x, cy: n.y, r: n.r - 2});
      set(ring, {cx: n.x, cy: n.y});
      if (!left) name.textContent = n.name;
      parts.nodes.set(n.id, {g, ring, base, fill, text, sub, arrow, name, tip: "", at: n});
    }
    parts.outputText = el("text", {class: "output-box", "font-size": font.output}, groups.output);
    // Several outputs: a row beside each, at its height (its class's mark, its name and value; its
    // target and error below). Where they sit and their marks' colours never change for a shape.
    parts.rows = (geometry.output.rows || []).map((r) => {
      // The line starts at the text's own x and y, with or without a mark before the name.
      const row = el("text", {class: "output-row", x: r.x, y: r.y, "font-size": font.output}, groups.output);
      const mark = el("tspan", {class: "class-mark", fill: r.colour}, row);
      const first = el("tspan", {}, row);
      const second = el("tspan", {x: r.x, y: r.y + geometry.line}, row);
      return {row, mark, first, second, at: r};
    });
    container._parts = parts;
    showSelected(parts);
    return parts;
  }

  // "n2-0" → "b2[0]": a neuron's click pins its bias.
  function biasName(id) {
    const [layer, index] = id.slice(1).split("-");
    return `b${layer}[${index}]`;
  }

  function pick(param) {
    if (window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props("clicked-param", {data: {param, t: Date.now()}});
    }
  }

  // The tooltip remembers whose values it shows, so that a redraw while the pointer
  // rests on an edge or neuron (training, dragging a slider) refreshes its numbers.
  // The data panel shows a hovered neuron's own surface.
  function hover(id) {
    if (window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props("hover-neuron", {data: id});
    }
  }

  let tip = null;
  let tipOwner = null;
  function showTip(owner, ev) {
    const text = owner && owner.tip;
    if (!text) return;
    tipOwner = owner;
    if (!tip) {
      tip = document.createElement("div");
      tip.className = "network-tip";
      document.body.appendChild(tip);
    }
    tip.textContent = text;
    tip.style.display = "block";
    moveTip(ev);
  }
  function moveTip(ev) {
    if (!tip) return;
    tip.style.left = `${ev.clientX + 14}px`;
    tip.style.top = `${ev.clientY + 14}px`;
  }
  function hideTip() {
    tipOwner = null;
    if (tip) tip.style.display = "none";
  }
  function refreshTip(owner) {
    if (tip && owner === tipOwner && tip.textContent !== owner.tip) tip.textContent = owner.tip;
  }

  function update(parts, view) {
    // While playing, nothing eases or flows: each tick's picture replaces the last at once,
    // which keeps style and layout work (hundreds of edges) off the main thread.
    const still = window.backpropLab?.playing?.() ? " playing" : "";  // play.js
    set(parts.svg, {class: `network-svg phase-${view.phase}${view.labels ? " with-labels" : ""}${still}${parts.sudden}`});
    const updated = view.phase === "update";
    const widen = presenting() ? 1.6 : 1;  // presentation mode: strokes that carry across a room
    // A number changed: a new moment, not the same one drawn again (nor wider strokes for presenting).
    let moved = false;
    for (const e of view.edges) {
      const p = parts.edges.get(e.id);
      const at = p.at;
      if (e.tip !== undefined) {  // views sent while playing leave the last tooltips in place
        p.tip = e.tip;
        refreshTip(p);
      }
      if (e.aria !== undefined) set(p.line, {"aria-label": e.aria});
      set(p.line, {stroke: e.colour, "stroke-width": e.width * widen, "stroke-dasharray": e.dash || "none"});
      set(p.glow, {"stroke-width": e.blame * widen, visibility: e.blame > 0 ? "visible" : "hidden"});
      set(p.pulse, {class: e.flow ? `pulse flow-${e.flow}` : "pulse"});
      if (e.label) set(p.label, {x: at.lx, y: at.ly});
      moved = setText(p.label, e.label) || moved;
      // After an update the gradient's place shows the step the weight took, in the weight's ink.
      set(p.grad, {class: updated ? "edge-grad step" : "edge-grad"});
      moved = setText(p.grad, e.grad) || moved;
    }
    for (const n of view.nodes) {
      const p = parts.nodes.get(n.id);
      const at = p.at;
      if (n.tip !== undefined) {
        p.tip = n.tip;
        refreshTip(p);
      }
      if (n.aria !== undefined) set(p.g, {"aria-label": n.aria});
      set(p.g, {class: n.known ? "node" : "node unknown"});
      set(p.ring, {r: at.r + n.ring / 2 + 3, "stroke-width": n.ring, visibility: n.ring > 0 ? "visible" : "hidden"});
      set(p.fill, {fill: n.fill, "fill-opacity": n.level});
      const inside = at.value_at !== "left";
      const light = inside && whiteReads(n.fill, n.level);
      set(p.text, {class: `node-value${light ? " light" : ""}${at.value_at === "optional" ? " optional" : ""}`});
      moved = setText(p.text, inside ? n.text : `${at.name} ${n.text}`) || moved;
      moved = setText(p.sub, n.sub) || moved;
      // Small networks carry the arrow in the δ label; larger ones beside the neuron, where it fits.
      setText(p.arrow, view.labels || at.ax == null ? "" : n.arrow);
    }
    const out = parts.outputText;
    const lines = view.output.lines;
    while (out.childNodes.length > lines.length) out.removeChild(out.lastChild);
    lines.forEach((line, i) => {
      const span = out.childNodes[i] || el("tspan", {}, out);
      const loss = line.startsWith("loss");
      set(span, {x: view.output.x, y: view.output.y + parts.line * i, class: loss ? "loss-line" : "",
        "font-size": loss ? parts.font.loss : parts.font.output});
      moved = setText(span, line) || moved;
    });
    const rows = view.output.rows || [];
    parts.rows.forEach((p, k) => {
      const [first, second] = rows[k] || ["", ""];
      set(p.row, {class: view.output.target === k ? "output-row target" : "output-row"});
      setText(p.mark, view.output.marks ? p.at.mark : "");
      setText(p.first, first);
      setText(p.second, second);
    });
    net.drawMaps?.(parts, view);  // the neurons' own pictures, when ticked (neuron-maps.js)
    flash(parts, updated, moved, still !== "");
  }

  // An update's edges flash white and fade: one fade of the whole layer of pulses, not an animation
  // per edge. Per edge (a CSS animation on each pulse's class), six layers of 8 kept 344 finished
  // animations in the page, with which a Full step took 60 ms to paint against 39 without them
  // (medians of 12 clicks, alternating, in Chromium here); and a class already in place never started
  // its animation again, so a second Full step in a row did not flash at all. Each new update flashes;
  // the same one drawn again (the server's answer to the picture the click painted) does not. While
  // playing the pulses are hidden and nothing flashes.
  const FLASH_MS = 800;
  function flash(parts, updated, moved, playing) {
    const layer = parts.groups.pulses;
    if (!updated) {
      parts.flash?.cancel();
      parts.flash = null;
      return;
    }
    if (parts.flash && playing) {
      parts.flash.finish();  // over at once, and not started anew for each picture: Pause shows the faded layer
      return;
    }
    if (parts.flash && !moved) return;  // the same update: its flash goes on, or is over
    parts.flash?.cancel();
    parts.flash = layer.animate([{opacity: 1}, {opacity: 0}], {duration: FLASH_MS, easing: "ease-out", fill: "forwards"});
    if (playing) parts.flash.finish();
  }

  net.view = null;  // the last view drawn: Step and Full step paint its `next` and `after` at once (play.js, paintAhead)
  let lastGeometry = null;  // its shape's, which only the view that brought a new shape carries

  function presenting() {
    return document.querySelector(".page")?.classList.contains("present") === true;  // the live page's, else the first screen's
  }

  // Draw the last view again (presentation mode changes the stroke widths).
  function redraw() {
    const parts = document.getElementById("network")?._parts;
    if (parts && net.view && parts.key === net.view.key) {
      stopFrames();
      update(parts, net.view);
    }
  }

  // Whether a neuron's value reads better in white than in ink on its light: its colour at its opacity
  // over the white of the picture, by WCAG's contrast. A lit blue neuron takes white; a lit orange one
  // (a negative activation) keeps ink, where white read at 2:1. The dark theme's ink is light already.
  function whiteReads(fill, level) {
    const INK_LUMINANCE = 0.0163;  // the light theme's ink, #1d2430
    const rgb = /^#([0-9a-f]{6})$/i.exec(fill || "");
    if (!rgb || !(level > 0)) return false;
    const channel = (k) => {
      const c = (level * parseInt(rgb[1].slice(2 * k, 2 * k + 2), 16) + (1 - level) * 255) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    const y = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
    return 1.05 / (y + 0.05) > (y + 0.05) / (INK_LUMINANCE + 0.05);
  }

  // A picture the page makes itself (Step's next phase, a slider move): drawn on the live
  // network if that shows its shape, with the words over it that the picture brings (its phase,
  // counters and numbers: app/callbacks._ahead) and the loss curve's picture of its moment.
  // Returns whether it was drawn.
  let wordsBefore = null;  // the lab's words that pictures painted ahead replaced, until an answer comes
  function paint(view) {
    const parts = document.getElementById("network")?._parts;
    if (!view || !parts || parts.key !== view.key) return false;
    stopFrames();
    // The loss curve's own picture of this moment, if it brought one for the lab on show (line-chart.js):
    // first, while the page's layout is still the last frame's, so that reading its box's size costs
    // nothing.
    if (view.moment) window.backpropLabLineChart?.ahead(net.view?.of, view.moment);
    update(parts, view);
    const words = Object.entries(view.words || {});
    wordsBefore ??= words.length ? Object.fromEntries(words.map(([id]) => [id, shownWords(id)])) : null;
    for (const [id, text] of words) window.backpropLabWords?.write(id, text);
    notePaint();
    return true;
  }
  // A box's words as words.js writes them: its markup where it has elements (the numbers' cards).
  function shownWords(id) {
    const box = document.getElementById(id);
    return !box ? null : box.childElementCount ? {html: box.innerHTML} : box.textContent;
  }
  // The click that painted ahead was lost (the server did not answer): the lab's own picture, words
  // and curve again.
  function takeBack() {
    redraw();
    for (const [id, words] of Object.entries(wordsBefore || {})) {
      if (words !== null) window.backpropLabWords?.write(id, words);
    }
    wordsBefore = null;
    window.backpropLabLineChart?.takeBack();
  }

  // Returns the shape it has drawn ("painted-key"): the server sends the geometry again
  // only when that differs from the view's, or when it is null (nothing to draw on).
  function render(containerId, view) {
    return draw(document.getElementById(containerId), view);
  }

  function draw(container, view) {
    const same = window.dash_clientside?.no_update;  // undefined for the first screen: Dash is not there yet
    if (!container || !view) return same;
    let parts = container._parts;
    const have = parts && parts.key === view.key && container.contains(parts.svg);
    let painted = same;  // an unchanged output fires nothing
    if (!have && view.geometry) {
      parts = build(container, view.geometry);  // a shape's geometry never changes: build once
      painted = parts.key;
      lastGeometry = view.geometry;
    } else if (!have) {
      return null;  // a view without the geometry of a shape not drawn here yet: ask for it
    }
    net.view = view;
    wordsBefore = null;  // an answer: its words follow through Dash, and the curve with the panels' answer
    window.backpropLabLineChart?.settled();
    net.nextTick?.(true);
    show(parts, view);
    net.follow?.(view);
    net.nextTick?.(false);
    return painted;
  }

  // Play at full speed: an answer brings the pictures of the moments on the way to it (view.frames,
  // app/actions.play_frames), each with its step counter. One is painted per display frame, the
  // answer's own last, while the next answer is on its way: the network moves at the display's
  // rate, not the round trip's. A newer answer, or a picture the page makes itself (Step ahead, a
  // drag), replaces what is left: those pictures are older.
  // An answer that lands while pictures are being painted one per frame waits for the next frame
  // (painted at once, it and the next frame's picture would both be drawn into that one frame, and
  // one of them never seen); one that finds the network still is painted at once, and its second
  // picture waits a frame more for the same reason (`skip`).
  const player = {queue: [], raf: 0, then: [], skip: false};
  function show(parts, view) {
    const running = player.raf !== 0;
    stopFrames();
    player.queue = Array.isArray(view.frames) ? [...view.frames, view] : [view];
    const paintNext = () => {
      const picture = unpacked(player.queue.shift(), view);
      update(parts, picture);
      writeCounters(picture.counters);
      notePaint();
    };
    const frame = () => {
      player.raf = 0;
      if (player.skip) player.skip = false;
      else paintNext();
      if (player.queue.length) player.raf = requestAnimationFrame(frame);
      else painted();
    };
    if (running) {
      player.raf = requestAnimationFrame(frame);
      return;
    }
    paintNext();
    if (!player.queue.length) return painted();
    player.skip = true;
    player.raf = requestAnimationFrame(frame);
  }
  // A picture on the way comes packed (components/network_view.packed): its nodes and edges as
  // columns, in the order of the answer's own view, a column the same for all as one value.
  function unpacked(picture, view) {
    if (Array.isArray(picture.edges)) return picture;
    const rows = (columns, like) => like.map((item, i) => {
      const row = {id: item.id};
      for (const key in columns) row[key] = Array.isArray(columns[key]) ? columns[key][i] : columns[key];
      return row;
    });
    return {...picture, nodes: rows(picture.nodes, view.nodes), edges: rows(picture.edges, view.edges)};
  }
  function stopFrames() {
    cancelAnimationFrame(player.raf);
    player.raf = 0;
    player.skip = false;
    player.queue = [];
    painted();
  }
  // Runs `then` once every picture sent so far is painted (Pause waits for it, play.js).
  function whenPainted(then) {
    player.then.push(then);
    if (!player.queue.length) painted();
  }
  function painted() {
    for (const then of player.then.splice(0)) then();
  }
  // Every picture from the server comes with its counters, written as it is painted, so that the step
  // shown is the picture's: a Play tick's come only so, and an answer's own output (React's) can land
  // while an older picture still waits for its frame. React sets the box's text as a whole (a lone
  // string child), and sets it again when its own value changes.
  function writeCounters(text) {
    const box = document.getElementById("counters");
    if (typeof text === "string" && box && box.textContent !== text) box.textContent = text;
  }

  // The first picture. A new tab draws the one the page came with (app/page.py: the lab its
  // address asks for); a tab that keeps a lab of its own (Dash's session store "lab-state": a
  // reload) draws the picture it showed last, which it kept when the page went away. It is drawn
  // at once into the page's first screen (app/first_screen.py), while Dash's scripts are still
  // read, and moved into the live #network in the moment React puts that on the page: before
  // Dash runs any callback, which it does only once all of the layout is there and loaded.
  // The server's first answer follows and has the last word. The shape drawn is told to Dash
  // (as "painted-key") by the "first-view" callback, when Dash runs it: reportFirstView.
  const KEPT = "lab-picture";
  let firstKey;  // what was drawn first; undefined until it is on the live page, and once told
  function firstPicture() {
    const data = document.getElementById("first-view-data");
    const given = data ? data.textContent : "null";
    data?.remove();  // read once: its text is the size of the picture
    const kept = window.sessionStorage.getItem(KEPT);
    window.sessionStorage.removeItem(KEPT);
    const view = JSON.parse(window.sessionStorage.getItem("lab-state") === null ? given : kept);
    return view && view.address === window.location.search ? view : null;
  }
  // The words over the network, as HTML the page came with (escaped by the server) or the tab
  // kept from its own page: written into the first screen only, which React never touches.
  const STATUS = ["phase-text", "counters", "numbers", "numbers-when", "example-note"];
  function writeStatus(status) {
    for (const id of STATUS) {
      const box = document.querySelector(`.first-screen [data-id="${id}"]`);
      if (box && typeof status?.[id] === "string") box.innerHTML = status[id];
    }
  }
  // The settings on show, kept with the picture too: a reload's first screen shows the tab's own
  // beside it (a list its choice, a box its text, a checklist its ticks), not those of the address
  // the page came with, which the live page would change a second later.
  const SETTINGS = "button.dash-dropdown, input.dash-input-element, .dash-checklist";
  function settingOf(box) {
    if (box.matches("button")) {  // a placeholder ("Choose a weight or bias…") is no choice: "" leaves the first screen's
      const value = box.querySelector(".dash-dropdown-value:not(.dash-dropdown-placeholder)");
      return {label: value?.textContent ?? ""};
    }
    if (box.matches("input")) return {value: box.value};
    return {ticks: [...box.querySelectorAll("input[type=checkbox]")].map((tick) => tick.checked)};
  }
  function shownSettings(shell) {
    const boxes = shell ? shell.querySelectorAll(`:is(${SETTINGS})[data-id]`)
      : document.querySelectorAll(`#react-entry-point :is(${SETTINGS})[id]`);
    return Object.fromEntries([...boxes].map((box) => [shell ? box.dataset.id : box.id, settingOf(box)]));
  }
  function writeSettings(settings) {
    if (!settings || typeof settings !== "object") return;
    for (const [id, setting] of Object.entries(settings)) {
      const box = document.querySelector(`.first-screen [data-id="${CSS.escape(id)}"]`);
      if (!box || !setting || typeof setting !== "object") continue;
      if (typeof setting.label === "string" && setting.label && box.matches("button")) {
        const value = box.querySelector(".dash-dropdown-value");
        if (!value) continue;
        value.className = "dash-dropdown-value";  // no longer the placeholder
        value.replaceChildren(Object.assign(document.createElement("span"), {className: "dash-dropdown-value-item"}));
        value.firstChild.appendChild(document.createElement("span")).textContent = setting.label;
      } else if (typeof setting.value === "string" && box.matches("input")) {
        box.value = setting.value;
      } else if (Array.isArray(setting.ticks)) {
        box.querySelectorAll("input[type=checkbox]").forEach((tick, i) => { tick.checked = setting.ticks[i] === true; });
      }
    }
  }
  function drawFirst(container) {
    try {
      const view = firstPicture();
      if (!view) return undefined;
      if (container !== early) return draw(container, view);
      writeStatus(view.status);
      writeSettings(view.settings);
      const key = draw(container, view);
      // The first screen is shown with its picture (shell.js takes it away): shown later, when shell.js
      // has come, a slow link would leave the picture drawn but out of sight for a few frames.
      const shell = early.closest(".first-screen");
      if (shell) {
        shell.hidden = false;
        // Without shell.js (a file that did not come), nothing would ever take it away from over the page.
        document.addEventListener("DOMContentLoaded", () => { if (!window.backpropLabShell) shell.hidden = true; },
          {once: true});
      }
      window.backpropLabLineChart?.first(view.charts);  // the curve with its ball, and the loss so far
      return key;
    } catch (err) {
      console.warn("The first picture could not be drawn; the server's answer draws it.", err);
    }
    return undefined;
  }
  // The first screen's box: its picture moves to the live page (the same elements, listeners and all).
  const early = document.querySelector(".first-screen #network");
  let earlyKey;  // drawn at the end of this file, once everything it uses is declared
  let firstDone = false;  // once, in the first moment the live #network is there
  function takeFirstView() {
    if (firstDone) return true;
    const live = document.getElementById("network");
    if (!live || live === early) return false;
    firstDone = true;
    const parts = early && early._parts;
    if (live._parts) {
      // The server's picture is there already: it has the last word.
    } else if (parts && earlyKey !== undefined) {
      live.appendChild(parts.svg);
      live._parts = parts;
      early._parts = null;
      firstKey = earlyKey;
      notePaint();
    } else if (!early) {
      firstKey = drawFirst(live);
    }
    earlyKey = undefined;
    return true;
  }
  window.addEventListener("pagehide", () => {
    const lastView = net.view;
    if (!lastView || !lastGeometry || lastGeometry.key !== lastView.key) return;
    try {
      // What was on show: the first screen's words while it is up (the live page's may not be written yet).
      const shell = document.querySelector(".first-screen");
      const shown = (id) => (shell ? shell.querySelector(`[data-id="${id}"]`) : document.getElementById(id))?.innerHTML;
      const status = Object.fromEntries(STATUS.map((id) => [id, shown(id)]));
      const charts = window.backpropLabLineChart?.kept();
      const settings = shownSettings(shell);
      const view = {...lastView, geometry: lastGeometry, address: window.location.search, status, charts, settings};
      window.sessionStorage.setItem(KEPT, JSON.stringify(view));
    } catch (err) {}  // storage full or refused: the next page waits for the server's picture
  });
  // Dash asks what was drawn first when it runs its first callbacks; while the first screen is
  // up (the live page is not complete yet) the swap tells it instead.
  let askedEarly = false;
  function reportFirstView() {
    if (window.backpropLabShell?.up()) {
      askedEarly = true;
      return window.dash_clientside.no_update;
    }
    takeFirstView();
    const key = firstKey;
    firstKey = undefined;
    return key === undefined ? window.dash_clientside.no_update : key;
  }
  function adoptFirstView() {  // the first screen's swap (shell.js)
    takeFirstView();
    if (!askedEarly) return;
    askedEarly = false;
    const key = firstKey;
    firstKey = undefined;
    if (key !== undefined) window.dash_clientside.set_props("painted-key", {data: key});
  }
  // Measurement hook (bench/browser.py): count paints and note when each one was on screen: the
  // first task after the next animation frame, whose style, layout and paint come after its rAF
  // callbacks. A timeout and a user-blocking task race for it, since a timeout also waits behind
  // tasks queued before it (Dash's work after a click). firstPaint times the page load.
  function notePaint() {
    requestAnimationFrame(() => afterFrame(() => {
      const lab = window.backpropLab;
      lab.paints += 1;
      lab.lastPaint = performance.now();
      lab.paintTimes.push(lab.lastPaint);
      if (lab.paintTimes.length > 50) lab.paintTimes.shift();
      if (lab.firstPaint === null) lab.firstPaint = lab.lastPaint;
    }));
  }

  function afterFrame(then) {
    let done = false;
    const once = () => { if (!done) { done = true; then(); } };
    if (window.scheduler && window.scheduler.postTask) window.scheduler.postTask(once, {priority: "user-blocking"});
    setTimeout(once, 0);
  }

  // The weight or bias the maths tabs explain is marked on the graph: a band under its edge,
  // or a heavier outline on the neuron whose bias it is.
  let selected = null;
  function showSelected(parts) {
    for (const [id, p] of parts.edges) p.hit.classList.toggle("selected", id === selected);
    for (const [id, p] of parts.nodes) p.g.classList.toggle("selected", selected !== null && biasName(id) === selected);
  }
  function select(param) {
    selected = typeof param === "string" ? param : null;
    const parts = document.getElementById("network")?._parts;
    if (parts) showSelected(parts);
    return window.dash_clientside.no_update;
  }

  // Another network in its own box (the Twins panel's twin): built and updated as the lab's, but
  // never the page's last view, so Step's paint-ahead, a drag and Play keep to the lab's network.
  function still(containerId, view) {
    const container = document.getElementById(containerId);
    if (!container || !view) return window.dash_clientside?.no_update;
    let parts = container._parts;
    if (!parts || parts.key !== view.key || !container.contains(parts.svg)) {
      if (!view.geometry) return window.dash_clientside?.no_update;
      parts = build(container, view.geometry);
      // Out of the tab order: its neurons would pick the lab's own biases (build's handlers).
      container.querySelectorAll("[tabindex]").forEach((node) => node.setAttribute("tabindex", "-1"));
    }
    update(parts, view);
    return window.dash_clientside?.no_update;
  }

  net.paint = paint;
  net.takeBack = takeBack;
  net.whenPainted = whenPainted;
  net.redraw = redraw;
  // The page's hooks; play.js adds playback and playing. paints…: the measurement hook (notePaint).
  window.backpropLab = Object.assign(window.backpropLab || {}, {render, still, reportFirstView, adoptFirstView, select, redraw,
    paints: 0, lastPaint: null, firstPaint: null, paintTimes: []});

  if (early) earlyKey = drawFirst(early);
  // With a first screen, its swap for the live page moves the picture (shell.js); without, the
  // picture is drawn in the moment the live #network is there.
  const entry = document.getElementById("react-entry-point");
  if (entry && !early && !takeFirstView()) {
    const watch = new MutationObserver(() => { if (takeFirstView()) watch.disconnect(); });
    watch.observe(entry, {childList: true, subtree: true});
  }
})();
