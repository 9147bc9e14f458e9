// When and which Plotly the charts get. dcc.Graph draws with window.Plotly, waiting for it if it
// is a promise (it calls Promise.resolve(window.Plotly) when the first graph is shown); left
// unset, Dash's renderer would load the full 4.8 MB bundle. Here it is a bundle of Plotly with the
// trace types the app draws and no others (scatter, bar, heatmap, contour: `make plotly` builds
// it; 1.2 MB of script, 0.37 MB as it travels), and it is fetched only when a chart needs it:
// window.Plotly is a promise-like whose `then` starts the fetch. The first screen's charts, the
// loss curve and the loss over training, are drawn by the page itself (line-chart.js), so a page
// whose tabs stay as they open never fetches it. Pointing at or focusing a tab starts the fetch
// too, so the tab's chart is usually ready by the time it is clicked.
// The version is in the file's name, so the browser keeps it for a year (app/delivery.py).
(function () {
  "use strict";
  const url = new URL("vendor/plotly-lab-4.1.1.min.js", document.currentScript.src).href;
  let loading = null;

  function load() {
    if (!loading) {
      loading = new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = url;
        // The bundle sets window.Plotly to itself when it runs; the charts then go on with it.
        script.onload = () => resolve(window.Plotly);
        script.onerror = () => {
          loading = null;  // a later chart may try again
          reject(new Error("The charts could not load their drawing library."));
        };
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  window.Plotly = {then: (resolve, reject) => load().then(resolve, reject)};
  const ahead = (ev) => {
    if (ev.target instanceof Element && ev.target.closest(".tab")) load().catch(() => {});
  };
  document.addEventListener("pointerover", ahead, {passive: true});
  document.addEventListener("focusin", ahead);
})();
