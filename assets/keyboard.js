/* Keyboard shortcuts (listed for people in app/layout.py, SHORTCUTS, and in the ? overlay).
 *
 * A shortcut presses the same button a person would, so it does exactly what a click does.
 * Shortcuts never fire while someone types in a box, uses a list or a slider, or has moved the
 * focus to a button with the keyboard (Space and Enter then press that button, as they should).
 * A control clicked with a mouse gives the focus back to the page, so the shortcuts work again.
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
  // Controls that take no text: after a mouse click they keep nothing a key should reach.
  const CONTROLS = "button, a[href], summary, [role='button'], [role='tab'], [role='checkbox'], [role='radio'], " +
    "[role='switch'], input[type='checkbox'], input[type='radio'], input[type='file'], input[type='button']";
  // An open dropdown list manages its own focus; leave it alone.
  const POPOVER = ".dash-dropdown-content";

  // True from a pointer press until the next key: the difference between a mouse click and a
  // keyboard user pressing a focused button (whose focus must stay where it is).
  let pointer = false;
  document.addEventListener("pointerdown", () => { pointer = true; }, true);
  document.addEventListener("keydown", () => { pointer = false; }, true);

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

  // Where the focus goes back to when the list closes: what had it before the list opened.
  let returnTo = null;

  function toggleOverlay(open) {
    const box = overlay();
    if (!box) return;
    const show = open === undefined ? box.hidden : open;
    if (show === !box.hidden) return;  // already so: keep where the focus returns to
    box.hidden = !show;
    if (show) {
      returnTo = document.activeElement;
      box.querySelector("#shortcuts-close")?.focus();
    } else if (returnTo && returnTo !== document.body && returnTo.isConnected) {
      returnTo.focus();
    } else {
      document.activeElement?.blur();  // the page had it (? typed as a key, or the ? button clicked)
    }
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
    // A control clicked with a pointer gives the focus back to the page, so Space and Enter reach the
    // shortcuts instead of pressing it again. Before the overlay opens: closing it then returns to the page.
    const clicked = ev.target.closest(CONTROLS);
    if (pointer && clicked && clicked === document.activeElement && !clicked.closest(POPOVER)) clicked.blur();
    if (ev.target.closest("#shortcuts-open")) toggleOverlay(true);
    else if (ev.target.closest("#shortcuts-close")) toggleOverlay(false);
    else if (ev.target.id === "shortcuts") toggleOverlay(false);  // a click beside the card
  });

  // A dropdown chosen from with the mouse hands the focus back to its button once the list
  // closes, where Space would open it again: give it to the page instead.
  document.addEventListener("focusin", (ev) => {
    if (pointer && ev.target instanceof Element && ev.target.matches("button.dash-dropdown")) ev.target.blur();
  });
})();
