"""Small pieces of the page's forms, shared by the layout and the panels' own controls."""

from dash import dcc, html


def select(id_, options, value, label, **extra):
    """A labelled list to choose one from: `options` as Dash takes them, `label` the words above it."""
    return html.Label(
        className="field",
        children=[
            html.Span(label, className="field-label"),
            dcc.Dropdown(id=id_, options=options, value=value, clearable=False, searchable=False, **extra),
        ],
    )


def options(mapping: dict) -> list:
    """A list's options from name → the words shown for it."""
    return [{"label": v, "value": k} for k, v in mapping.items()]
