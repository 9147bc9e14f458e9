"""The words beside the network that the page writes itself: the phase, the counters, the big numbers
and when they were measured, the example on show, and the note under the loss curve.

Each is a box React keeps no children of, and a store that carries its words: a string, written as
text, or {"html": …} made by the server with every string escaped (app/first_screen.html_of), for the
numbers' boxes. Play's chart ticks bring the same words straight from the server (app/ticks.py) and the
page writes them into the same boxes, with no answer for Dash to apply: Dash's bookkeeping for one
answer cost the page one or two display frames in which the network stood still. Were React to own a
box, a word the page wrote would be one React never knew of, and a later answer equal to React's last
one would leave the page's on show.

A new one is a name in WORDS and a `box(name)` in the layout; callbacks write `words_of(name)`.
"""

from dash import ClientsideFunction, Input, Output, dcc, html

WORDS = ("phase-text", "counters", "numbers-when", "numbers", "example-note", "slice-note")


def words_of(name: str) -> str:
    """The id of the store that carries the box's words: the output a callback writes."""
    return f"{name}-words"


def box(name: str, tag=html.Div, **props) -> list:
    """The box on the page, with no children (the page writes into it), and its words' store."""
    if name not in WORDS:
        raise ValueError(f"{name} is not one of the page's own words {WORDS}")
    return [tag(id=name, **props), dcc.Store(id=words_of(name))]


def register(app) -> None:
    """The words each store is given are written into its box, in the browser: one callback for all of
    them, which writes only those an answer changed (a store set anew while Play runs may be older
    than the words the page wrote since)."""
    write = ClientsideFunction(namespace="backpropLab", function_name="words")  # assets/clientside.js
    app.clientside_callback(write, Output(WORDS[0], "data-written"), *(Input(words_of(n), "data") for n in WORDS))
