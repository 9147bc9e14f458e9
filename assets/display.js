/* How the page looks and what it copies: presentation mode, the light or dark theme, and the
 * Copy link button. All in the page: none of it changes the lab, so none of it asks the server
 * (except the link itself, which the server makes from the lab: app/links.py).
 */
(function () {
  "use strict";
  const YES = ["1", "true", "yes", "on"];
  const NO = ["0", "false", "no", "off"];
  const THEMES = ["light", "dark"];

  // The display for the tab: the toggles, or a link's present= and theme= flags when the page opens.
  // Below this width the settings column is put away unless asked for: the network and the loss
  // curve beside it need the room (style.css has the same width).
  const SETTINGS_ROOM = 1280;

  function settingsShown(display) {
    return typeof display.settings === "boolean" ? display.settings : window.innerWidth >= SETTINGS_ROOM;
  }

  // A link's present= and theme= flags over the display kept for the tab.
  function linked(display, search) {
    const params = new URLSearchParams(search);
    const shown = {...display};
    const present = (params.get("present") || "").toLowerCase();
    if (YES.includes(present)) shown.present = true;
    if (NO.includes(present)) shown.present = false;
    const theme = (params.get("theme") || "").toLowerCase();
    if (THEMES.includes(theme)) shown.theme = theme;
    return shown;
  }

  function choose(presentClicks, themeClicks, settingsClicks, search, shown) {
    const ctx = window.dash_clientside.callback_context;
    const triggered = ctx.triggered_id;
    const display = {present: false, theme: "light", settings: null, ...(shown || {})};
    if (triggered === "present-toggle") display.present = !display.present;
    else if (triggered === "settings-toggle") display.settings = !settingsShown(display);
    else if (triggered === "theme-toggle") display.theme = display.theme === "dark" ? "light" : "dark";
    else if (typeof search === "string" && search.length > 1) {
      Object.assign(display, linked(display, search));
      // The link has been read (its lab by the server): a reload keeps the work, not the link.
      window.history.replaceState(window.history.state, "", window.location.pathname);
    } else if (shown) {
      return window.dash_clientside.no_update;
    }
    return display;
  }

  // The page's classes for a display (the first screen takes them too: assets/shell.js).
  function pageClass(d) {
    // null: the width decides (style.css); a person's choice wins over it.
    const settings = d.settings === true ? "settings-open" : d.settings === false ? "settings-closed" : "";
    return ["page", d.present === true ? "present" : "", d.theme === "dark" ? "theme-dark" : "", settings]
      .filter(Boolean).join(" ");
  }

  function show(display, drawn = true) {
    const d = display || {};
    const present = d.present === true;
    const dark = d.theme === "dark";
    const page = pageClass(d);
    document.documentElement.classList.toggle("theme-dark", dark);  // the tooltip and overlay live outside .page
    if (drawn) {
      requestAnimationFrame(() => window.backpropLab && window.backpropLab.redraw());  // stroke widths follow the mode
      window.dispatchEvent(new Event("resize"));  // the charts take the new room
    }
    return [page, present ? "true" : "false", dark ? "Light" : "Dark", settingsShown(d) ? "true" : "false"];
  }

  // The server's query for this lab becomes a full link; the clipboard gets it where the browser
  // allows (navigator.clipboard needs https or localhost: a classroom server on plain http gets
  // the older copy command on the selected text).
  function copyLink(share) {
    if (!share) return window.dash_clientside.no_update;
    if (share.query === null) return ["", share.notice];
    const link = window.location.origin + window.location.pathname + share.query;
    const box = document.getElementById("share-link");
    let copied = false;
    if (box) {
      box.value = link;
      box.select();
      try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
    }
    if (!copied && navigator.clipboard) navigator.clipboard.writeText(link).catch(() => {});
    const said = copied ? "Copied. " : "Select the link above and copy it. ";
    return [link, said + "It opens this network and data, from the start, on any computer." +
      (share.notice ? " " + share.notice : "")];
  }

  // The page's first screen (app/first_screen.py) looks as the tab's display will: its classes,
  // from the display the tab keeps (Dash's session store "display") and the link's flags, are
  // set before the network is drawn into it (its strokes follow presentation mode).
  function dressFirstScreen() {
    const page = document.querySelector(".first-screen .page");
    if (!page) return;
    let kept = null;
    try { kept = JSON.parse(window.sessionStorage.getItem("display")); } catch (err) {}
    const display = linked({present: false, theme: "light", settings: null,
      ...(kept && typeof kept === "object" ? kept : {})}, window.location.search);
    const [classes, present, theme, settings] = show(display, false);
    page.className = classes;
    const button = (id) => page.querySelector(`[data-id="${id}"]`);
    button("present-toggle")?.setAttribute("aria-pressed", present);
    button("settings-toggle")?.setAttribute("aria-pressed", settings);
    if (button("theme-toggle")) button("theme-toggle").textContent = theme;
  }
  dressFirstScreen();

  // A link's flags tick a list of options: `flags` maps a flag to the option it ticks, `usual` is
  // what the list starts with. Without any of its flags in the link the list stays as the tab has it.
  function linkedOptions(search, ticked, flags, usual) {
    const params = new URLSearchParams(typeof search === "string" ? search : "");
    const said = Object.entries(flags).map(([flag, option]) => [option, (params.get(flag) || "").toLowerCase()]);
    if (!said.some(([, v]) => YES.includes(v) || NO.includes(v))) return window.dash_clientside.no_update;
    const shown = new Set(Array.isArray(ticked) ? ticked : usual);
    for (const [option, flag] of said) {
      if (YES.includes(flag)) shown.add(option);
      if (NO.includes(flag)) shown.delete(option);
    }
    return Object.values(flags).filter((o) => shown.has(o));
  }
  // The data chart's test points and discretized output (app/panels.py DATA_OPTIONS), and the
  // neurons' own pictures (app/layout.py NETWORK_OPTIONS).
  const dataOptions = (search, ticked) => linkedOptions(search, ticked, {points: "test", discrete: "discrete"}, ["test"]);
  const networkOptions = (search, ticked) => linkedOptions(search, ticked, {maps: "maps"}, []);

  window.backpropLabDisplay = {choose, show, copyLink, dataOptions, networkOptions};
})();
