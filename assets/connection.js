/* Is the server answering? The page's watch on its own requests, and the notice that says so.
 *
 * Dash tells nobody when a callback's request fails: the renderer keeps the error to itself (its
 * dev tools show it, with debug on) and updates nothing, so a Step does nothing and Play's chained
 * ticks stop with the button still saying Pause. This file wraps window.fetch for Dash's
 * "_dash-update-component" requests and Play's own ticks (the promise Dash gets is the one fetch returned) and
 * notes which kind failed: a play tick, a Step, anything else. On a failure it shows the notice
 * (#server-down, in app/layout.py) and asks the server, with backoff, whether it is back: a HEAD
 * of the favicon, the cheapest answer it has. The first answer hides the notice and tells the
 * listeners (assets/play.js: Play carries on by itself). Nothing here changes the lab: it
 * lives in the tab and goes with every request, so nothing is lost while the server is away.
 */
(function () {
  "use strict";
  const UPDATE = "_dash-update-component";
  const TICK = "_lab-tick";  // Play's brief ticks, which the page sends itself (assets/play.js, app/ticks.py)
  const FIRST_WAIT_MS = 500;  // the first look after a failure; each miss doubles it, up to
  const LONGEST_WAIT_MS = 2000;  // a restarted server is seen within this; a HEAD of a class of tabs every 2 s is nothing
  const PROBE_TIMEOUT_MS = 3000;  // a look that gets no answer in this long counts as a miss

  const link = {down: false, wait: FIRST_WAIT_MS, timer: null, looking: false, base: "", failed: null,
                pending: {tick: 0, step: 0, pause: 0, other: 0}, sent: {tick: 0, step: 0, pause: 0, other: 0},
                latestLab: null, newest: new Map(),
                probes: 0};
  const listeners = [];

  // Which control sent a request: its changedPropIds (a short list near the end of the body).
  function kindOf(body) {
    if (typeof body !== "string") return "other";
    const at = body.lastIndexOf('"changedPropIds"');
    const ids = at < 0 ? "" : body.slice(at, body.indexOf("]", at) + 1);
    if (ids.includes('"play-tick.data"')) return "tick";
    if (ids.includes('"step.n_clicks"') || ids.includes('"full-step.n_clicks"')) return "step";  // painted ahead
    if (ids.includes('"playing.data"')) return "pause";  // the charts catching up on Pause
    return "other";
  }

  const realFetch = window.fetch.bind(window);
  window.fetch = function (input, init) {
    const url = typeof input === "string" ? input : (input && input.url) || "";
    const direct = url.includes(TICK);
    if (!direct && !url.includes(UPDATE)) return realFetch(input, init);
    link.base = url.slice(0, url.indexOf(direct ? TICK : UPDATE));
    const kind = direct ? "tick" : kindOf(init && init.body);
    link.pending[kind] += 1;
    link.sent[kind] += 1;
    const request = realFetch(input, init);
    const settle = () => { link.pending[kind] -= 1; };
    const body = init && init.body;
    // The lab's own callback (app/callbacks.py, act): the one that Step's clicks go to.
    const lab = !direct && typeof body === "string" && body.includes('"id":"step","property":"n_clicks"');
    if (lab) link.latestLab = body;
    const failed = () => { if (lab) abandon(); lost(kind); };
    // A 5xx is a proxy with no server behind it (502-504), or a server that cannot answer.
    request.then((res) => { settle(); if (res.status >= 500) failed(); else answered(); },
                 () => { settle(); failed(); });
    return direct ? request : newestOnly(request, body);  // a direct tick is never sent while another travels
  };

  // Only the answer to a callback's newest request is applied. Each request carries the page as it
  // was when it was sent, so an older answer arriving after a newer one would put back what the newer
  // one changed: an upload answered after the Full step clicked while it travelled left the lab at
  // step 0 under counters that said Step 1, and a Roll tick answered after Pause would move the ball. Dash
  // means to drop such answers but does not always. Nothing is lost by dropping one: the lab's newer
  // request takes the clicks not yet taken and reads an arrival not yet cleared (app/callbacks.py,
  // act). Dash takes a 204 as "nothing to update". A callback is named by its outputs, the start of
  // the body Dash sends ({"output":"…", …}).
  function newestOnly(request, body) {
    const at = typeof body === "string" ? body.indexOf('","outputs"') : -1;
    if (at < 0) return request;
    const name = body.slice(0, at);
    const serial = (link.newest.get(name) || 0) + 1;
    link.newest.set(name, serial);
    return request.then((res) => (serial === link.newest.get(name) || !res.ok ? res : new Response(null, {status: 204})));
  }

  // The lab's answer says how many clicks of Step and Full step it has taken ("handled-clicks"), and
  // the next one takes those made since (app/callbacks.py, REPEATED). A click whose request failed was
  // not done, and the notice says so: it counts as taken, or the next answer would do it after all.
  // Clicks only grow, so the lab's latest request carries the most: those are written as taken (an
  // answer to it, if one comes, says the same).
  function abandon() {
    const body = link.latestLab;
    if (typeof body !== "string") return;
    let inputs;
    try {
      inputs = JSON.parse(body).inputs;
    } catch (error) {
      return;
    }
    const taken = {};
    for (const item of [inputs].flat(Infinity)) {
      if (item && item.property === "n_clicks" && typeof item.id === "string" && Number.isInteger(item.value)) {
        taken[item.id] = item.value;
      }
    }
    window.dash_clientside.set_props("handled-clicks", {data: taken});
  }

  function notice() {
    return document.getElementById("server-down");
  }

  // The notice's second line: what happens now, in the words of what the person was doing.
  function say() {
    const box = notice();
    if (!box) return;
    const playing = window.backpropLab?.playing?.() === true;
    const text = playing ? "Play will carry on by itself when it is back. Nothing in this tab is lost."
      : link.failed === "tick" || link.failed === "pause" ? "Play is paused. Nothing in this tab is lost; this notice goes when the server is back."
        : "What you clicked was not done. Nothing in this tab is lost: try again when this notice goes.";
    const line = box.querySelector("#server-down-text");
    if (line && line.textContent !== text) line.textContent = text;
    box.hidden = false;
  }

  function lost(kind) {
    link.failed = kind;
    link.down = true;
    say();
    if (!link.timer && !link.looking) look(link.wait);
    tell("lost", kind);
  }

  function answered() {
    link.wait = FIRST_WAIT_MS;  // a callback answered: the server is fully back
    back();
  }

  function back() {
    clearTimeout(link.timer);
    link.timer = null;
    if (!link.down) return;
    link.down = false;
    const box = notice();
    if (box) box.hidden = true;
    tell("back");
  }

  // Ask again in `wait` ms whether the server answers. Only while the notice is up.
  function look(wait) {
    link.timer = setTimeout(probe, wait);
  }

  function probe() {
    link.timer = null;
    if (!link.down) return;
    link.looking = true;
    link.probes += 1;
    const controller = new AbortController();
    const give = setTimeout(() => controller.abort(), PROBE_TIMEOUT_MS);
    const miss = () => {
      link.wait = Math.min(link.wait * 2, LONGEST_WAIT_MS);
      if (link.down) look(link.wait);
    };
    realFetch(`${link.base}_favicon.ico`, {method: "HEAD", cache: "no-store", signal: controller.signal})
      .then((res) => { link.looking = false; if (res.status < 500) back(); else miss(); },
            () => { link.looking = false; miss(); })
      .finally(() => clearTimeout(give));
  }

  function tell(event, kind) {
    for (const fn of listeners) fn(event, kind);
  }

  window.backpropLabLink = {
    on: (fn) => listeners.push(fn),
    down: () => link.down,
    pending: (kind) => link.pending[kind],
    lost,  // a request that never came back (assets/play.js decides when a tick is lost)
    say: () => { if (link.down) say(); },
    // For tests and benchmarks: requests sent by kind, and looks taken.
    counts: () => ({sent: {...link.sent}, probes: link.probes, wait: link.wait}),
  };
})();
