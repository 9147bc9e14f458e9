/* The Worksheet button: the lab on screen goes to the server in a form posted to a new tab, which
 * answers with the worksheet page (app/worksheet.py). A form, not fetch(): the answer is a page of
 * its own to print, and the lab (up to a few MB) is too big for an address. Multipart, so the JSON
 * is sent as it is rather than percent-encoded. The address is relative ("worksheet"), so the app
 * may be served under a prefix.
 */
(function () {
  "use strict";

  function field(form, name, value) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }

  function open(clicks, lab, start, lesson) {
    if (!clicks) {
      return window.dash_clientside.no_update;
    }
    const form = document.createElement("form");
    form.method = "post";
    form.action = "worksheet";
    form.enctype = "multipart/form-data";
    form.target = "_blank";
    form.hidden = true;
    // While Play runs the page holds a newer lab than the store's (assets/play.js).
    lab = window.backpropLab?.held?.() || lab;
    // Before the first step is stored the page has no lab yet: the server then says so.
    if (lab) {
      field(form, "lab", JSON.stringify(lab));
    }
    if (start) {
      field(form, "start", JSON.stringify(start));
    }
    if (typeof lesson === "string") {
      field(form, "lesson", lesson);
    }
    document.body.appendChild(form);
    form.submit();
    form.remove();
    return "The worksheet opens in a new tab: print it from there, or download it as Markdown.";
  }

  window.backpropLabWorksheet = {open};
})();
