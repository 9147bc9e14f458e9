"""A panel: one tab of the landscape card or the maths card, as one record.

The layout makes the tab from it (its label and what it holds), the card's callback draws it
when it is the tab on show, and the guided tour names it. A new panel is one record in its
card's list (`app/panels.py` LANDSCAPES, `app/maths.py` MATHS) and nothing else.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from dash import dcc


@dataclass(frozen=True)
class Panel:
    """One tab. `name`: how the tour and the tab list name it. `label`: the tab's words. `body()`:
    the components it holds. `asks`: its own controls the card's callback reads, name → (component
    id, property). `outputs`: component id → property its drawing fills. `draw(state, asked)` →
    {id: value} for some of those, `asked` the card callback's inputs by name; None for a
    panel with its own callback (the toy curves, which do not follow the lab). `keys(state, asked)`:
    what the picture depends on besides the lab's numbers; the landscape card draws a panel again
    only when these change. `chart` and `note`: the ids of its picture and the words under it,
    where a busy server or a refused request says so."""

    name: str
    label: str
    body: Callable[[], list]
    asks: dict = field(default_factory=dict)
    outputs: dict = field(default_factory=dict)
    draw: Callable | None = None
    keys: Callable | None = None
    chart: str = ""
    note: str = ""


def tab(panel: Panel) -> dcc.Tab:
    """The panel's tab, as its card shows it."""
    return dcc.Tab(label=panel.label, value=panel.name, className="tab", selected_className="tab-selected",
                   children=panel.body())


def by_name(panels) -> dict:
    """The panels by name."""
    return {p.name: p for p in panels}


def asks_of(panels) -> dict:
    """Every control the panels read, name → (component id, property)."""
    return {name: ask for p in panels for name, ask in p.asks.items()}


def outputs_of(panels) -> dict:
    """Every output the panels' drawings fill, id → property, in the panels' order."""
    return {name: prop for p in panels for name, prop in p.outputs.items()}
