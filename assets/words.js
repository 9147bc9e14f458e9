/* The words beside the network that the page writes itself (components/words.py): the phase, the
 * counters, the big numbers, when they were measured, the example on show, the note under the curve.
 *
 * Their boxes have no children for React to keep; Dash's answers reach them through their stores (the
 * "words" clientside callback) and Play's chart ticks straight from the server (play.js, app/ticks.py).
 */
(function () {
  "use strict";

  // Words are a string, written as text, or {html}: markup the server made with every string escaped.
  function write(id, words) {
    const box = typeof id === "string" ? document.getElementById(id) : null;
    if (!box) return;
    if (typeof words === "string") {
      if (box.textContent !== words || box.childElementCount) box.textContent = words;
      box.wordsHtml = null;
    } else if (words && typeof words === "object" && typeof words.html === "string" && box.wordsHtml !== words.html) {
      box.innerHTML = words.html;
      box.wordsHtml = words.html;  // the same markup again changes nothing on the page
    }
  }

  const SUFFIX = "-words";
  window.backpropLabWords = {
    write,
    // The clientside callback: the stores an answer set, each into its box (the others may be older
    // than what the page wrote since, while Play runs).
    written() {
      for (const {prop_id: propId, value} of window.dash_clientside.callback_context.triggered || []) {
        const store = typeof propId === "string" ? propId.split(".")[0] : "";
        if (store.endsWith(SUFFIX)) write(store.slice(0, -SUFFIX.length), value);
      }
      return window.dash_clientside.no_update;
    },
  };
})();
