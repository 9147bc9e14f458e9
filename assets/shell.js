/* The page's first screen (app/first_screen.py): the layout as plain HTML, sent with the page, so
 * the lab is on screen while the browser still reads Dash's scripts. display.js has given it the
 * tab's look and network.js has drawn the first picture into it; this shows it, and takes it away
 * once the live page under it is complete.
 *
 * React puts the live page on the page before Dash's lazily loaded components (the dropdowns,
 * the uploads) are drawn, and before the server's first answers have written the words over the
 * network and under the loss curve. The first screen stays over it (style.css) until every element
 * the first screen shows is there too and the words are written (the first screen came with them),
 * so nothing on screen jumps or blinks; SWAP_MS after the live page came it goes in any case. It goes in a
 * MutationObserver's callback, before the browser paints again. It is inert and lets clicks
 * through: a click meanwhile reaches the live page's element under it, in the same place.
 */
(function () {
  "use strict";
  // Dash's lists can come seconds after the rest on a busy laptop: this only ends a wait for an
  // element that never comes (clicks go through the first screen meanwhile).
  const SWAP_MS = 10000;
  const shell = document.querySelector(".first-screen");
  const entry = document.getElementById("react-entry-point");
  let swapped = !shell || !entry;

  let how = null;  // why it went: "complete", or "waited" SWAP_MS (a hook for tests)
  function swap(reason = "waited") {
    if (swapped) return;
    swapped = true;
    how = reason;
    watch.disconnect();
    window.backpropLab?.adoptFirstView();  // its picture moves to the live #network
    window.backpropLabLineChart?.adoptFirst();  // and its charts stay until the server draws them
    shell.remove();
  }

  // Every element the first screen shows (those with a data-id, out of closed tabs and overlays
  // alike: the first screen holds only what is on show) is on the live page.
  const shown = swapped ? [] : [...shell.querySelectorAll("[data-id]")].map((e) => e.dataset.id);
  // The words the server's first answers write, which the first screen came with: the phase (the
  // lab's answer) and the words under the loss curve (the panels' answer, which also draws the curve).
  const WRITTEN = ["phase-text", "slice-note"];
  function complete() {
    return entry.querySelector(".page") !== null && shown.every((id) => document.getElementById(id)) &&
      WRITTEN.every((id) => !shown.includes(id) || document.getElementById(id)?.textContent !== "");
  }

  let timer = null;
  const watch = new MutationObserver(() => {
    if (complete()) swap("complete");
    else if (timer === null && entry.querySelector(".page")) timer = setTimeout(swap, SWAP_MS);
  });
  if (!swapped) {
    entry.querySelector("._dash-loading")?.remove();  // the first screen says more than "Loading..."
    shell.hidden = false;
    watch.observe(entry, {childList: true, subtree: true});
  }

  window.backpropLabShell = {swap, up: () => !swapped, how: () => how};
})();
