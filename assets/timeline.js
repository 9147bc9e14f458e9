/* Time travel: the page keeps the last moments of training (every phase a Step reveals, every
 * tick of Play, every change a person makes) and moves back and forward through them.
 *
 * A moment is the lab state the server answered with, plus the start Reset goes back to. Going
 * back sends that moment to the server ("travel" store), which redraws everything — graph,
 * panels, equations — from it exactly as it was. Carrying on from a past moment (Step, Play, a
 * slider) drops the moments after it: a new branch. The moments live in this tab's memory only:
 * a reload keeps the lab itself (session storage) but starts a new timeline.
 */
(function () {
  "use strict";
  // How far back: engine/limits.py (TIMELINE_*), sent with the page in the "timeline-limits" store.
  let keep = {steps: 200, moments: 400, bytes: 50e6};

  // A moment is kept as its JSON text: compact, and what a new state is compared with.
  const line = {moments: [], at: -1, travelling: null, bytes: 0};

  // Drop the oldest moment while what is left still reaches TIMELINE_STEPS back and holds
  // TIMELINE_MOMENTS, or while the states take more than TIMELINE_BYTES.
  function trim() {
    const m = line.moments;
    while (m.length > 1) {
      const enough = m.length > keep.moments && m[m.length - 1].step - m[1].step >= keep.steps;
      if (!enough && line.bytes <= keep.bytes) break;
      line.bytes -= m[0].text.length;
      m.shift();
      line.at -= 1;
    }
  }

  // [the banner's words (none at the latest moment), Back disabled, Forward disabled], each only
  // when it changed: an output set even to the same value costs the page a re-render, and Play
  // records a moment on every tick (so nothing here counts the moments while it runs).
  let shown = [];
  function status() {
    const n = line.moments.length;
    const latest = line.at >= n - 1;
    const words = latest ? "" : `Looking back: moment ${line.at + 1} of ${n}. ` +
      "Step or Play carries on from here as a new branch; → goes forward.";
    const now = [words, line.at <= 0, latest];
    const out = now.map((v, i) => (v === shown[i] ? window.dash_clientside.no_update : v));
    shown = now;
    return out;
  }

  // lab-state changed: a new moment, unless it is the one travelled to.
  function record(stored, start, limits) {
    if (limits) keep = limits;
    if (!stored) return status();
    const text = JSON.stringify(stored);
    const arriving = line.travelling;
    if (arriving !== null && line.moments[arriving]?.text === text) {
      line.travelling = null;
      line.at = arriving;
      return status();
    }
    // The lab shown again (e.g. Play's lab given to the store as it pauses, on the way back): the
    // moment travelled to is still to come.
    if (line.moments[line.at]?.text === text) return status();
    line.travelling = null;
    for (const dropped of line.moments.splice(line.at + 1)) line.bytes -= dropped.text.length;  // a new branch
    // The start is shared by many moments (the same object until the network changes).
    line.moments.push({text, start: start || stored, step: stored.counters ? stored.counters.step : 0});
    line.bytes += text.length;
    line.at = line.moments.length - 1;
    trim();
    return status();
  }

  // A tick of Play the page took without the store (assets/play.js): a moment as the store's are, with
  // the start of the moment before it (a tick never changes the start). No callback is running, so the
  // banner and buttons are set here, those of the "record" callback (app/sharing.py), in its order.
  const STATUS = [["travel-status", "children"], ["travel-back", "disabled"], ["travel-forward", "disabled"]];
  function carryOn(lab) {
    record(lab, line.moments[line.at]?.start, null).forEach((value, i) => {
      if (value !== window.dash_clientside.no_update) window.dash_clientside.set_props(STATUS[i][0], {[STATUS[i][1]]: value});
    });
  }

  // Back or forward one moment (the buttons, or ← and → in assets/keyboard.js).
  function move() {
    const triggered = window.dash_clientside.callback_context.triggered_id;
    const step = triggered === "travel-back" ? -1 : triggered === "travel-forward" ? 1 : 0;
    const from = line.travelling !== null ? line.travelling : line.at;
    const to = from + step;
    if (step === 0 || to < 0 || to >= line.moments.length) return window.dash_clientside.no_update;
    line.travelling = to;
    if (window.backpropLab?.playing()) document.getElementById("play")?.click();  // looking back pauses Play
    return {state: JSON.parse(line.moments[to].text), start: line.moments[to].start, at: to};
  }

  window.backpropLabTimeline = {record, carryOn, move, line};
})();
