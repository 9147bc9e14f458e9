/* Files a person chooses (dcc.Upload): named for screen readers, and refused in the page when
 * too big, with a message, before their bytes are sent. The server checks every upload again
 * (app/arrivals.py); this only spares a classroom's network a file it would refuse anyway.
 */
(function () {
  "use strict";

  // A file input dcc.Upload draws has no name of its own: it takes its button's words, so a
  // screen reader says "Upload a CSV…", not "Choose file". Named as they appear (dcc.Upload draws
  // them once its code has loaded); the watch ends once every upload on the page has its name.
  function nameFileInputs() {
    document.querySelectorAll("#react-entry-point .upload input[type=file]:not([aria-label])").forEach((input) => {
      const button = input.parentElement.querySelector("button");
      if (button) input.setAttribute("aria-label", `${button.textContent} ${button.title}`.trim());
    });
    const uploads = document.querySelectorAll("#react-entry-point .upload");
    return uploads.length > 0 && [...uploads].every((u) => u.querySelector("input[type=file][aria-label]"));
  }
  const entry = document.getElementById("react-entry-point");
  if (entry && !nameFileInputs()) {
    const naming = new MutationObserver(() => { if (nameFileInputs()) naming.disconnect(); });
    naming.observe(entry, {childList: true, subtree: true});
  }

  // Seen before React's own listener (capture, on the document): a file over the limit never
  // reaches dcc.Upload, and the page says why.
  document.addEventListener("change", (ev) => {
    const input = ev.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "file" || !input.closest(".upload")) return;
    const button = input.parentElement.querySelector("button");
    const limit = Number(button?.dataset.maxBytes);
    const file = input.files && input.files[0];
    if (!file || !Number.isFinite(limit) || file.size <= limit) return;
    ev.stopImmediatePropagation();
    input.value = "";
    const what = button.dataset.what || "This file";
    window.dash_clientside.set_props("message", {children:
      `${what} may be at most ${limit.toLocaleString("en")} bytes; “${file.name.slice(0, 60)}” is ` +
      `${file.size.toLocaleString("en")}. Nothing was loaded, and your lab is as it was.`});
  }, true);
})();
