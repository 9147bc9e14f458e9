/* Backprop Lab's network renderer.
 *
 * Python (components/network_view.py) decides everything: positions, sizes,
 * colours, labels, which edges carry the travelling signal or blame. This file
 * only maps that view model onto SVG elements: it builds them once per network
 * shape and afterwards updates attributes, which is what keeps a Step click
 * fast. Clicking an edge or neuron pins its weight or bias (through the
 * "clicked-param" store); hovering shows the live values in a tooltip built on
 * hover, not on every step.
 */
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";

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

  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
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
      font: geometry.fonts};
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
      parts.edges.set(e.id, {glow, line, hit, pulse, label, grad, tip: "", at: e});
    }
    for (const n of geometry.nodes) {
      const g = el("g", {class: "node", tabindex: "0", role: "button"}, groups.nodes);
      const ring = el("circle", {class: "ring"}, g);
      const base = el("circle", {class: "node-base"}, g);
      const fill = el("circle", {class: "node-fill"}, g);
      // A value sits inside its neuron, or left of an input of a larger network, after its name.
      const left = n.value_at === "left";
      const text = el("text", {"text-anchor": left ? "end" : "middle", x: n.vx, y: n.vy, "font-size": font.value}, g);
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
    const still = play.on ? " playing" : "";
    set(parts.svg, {class: `network-svg phase-${view.phase}${view.labels ? " with-labels" : ""}${still}`});
    const updated = view.phase === "update";
    const widen = presenting() ? 1.6 : 1;  // presentation mode: strokes that carry across a room
    for (const e of view.edges) {
      const p = parts.edges.get(e.id);
      const at = p.at;
      if (e.tip !== undefined) {  // views sent while playing leave the last tooltips in place
        p.tip = e.tip;
        refreshTip(p);
        set(p.line, {"aria-label": e.tip.split("\n")[0]});
      }
      set(p.line, {stroke: e.colour, "stroke-width": e.width * widen, "stroke-dasharray": e.dash || "none"});
      set(p.glow, {"stroke-width": e.blame * widen, visibility: e.blame > 0 ? "visible" : "hidden"});
      set(p.pulse, {class: e.flow ? `pulse flow-${e.flow}` : "pulse"});
      if (e.label) set(p.label, {x: at.lx, y: at.ly});
      setText(p.label, e.label);
      // After an update the gradient's place shows the step the weight took, in the weight's ink.
      set(p.grad, {class: updated ? "edge-grad step" : "edge-grad"});
      setText(p.grad, e.grad);
    }
    for (const n of view.nodes) {
      const p = parts.nodes.get(n.id);
      const at = p.at;
      if (n.tip !== undefined) {
        p.tip = n.tip;
        refreshTip(p);
        set(p.g, {"aria-label": n.aria});
      }
      set(p.g, {class: n.known ? "node" : "node unknown"});
      set(p.ring, {r: at.r + n.ring / 2 + 3, "stroke-width": n.ring, visibility: n.ring > 0 ? "visible" : "hidden"});
      set(p.fill, {fill: n.fill, "fill-opacity": n.level});
      const inside = at.value_at !== "left";
      const light = inside && n.level > 0.55;  // white on a strongly lit neuron
      set(p.text, {class: `node-value${light ? " light" : ""}${at.value_at === "optional" ? " optional" : ""}`});
      setText(p.text, inside ? n.text : `${at.name} ${n.text}`);
      setText(p.sub, n.sub);
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
      setText(span, line);
    });
  }

  let lastView = null;  // the last view drawn: Step paints its `next` at once (stepAhead)
  let lastGeometry = null;  // its shape's, which only the view that brought a new shape carries

  function presenting() {
    return document.querySelector(".page")?.classList.contains("present") === true;  // the live page's, else the first screen's
  }

  // Draw the last view again (presentation mode changes the stroke widths).
  function redraw() {
    const parts = document.getElementById("network")?._parts;
    if (parts && lastView && parts.key === lastView.key) update(parts, lastView);
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
    lastView = view;
    nextTick(true);
    update(parts, view);
    followSlider(view);
    nextTick(false);
    notePaint(container.isConnected && !container.closest(".first-screen"));
    return painted;
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
  function drawFirst(container) {
    try {
      const view = firstPicture();
      if (view && container === early) writeStatus(view.status);
      if (view) return draw(container, view);
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
      notePaint(true);
    } else if (!early) {
      firstKey = drawFirst(live);
    }
    earlyKey = undefined;
    return true;
  }
  window.addEventListener("pagehide", () => {
    if (!lastView || !lastGeometry || lastGeometry.key !== lastView.key) return;
    try {
      const status = Object.fromEntries(STATUS.map((id) => [id, document.getElementById(id)?.innerHTML]));
      const view = {...lastView, geometry: lastGeometry, address: window.location.search, status};
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
  // Measurement hook (bench/browser.py): count paints and note when each one reached the
  // screen, i.e. the next animation frame after the update; firstPaint times the page load.
  // `live`: the live page's network (the first screen's comes before Dash is there); the charts
  // load after the first of those (plotly-loader.js), not while Dash's own scripts are read.
  let livePainted = false;
  function notePaint(live = true) {
    requestAnimationFrame(() => {
      const lab = window.backpropLab;
      lab.paints += 1;
      lab.lastPaint = performance.now();
      lab.paintTimes.push(lab.lastPaint);
      if (lab.paintTimes.length > 50) lab.paintTimes.shift();
      if (lab.firstPaint === null) lab.firstPaint = lab.lastPaint;
      if (live && !livePainted) {
        livePainted = true;
        document.dispatchEvent(new Event("network-painted"));  // the charts load now (plotly-loader.js)
      }
    });
  }

  // Play/Pause. Ticks are chained: the next one is asked for by the renderer of the last
  // one's answer, so ticks never queue up behind a slow server and every tick is seen.
  // (Dash holds back callbacks whose inputs a running callback will set: asking for the next
  // tick from anywhere else, e.g. as soon as the state arrived, would keep the renderer
  // waiting for as long as Play runs.) Training stops by itself when it diverges.
  // At the paced speeds a clock keeps the named pace: a move is due every `period` ms from
  // when Play started, the next tick is asked for when its move is due (not a period after
  // the last answer, which would add the round trip to every period), and a tick asks for
  // every move that is due, so a slow round trip shows several steps at once but never fewer.
  // A tick whose request fails (the server stopped, restarts, or a proxy has nothing behind it)
  // is not retried at once: assets/connection.js shows a notice and looks, with backoff, for the
  // server, and Play carries on by itself when it answers ("back"), with the clock started again.
  const play = {on: false, scheduled: false, awaiting: false, sentAt: 0, tick: 0, period: 900, most: 1,
                due: 0, chartsAt: 0, watchdog: null, catchUpLost: false};
  const ANSWER_TIMEOUT_MS = 3000;  // an answer that drew nothing (e.g. nothing changed) must not stall Play
  const LOST_TICK_MS = 6000;  // a tick with no answer at all for this long is lost (ticks take well under 1 s)
  // The charts, numbers and words follow Play on one tick in this many milliseconds (a "chart
  // tick"); the ticks between bring the network and the counters only (app/callbacks.py,
  // brief_tick). A replot costs the browser 15-35 ms per chart, and numbers that change
  // faster than this cannot be read anyway.
  const CHART_INTERVAL_MS = 500;

  function ask() {
    play.scheduled = false;
    if (!play.on) return;
    play.awaiting = true;
    play.sentAt = performance.now();
    play.tick += 1;
    const moves = owed(play.sentAt);
    const charts = play.sentAt - play.chartsAt >= CHART_INTERVAL_MS;
    if (charts) play.chartsAt = play.sentAt;
    window.dash_clientside.set_props("play-tick", {data: {n: play.tick, charts, moves}});
    watch(play.tick);
  }

  // Until tick `n` is drawn: an answer that drew nothing asks again, a request with no answer
  // at all is given up as lost after LOST_TICK_MS (a failed one is reported at once, by "lost").
  function watch(n, wait = ANSWER_TIMEOUT_MS) {
    clearTimeout(play.watchdog);
    play.watchdog = setTimeout(() => {
      if (!play.on || !play.awaiting || play.tick !== n) return;
      const link = window.backpropLabLink;
      if (link && link.pending("tick") > 0) {
        const left = play.sentAt + LOST_TICK_MS - performance.now();
        if (left > 0) watch(n, left);
        else link.lost("tick");
        return;
      }
      play.awaiting = false;
      schedule();
    }, wait);
  }

  function linkChanged(event, kind) {
    if (event === "lost") {
      if (kind === "tick") {
        play.awaiting = false;  // no answer is coming: wait for the server, not for a drawing
        clearTimeout(play.watchdog);
      }
      if (kind === "pause") play.catchUpLost = true;
      if (kind === "step") redraw();  // take back the phase Step painted ahead of the server
      return;
    }
    // "back": the server answers again.
    if (play.on && !play.awaiting && !play.scheduled) {
      play.due = performance.now();  // the clock starts again: the next move now, not the missed ones
      schedule();
    } else if (!play.on && play.catchUpLost) {
      play.catchUpLost = false;
      window.dash_clientside.set_props("playing", {data: false});  // the charts catch up after all
    }
  }
  if (window.backpropLabLink) window.backpropLabLink.on(linkChanged);

  // The moves due by `now`, and the time the next one is due. A debt over `most` (a hidden
  // tab's timers sleep; the server refuses more) is forgiven: the clock starts again from now.
  function owed(now) {
    if (play.period === 0) return 1;
    const due = 1 + Math.floor((now - play.due) / play.period);
    const moves = Math.min(Math.max(due, 1), play.most);
    play.due = due > play.most ? now + play.period : play.due + moves * play.period;
    return moves;
  }

  function schedule() {
    if (!play.on || play.scheduled || window.backpropLabLink?.down()) return;
    play.scheduled = true;
    setTimeout(ask, Math.max(0, play.due - performance.now()));
  }

  // Called as each view is drawn. At full speed the next tick is asked for at once, before
  // this one is painted, so that the server trains while the browser paints: this callback
  // is already running, so the request it starts cannot hold it back. At the paced speeds
  // the next tick is asked for when the clock says its move is due (at once if it is late).
  function nextTick(beforePaint) {
    if (!play.awaiting || beforePaint !== (play.period === 0 && play.on)) return;
    play.awaiting = false;
    if (beforePaint) ask();
    else schedule();
  }

  function playback(clicks, speed, stored, playing, paces) {
    // A click can arrive in the same batch as a training tick's new state, in either order:
    // look for it among all triggers, not only the first, or Pause is sometimes lost.
    const triggers = (window.dash_clientside.callback_context.triggered || []).map((t) => t.prop_id || "");
    let on = playing === true;
    if (triggers.some((id) => id.startsWith("play."))) on = !on;
    if (stored && stored.diverged) on = false;
    const pace = (paces || {})[speed] || {period: 900, most: 1};
    // The clock starts when Play does, and again at a new speed: the first move a period later.
    if (on && (!play.on || pace.period !== play.period)) play.due = performance.now() + pace.period;
    const changed = on !== play.on;
    play.on = on;
    play.period = pace.period;
    play.most = pace.most;
    const stale = play.awaiting && performance.now() - play.sentAt > ANSWER_TIMEOUT_MS;
    if (on && (!play.awaiting || stale)) {
      play.awaiting = false;
      schedule();
    }
    if (!on) clearTimeout(play.watchdog);
    if (changed) window.backpropLabLink?.say();  // the notice, if up, says what Play will do now
    // Setting an output, even to the same value, fires everything that listens to it.
    const same = window.dash_clientside.no_update;
    return [on === (playing === true) ? same : on, on === (playing === true) ? same : (on ? "Pause" : "Play")];
  }

  // Step paints the next phase at once from the picture the last answer brought along
  // (view.next); the server's answer, with tooltips and numbers, follows and is drawn again.
  // A plain click listener, seen before Dash's own: going through a clientside callback would
  // first wait for Dash to handle the click and send the request (its whole state) to the server.
  function stepAhead() {
    const container = document.getElementById("network");
    const parts = container && container._parts;
    const next = lastView && lastView.next;
    if (!next || !parts || parts.key !== next.key) return;
    update(parts, next);
    notePaint();
  }
  document.addEventListener("click", (ev) => {
    if (ev.target instanceof Element && ev.target.closest("#step")) stepAhead();
  }, true);

  // Dragging a weight: the page draws each move a person makes at once, from the model the
  // last view brought (assets/instant.js); Dash's answer, with the tooltips, the stored state
  // and the panels, follows. A move is seen on the slider's thumb (aria-valuenow) as soon as
  // it changes, sooner than Dash runs a callback for it. While the drag goes on, an answer
  // for an earlier position is drawn with the latest position put back: the last one wins.
  const slider = {model: null, last: null, touching: false, keyedAt: -1e9, watching: false};
  const KEY_WINDOW_MS = 300;  // a thumb that moves this soon after a key press was moved by it

  function drawInstant(param, value) {
    const container = document.getElementById("network");
    const parts = container && container._parts;
    const view = slider.model && window.backpropLabInstant.instantView(slider.model, param, value);
    if (!view || !parts || parts.key !== view.key) return;
    update(parts, view);
    notePaint();
  }

  function moved(changes) {
    if (!(slider.touching || performance.now() - slider.keyedAt < KEY_WINDOW_MS)) return;
    const thumb = changes[changes.length - 1].target;
    const name = thumb.closest(".weight-slider")?.querySelector(".weight-slider-name");
    const value = Number(thumb.getAttribute("aria-valuenow"));
    if (!name || !Number.isFinite(value)) return;
    slider.last = {param: name.textContent, value};
    drawInstant(slider.last.param, value);
  }

  function watchSliders() {
    const box = document.getElementById("sliders");
    if (!box) return false;
    // Only a person's moves count: the server moves the thumbs too (a Step changes the weights).
    box.addEventListener("pointerdown", () => { slider.touching = true; }, true);
    window.addEventListener("pointerup", () => { slider.touching = false; }, true);
    window.addEventListener("pointercancel", () => { slider.touching = false; }, true);
    box.addEventListener("keydown", () => { slider.keyedAt = performance.now(); }, true);
    new MutationObserver(moved).observe(box, {subtree: true, attributes: true, attributeFilter: ["aria-valuenow"]});
    return true;
  }

  // After a view is drawn: keep its model, and while a drag goes on, draw the latest position.
  function followSlider(view) {
    if (view.model) slider.model = view.model;
    if (!slider.watching) slider.watching = watchSliders();  // the layout is there by the first view
    const last = slider.last;
    if (!last || !slider.touching || !view.model) return;
    const shown = window.backpropLabInstant.valueOf(view.model, last.param);
    if (shown !== last.value) drawInstant(last.param, last.value);
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

  if (early) earlyKey = drawFirst(early);
  // With a first screen, its swap for the live page moves the picture (shell.js); without, the
  // picture is drawn in the moment the live #network is there.
  const entry = document.getElementById("react-entry-point");
  if (entry && !early && !takeFirstView()) {
    const watch = new MutationObserver(() => { if (takeFirstView()) watch.disconnect(); });
    watch.observe(entry, {childList: true, subtree: true});
  }

  window.backpropLab = {render, reportFirstView, adoptFirstView, playback, select, redraw, playing: () => play.on, paints: 0, lastPaint: null, firstPaint: null, paintTimes: []};  // paints…: bench hook
})();
