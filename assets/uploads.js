/* Files a person chooses (dcc.Upload): named for screen readers, and refused in the page when
 * too big, with a message, before their bytes are sent. The server checks every upload again
 * (app/arrivals.py); this only spares a classroom's network a file it would refuse anyway.
 */
(function () {
  "use strict";

  // A file input dcc.Upload draws has no name of its own: it takes its button's words, so a
  // screen reader says "Upload a CSV…", not "Choose file". The layout is drawn once, after load.
  function nameFileInputs() {
    const inputs = document.querySelectorAll(".upload input[type=file]");
    inputs.forEach((input) => {
      const button = input.parentElement.querySelector("button");
      if (button) input.setAttribute("aria-label", `${button.textContent} ${button.title}`.trim());
    });
    return inputs.length > 0;
  }
  const naming = setInterval(() => { if (nameFileInputs()) clearInterval(naming); }, 200);

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
