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

  function choose(presentClicks, themeClicks, settingsClicks, search, shown) {
    const ctx = window.dash_clientside.callback_context;
    const triggered = ctx.triggered_id;
    const display = {present: false, theme: "light", settings: null, ...(shown || {})};
    if (triggered === "present-toggle") display.present = !display.present;
    else if (triggered === "settings-toggle") display.settings = !settingsShown(display);
    else if (triggered === "theme-toggle") display.theme = display.theme === "dark" ? "light" : "dark";
    else if (typeof search === "string" && search.length > 1) {
      const params = new URLSearchParams(search);
      const present = (params.get("present") || "").toLowerCase();
      if (YES.includes(present)) display.present = true;
      if (NO.includes(present)) display.present = false;
      const theme = (params.get("theme") || "").toLowerCase();
      if (THEMES.includes(theme)) display.theme = theme;
      // The link has been read (its lab by the server): a reload keeps the work, not the link.
      window.history.replaceState(window.history.state, "", window.location.pathname);
    } else if (shown) {
      return window.dash_clientside.no_update;
    }
    return display;
  }

  function show(display) {
    const d = display || {};
    const present = d.present === true;
    const dark = d.theme === "dark";
    // null: the width decides (style.css); a person's choice wins over it.
    const settings = d.settings === true ? "settings-open" : d.settings === false ? "settings-closed" : "";
    const page = ["page", present ? "present" : "", dark ? "theme-dark" : "", settings].filter(Boolean).join(" ");
    document.documentElement.classList.toggle("theme-dark", dark);  // the tooltip and overlay live outside .page
    requestAnimationFrame(() => window.backpropLab && window.backpropLab.redraw());  // stroke widths follow the mode
    window.dispatchEvent(new Event("resize"));  // the charts take the new room
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

  window.backpropLabDisplay = {choose, show, copyLink};
})();
