"""Live equations for one neuron or parameter, with the graph's own numbers plugged in.

Markdown with TeX, which components/mathml.py turns into HTML with MathML for the page:
display maths sits between lines that hold only `$$`, inline maths between single `$`. Only
base and AMS TeX is used.

Every number comes from the passes the network graph draws (`shown_passes`, the same rule as
network_view) and is written with `num()`, so it reads exactly as the graph's. Values the
current phase has not revealed are "?", as on the graph. Computations of its own: the gradient
check's two extra costs on the example shown, and for a softmax output the steps the engine
skips (each e^z and their sum, the column of softmax's Jacobian and the terms it makes with the
loss's slope), written out to show how they collapse to the engine's δ = p − t.

Not here: Dash components, callbacks, or any change to the engine's arithmetic.
"""

import math
from dataclasses import dataclass

import numpy as np

from engine import PENALTIES, ParamRef, example_passes
from engine.activations import ACTIVATIONS
from engine.losses import LOSSES

# The engine's own test for a loss computed from logits (BCE after a sigmoid, cross-entropy after a
# softmax), so the panel says "δ = o − t" exactly when the engine does.
from engine.passes import cost, uses_logits

from .network_view import neuron_name
from .numbers import num
from .tex import display as _display
from .tex import n as _n
from .tex import term as _term
from .update_maths import update_markdown

# ---------------------------------------------------------------- what the graph shows


def shown_passes(state):
    """(params, passes, revealed): exactly the weights and passes the network graph shows.

    After the update phase the graph still shows the pass that led to the update, made with
    the weights from before it (components/network_view.py does the same).
    """
    revealed = state.cursor.revealed()
    updated = revealed.updated and state.last_update is not None
    params = state.last_update.params_before if updated else state.params
    return params, example_passes(state, params), revealed


def _as_ref(state, ref) -> ParamRef:
    """A ParamRef, or a name like "W1[0,1]" checked against this network."""
    return ref if isinstance(ref, ParamRef) else ParamRef.parse(ref, state.spec)


# ---------------------------------------------------------------- TeX pieces


def tex_name(layer: int, index: int, n_layers: int) -> str:
    """The TeX twin of network_view.neuron_name: x_{1}, h_{1} (one hidden layer), h_{2,1}, o_{1}."""
    if layer == 0:
        return f"x_{{{index + 1}}}"
    if layer == n_layers:
        return f"o_{{{index + 1}}}"
    return f"h_{{{index + 1}}}" if n_layers == 2 else f"h_{{{layer},{index + 1}}}"


def _generic(layer: int, n_layers: int) -> str:
    """Any neuron j of a layer: x_j, h_j or h_{2,j} (the o_j of the output is never summed over)."""
    if layer == 0:
        return "x_j"
    return "h_j" if n_layers == 2 else f"h_{{{layer},j}}"


def _frac(top: str, bottom: str) -> str:
    return rf"\frac{{\partial {top}}}{{\partial {bottom}}}"


def _sum_lines(terms: list[str], per_line: int = 3) -> list[str]:
    """"&= a + b + c", "&\\quad + d …": long sums wrap, since a browser never breaks a formula's line itself."""
    lines = []
    for start in range(0, len(terms), per_line):
        chunk = " + ".join(terms[start : start + per_line])
        lines.append(("&= " if start == 0 else r"&\quad + ") + chunk)
    return lines


def _product_lines(factors: list[str], per_line: int = 5) -> list[str]:
    lines = []
    for start in range(0, len(factors), per_line):
        chunk = r" \cdot ".join(factors[start : start + per_line])
        lines.append(("&= " if start == 0 else r"&\quad \cdot ") + chunk)
    return lines


def softmax_output(spec) -> bool:
    """Whether the output is a softmax trained with cross-entropy, whose δ = p − t the panel derives
    through softmax's Jacobian (each p_j depends on every z)."""
    return uses_logits(spec) and spec.activations[-1] == "softmax"


def _where(layer: int, n_layers: int) -> str:
    """The words Cursor.words uses for a layer."""
    return "the output layer" if layer == n_layers else f"layer {layer}"


# ---------------------------------------------------------------- activations in TeX


def _prime_line(act: str, name: str, z_name: str, a: float, z: float, df: float) -> str:
    """σ′(z_h) = h(1 − h) = 0.611 (1 − 0.611) = 0.238: the neuron's own slope, from its output."""
    t = ACTIVATIONS[act].tex
    rhs = [t.prime_rule.replace("A", name)] if t.prime_rule else []
    if t.prime_values:
        rhs.append(t.prime_values.replace("{a}", _term(a)))
    rhs.append(_n(df))
    line = rf"{t.prime}({z_name}) &= " + " = ".join(rhs)
    if t.kink:  # the slope is one of two values, chosen by the sign of z
        line += r" \quad \text{since } z > 0" if z > 0 else r" \quad \text{since } z \le 0"
    return line


# ---------------------------------------------------------------- one neuron


def _title(layer: int, index: int, n_layers: int, act: str | None, classes: tuple = ()) -> str:
    """The neuron's name and place; an output that stands for a named class says which."""
    name = neuron_name(layer, index, n_layers)
    if layer == 0:
        return f"**{name}** · input {index + 1}"
    where = "output layer" if layer == n_layers else f"hidden layer {layer}"
    which = f"class {classes[index]}" if layer == n_layers and classes else f"neuron {index + 1}"
    return f"**{name}** · {where}, {which} · {ACTIVATIONS[act].title}"


def neuron_equations(state, layer: int, index: int) -> str:
    """Markdown: how neuron `index` of `layer` got its z, a and δ, with the graph's numbers.

    Values the phase has not revealed are "?", with a note of the phase that reveals them.
    """
    spec = state.spec
    L = spec.n_layers
    params, passes, shown = shown_passes(state)
    if layer == 0:
        x = float(passes.fwd.a[0][0, index])
        return f"{_title(0, index, L, None)}\n\n${tex_name(0, index, L)} = {_n(x)}$: an input is data, " \
               "with no weights, no z and no δ."
    act = spec.activations[layer - 1]
    names = state.data.class_names()
    classes = names if len(names) == spec.sizes[-1] else ()
    parts = [_title(layer, index, L, act, classes), _forward_block(state, params, passes, shown, layer, index)]
    if layer == L and softmax_output(spec):
        parts.append(_cross_entropy_block(state, passes, shown))
    parts.append(_delta_block(state, params, passes, shown, layer, index))
    return "\n\n".join(parts)


def _forward_block(state, params, passes, shown, layer: int, index: int) -> str:
    L = state.spec.n_layers
    act = state.spec.activations[layer - 1]
    name, z_name = tex_name(layer, index, L), rf"z_{{{tex_name(layer, index, L)}}}"
    t = ACTIVATIONS[act].tex
    if layer > shown.forward_to:
        rule = _softmax_rule(name) if layer == L and softmax_output(state.spec) else rf"{t.f}({z_name})"
        return _display([rf"{z_name} &= \;?", rf"{name} &= {rule} = \;?"]) + \
            f"\n\n*z and {neuron_name(layer, index, L)} appear when the signal reaches {_where(layer, L)} (forward phase).*"
    a_in = passes.fwd.a[layer - 1][0]
    w, b = params.W[layer][index], float(params.b[layer][index])
    z, a = float(passes.fwd.z[layer][0, index]), float(passes.fwd.a[layer][0, index])
    terms = [rf"{_term(float(w[j]))} \cdot {_term(float(a_in[j]))}" for j in range(len(a_in))] + [_term(b)]
    lines = [rf"{z_name} &= \textstyle\sum_j w_{{j \to {name}}}\, {_generic(layer - 1, L)} + b_{{{name}}}"]
    lines += _sum_lines(terms)
    lines.append(rf"&= {_n(z, True)}")
    if layer == L and softmax_output(state.spec):
        return _softmax_lines(state, passes, index, lines)
    lines += [rf"{name} &= {t.f}({z_name}) = {t.f}({_n(z, True)})", rf"&= {_n(a)}"]
    return _display(lines) + f"\n\n${t.definition}$"


def _delta_block(state, params, passes, shown, layer: int, index: int) -> str:
    L = state.spec.n_layers
    name = tex_name(layer, index, L)
    if layer < shown.backward_from:
        return _display([rf"\delta_{{{name}}} &= \frac{{\partial C}}{{\partial z_{{{name}}}}} = \;?"]) + \
            f"\n\n*δ, this neuron's share of the blame, appears when the blame reaches {_where(layer, L)} " \
            "(backward phase).*"
    d = float(passes.bwd.delta[layer][0, index])
    bias_line = rf"\frac{{\partial C}}{{\partial b_{{{name}}}}} &= \delta_{{{name}}} = {_n(d, True)}"
    if layer == L and softmax_output(state.spec):
        return _softmax_delta(state, passes, index, bias_line)
    lines = _output_delta_lines(state, passes, index) if layer == L else \
        _hidden_delta_lines(state, params, passes, layer, index)
    lines.append(bias_line)
    text = _display(lines)
    if layer == L and uses_logits(state.spec):
        text += "\n\n*Cross-entropy after a sigmoid: σ′(z) = o(1 − o) cancels the loss's 1 / (o(1 − o)), " \
                "so the engine computes δ = o − t straight from z, never dividing by a tiny o(1 − o).*"
    return text


# ---------------------------------------------------------------- softmax and cross-entropy at the output
# The one place where an output's value depends on the other outputs' z: written out in full, with
# the example's numbers, since this is where students get lost.


def _softmax_parts(state, passes):
    """(z, p, t) of the output layer on the example shown, each of shape (n_out,)."""
    L = state.spec.n_layers
    return passes.fwd.z[L][0], passes.fwd.a[L][0], passes.y[0]


def _one_hot(t) -> int | None:
    """The index of the example's class when t is one 1 and zeros, else None."""
    ones = [j for j, v in enumerate(t) if v == 1.0]
    return ones[0] if len(ones) == 1 and all(v == 0.0 for j, v in enumerate(t) if j != ones[0]) else None


def _class_words(state, j: int) -> str:
    """"o₂ (B)" when the data names its classes, else "o₂"."""
    L, names = state.spec.n_layers, state.data.class_names()
    name = neuron_name(L, j, L)
    return f"{name} ({names[j]})" if len(names) == state.spec.sizes[-1] else name


def _softmax_rule(name: str) -> str:
    """e^{z_k} / Σ_j e^{z_j} for the output named `name` (TeX)."""
    return rf"\frac{{e^{{z_{{{name}}}}}}}{{\sum_j e^{{z_{{o_{{j}}}}}}}}"


def _softmax_lines(state, passes, k: int, lines: list[str]) -> str:
    """z's display continued: e^z of every output, their sum, and this output's share of it."""
    L = state.spec.n_layers
    z, p, _ = _softmax_parts(state, passes)
    with np.errstate(over="ignore"):  # e^z beyond the largest float reads "—"; p itself is the engine's
        e = np.exp(z)
    total = float(np.sum(e))
    outs = [tex_name(L, j, L) for j in range(len(z))]
    name, sum_name = outs[k], r"\textstyle\sum_j e^{z_{o_{j}}}"
    powers = _sum_lines([rf"e^{{{_n(float(v))}}}" for v in z], per_line=4)
    powers[0] = f"{sum_name} {powers[0]}"
    lines += powers + _sum_lines([_n(float(v)) for v in e], per_line=4) + [rf"&= {_n(total)}"]
    lines += [rf"{name} &= {_softmax_rule(name)} = \frac{{{_n(float(e[k]))}}}{{{_n(total)}}}",
              rf"&= {_n(float(p[k]))}"]
    shares = ", ".join(f"{_class_words(state, j)} = {num(float(p[j]))}" for j in range(len(p)))
    definition = ACTIVATIONS[state.spec.activations[-1]].tex.definition
    return _display(lines) + f"\n\n*The outputs are the classes' probabilities p, adding up to 1: {shares}. " \
        "Each depends on every z, through the one sum.*\n\n" + f"${definition}$"


def _cross_entropy_block(state, passes, shown) -> str:
    """C = −Σ t_k log p_k on the example shown: −log of the example's class's probability."""
    L = state.spec.n_layers
    rule = r"C &= -\textstyle\sum_k t_{k} \log(o_{k})"  # brackets: MathML sets no space after "log"
    if not shown.loss:
        return _display([rf"{rule} = \;?"]) + "\n\n*The loss appears at the loss phase.*"
    _, p, t = _softmax_parts(state, passes)
    true = _one_hot(t)
    terms = [rf"{_term(float(t[j]))} \cdot \log({_n(float(p[j]))})" for j in range(len(p))]
    lines = [rule + (rf" = -\log({tex_name(L, true, L)})" if true is not None else "")]
    for start in range(0, len(terms), 2):  # two terms a line: the maths panel is narrow
        chunk = " + ".join(terms[start : start + 2])
        lines.append(("&= -(" if start == 0 else r"&\quad + ") + chunk + (")" if start + 2 >= len(terms) else ""))
    if true is not None:
        lines.append(rf"&= -\log({_n(float(p[true]))})")
    lines.append(rf"&= {_n(float(passes.bwd.per_example[0]))}")
    text = _display(lines)
    if true is not None:
        text += f"\n\n*Only the example's class counts, {_class_words(state, true)}: the loss is near 0 when " \
                "its probability is near 1, and grows without end as it falls to 0.*"
    return text


def _softmax_delta(state, passes, k: int, bias_line: str) -> str:
    """δ = ∂C/∂z_k through softmax's Jacobian, ∂p_j/∂z_k = p_j(δ_jk − p_k), with the example's
    numbers, and how the sum collapses to p_k·Σt − t_k, the engine's δ (p − t for one class)."""
    spec = state.spec
    L = spec.n_layers
    _, p, t = _softmax_parts(state, passes)
    n_out = len(p)
    outs = [tex_name(L, j, L) for j in range(n_out)]
    name, z_name = outs[k], rf"z_{{{outs[k]}}}"
    d = float(passes.bwd.delta[L][0, k])
    jacobian = p * ((np.arange(n_out) == k) - p[k])  # the column of ∂p_j/∂z_k for this k
    slope = LOSSES[spec.loss].slope_tex("o_{j}", "t_{j}", n_out)
    lines = [rf"\delta_{{{name}}} &= {_frac('C', z_name)} = \textstyle\sum_j {_frac('C', 'o_{j}')}\, {_frac('o_{j}', z_name)}",
             rf"{_frac('C', 'o_{j}')} &= {slope}"]
    for j in range(n_out):
        pj, pk = _n(float(p[j])), _n(float(p[k]))
        rule = rf"{name}\,(1 - {name}) = {pk}\,(1 - {pk})" if j == k else rf"-{outs[j]}\, {name} = -{pj} \cdot {pk}"
        lines.append(rf"{_frac(outs[j], z_name)} &= {rule} = {_n(float(jacobian[j]), True)}")
    # Each term as the loss's slope times the Jacobian's entry; its value as it collapses,
    # −t_j·(δ_jk − p_k), which stays finite when a probability rounded to 0.
    terms = [rf"-\frac{{{_n(float(t[j]))}}}{{{_n(float(p[j]))}}} \cdot {_term(float(jacobian[j]))}" for j in range(n_out)]
    for start in range(0, n_out, 2):
        lines.append((rf"\delta_{{{name}}} &= " if start == 0 else r"&\quad ") + " ".join(terms[start : start + 2]))
    products = [-float(t[j]) * ((j == k) - float(p[k])) for j in range(n_out)]
    lines += _sum_lines([_term(v) for v in products], per_line=4) + [rf"&= {_n(d, True)}"]
    intro = (f"*The probabilities share one sum, so raising ${z_name}$ lifts {neuron_name(L, k, L)} and lowers "
             r"every other one: the blame comes through every class j, each term the loss's slope "
             rf"$\partial C / \partial o_{{j}}$ times how $o_{{j}}$ moves with ${z_name}$ "
             "(this column of softmax's Jacobian).*")
    one = math.isclose(float(np.sum(t)), 1.0, abs_tol=1e-12)  # one-hot, or any targets adding up to 1
    collapse = [rf"\delta_{{{name}}} &= -t_{{{k + 1}}}\,(1 - {name}) + \textstyle\sum_{{j \ne {k + 1}}} t_{{j}}\, {name}",
                rf"&= {name} \textstyle\sum_j t_{{j}} - t_{{{k + 1}}}"]
    if one:
        collapse.append(rf"&= {name} - t_{{{k + 1}}} = {_n(float(p[k]))} - {_n(float(t[k]))} = {_n(d, True)}")
    else:
        total = _term(float(np.sum(t)))
        collapse.append(rf"&= {_n(float(p[k]))} \cdot {total} - {_term(float(t[k]))} = {_n(d, True)}")
    words = "*The oⱼ cancel, and the targets add up to 1:*" if one else "*The oⱼ cancel:*"
    engine_words = ("*So the engine computes δ = o − t straight from z: it never builds the Jacobian, and never "
                    "divides by a tiny probability.*" if one else
                    "*So the engine computes δ = o·Σt − t straight from z, never building the Jacobian.*")
    return "\n\n".join([intro, _display(lines), words, _display(collapse + [bias_line]), engine_words])


def _loss_slope(state, passes, k: int) -> tuple[str, str]:
    """∂C/∂o_k for the state's loss: (rule, rule with numbers), from the loss's record."""
    L, n_out = state.spec.n_layers, state.spec.sizes[-1]
    o, t = float(passes.fwd.a[L][0, k]), float(passes.y[0, k])
    slope = LOSSES[state.spec.loss].slope_tex
    return slope(tex_name(L, k, L), f"t_{{{k + 1}}}", n_out), slope(_n(o), _n(t), n_out)


def output_slope(state, passes, k: int) -> float:
    """∂C/∂o_k on the example of `passes`, exactly as the engine's backward pass computes it
    (before the output's f′; unused by the engine when BCE is computed from logits)."""
    L = state.spec.n_layers
    return float(LOSSES[state.spec.loss].grad(passes.fwd.a[L], passes.y)[0, k])


def _output_delta_lines(state, passes, k: int) -> list[str]:
    spec = state.spec
    L, act = spec.n_layers, spec.activations[-1]
    name, z_name = tex_name(L, k, L), rf"z_{{{tex_name(L, k, L)}}}"
    d = float(passes.bwd.delta[L][0, k])
    if uses_logits(spec):
        o, t, n_out = float(passes.fwd.a[L][0, k]), float(passes.y[0, k]), spec.sizes[-1]
        diff, diff_n = f"{name} - t_{{{k + 1}}}", f"{_n(o)} - {_n(t)}"
        if n_out > 1:
            diff, diff_n = rf"({diff}) \,/\, {n_out}", rf"({diff_n}) \,/\, {n_out}"
        return [rf"\delta_{{{name}}} &= {_frac('C', z_name)} = {diff}", rf"&= {diff_n}", rf"&= {_n(d, True)}"]
    rule, rule_n = _loss_slope(state, passes, k)
    g = output_slope(state, passes, k)
    z, o = float(passes.fwd.z[L][0, k]), float(passes.fwd.a[L][0, k])
    df = float(ACTIVATIONS[act].df(passes.fwd.z[L])[0, k])
    prime = ACTIVATIONS[act].tex.prime
    return [
        rf"{_frac('C', name)} &= {rule} = {rule_n} = {_n(g, True)}",
        _prime_line(act, name, z_name, o, z, df),
        rf"\delta_{{{name}}} &= {_frac('C', name)}\; {prime}({z_name})",
        rf"&= {_term(g)} \cdot {_term(df)}",
        rf"&= {_n(d, True)}",
    ]


def _hidden_delta_lines(state, params, passes, layer: int, index: int) -> list[str]:
    spec = state.spec
    L, act = spec.n_layers, spec.activations[layer - 1]
    name, z_name = tex_name(layer, index, L), rf"z_{{{tex_name(layer, index, L)}}}"
    w_next, d_next = params.W[layer + 1][:, index], passes.bwd.delta[layer + 1][0]
    slope = float((passes.bwd.delta[layer + 1] @ params.W[layer + 1])[0, index])
    terms = [rf"{_term(float(w_next[k]))} \cdot {_term(float(d_next[k]))}" for k in range(len(d_next))]
    z, a = float(passes.fwd.z[layer][0, index]), float(passes.fwd.a[layer][0, index])
    df = float(ACTIVATIONS[act].df(passes.fwd.z[layer])[0, index])
    d = float(passes.bwd.delta[layer][0, index])
    prime = ACTIVATIONS[act].tex.prime
    lines = [rf"{_frac('C', name)} &= \textstyle\sum_k w_{{{name} \to k}}\, \delta_k"]
    lines += _sum_lines(terms, per_line=2)
    lines += [
        rf"&= {_n(slope, True)}",
        _prime_line(act, name, z_name, a, z, df),
        rf"\delta_{{{name}}} &= {_frac('C', name)}\; {prime}({z_name})",
        rf"&= {_term(slope)} \cdot {_term(df)}",
        rf"&= {_n(d, True)}",
    ]
    return lines


# ---------------------------------------------------------------- the chain rule


@dataclass(frozen=True)
class _Factor:
    label: str  # TeX
    value: float
    known: bool  # revealed by the current phase


def _last_factor(ref: ParamRef, passes, shown, n_layers: int) -> _Factor:
    z_name = rf"z_{{{tex_name(ref.layer, ref.row, n_layers)}}}"
    if ref.kind == "b":
        return _Factor(_frac(z_name, "b"), 1.0, True)
    a_in = float(passes.fwd.a[ref.layer - 1][0, ref.col])
    return _Factor(_frac(z_name, "w"), a_in, ref.layer - 1 <= shown.forward_to)


def _output_factors(state, passes, shown, k: int) -> list[_Factor]:
    """∂C/∂o · ∂o/∂z for output k; one factor ∂C/∂z when the loss is computed from logits
    ((o − t)/n for BCE, p − t after a softmax, whose o_k depends on every z: no one ∂o/∂z to show)."""
    spec = state.spec
    L = spec.n_layers
    name, z_name = tex_name(L, k, L), rf"z_{{{tex_name(L, k, L)}}}"
    if uses_logits(spec):
        return [_Factor(_frac("C", z_name), float(passes.bwd.delta[L][0, k]), shown.loss)]
    df = float(ACTIVATIONS[spec.activations[-1]].df(passes.fwd.z[L])[0, k])
    return [_Factor(_frac("C", name), output_slope(state, passes, k), shown.loss),
            _Factor(_frac(name, z_name), df, shown.forward_to >= L)]


def _single_path(spec, layer: int) -> bool:
    """Whether every layer after `layer` has one neuron: the blame comes back along one path."""
    return all(n == 1 for n in spec.sizes[layer + 1 :])


def _chain(state, ref: ParamRef) -> list[_Factor]:
    spec = state.spec
    L, l, i = spec.n_layers, ref.layer, ref.row
    params, passes, shown = shown_passes(state)
    fwd = passes.fwd
    if l == L:
        factors = _output_factors(state, passes, shown, i)
    elif _single_path(spec, l):
        factors = _output_factors(state, passes, shown, 0)
        for k in range(L, l, -1):  # back along the one path: z_k depends on the one neuron below it
            below = i if k == l + 1 else 0
            a_name, za_name = tex_name(k - 1, below, L), rf"z_{{{tex_name(k - 1, below, L)}}}"
            df = float(ACTIVATIONS[spec.activations[k - 2]].df(fwd.z[k - 1])[0, below])
            factors.append(_Factor(_frac(rf"z_{{{tex_name(k, 0, L)}}}", a_name), float(params.W[k][0, below]), True))
            factors.append(_Factor(_frac(a_name, za_name), df, shown.forward_to >= k - 1))
    else:
        # Several paths: ∂C/∂a_i = Σ_k w_ki δ_k is the sum over all of them, one δ per next neuron.
        name = tex_name(l, i, L)
        slope = float((passes.bwd.delta[l + 1] @ params.W[l + 1])[0, i])
        df = float(ACTIVATIONS[spec.activations[l - 1]].df(fwd.z[l])[0, i])
        factors = [_Factor(_frac("C", name), slope, l + 1 >= shown.backward_from),
                   _Factor(_frac(name, rf"z_{{{name}}}"), df, shown.forward_to >= l)]
    return factors + [_last_factor(ref, passes, shown, L)]


def chain_factors(state, ref) -> list[tuple[str, float]]:
    """The chain rule for ∂C/∂w (or ∂C/∂b) as (TeX label, value) local derivatives along the path.

    Their product is the gradient on the edge, passes.bwd.grad_W[l][i, j] of the shown pass,
    to rounding. With a penalty on the weights the edge's gradient also adds λ·φ′(w) (not a chain
    factor: λw for L2, λ·sign(w) for L1); biases are never penalised. Values are given whatever the phase; chain_rule_markdown hides
    those not yet revealed.
    """
    return [(f.label, f.value) for f in _chain(state, _as_ref(state, ref))]


def _grad(passes, ref: ParamRef) -> float:
    return ref.gradient(passes.bwd.grad_W, passes.bwd.grad_b)


def _param_words(ref: ParamRef, n_layers: int) -> str:
    """Names a parameter as the graph does: "w from h₁ to o₁", "bias of h₁"."""
    dst = neuron_name(ref.layer, ref.row, n_layers)
    if ref.kind == "b":
        return f"bias of {dst}"
    return f"w from {neuron_name(ref.layer - 1, ref.col, n_layers)} to {dst}"


def chain_rule_markdown(state, ref) -> str:
    """Markdown: the chain of local derivatives, each with its value, and their product."""
    ref = _as_ref(state, ref)
    L = state.spec.n_layers
    params, passes, shown = shown_passes(state)
    factors = _chain(state, ref)
    p = "w" if ref.kind == "W" else "b"
    known = ref.layer >= shown.backward_from
    g = _grad(passes, ref)
    lines = _product_lines([f.label for f in factors], per_line=3)  # fractions are wide: three a line
    lines[0] = rf"\frac{{\partial C}}{{\partial {p}}} " + lines[0]
    lines += _product_lines([_term(f.value) if f.known else "?" for f in factors])
    decay = state.train.weight_decay if ref.kind == "W" else 0.0
    penalty = PENALTIES[state.train.penalty]
    if known and decay:
        chain = math.prod(f.value for f in factors)
        term = rf"{_n(decay)} \cdot {penalty.tex_slope(_term(ref.get(params)))}"
        lines += [rf"&= {_n(chain, True)} + \lambda {penalty.tex_slope('w')} = {_n(chain, True)} + {term}"]
    lines.append(rf"&= {_n(g, True)}" if known else r"&= \;?")
    text = [f"**Chain rule**: ∂C/∂{p} as a product of local slopes along the path", _display(lines)]
    if ref.layer < L and not _single_path(state.spec, ref.layer):
        n_paths = math.prod(state.spec.sizes[ref.layer + 1 :])
        text.append(f"*The blame reaches {neuron_name(ref.layer, ref.row, L)} along {n_paths} paths: "
                    "∂C/∂a = Σ w·δ of the next layer adds them up.*")
    if known:
        where = f"on the edge {_param_words(ref, L)[2:]}" if ref.kind == "W" else f"for the {_param_words(ref, L)}"
        decay_words = f" (with the {penalty.title} penalty's term {penalty.words})" if decay else ""
        text.append(f"This is the ∂C/∂{p} {where}{decay_words}: **{num(g, True, 3)}**.")
    else:
        text.append(f"*The blame has not reached {_where(ref.layer, L)} yet: the backward phase multiplies "
                    "exactly these factors. The forward ones are known already.*")
    return "\n\n".join(text)


# ---------------------------------------------------------------- gradient check


def gradient_check(state, ref, h: float = 1e-6) -> dict:
    """Backprop's ∂C/∂p on the example shown beside the central difference (C(p+h) − C(p−h)) / 2h.

    The same example row, weights and weight decay as the graph's passes (engine.teaching's
    check uses the whole training set instead). Returns {"backprop", "numeric", "relative"}.
    """
    ref = _as_ref(state, ref)
    params, passes, _ = shown_passes(state)
    lam, p = state.train.weight_decay, ref.get(params)
    up = cost(state.spec, ref.set(params, p + h), passes.x, passes.y, lam, state.train.penalty)
    down = cost(state.spec, ref.set(params, p - h), passes.x, passes.y, lam, state.train.penalty)
    backprop, numeric = _grad(passes, ref), (up - down) / (2 * h)
    scale = max(abs(backprop), abs(numeric), 1e-12)  # both zero: they agree exactly
    return {"backprop": backprop, "numeric": numeric, "relative": abs(backprop - numeric) / scale}


def _agreement_words(relative: float) -> str:
    if relative == 0:
        return "They agree exactly: backprop's chain rule gives the true slope of the loss."
    if relative < 1e-5:
        digits = int(-math.log10(relative))
        return (f"They agree to about {digits} digits: the chain rule's one backward pass gives the true "
                "slope of the loss, without nudging anything.")
    return ("They differ. Near a kink (ReLU at z = 0) nudging straddles the corner; "
            "anywhere else a difference this large would mean a mistake in the gradient.")


def gradient_check_markdown(state, ref) -> str:
    """Markdown: backprop's gradient beside nudging the parameter by ±h, and what their agreement means."""
    ref = _as_ref(state, ref)
    L = state.spec.n_layers
    _, _, shown = shown_passes(state)
    check = gradient_check(state, ref)
    p = "w" if ref.kind == "W" else "b"
    backprop_known = ref.layer >= shown.backward_from
    rows = [
        "| method | ∂C/∂" + p + " |",
        "|:--|--:|",
        f"| backprop (chain rule) | {num(check['backprop'], True, 8) if backprop_known else '?'} |",
        f"| nudge: (C({p}+h) − C({p}−h)) / 2h | {num(check['numeric'], True, 8) if shown.loss else '?'} |",
    ]
    head = "**Gradient check** on the example shown, h = 10⁻⁶"
    if not backprop_known:
        note = (f"*Backprop's value appears when the blame reaches {_where(ref.layer, L)}.*" if shown.loss else
                "*Step to the loss phase: both need the loss.*")
        return "\n\n".join([head, "\n".join(rows), note])
    rows.append(f"| relative difference | {num(check['relative'])} |")
    return "\n\n".join([head, "\n".join(rows), _agreement_words(check["relative"])])


# ---------------------------------------------------------------- the whole panel


def _gradient_block(state, params, passes, shown, ref: ParamRef) -> str:
    """∂C/∂w = a_in · δ_out with its numbers (∂C/∂b = δ is in the neuron's own block)."""
    L = state.spec.n_layers
    src, dst = tex_name(ref.layer - 1, ref.col, L), tex_name(ref.layer, ref.row, L)
    head = r"$\dfrac{\partial C}{\partial w} = a_{\text{in}}\,\delta_{\text{out}}$: how active the input was, " \
           "times the blame of the neuron it feeds."
    lines = [rf"\frac{{\partial C}}{{\partial w}} &= {src}\, \delta_{{{dst}}}"]
    if ref.layer < shown.backward_from:
        a_in = _term(float(passes.fwd.a[ref.layer - 1][0, ref.col])) if ref.layer - 1 <= shown.forward_to else "?"
        return head + "\n\n" + _display(lines + [rf"&= {a_in} \cdot \;?"])
    a_in, d = float(passes.fwd.a[ref.layer - 1][0, ref.col]), float(passes.bwd.delta[ref.layer][0, ref.row])
    decay, penalty = state.train.weight_decay, PENALTIES[state.train.penalty]
    tail = rf" + {_n(decay)} \cdot {penalty.tex_slope(_term(ref.get(params)))}" if decay else ""
    if decay:
        lines[0] += rf" + \lambda {penalty.tex_slope('w')}"
    lines += [rf"&= {_term(a_in)} \cdot {_term(d)}{tail}", rf"&= {_n(_grad(passes, ref), True)}"]
    return head + "\n\n" + _display(lines)


def equations_markdown(state, ref) -> str:
    """Markdown for the whole panel of a selected parameter ("W1[0,1]" or a ParamRef): its name,
    the equations of the neuron it feeds, ∂C/∂w = a_in · δ_out, the chain rule and the gradient check."""
    ref = _as_ref(state, ref)
    L = state.spec.n_layers
    params, passes, shown = shown_passes(state)
    value = ref.get(params)
    head = f"### {_param_words(ref, L)}\n\n{'w' if ref.kind == 'W' else 'b'} = {num(value, True)}"
    if shown.updated and state.last_update is not None:
        head += f" before the update, {num(ref.get(state.params), True)} after it"
    parts = [head, "#### The neuron it feeds", neuron_equations(state, ref.layer, ref.row)]
    if ref.kind == "W":
        parts += ["#### Its gradient", _gradient_block(state, params, passes, shown, ref)]
    parts += ["#### Along the path", chain_rule_markdown(state, ref), gradient_check_markdown(state, ref)]
    parts += ["#### The update", update_markdown(state, ref, _grad(passes, ref))]
    return "\n\n".join(parts)
