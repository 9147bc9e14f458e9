/* Keyboard shortcuts (listed for people in app/layout.py, SHORTCUTS, and in the ? overlay).
 *
 * A shortcut presses the same button a person would, so it does exactly what a click does.
 * Shortcuts never fire while someone types in a box, uses a list or a slider, or has the
 * focus on a button (Space and Enter then press that button, as they should).
 */
(function () {
  "use strict";
  const KEYS = {
    " ": "step",
    "Enter": "full-step",
    "p": "play",
    "r": "reset",
    "ArrowLeft": "travel-back",
    "ArrowRight": "travel-forward",
  };

  function typing(target) {
    if (!(target instanceof Element)) return false;
    return Boolean(target.closest(
      "input, textarea, select, [contenteditable=''], [contenteditable='true'], .dash-dropdown, " +
      ".Select, [role='combobox'], [role='listbox'], [role='slider'], [role='tab'], .rc-slider"));
  }

  function pressable(target) {
    return target instanceof Element && Boolean(target.closest("button, a[href], [role='button'], summary"));
  }

  function overlay() {
    return document.getElementById("shortcuts");
  }

  function toggleOverlay(open) {
    const box = overlay();
    if (!box) return;
    const show = open === undefined ? box.hidden : open;
    box.hidden = !show;
    if (show) box.querySelector("#shortcuts-close")?.focus();
    else document.getElementById("shortcuts-open")?.focus();
  }

  document.addEventListener("keydown", (ev) => {
    if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey || ev.isComposing) return;
    const box = overlay();
    if (ev.key === "Escape" && box && !box.hidden) { toggleOverlay(false); ev.preventDefault(); return; }
    if (typing(ev.target)) return;
    if (ev.key === "?") { toggleOverlay(); ev.preventDefault(); return; }
    if (box && !box.hidden) return;  // the overlay is open: only ? and Esc
    const key = ev.key.length === 1 ? ev.key.toLowerCase() : ev.key;
    const id = KEYS[key];
    if (!id) return;
    if ((key === " " || key === "Enter") && pressable(ev.target)) return;
    const button = document.getElementById(id);
    if (!button || button.disabled) return;
    ev.preventDefault();  // Space would scroll the page
    button.click();
  });

  document.addEventListener("click", (ev) => {
    if (!(ev.target instanceof Element)) return;
    if (ev.target.closest("#shortcuts-open")) toggleOverlay(true);
    else if (ev.target.closest("#shortcuts-close")) toggleOverlay(false);
    else if (ev.target.id === "shortcuts") toggleOverlay(false);  // a click beside the card
  });
})();
