/* The picture a slider move leads to, computed in the page at once.
 *
 * Dragging a weight must repaint the network within a frame. A round trip to the server
 * takes longer than that, so the page runs the forward and backward pass of the shown
 * example itself (a few hundred multiply-adds) and builds the same view model that
 * components/network_view.py builds for that state, from the "model" the server sends
 * with each view (components/network_view.slider_model). The server's own answer follows
 * with the tooltips, the stored state and the panels; tests/browser/test_instant.py checks
 * that both pictures are the same. The arithmetic mirrors engine/passes.py.
 */
(function () {
  "use strict";
  const MINUS = "\u2212";

  // Like toFixed, but an exact tie (0.0625 to 3 places) goes to the even digit, as Python's
  // formatting does: toFixed would round it away from zero. A tie is one in the number's exact
  // binary value (toFixed writes it out in full for the places asked): 0.0375 is stored a little
  // under its decimal, so it is no tie, and reads 0.037 here as in Python.
  function fixed(size, digits) {
    const exact = size.toFixed(Math.min(100, digits + 80));
    const tie = /^50*$/.test(exact.slice(exact.indexOf(".") + 1 + digits));
    const twice = size * 2 * 10 ** digits;
    if (tie && Number.isInteger(twice) && twice % 2 === 1) {
      const down = (twice - 1) / 2;
      return ((down % 2 === 0 ? down : down + 1) / 10 ** digits).toFixed(digits);
    }
    return size.toFixed(digits);
  }

  // components/numbers.num: a real minus sign, "+" on signed values, `digits` decimals,
  // and an exponent for values too small for them.
  function num(value, signed = false, digits = 3) {
    if (value === null || value === undefined || !Number.isFinite(value)) return "—";
    if (value === 0) return fixed(0, digits);  // no sign on zero, not even on −0 (as numbers.num)
    const negative = value < 0;
    const size = Number(Math.abs(value).toPrecision(12));  // float noise must not decide a tie
    const body = size !== 0 && size < 10 ** -digits
      ? size.toExponential(Math.max(digits - 2, 1)).replace(/e([+-])(\d)$/, (_, sign, d) => `e${sign}0${d}`)
      : fixed(size, digits);
    return (negative ? MINUS : signed ? "+" : "") + body.replace("-", MINUS);  // the exponent's too
  }

  const round = (v, places) => Math.round(v * 10 ** places) / 10 ** places;
  const sum = (xs) => xs.reduce((s, v) => s + v, 0);
  const mean = (xs) => sum(xs) / xs.length;
  const sigmoid = (z) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
  // engine/activations.py's registry, f and f′ of z by the same names (m: the model, for its constants).
  const F = {
    sigmoid, tanh: Math.tanh, relu: (z) => Math.max(z, 0), linear: (z) => z,
    leaky_relu: (z, m) => (z > 0 ? z : m.leaky_slope * z),
  };
  const DF = {
    sigmoid: (z) => sigmoid(z) * (1 - sigmoid(z)), tanh: (z) => 1 - Math.tanh(z) ** 2,
    relu: (z) => (z > 0 ? 1 : 0), leaky_relu: (z, m) => (z > 0 ? 1 : m.leaky_slope), linear: () => 1,
  };
  // The registry's output-only activations: f of the whole layer, since each output depends on every
  // z. No f′ here: the loss each is paired with starts the blame from z (LOGITS), and the engine
  // refuses them in a hidden layer.
  const LAYER_F = {
    softmax: (z) => {
      const top = Math.max(...z);  // e^{−max} cancels, and keeps exp from overflowing (as the engine)
      const e = z.map((v) => Math.exp(v - top));
      const total = sum(e);
      return e.map((v) => v / total);
    },
  };
  function known(name) {
    if (!(name in LAYER_F) && (!(name in F) || !(name in DF))) {
      throw new Error(`instant.js has no activation called ${name}`);
    }
    return name;
  }
  function slope(name) {  // f′, which an output-only activation never needs (see LAYER_F)
    if (!(known(name) in DF)) throw new Error(`instant.js has no f′ for ${name}: it is an output's alone`);
    return DF[name];
  }
  // a[l] from z[l]: element by element, or the whole layer at once.
  const activate = (name, z, m) => (known(name) in LAYER_F ? LAYER_F[name](z) : z.map((v) => F[name](v, m)));

  // engine/losses.py's registry by the same names: one example's loss and ∂C/∂o (o, t: arrays).
  const clip = (p) => Math.min(Math.max(p, 1e-12), 1 - 1e-12);  // as losses._bce: log() stays finite
  const clipBelow = (p) => Math.min(Math.max(p, 1e-12), 1);  // as losses.cross_entropy: where p rounded to 0
  const LOSS = {
    squared_error: (o, t) => [0.5 * o.reduce((s, v, k) => s + (t[k] - v) ** 2, 0), o.map((v, k) => v - t[k])],
    mse: (o, t) => [mean(o.map((v, k) => (t[k] - v) ** 2)), o.map((v, k) => (2 * (v - t[k])) / t.length)],
    bce: (o, t) => [
      mean(o.map((v, k) => -(t[k] * Math.log(clip(v)) + (1 - t[k]) * Math.log(1 - clip(v))))),
      o.map((v, k) => (clip(v) - t[k]) / (clip(v) * (1 - clip(v))) / t.length),
    ],
    cross_entropy: (p, t) => [
      -sum(p.map((v, k) => t[k] * Math.log(clipBelow(v)))), p.map((v, k) => -t[k] / clipBelow(v)),
    ],
  };
  // The same losses from the output's z, after the output each is paired with (Loss.from_logits and
  // Loss.logits_delta): one example's loss and δ = ∂C/∂z at the output, from z, the output o and t.
  const logaddexp = (v) => Math.max(0, v) + Math.log1p(Math.exp(-Math.abs(v)));
  const LOGITS = {
    // log(1 + e^z) − t·z, and σ(z) − t with no tiny o(1 − o) to divide by
    bce: (z, o, t) => [mean(z.map((v, k) => logaddexp(v) - t[k] * v)), o.map((v, k) => (v - t[k]) / t.length)],
    // Σ_k t_k (log Σ_j e^{z_j} − z_k), and p·Σt − t (p − t for one class): the softmax Jacobian
    // collapses against the loss's −t/p, so no output's blame needs the others' slopes.
    cross_entropy: (z, p, t) => {
      const top = Math.max(...z);
      const logSum = Math.log(sum(z.map((v) => Math.exp(v - top)))) + top;
      const mass = sum(t);
      return [sum(z.map((v, k) => t[k] * (logSum - v))), p.map((v, k) => v * mass - t[k])];
    },
  };
  function knownLoss(name) {
    if (!(name in LOSS)) throw new Error(`instant.js has no loss called ${name}`);
    return name;
  }

  // engine/penalties.py's registry by the same names: φ′(w), what λ multiplies in each ∂C/∂w.
  const PENALTY_SLOPE = {l2: (w) => w, l1: Math.sign};  // sign(0) = 0, the subgradient the engine takes
  function knownPenalty(name) {
    if (!(name in PENALTY_SLOPE)) throw new Error(`instant.js has no penalty called ${name}`);
    return name;
  }

  // The loss of one example and ∂C/∂z at the output (engine/passes.py).
  function outputBlame(m, z, o) {
    const t = m.t, act = m.activations[m.activations.length - 1];
    const [loss, grad] = LOSS[knownLoss(m.loss)](o, t);  // known even when the logits decide, as the server
    if (m.logits) {  // from the logits (engine.uses_logits)
      if (!(m.loss in LOGITS)) throw new Error(`instant.js has no loss from the logits called ${m.loss}`);
      return LOGITS[m.loss](z, o, t);
    }
    const df = slope(act);
    return [loss, grad.map((g, k) => g * df(z[k], m))];
  }

  function passes(m, W, b) {
    const L = m.sizes.length - 1;
    const a = [m.x], z = [null];
    for (let l = 1; l <= L; l++) {
      z[l] = W[l].map((row, i) => row.reduce((s, w, j) => s + w * a[l - 1][j], 0) + b[l][i]);
      a[l] = activate(m.activations[l - 1], z[l], m);
    }
    const [loss, dOut] = outputBlame(m, z[L], a[L]);
    const delta = [], gradW = [];
    const penaltySlope = PENALTY_SLOPE[knownPenalty(m.penalty)];
    delta[L] = dOut;
    for (let l = L; l >= 1; l--) {
      // 0 + …: a matrix product's sum starts at +0, so a −0 product reads "+0.000" as in NumPy.
      gradW[l] = W[l].map((row, i) => row.map((w, j) => (0 + delta[l][i] * a[l - 1][j]) + m.decay * penaltySlope(w)));
      if (l > 1) {
        const df = slope(m.activations[l - 2]);
        delta[l - 1] = a[l - 1].map((_, j) => W[l].reduce((s, row, i) => s + delta[l][i] * row[j], 0) * df(z[l - 1][j], m));
      }
    }
    return {a, z, delta, gradW, loss};
  }

  // network_view._fill_level and edge_width, with the numbers the model brings.
  function level(m, a, activation) {
    const bounded = m.bounded.includes(activation);
    return Math.min(1, bounded ? Math.abs(a) : (Math.abs(a) / (1 + Math.abs(a))) * m.unbounded_gain);
  }
  const edgeWidth = (m, w) => round((m.labels ? 1 : m.edge.unlabelled) * Math.min(m.edge.most,
    m.edge.base + m.edge.per_weight * Math.abs(w)), 2);

  // "W1[0,1]" → ["W", 1, 0, 1], "b2[0]" → ["b", 2, 0]; null when the model has no such parameter.
  function where(m, param) {
    const found = /^([Wb])(\d+)\[(\d+)(?:,(\d+))?\]$/.exec(param || "");
    if (!found) return null;
    const [kind, l, i, j] = [found[1], Number(found[2]), Number(found[3]), Number(found[4])];
    const row = l >= 1 && l < m.sizes.length ? m[kind][l][i] : undefined;
    const value = kind === "W" ? row && row[j] : row;
    return typeof value === "number" ? [kind, l, i, j] : null;
  }

  // A parameter's value in the model (undefined if there is none).
  function valueOf(m, param) {
    const at = where(m, param);
    if (!at) return undefined;
    return at[0] === "W" ? m.W[at[1]][at[2]][at[3]] : m.b[at[1]][at[2]];
  }

  // The model with one parameter ("W1[0,1]", "b2[0]") set to `value`: the view model
  // network_view builds for that state (cursor after the last backward phase, no tooltips).
  function instantView(m, param, value) {
    const at = where(m, param);
    if (!at || !Number.isFinite(value)) return null;
    const L = m.sizes.length - 1;
    const W = m.W.map((rows) => rows && rows.map((row) => row.slice()));
    const b = m.b.map((row) => row && row.slice());
    if (at[0] === "W") W[at[1]][at[2]][at[3]] = value;
    else b[at[1]][at[2]] = value;
    const p = passes(m, W, b);
    // Blame on network_view's absolute scale: each tenfold of |δ| (or |∂C/∂w|) adds the same width.
    const B = m.blame;
    const scale = (v) => (Math.abs(v) > B.low ? Math.min(1, Math.log10(Math.abs(v) / B.low) / Math.log10(B.high / B.low)) : 0);
    const width = ([lo, hi], v) => round(lo + (hi - lo) * scale(v), 2);

    const nodes = [];
    m.sizes.forEach((n, l) => {
      for (let i = 0; i < n; i++) {
        const a = p.a[l][i];
        const node = {
          id: `n${l}-${i}`, fill: a >= 0 ? m.roles[l] : m.negative,
          level: round(level(m, a, l === 0 ? null : m.activations[l - 1]), 3),
          text: m.values[l] ? num(a, false, 2) : "", sub: "", ring: 0, arrow: "", known: true,
          aria: `${m.heads[l][i]}, activation ${num(a)}`,
        };
        if (l >= 1) {
          const d = p.delta[l][i];
          node.arrow = d > 0 ? "▼" : d < 0 ? "▲" : "";
          node.sub = m.labels ? `δ ${num(d, true)} ${node.arrow}`.trimEnd() : "";
          node.ring = width(B.ring, d);
        }
        nodes.push(node);
      }
    });

    const edges = [];
    for (let l = 1; l <= L; l++) {
      W[l].forEach((row, i) => row.forEach((w, j) => {
        const g = p.gradW[l][i][j];
        edges.push({
          id: `W${l}[${i},${j}]`, width: edgeWidth(m, w), colour: w >= 0 ? m.positive : m.negative,
          dash: w >= 0 ? "" : m.dash, blame: width(B.glow, g),
          flow: m.flows[String(l)] || "", label: m.weight_labels ? num(w, true, 2) : "",
          grad: m.grad_labels ? `∂ ${num(g, true, 3)}` : "",
          aria: `w from ${m.names[l - 1][j]} to ${m.names[l][i]} = ${num(w, true)}`,
        });
      }));
    }

    const lines = [];
    if (!m.rows) {
      m.outputs.forEach((name, k) => {
        const o = p.a[L][k];
        lines.push(`${name} = ${num(o)}`, `target ${num(m.t[k])}`, `${name} − t = ${num(o - m.t[k], true)}`);
      });
    }
    lines.push(`loss C = ${num(p.loss)}`);
    // network_view._output_rows: a row beside each of several outputs; class targets read 1 and 0.
    const ones = m.t.flatMap((v, k) => (v === 1 ? [k] : []));
    const one = m.rows && m.rows.classes && ones.length === 1 && m.t.every((v, k) => v === 0 || k === ones[0])
      ? ones[0] : null;
    const rows = m.rows && m.rows.labels.map((label, k) => {
      const o = p.a[L][k];
      const target = one !== null ? (k === one ? "1" : "0") : num(m.t[k]);
      return [`${label} = ${num(o)}`, `t = ${target}, ${m.rows.symbol} − t = ${num(o - m.t[k], true)}`];
    });
    return {
      key: m.sizes.join("-"), labels: m.labels, phase: m.phase, nodes, edges,
      output: {x: m.box[0], y: m.box[1], lines, loss: true, ...(rows ? {rows, target: one, marks: m.rows.classes} : {})},
      maps: {W, b},  // the neurons' own pictures follow the drag too (neuron-maps.js)
    };
  }

  // activate and level: the neurons' own pictures (neuron-maps.js) compute and light each cell as here.
  window.backpropLabInstant = {instantView, valueOf, num, activate, level};
})();
