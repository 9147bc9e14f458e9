/* The slider-drag observer: a person dragging a weight's slider sees the network follow each move
 * at once, drawn by the page (assets/instant.js) before Dash has even run a callback for it.
 *
 * The renderer (network.js) calls follow after each view it draws, through the object the
 * network's files share (window.backpropLabNetwork), and this draws through its paint.
 */
(function () {
  "use strict";
  const net = window.backpropLabNetwork = window.backpropLabNetwork || {};

  // Dragging a weight: the page draws each move a person makes at once, from the model the
  // last view brought (assets/instant.js); Dash's answer, with the tooltips, the stored state
  // and the panels, follows. A move is painted in the pointer event (fromPointer), and seen again
  // on the slider's thumb (aria-valuenow) once it has moved (a key moves it too), sooner than Dash
  // runs a callback for it. While the drag goes on, an answer for an earlier position is drawn
  // with the latest position put back: the last one wins.
  // The first picture is drawn before this file is read (network.js): its model is the first one kept.
  const slider = {model: net.view?.model || null, last: null, touching: false, keyedAt: -1e9, watching: false};
  const KEY_WINDOW_MS = 300;  // a thumb that moves this soon after a key press was moved by it

  function drawInstant(param, value) {
    return net.paint(slider.model && window.backpropLabInstant.instantView(slider.model, param, value));
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

  // The value a pointer at `ev` gives the slider under it, worked out as the slider does it (Radix's
  // Slider, which Dash's dcc.Slider is: the root's width spans min to max, snapped to the step and
  // rounded to its decimals, clamped), so that the network is painted in the pointer event itself.
  // The slider's own move, a frame or two later (React re-renders it), then paints nothing new.
  function fromPointer(ev) {
    const root = ev.target instanceof Element ? ev.target.closest(".dash-slider-root") : null;
    const thumb = root?.querySelector("[role='slider']");
    const name = root?.closest(".weight-slider")?.querySelector(".weight-slider-name");
    if (!thumb || !name || root.getAttribute("data-orientation") !== "horizontal") return;
    const min = Number(thumb.getAttribute("aria-valuemin"));
    const max = Number(thumb.getAttribute("aria-valuemax"));
    const step = Number(root.closest(".dash-slider-container")?.querySelector("input[step]")?.getAttribute("step"));
    const rect = root.getBoundingClientRect();
    if (!(rect.width > 0 && max > min && step > 0)) return;
    const ltr = root.getAttribute("dir") !== "rtl";
    const at = min + ((max - min) / rect.width) * (ltr ? ev.clientX - rect.left : rect.right - ev.clientX);
    const places = (String(step).split(".")[1] || "").length;
    const snapped = Math.round((at - min) / step) * step + min;  // Radix's arithmetic, in its order
    const value = Math.min(max, Math.max(min, Math.round(snapped * 10 ** places) / 10 ** places));
    slider.last = {param: name.textContent, value};
    return drawInstant(slider.last.param, value);
  }

  // A move that painted reaches the slider (and through it, Dash) once that picture is on the
  // screen: the slider's re-render and Dash's request for the move held the frame back. The moves
  // of one frame reach it as one, the latest; a release first hands on a move still waiting, while
  // the slider still holds the pointer. After HAND_ON_MS if no frame comes (a hidden tab draws none).
  const HAND_ON_MS = 100;
  const held = {event: null, raf: 0, timer: 0};
  let handing = false;
  function handOn() {
    cancelAnimationFrame(held.raf);
    clearTimeout(held.timer);
    const ev = held.event;
    held.event = null;
    if (!ev || !(ev.target instanceof Element) || !ev.target.isConnected) return;
    handing = true;
    try { ev.target.dispatchEvent(new PointerEvent(ev.type, ev)); } finally { handing = false; }
  }
  function hold(ev) {
    ev.stopImmediatePropagation();
    if (held.event === null) {
      held.raf = requestAnimationFrame(() => { held.timer = setTimeout(handOn, 0); });
      held.timer = setTimeout(handOn, HAND_ON_MS);
    }
    held.event = ev;
  }

  function watchSliders() {
    const box = document.getElementById("sliders");
    if (!box) return false;
    // Only a person's moves count: the server moves the thumbs too (a Step changes the weights).
    // A press on the track moves the thumb there; a press on the thumb moves nothing yet.
    box.addEventListener("pointerdown", (ev) => {
      slider.touching = true;
      if (ev.target instanceof Element && !ev.target.closest("[role='slider']")) fromPointer(ev);
    }, true);
    box.addEventListener("pointermove", (ev) => {
      if (!handing && slider.touching && ev.buttons && fromPointer(ev)) hold(ev);
    }, true);
    window.addEventListener("pointerup", () => {
      handOn();
      slider.touching = false;
    }, true);
    window.addEventListener("pointercancel", () => {
      handOn();
      slider.touching = false;
    }, true);
    box.addEventListener("keydown", () => { slider.keyedAt = performance.now(); }, true);
    new MutationObserver(moved).observe(box, {subtree: true, attributes: true, attributeFilter: ["aria-valuenow"]});
    return true;
  }

  // After a view is drawn (network.js): keep its model, and while a drag goes on, draw the latest position.
  function followSlider(view) {
    if (view.model) slider.model = view.model;
    if (!slider.watching) slider.watching = watchSliders();  // the layout is there by the first view
    const last = slider.last;
    if (!last || !slider.touching || !view.model) return;
    const shown = window.backpropLabInstant.valueOf(view.model, last.param);
    if (shown !== last.value) drawInstant(last.param, last.value);
  }

  net.follow = followSlider;
})();
