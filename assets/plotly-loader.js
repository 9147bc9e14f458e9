// When and which Plotly the charts get. dcc.Graph draws with window.Plotly, waiting for it if it
// is a promise; left unset, Dash's renderer would load the full 4.8 MB bundle as soon as the
// first chart appears. Here it is a bundle of Plotly with the trace types the app draws and no
// others (scatter, bar, heatmap, contour: `make plotly` builds it; 1.2 MB of script, a quarter
// of the full bundle), and it is loaded once the network has been painted: reading it takes the
// browser 0.3-0.5 s on a classroom laptop, which would otherwise come before the network
// appears. If the network is not painted within FALLBACK_MS (an error on the page), the charts
// load anyway.
// The version is in the file's name, so the browser keeps it for a year (app/delivery.py).
(function () {
  "use strict";
  const url = new URL("vendor/plotly-lab-4.1.1.min.js", document.currentScript.src).href;
  const FALLBACK_MS = 4000;

  window.Plotly = new Promise((resolve, reject) => {
    let asked = false;
    function load() {
      if (asked) return;
      asked = true;
      const script = document.createElement("script");
      script.src = url;
      // The bundle sets window.Plotly to itself when it runs; the charts then go on with it.
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => reject(new Error("The charts could not load their drawing library."));
      document.head.appendChild(script);
    }
    // After the frame that shows the network (assets/network.js sends the event).
    document.addEventListener("network-painted", () => setTimeout(load, 0), {once: true});
    setTimeout(load, FALLBACK_MS);
  });
})();
