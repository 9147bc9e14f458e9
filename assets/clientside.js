/* The functions of the app's clientside callbacks: one namespace, window.dash_clientside.backpropLab,
 * which app/ names with ClientsideFunction(namespace="backpropLab", function_name=...). Why each
 * callback exists is said where it is registered, in Python.
 *
 * Most of them hand over to the file that does the work. They look it up when Dash calls them, not
 * when this file is read, so the order Dash loads the assets in does not matter, and a hook put
 * over window.backpropLab.render (bench/browser.py times the renderer) sees every call.
 * tests/app/test_clientside.py fails if app/ names a function that is not here.
 */
(function () {
  "use strict";
  const clientside = window.dash_clientside = window.dash_clientside || {};
  const noUpdate = () => window.dash_clientside.no_update;
  const offers = (options, param) => typeof param === "string" && Array.isArray(options) &&
    options.some((o) => o && o.value === param);

  clientside.backpropLab = {
    // The Twins panel (app/twin_panel.py): the lab's chart ticks pass only while its tab is open,
    // stamped so that the same tick seen twice still fires.
    // The twin's own network, drawn in its box beside the lab's (network.js, still).
    twinNetwork: (view) => window.backpropLab.still("twin-network", view),
    twinDue: (due, tab) => (tab !== "twin" ? noUpdate() : {due, at: Date.now()}),
    // A link's twin= opens the panel once the first screen is down (it waits for the first tab's chart).
    openTwinFromLink: async (search) => {
      const twin = new URLSearchParams(typeof search === "string" ? search : "").get("twin");
      if (!twin) return noUpdate();
      const shell = window.backpropLabShell;
      for (let i = 0; i < 150 && shell && shell.up(); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return "twin";
    },

    // The network (network.js and play.js; app/callbacks.py).
    render: (view) => window.backpropLab.render("network", view),
    // The charts the page draws itself (line-chart.js; components/line_chart.py).
    lineChart: (figure, id) => window.backpropLabLineChart.draw(figure, id),
    // The words the page writes itself (words.js; components/words.py).
    words: () => window.backpropLabWords.written(),
    reportFirstView: () => window.backpropLab.reportFirstView(),
    select: (param) => window.backpropLab.select(param),
    playback: (...args) => window.backpropLab.playback(...args),
    shownCharts: (tab, slice) => window.backpropLab.shownCharts(tab, slice),

    // A pinned weight's readout beside its slider (components/weight_slider.py).
    readout: (value) => (value === null || value === undefined) ? noUpdate()
      : (value >= 0 ? "+" : "\u2212") + Math.abs(value).toFixed(3),

    // The Equations tab: HTML with MathML the server made and escaped (components/mathml.py, app/maths.py).
    showEquations: (markup) => {
      const box = document.getElementById("equations");
      if (box && typeof markup === "string" && box.dataset.shown !== markup) {
        box.innerHTML = markup;
        box.dataset.shown = markup;
      }
      return noUpdate();
    },

    // Predict, then reveal: the question card (predict.js; app/predict.py).
    predictMode: (...args) => window.backpropLabPredict.mode(...args),
    predictMoment: (...args) => window.backpropLabPredict.moment(...args),
    predictQuestion: (answer) => window.backpropLabPredict.question(answer),
    predictScore: (kept) => window.backpropLabPredict.score(kept),

    // Copy link, time travel and the display (display.js, timeline.js; app/sharing.py).
    copyLink: (share) => window.backpropLabDisplay.copyLink(share),
    // The worksheet of the lab on screen, in a new tab (worksheet.js; app/worksheet.py).
    openWorksheet: (...args) => window.backpropLabWorksheet.open(...args),
    dataOptions: (search, ticked) => window.backpropLabDisplay.dataOptions(search, ticked),
    networkOptions: (search, ticked) => window.backpropLabDisplay.networkOptions(search, ticked),

    // The extra inputs' toggles beside the network (app/layout.py, input_toggles): a press ticks or
    // unticks its feature in Settings' list, in the list's order; the toggles show the list.
    toggleFeature: (...args) => {
      const [ticked, info] = args.slice(-2);
      const order = (info && Array.isArray(info.features)) ? info.features : [];
      const id = window.dash_clientside.callback_context.triggered_id;
      const feature = typeof id === "string" && id.startsWith("feature-") ? id.slice("feature-".length) : null;
      if (!feature || !order.includes(feature)) return noUpdate();
      const on = Array.isArray(ticked) ? ticked : [];
      const next = on.includes(feature) ? on.filter((f) => f !== feature) : [...on, feature];
      return order.filter((f) => next.includes(f));
    },
    showFeatures: (ticked, ownExamples, dataset, info) => {
      const order = (info && Array.isArray(info.features)) ? info.features : [];
      const shown = ownExamples !== true && Array.isArray(info?.datasets) && info.datasets.includes(dataset);
      const on = Array.isArray(ticked) ? ticked : [];
      return [!shown, ...order.map((f) => (on.includes(f) ? "true" : "false"))];
    },
    record: (stored, start, limits) => window.backpropLabTimeline.record(stored, start, limits),
    move: (back, forward) => window.backpropLabTimeline.move(),
    choose: (present, theme, settings, search, shown) =>
      window.backpropLabDisplay.choose(present, theme, settings, search, shown),
    show: (display) => window.backpropLabDisplay.show(display),

    // The tour's panel first in the side column (app/tour.py).
    tourFocus: (focus) => {
      const side = document.querySelector(".side");
      const card = focus && typeof focus.card === "string" && document.getElementById(focus.card);
      if (side && card) {
        side.dataset.tourCard = card.id;
        side.scrollTop = 0;
      }
      return noUpdate();
    },

    // The data chart's click, kept for the server's callback (app/callbacks.py).
    dataClick: (click) => click,

    // The loss curve's and the map's weight follow the one selected, once their list offers it (app/panels.py):
    // when it is selected, and when a list is filled. The second is set with set_props, not returned.
    followParam: (param, options) => offers(options, param) ? param : noUpdate(),
    offerParam: (options, param) => {
      const chooser = (window.dash_clientside.callback_context.triggered_id || "");
      if (typeof chooser === "string" && offers(options, param)) window.dash_clientside.set_props(chooser, {value: param});
    },
    // The ball's Play and Pause (app/panels.py).
    ballPlay: (clicks, disabled) => disabled === false ? [true, "Play"] : [false, "Pause"],
  };
})();
