/* The heading over the network holds still: the phase in words and the numbers beside it take
 * another line in some phases (an update's "0.631 → 0.537" widens two cards, and its words are
 * longer), and the network under them would move down and shrink each time, every cycle while Play
 * runs. The heading keeps the tallest height it has taken since the page last changed width, mode
 * or number of cards; the stylesheet's own least height (two lines of words) stays under it.
 */
(function () {
  "use strict";
  let tallest = 0;
  let seen = "";  // the width, the page's classes and the count of cards the height was taken for

  function hold(status) {
    const page = document.getElementById("page");
    const now = `${window.innerWidth}|${page ? page.className : ""}|${status.querySelectorAll(".number").length}`;
    if (now !== seen) {
      seen = now;
      tallest = 0;
      status.style.minHeight = "";
    }
    const height = status.getBoundingClientRect().height;
    if (height > tallest + 0.5) {
      tallest = height;
      status.style.minHeight = `${Math.ceil(height)}px`;
    }
  }

  const resized = new ResizeObserver((entries) => { for (const entry of entries) hold(entry.target); });
  function watch() {
    const status = document.querySelector("#page .status");
    if (status) resized.observe(status);
    return Boolean(status);
  }
  // The live page is built by React after this script runs: look for its heading until it is there.
  if (!watch()) {
    const finder = new MutationObserver(() => { if (watch()) finder.disconnect(); });
    finder.observe(document.documentElement, {childList: true, subtree: true});
  }
})();
