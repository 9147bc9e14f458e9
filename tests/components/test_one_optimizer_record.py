"""An optimizer is one record (engine/optimizers.py): a new one, RMSProp with a setting of its own,
written as a record and nothing else, trains, is saved and loaded, is offered on the page and in a
link, and has its update written out in the Equations tab. A lab saved before it existed, without
its setting, still loads."""

import json

import numpy as np
import pytest

import engine
from app import actions, layout, links
from components.update_maths import update_markdown, update_terms
from engine import LabState, ParamRef
from engine.optimizers import OPTIMIZERS, Optimizer, Setting

EPS = 1e-8


def _step(w, g, memory, t, rate, settings):
    s = settings["rho"] * memory["s"] + (1 - settings["rho"]) * g * g
    return w - rate * g / (np.sqrt(s) + EPS), {"s": s}


def _recall(after, g, rate, settings):
    return {"s": (after["s"] - (1 - settings["rho"]) * g * g) / settings["rho"]}


def _lines(u, p, fmt):
    return [r"s^+ &= \rho\, s + (1-\rho)\,\bar g^2",
            rf"&= {u.settings['rho']:g} \cdot {fmt.s(u.memory_before['s'])} + \ldots = {fmt.s(u.memory['s'])}",
            rf"{p}^+ &= {p} - \eta\,\bar g/(\sqrt{{s^+}} + \epsilon) = {fmt.v(u.after)}"]


RMSPROP = Optimizer("rmsprop", "RMSProp", "s remembers the gradient's size, so each parameter steps about η",
                    _step, _recall, _lines, slots=("s",),
                    settings=(Setting("rho", "RMSProp's decay ρ", r"\rho", 0.9, 0.0, 0.999),))


@pytest.fixture
def rmsprop(monkeypatch):
    monkeypatch.setitem(OPTIMIZERS, "rmsprop", RMSPROP)
    lab = actions.preset("circle")
    return actions.train_settings(lab, 0.01, lab.train.batch_size, "rmsprop")


def test_it_trains_by_its_rule(rmsprop):
    assert rmsprop.train.setting("rho") == 0.9  # its default
    before = engine.train_steps(rmsprop, 2)
    after = engine.full_step(before)
    g = engine.update_gradient(after).W[1]
    s = 0.9 * before.optimizer_state.slots["s"].W[1] + 0.1 * g * g  # by hand, from the memory kept
    np.testing.assert_allclose(after.params.W[1], before.params.W[1] - 0.01 * g / (np.sqrt(s) + EPS), rtol=1e-12)
    assert after.optimizer_state.t == 3 and set(after.optimizer_state.slots) == {"s"}


def test_it_is_saved_and_loaded_and_an_older_lab_loads_with_its_default(rmsprop):
    lab = engine.train_steps(rmsprop, 2)
    saved = lab.to_dict()
    assert saved["training"]["rho"] == 0.9
    assert LabState.from_json(json.dumps(saved)) == lab
    saved["training"]["rho"] = 0.5
    assert LabState.from_dict(saved).train.setting("rho") == 0.5
    # A lab saved before RMSProp came: no "rho" in its training settings.
    older = engine.train_steps(actions.preset("circle"), 1).to_dict()
    del older["training"]["rho"]
    assert LabState.from_dict(older).train.setting("rho") == 0.9
    saved["training"]["rho"] = 1.5
    with pytest.raises(engine.LabInputError, match="decay ρ must be from 0 to 0.999"):
        LabState.from_dict(saved)


def test_the_page_and_a_link_offer_it(rmsprop):
    options = next(o for o in _dropdowns(layout.settings()) if o["id"] == "optimizer")["options"]
    assert {"label": "RMSProp", "value": "rmsprop"} in options
    linked = links.state_from_query("?lesson=circle&opt=rmsprop&lr=0.01")
    assert linked.notices == () and linked.state.train.optimizer == "rmsprop"


def test_the_equations_tab_writes_its_step(rmsprop):
    trained = engine.train_steps(rmsprop, 2)
    lab = engine.advance(trained)  # the third step's forward pass begins
    while not lab.cursor.at_update:
        lab = engine.advance(lab)
    ref = ParamRef.parse("W1[0,0]", lab.spec)
    u = update_terms(lab, ref)
    assert u.memory_before["s"] == pytest.approx(ref.get(trained.optimizer_state.slots["s"]), rel=1e-9)
    text = update_markdown(lab, ref, 0.0)
    assert "**RMSProp**: s remembers the gradient's size" in text and r"\rho\, s" in text


def _dropdowns(component):
    found = []
    if getattr(component, "id", None) is not None and hasattr(component, "options"):
        found.append({"id": component.id, "options": component.options})
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str):
            found += _dropdowns(child)
    return found
