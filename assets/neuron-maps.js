/* Every neuron's own picture at once, drawn inside the neuron ("neuron pictures" under the network).
 *
 * Each cell of a neuron's picture is that neuron's activation at one point of the input plane, lit as
 * the neuron itself is lit (components/network_view.py: its layer's colour for a ≥ 0, orange below,
 * as strongly as |a|). The page computes them: it runs the forward pass on a grid of the plane from
 * the weights each picture brings (the model of a picture with tooltips, the rounded `maps` of one
 * without: Play's, Step's ahead; a drag's own), with the activations of instant.js. Which plane, and
 * the colours, come with the last model (components/neuron_maps.py). network.js calls draw() after
 * each picture it paints; the pictures change only when the weights do.
 */
(function () {
  "use strict";
  const net = window.backpropLabNetwork = window.backpropLabNetwork || {};
  const XHTML = "http://www.w3.org/1999/xhtml";
  const SVG = "http://www.w3.org/2000/svg";

  // engine/datasets.py FEATURES, by the same names: an extra input from the raw inputs (x₁, x₂).
  const FEATURE = {
    x1_sq: (x) => x[0] ** 2, x2_sq: (x) => x[1] ** 2, x1_x2: (x) => x[0] * x[1],
    sin_x1: (x) => Math.sin(x[0]), sin_x2: (x) => Math.sin(x[1]),
  };

  // The plane's points as np.linspace spaces them, x₁ along a row and x₂ up the picture; the
  // network's inputs at each: the raw ones, then the extra ones. Row 0 is the top (largest x₂).
  function grid(plane) {
    const n = plane.grid;
    const line = ([lo, hi]) => Array.from({length: n}, (_, i) => (i === n - 1 ? hi : lo + i * ((hi - lo) / (n - 1))));
    const xs = line(plane.spans[0]);
    const ys = plane.spans.length > 1 ? line(plane.spans[1]).reverse() : null;
    const points = [];
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const raw = ys ? [xs[c], ys[r]] : [xs[c]];  // one input: the line, drawn as stripes
        points.push(raw.concat(plane.features.map((f) => {
          if (!(f in FEATURE)) throw new Error(`neuron-maps.js has no extra input called ${f}`);
          return FEATURE[f](raw);
        })));
      }
    }
    return points;
  }

  // a[l][point][neuron] for every layer, on every point of the grid.
  function activations(m, W, b, points) {
    const {activate} = window.backpropLabInstant;
    const L = m.sizes.length - 1;
    const a = [points];
    for (let l = 1; l <= L; l++) {
      a[l] = a[l - 1].map((x) => activate(m.activations[l - 1],
        W[l].map((row, i) => row.reduce((s, w, j) => s + w * x[j], b[l][i])), m));
    }
    return a;
  }

  const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));  // "#rrggbb"

  // One canvas a neuron, inside its circle and under its value; made on first use for each shape.
  function canvasOf(p, n) {
    if (p.map) return p.map;
    const {x, y, r} = p.at;
    const inner = r - 2;  // the fill's own radius (network.js)
    const box = document.createElementNS(SVG, "foreignObject");
    for (const [k, v] of Object.entries({x: x - inner, y: y - inner, width: 2 * inner, height: 2 * inner,
      class: "node-map"})) box.setAttribute(k, v);
    const canvas = document.createElementNS(XHTML, "canvas");
    canvas.width = canvas.height = n;
    box.appendChild(canvas);
    p.g.insertBefore(box, p.text);
    p.map = {box, canvas, context: canvas.getContext("2d"), image: null};
    return p.map;
  }

  let model = null;  // the last model: the plane, the activations and the colours

  // Paint every neuron's picture from `weights` ({W, b}); null hides them.
  function draw(parts, weights) {
    const on = weights && model && model.plane && model.sizes.join("-") === parts.key;
    parts.svg.parentNode?.classList.toggle("with-maps", Boolean(on));  // the container: update() sets the svg's class
    if (!on) return;
    const key = JSON.stringify([weights.W, weights.b, model.plane]);
    if (parts.mapsKey === key) return;
    const {level} = window.backpropLabInstant;
    const n = model.plane.grid;
    const a = activations(model, weights.W, weights.b, grid(model.plane));
    const colours = model.roles.map(rgb), negative = rgb(model.negative);
    for (const [id, p] of parts.nodes) {
      const [l, i] = id.slice(1).split("-").map(Number);
      const map = canvasOf(p, n);
      const image = map.image || (map.image = map.context.createImageData(n, n));
      const act = l === 0 ? null : model.activations[l - 1];
      a[l].forEach((values, k) => {
        const v = values[i];
        const [red, green, blue] = v >= 0 ? colours[l] : negative;
        image.data.set([red, green, blue, Math.round(255 * level(model, v, act))], 4 * k);
      });
      map.context.putImageData(image, 0, 0);
    }
    parts.mapsKey = key;
  }

  function on() {
    return document.querySelector("#network-options input[value='maps']")?.checked === true;
  }

  // After each picture (network.js, update): its weights, or the model's, while the box is ticked.
  net.drawMaps = (parts, view) => {
    if (view.model) model = view.model;
    const weights = view.maps || (view.model && {W: view.model.W, b: view.model.b});
    if (!on()) draw(parts, null);
    else if (weights) draw(parts, weights);  // else (Step's next phase) the weights have not changed
  };
  // The box itself: draw at once from the last picture's model, or take the pictures away.
  window.document?.addEventListener("change", (ev) => {
    if (ev.target.closest && ev.target.closest("#network-options")) net.redraw?.();
  });

  net.mapsOn = on;  // Play's own ticks ask for the pictures' weights while it is ticked (play.js)
  window.backpropLabMaps = {grid, activations};
})();
