/* Play's scheduler: Play and Pause, and the clock that asks the server for each training tick.
 *
 * The renderer (network.js) calls nextTick around each view it draws, through the object the
 * network's files share (window.backpropLabNetwork); Step's next phase is painted through it too.
 * Pause is a click on the page's own button, answered here, in the browser, at once (the
 * "playback" clientside callback, assets/clientside.js).
 */
(function () {
  "use strict";
  const net = window.backpropLabNetwork = window.backpropLabNetwork || {};

  // Ticks are chained: the next one is asked for by the renderer of the last
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
  const play = {on: false, scheduled: false, awaiting: false, sentAt: 0, tick: 0, period: 900, most: 1, speed: null,
                due: 0, chartsAt: 0, watchdog: null, catchUpLost: false, frames: 1, roundTrip: 0,
                stopping: false, stopTimer: null};
  const ANSWER_TIMEOUT_MS = 3000;  // an answer that drew nothing (e.g. nothing changed) must not stall Play
  const LOST_TICK_MS = 6000;  // a tick with no answer at all for this long is lost (ticks take well under 1 s)
  // The charts, numbers and words follow Play on one tick in this many milliseconds (a "chart
  // tick", whose answer brings them); the ticks between bring the network and the counters only.
  // Numbers that change faster than this cannot be read. At full speed, once a second: when a chart
  // tick's answer went through Dash, it cost the page three or four tasks of 30-50 ms, each a display
  // frame in which the network did not move; twice a second, a small network was redrawn 43-47 times a
  // second, and once a second 52-55 times (4,2, counted in the page).
  const CHART_INTERVAL_MS = 500;
  const FAST_CHART_INTERVAL_MS = 1000;
  // At full speed a tick also asks for the pictures on the way to it (network.js paints one per
  // display frame): as many as the last round trip lasted frames, so the network moves at the
  // display's rate whatever the round trip, up to the most the speed allows (app/actions.Speed).
  // Two more than that: the next answer's first picture waits for a frame (network.js), and a round
  // trip a little slower than the last must not leave a frame without a new picture.
  const DISPLAY_FRAME_MS = 1000 / 60;
  const SPARE_FRAMES = 2;

  function ask() {
    play.scheduled = false;
    if (!play.on) return;
    if (labPending()) {  // a tick now would start from the lab as it was before that change
      held.resume = true;
      clearTimeout(held.resumeTimer);
      held.resumeTimer = setTimeout(resume, ANSWER_TIMEOUT_MS);  // a request refused gets no answer to wait for
      return;
    }
    play.awaiting = true;
    play.sentAt = performance.now();
    play.tick += 1;
    const moves = owed(play.sentAt);
    const charts = play.sentAt - play.chartsAt >= (play.period === 0 ? FAST_CHART_INTERVAL_MS : CHART_INTERVAL_MS);
    if (charts) play.chartsAt = play.sentAt;
    const frames = Math.min(Math.ceil(play.roundTrip / DISPLAY_FRAME_MS) + SPARE_FRAMES, play.frames);
    const direct = held.lab && play.speed && !held.viaCallback;
    held.viaCallback = false;
    if (direct) askDirect(play.tick, moves, frames, charts);
    else window.dash_clientside.set_props("play-tick", {data: {n: play.tick, charts, moves, frames}});
    watch(play.tick);
  }

  // The lab as Play has trained it. Each tick goes straight to the server (app/ticks.py) with this lab,
  // and its answer is painted here: through Dash, each answer cost the page 20-25 ms of its renderer's
  // bookkeeping, a dropped frame in three at full speed. A chart tick's answer brings the charts,
  // numbers and words too, drawn here; it asks Dash only for a panel on show that it did not bring
  // ("play-charts", app/callbacks.py catch_up). The store
  // ("lab-state", which Dash keeps in the tab's session storage) hears of the lab when Play stops
  // (save); until then every callback request carries this lab, not the store's (beforeRequest), and
  // the tab's storage is written here. `gen` counts the requests of the lab's callback (a setting
  // changed during Play): an answer to a tick sent before one of them started from an older lab, and
  // is not painted. `viaCallback`: the next tick goes through the lab's callback, whose answer says on
  // the page what is wrong (a tick refused) or brings a shape's geometry.
  const held = {lab: null, gen: 0, unsaved: false, url: null, resume: false, resumeTimer: null, viaCallback: false};
  // The lab's callback's requests on their way (a setting chosen, a slider moved), oldest
  // first: no tick is asked for until they are answered, or it would start from the lab before their
  // change, and its answer would put the old setting back.
  const labRequests = [];

  function labPending() {
    const now = performance.now();
    while (labRequests.length && now - labRequests[0].at > ANSWER_TIMEOUT_MS) labRequests.shift();  // refused, or lost
    return labRequests.length > 0;
  }

  function resume() {
    clearTimeout(held.resumeTimer);
    if (!held.resume) return;
    held.resume = false;
    schedule();
  }

  function tickUrl() {
    if (held.url === null) {
      let prefix = "/";
      try {
        prefix = JSON.parse(document.getElementById("_dash-config").textContent).requests_pathname_prefix || "/";
      } catch (err) {}  // no config: the app at the site's root
      held.url = `${prefix}_lab-tick`;
    }
    return held.url;
  }

  // The tab on show in the landscape card and the weight its loss curve follows ("shownCharts", a
  // clientside callback: app/panels.py): a chart tick asks for the charts on show.
  const shown = {tab: null, slice: null};
  function shownCharts(tab, slice) {
    shown.tab = typeof tab === "string" ? tab : null;
    shown.slice = typeof slice === "string" ? slice : null;
  }

  function askDirect(n, moves, frames, charts) {
    const gen = held.gen;
    const body = JSON.stringify({lab: held.lab, speed: play.speed, moves, frames, maps: net.mapsOn?.() === true,
                                 painted: document.getElementById("network")?._parts?.key ?? null,
                                 ...(charts ? {charts, tab: shown.tab, slice: shown.slice} : {})});
    // A request that fails is told to the listeners by assets/connection.js ("lost"), which watches it.
    window.fetch(tickUrl(), {method: "POST", headers: {"Content-Type": "application/json"}, body})
      .then((res) => (res.ok ? res.json() : null))
      .then((answer) => took(n, gen, answer, charts), () => took(n, gen, null, charts));
  }

  function took(n, gen, answer, charts) {
    if (n !== play.tick || !play.awaiting || !(play.on || play.stopping)) return;  // a newer tick is awaited, or none
    const link = window.backpropLabLink;
    if (!answer || gen !== held.gen || answer.view == null) {
      // Refused (the callback's answer says why on the page: the next tick goes through it), or from a
      // lab older than the page's: ask again. A lost one waits for the server (linkChanged).
      if (!answer) held.viaCallback = true;
      if (charts) play.chartsAt = 0;  // the charts were not drawn: the next tick brings them
      if (play.stopping) {  // Play stopped while it travelled (Pause, or a lab that diverged): no more ticks
        play.awaiting = false;
        stopped();
      } else if (!link?.down()) {
        play.awaiting = false;
        schedule();
      }
      return;
    }
    held.lab = answer.lab;
    held.unsaved = true;
    try {
      window.sessionStorage.setItem("lab-state", JSON.stringify(answer.lab));
    } catch (err) {}  // storage full or refused: the store is written on the next chart tick
    window.backpropLabTimeline?.carryOn(answer.lab);
    const set = window.dash_clientside.set_props;
    // Play stops by itself (playback, which the store's change fires); the catch-up draws the rest.
    if (answer.stopped) {
      set("message", {children: answer.stopped.reason});
      set("play-stopped", {data: answer.stopped});
    }
    if (answer.stopped || answer.diverged) save();
    const key = window.backpropLab.render("network", answer.view);
    if (typeof key === "string") set("painted-key", {data: key});
    if (key === null) {  // a shape this page has not drawn: the callback's answer brings its geometry
      held.viaCallback = true;
      play.awaiting = false;
      schedule();
      return;
    }
    // A stop's or divergence's catch-up on Pause draws the charts instead.
    if (!answer.charts || answer.stopped || answer.diverged) return;
    // Drawn once the network shows this answer's lab, in a task of their own: not in a frame's.
    net.whenPainted(() => setTimeout(() => drawCharts(answer.charts), 0));
    if (answer.panels) set("play-charts", {data: n});
  }

  // A chart tick's charts and words, by the box each goes in.
  function drawCharts(charts) {
    for (const [id, shown] of Object.entries(charts)) {
      if (document.getElementById(id)?.classList.contains("line-chart")) window.backpropLabLineChart.draw(shown, id);
      else window.backpropLabWords.write(id, shown);
    }
  }

  // The store hears of the lab the page holds.
  function save() {
    if (!held.unsaved) return;
    held.unsaved = false;
    window.dash_clientside.set_props("lab-state", {data: held.lab});
  }

  // Dash's hook before each callback request (app/__init__.py, the renderer's request_pre), given the
  // request before it is sent: the lab it carries is the one the page holds. A request of the lab's
  // own callback may answer with a new lab: a tick on its way from the page's older lab is not painted.
  function beforeRequest(payload) {
    if (!payload) return;
    if (typeof payload.output === "string" && payload.output.includes("lab-state.data")) {
      held.gen += 1;
      labRequests.push({payload, at: performance.now()});
    }
    if (!held.unsaved) return;
    for (const item of [payload.inputs, payload.state].flat(Infinity)) {
      if (item && item.id === "lab-state" && item.property === "data") item.value = held.lab;
    }
  }

  // Dash's hook once a request is answered (request_post), just before the answer goes into the store.
  // A new lab in it is the one Play carries on from. The requests of the lab's callback sent before
  // this one are answered too: only the newest answer is applied (connection.js), and theirs never come.
  function afterRequest(payload, response) {
    const at = labRequests.findIndex((r) => r.payload === payload);
    if (at < 0) return;
    labRequests.splice(0, at + 1);
    const lab = response?.["lab-state"]?.data;
    if (lab) {
      held.lab = lab;
      held.unsaved = false;
      held.gen += 1;
    }
    if (!labRequests.length) resume();
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
      labRequests.length = 0;  // the lab's requests on their way will not be answered either
      if (kind === "tick") {
        play.awaiting = false;  // no answer is coming: wait for the server, not for a drawing
        clearTimeout(play.watchdog);
        stopped();  // a Pause that waited for this tick waits no more
      }
      if (kind === "pause") play.catchUpLost = true;
      if (kind === "step") net.takeBack();  // take back the phase Step painted ahead of the server, and its words
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

  // Called as each view is drawn (network.js). At full speed the next tick is asked for at once, before
  // this one is painted, so that the server trains while the browser paints: this callback
  // is already running, so the request it starts cannot hold it back. At the paced speeds
  // the next tick is asked for when the clock says its move is due (at once if it is late).
  function nextTick(beforePaint) {
    if (play.awaiting && beforePaint) play.roundTrip = performance.now() - play.sentAt;
    // The tick Pause waited for is in (playback): the charts catch up once its pictures are painted,
    // so that the counters the catch-up writes are never followed by an older picture's.
    if (beforePaint && play.stopping) setTimeout(() => net.whenPainted(stopped), 0);
    if (!play.awaiting || beforePaint !== (play.period === 0 && play.on)) return;
    play.awaiting = false;
    if (beforePaint) ask();
    else schedule();
  }

  function playback(clicks, speed, stored, halted, playing, paces) {
    // A click can arrive in the same batch as a training tick's new state, in either order:
    // look for it among all triggers, not only the first, or Pause is sometimes lost.
    const triggers = (window.dash_clientside.callback_context.triggered || []).map((t) => t.prop_id || "");
    // The lab the tab kept (session storage) when the page opens; after that, every lab the store is
    // given comes through afterRequest first, or from the page itself (save).
    if (held.lab === null && stored) held.lab = stored;
    let on = playing === true && !play.stopping;
    if (triggers.some((id) => id.startsWith("play."))) on = !on;
    if (stored && stored.diverged) on = false;
    // The tick that met the stop rule (Training: "Play stops when") says so; its words are on the page.
    if (halted && triggers.some((id) => id.startsWith("play-stopped."))) on = false;
    const pace = (paces || {})[speed] || {period: 900, most: 1, frames: 1};
    // The clock starts when Play does, and again at a new speed: the first move a period later.
    if (on && (!play.on || pace.period !== play.period)) play.due = performance.now() + pace.period;
    const changed = on !== play.on;
    play.on = on;
    play.speed = speed;
    play.period = pace.period;
    play.most = pace.most;
    play.frames = pace.frames || 1;
    const stale = play.awaiting && performance.now() - play.sentAt > ANSWER_TIMEOUT_MS;
    if (on && (!play.awaiting || stale)) {
      play.awaiting = false;
      schedule();
    } else if (on && changed) {
      // Play again while the tick Pause waited for is still out: its answer asks for the next one,
      // and one that draws nothing is given up on by the watchdog (Pause had stopped it).
      watch(play.tick, Math.max(0, play.sentAt + ANSWER_TIMEOUT_MS - performance.now()));
    }
    if (!on) clearTimeout(play.watchdog);
    if (changed) window.backpropLabLink?.say();  // the notice, if up, says what Play will do now
    // Pause with a tick on its way: the store says "playing" until that tick is in, and only then do
    // the charts, numbers and words catch up (app/callbacks.py, catch_up, which "playing" turning
    // false fires). Asked for at once, the catch-up would draw the lab as it was before that tick,
    // and could land after it: the screen would show a lab older than the one the tab keeps.
    clearTimeout(play.stopTimer);
    play.stopping = !on && playing === true && play.awaiting;
    if (!on && !play.stopping) save();  // the lab the page holds, before the catch-up reads the store
    if (play.stopping) play.stopTimer = setTimeout(stopped, ANSWER_TIMEOUT_MS);  // an answer that drew nothing
    const kept = play.stopping || on;
    // Setting an output, even to the same value, fires everything that listens to it.
    const same = window.dash_clientside.no_update;
    return [kept === (playing === true) ? same : kept, changed ? (on ? "Pause" : "Play") : same];
  }

  function stopped() {
    if (!play.stopping) return;
    play.stopping = false;
    clearTimeout(play.stopTimer);
    save();
    window.dash_clientside.set_props("playing", {data: false});
  }

  // Step paints the next phase at once from the picture the last answer brought along
  // (view.next), Full step the end of the next update (view.after, or "next" when that is the
  // next phase); the server's answer, with tooltips and numbers, follows. A plain click listener,
  // seen before Dash's own (the keyboard's shortcuts click the buttons too): going through a
  // clientside callback would first wait for Dash to handle the click and send the request (its
  // whole state) to the server.
  const AHEAD = {"step": "next", "full-step": "after"};
  function paintAhead(button) {
    const view = net.view;
    const picture = view?.[AHEAD[button]];
    return net.paint(picture === "next" ? view.next : picture);
  }
  // A click that painted ahead reaches Dash once that picture is on the screen: Dash's own work for
  // a click (the request, and every output it marks as loading) takes tens of milliseconds on a big
  // network, and the frame waits for the task it is in. The click is handed on after the frame, or
  // after HAND_ON_MS if no frame comes (a hidden tab draws none); nothing is lost or counted twice.
  const HAND_ON_MS = 100;
  let handing = false;
  function handOn(button) {
    let done = false;
    const go = () => {
      if (done) return;
      done = true;
      handing = true;
      try { button.click(); } finally { handing = false; }
    };
    requestAnimationFrame(() => setTimeout(go, 0));
    setTimeout(go, HAND_ON_MS);
  }
  document.addEventListener("click", (ev) => {
    const button = ev.target instanceof Element && ev.target.closest("#step, #full-step");
    if (!button || button.disabled || handing) return;
    if (paintAhead(button.id)) {
      ev.stopImmediatePropagation();
      handOn(button);
    }
  }, true);

  net.nextTick = nextTick;
  window.backpropLab = Object.assign(window.backpropLab || {}, {playback, playing: () => play.on, beforeRequest,
    afterRequest, shownCharts, held: () => held.lab});
})();
