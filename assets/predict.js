/* Predict, then reveal: the question card under the phase heading (components/predict.py; the
 * questions come from the server, app/predict.py).
 *
 * The flow, in the mode: the card asks about the phase the next Step reveals, and Step waits.
 * An answer (a click, or keys 1-4) is checked at once, counted in the score, and reveals the
 * answer with its reason and the phase together. Step or Space with the question unanswered (the
 * class answered by a show of hands) reveals the answer and the phase too, and counts nothing. The
 * card then keeps the reason on screen; the next Step or Space brings the next question (and
 * holds the phase), or, where a phase has nothing to ask, reveals the phase. Full step and Play
 * go past the questions; while Play runs the card is put away.
 * The score, right of answered, is kept for the tab (the session store "predict-score-kept").
 */
(function () {
  "use strict";
  const YES = ["1", "true", "yes", "on"];
  const NO = ["0", "false", "no", "off"];
  const KEYS = ["1", "2", "3", "4"];  // the answers' keys, in the order of the choices
  // A Step while the question for the lab on show is still on its way waits for it, at most this
  // long: after a reveal the question comes back within a round trip, and only a fast second
  // press would otherwise skip it. A server that does not answer must not hold Step for ever.
  const WAIT_MS = 2000;

  const card = {
    on: false,
    playing: false,
    n: 0,  // the moment the lab on show was given
    askedAt: 0,
    latest: null,  // the server's answer for moment n: {n, question: {...} or null}
    consumed: -1,  // the moment whose question has been put to the class
    shown: "idle",  // "asking", "result" or "idle"
    question: null,  // the question asked
    answer: null,  // the choice made (an index), or null when revealed without one
    score: {right: 0, answered: 0},
    passing: false,  // a Step this script presses itself, after an answer
  };

  const byId = (id) => document.getElementById(id);
  const noUpdate = () => window.dash_clientside.no_update;

  function count(value) {
    return Number.isInteger(value) && value >= 0 && value <= 1e9 ? value : 0;
  }

  // A question from the server, as much of it as the card uses, or null if it is not one.
  function readQuestion(q) {
    if (!q || typeof q !== "object" || typeof q.prompt !== "string" || !Array.isArray(q.choices)) return null;
    const choices = q.choices.filter((c) => typeof c === "string").slice(0, KEYS.length);
    const right = Array.isArray(q.right) ? q.right.filter((i) => Number.isInteger(i) && i >= 0 && i < choices.length) : [];
    if (choices.length < 2 || !right.length) return null;
    // The graph's ids of the choices, one each, or none (a click on the graph then picks as usual).
    const targets = Array.isArray(q.targets) && q.targets.length === choices.length &&
      q.targets.every((t) => typeof t === "string") ? q.targets : null;
    return {prompt: q.prompt, choices, targets, right, answer: String(q.answer || ""), why: String(q.why || "")};
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function pending() {
    const latest = card.latest;
    return latest && latest.n === card.n && card.consumed !== card.n ? latest.question : null;
  }

  function waiting() {
    return (!card.latest || card.latest.n !== card.n) && performance.now() - card.askedAt < WAIT_MS;
  }

  function render() {
    const box = byId("predict-card");
    const body = byId("predict-body");
    const hint = byId("predict-hint");
    if (!box || !body || !hint) return;
    const visible = card.on && !card.playing;
    box.hidden = !visible;
    box.dataset.shown = card.shown;
    const score = byId("predict-score");
    if (score) {
      const s = card.score;
      score.textContent = s.answered ? `Score: ${s.right} of ${s.answered} right` : "Score: none answered yet";
    }
    if (!visible) return;
    body.replaceChildren();
    const q = card.question;
    if (card.shown === "asking" && q) {
      const line = el("div", "predict-line");
      line.append(el("span", "predict-tag", "Predict"), el("span", "predict-prompt", q.prompt));
      const choices = el("div", "predict-choices");
      choices.setAttribute("role", "group");
      choices.setAttribute("aria-label", "Answers");
      q.choices.forEach((label, i) => {
        const button = el("button", "btn predict-choice");
        button.type = "button";
        button.dataset.choice = String(i);
        button.append(el("kbd", "", KEYS[i]), document.createTextNode(" " + label));
        button.setAttribute("aria-label", `${label} (key ${KEYS[i]})`);
        choices.append(button);
      });
      body.append(line, choices);
      const where = q.targets ? "Click it on the graph or here, or press" : "Click or press";
      hint.textContent = `${where} 1–${q.choices.length} · Space (Step): reveal the answer and the phase`;
      return;
    }
    if (card.shown === "result" && q) {
      const chose = card.answer;
      const right = chose !== null && q.right.includes(chose);
      const verdict = chose === null ? `Answer: ${q.answer}`
        : right ? `✓ Right: ${q.answer}` : `✗ Not this time: ${q.answer} (you chose ${q.choices[chose]})`;
      const line = el("div", "predict-line");
      line.append(el("span", "predict-verdict " + (chose === null ? "shown" : right ? "right" : "wrong"), verdict),
        el("span", "predict-why", q.why));
      body.append(line);
      hint.textContent = pending() ? "Space (Step): the next question"
        : waiting() ? "" : "Space (Step): the next phase";
      return;
    }
    body.append(el("div", "predict-line predict-idle",
      waiting() ? "The question is on its way…" : "Nothing to predict in this phase: Step reveals it."));
    hint.textContent = "";
  }

  function ask(q) {
    card.shown = "asking";
    card.question = q;
    card.answer = null;
    card.consumed = card.n;
    render();
  }

  // The answer (an index, or null for none) and its reason go up on the card.
  function reveal(answer) {
    card.shown = "result";
    card.answer = answer;
    if (answer !== null) {
      const s = {right: card.score.right + (card.question.right.includes(answer) ? 1 : 0),
                 answered: card.score.answered + 1};
      card.score = s;
      window.dash_clientside.set_props("predict-score-kept", {data: s});
    }
    render();
  }

  // Then the phase itself: Step is pressed as a person would press it.
  function step() {
    const button = byId("step");
    if (!button || button.disabled) return;
    card.passing = true;
    try { button.click(); } finally { card.passing = false; }
  }

  function choose(index) {
    if (card.shown !== "asking" || !card.question || !(index >= 0 && index < card.question.choices.length)) return;
    reveal(index);
    step();
  }

  // Seen before every other listener (the window's capture comes before the document's, where
  // assets/play.js paints a Step ahead): a Step the card holds must paint nothing.
  window.addEventListener("click", (ev) => {
    const button = ev.target instanceof Element && ev.target.closest("#step");
    if (!button || button.disabled || card.passing || !card.on || card.playing) return;
    if (card.shown === "asking") {
      reveal(null);  // the answer now, and the Step goes on to reveal the phase
      return;
    }
    const next = pending();
    if (next || waiting()) {
      ev.stopImmediatePropagation();
      ev.preventDefault();
      if (next) ask(next);
      else render();
    }
  }, true);

  // A question about neurons or weights is answered on the graph too: a click on one of its choices
  // there answers it (and does not pick the weight, as a click on the graph otherwise does).
  window.addEventListener("click", (ev) => {
    const q = card.question;
    if (card.shown !== "asking" || !q || !q.targets || !(ev.target instanceof Element)) return;
    const hit = ev.target.closest("#network [data-graph]");
    const index = hit ? q.targets.indexOf(hit.dataset.graph) : -1;
    if (index < 0) return;
    ev.stopImmediatePropagation();
    ev.preventDefault();
    choose(index);
  }, true);

  document.addEventListener("click", (ev) => {
    if (!(ev.target instanceof Element)) return;
    const choice = ev.target.closest(".predict-choice");
    if (choice) {
      choose(Number(choice.dataset.choice));
      return;
    }
    if (ev.target.closest("#predict-score-reset")) {
      card.score = {right: 0, answered: 0};
      window.dash_clientside.set_props("predict-score-kept", {data: card.score});
      render();
    }
  });

  function typing(target) {
    return target instanceof Element && Boolean(target.closest(
      "input, textarea, select, [contenteditable=''], [contenteditable='true'], .dash-dropdown, [role='combobox'], " +
      "[role='listbox'], [role='slider'], .rc-slider"));
  }

  document.addEventListener("keydown", (ev) => {
    if (card.shown !== "asking" || !card.on || card.playing) return;
    if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey || ev.isComposing || typing(ev.target)) return;
    const overlay = byId("shortcuts");
    if (overlay && !overlay.hidden) return;
    const index = KEYS.indexOf(ev.key);
    if (index < 0 || !card.question || index >= card.question.choices.length) return;
    ev.preventDefault();
    choose(index);
  });

  // The mode for the tab: the switch turns it over; a tour step may turn it on; a link's
  // predict= flag sets it when the page opens; otherwise the tab keeps what it had.
  function mode(clicks, search, tour, kept, info) {
    const triggered = window.dash_clientside.callback_context.triggered_id;
    let on = kept === true;
    if (triggered === "predict-toggle") on = !on;
    else if (triggered === "tour") on = on || (Array.isArray(info?.tour) && info.tour.includes(tour));
    else if (typeof search === "string") {
      const flag = (new URLSearchParams(search).get("predict") || "").toLowerCase();
      if (YES.includes(flag)) on = true;
      if (NO.includes(flag)) on = false;
    }
    return [on === (kept === true) ? noUpdate() : on, on ? "true" : "false"];
  }

  // Each lab shown while the mode is on and Play is not running is a new moment, and the server is
  // asked its question (app/predict.py). A question asked about a lab that has since changed
  // without a Step (Full step, a slider, a new lesson) is dropped unanswered.
  function moment(state, on, playing) {
    const was = card.on && !card.playing;
    card.on = on === true;
    card.playing = playing === true;
    if (!card.on || card.playing) {
      card.latest = null;
      card.shown = "idle";
      card.question = null;
      render();
      return was ? null : noUpdate();
    }
    card.n += 1;
    card.askedAt = performance.now();
    if (card.shown === "asking") card.shown = "idle";
    render();
    return {n: card.n};
  }

  function question(answer) {
    if (!answer || typeof answer !== "object" || answer.n !== card.n) return noUpdate();  // overtaken
    const q = readQuestion(answer.question);
    card.latest = {n: answer.n, question: q};
    if (card.shown !== "result") {
      if (q) ask(q);
      else {
        card.shown = "idle";
        render();
      }
    } else {
      render();  // the reason stays up; the hint says what the next Step does
    }
    return noUpdate();
  }

  function score(kept) {
    card.score = {right: count(kept?.right), answered: count(kept?.answered)};
    if (card.score.right > card.score.answered) card.score = {right: 0, answered: 0};
    render();
    return noUpdate();
  }

  window.backpropLabPredict = {mode, moment, question, score};
})();
