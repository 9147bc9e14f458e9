"""The page's first screen as plain HTML, sent with the page, so a person sees the lab while the
browser still reads Dash's scripts (about a second on a classroom laptop, more on a busy Wi-Fi).

It is the layout itself (app/layout.py) written out as HTML: the same elements, classes and words,
so the style sheet lays it out exactly where React will put the live page. Dash's own components
are written as the elements Dash 4 renders for them (the dropdown's button and value, the tabs'
row and the open tab, the input's box); stores, timers and downloads draw nothing. assets/shell.js
draws the first picture of the network into it, and swaps it for the live page in the moment
React puts that on screen.

Nothing in it can be used: it is inert and hidden from assistive technology, and it carries no id
but the network box's (an id names the live element: scripts, tests and Dash find that one); the
others are kept as data-id.
"""

from html import escape

from dash.development.base_component import Component

SHELL_CLASS = "first-screen"
# The one id the first screen shares with the live page: the network's box. Its picture is the
# live page's first (assets/network.js moves it across), and what looks for "#network" (a person's
# measurement of the page) finds it as soon as it is there. The live box comes first on the page.
SHARED_IDS = frozenset({"network"})

# React's names for attributes whose HTML name differs.
_ATTRIBUTES = {"className": "class", "htmlFor": "for", "tabIndex": "tabindex", "colSpan": "colspan",
               "rowSpan": "rowspan", "readOnly": "readonly", "maxLength": "maxlength"}
_BOOLEAN = {"hidden", "disabled", "readonly"}
# Dash's props that are not HTML attributes.
_NOT_HTML = {"children", "n_clicks", "n_clicks_timestamp", "disable_n_clicks", "loading_state", "key", "style",
             "id"}
# CSS properties React writes without a unit when given a number.
_UNITLESS = {"opacity", "flex", "flexGrow", "flexShrink", "order", "zIndex", "fontWeight", "lineHeight"}
# Dash's dcc components that draw nothing on the page.
_INVISIBLE = {"Store", "Interval", "Location", "Download"}
_HTML_NAMES = {"MapEl": "map", "ObjectEl": "object"}
# Dash 4's dropdown chevron (Radix icons' ChevronDown, as dash/dcc draws it).
_CHEVRON = ('<svg width="15" height="15" viewBox="0 0 15 15" fill="none" class="dash-dropdown-trigger-icon">'
            '<path d="M4.18 6.18a.45.45 0 0 1 .64 0L7.5 8.86l2.68-2.68a.45.45 0 1 1 .64.64l-3 3a.45.45 0 0 1-.64 '
            '0l-3-3a.45.45 0 0 1 0-.64Z" fill="currentColor" fill-rule="evenodd" clip-rule="evenodd"></path></svg>')
# The custom properties Dash 4's tabs set on their parent (the style sheet's colours come from them).
_TABS_STYLE = ("--tabs-border: var(--Dash-Stroke-Weak); --tabs-primary: var(--Dash-Fill-Interactive-Strong); "
               "--tabs-background: var(--Dash-Fill-Interactive-Weak);")


def first_screen(layout: Component) -> str:
    """The layout as an inert HTML block (hidden until assets/shell.js has drawn the network)."""
    return (f'<div class="{SHELL_CLASS}" hidden inert aria-hidden="true">'
            f"{_html(layout)}</div>")


def html_of(node) -> str:
    """Dash components (or words) as HTML, as in the first screen."""
    return _html(node)


def _html(node) -> str:
    if node is None or isinstance(node, bool):
        return ""
    if isinstance(node, (list, tuple)):
        return "".join(_html(child) for child in node)
    if isinstance(node, Component):
        if node._namespace == "dash_core_components":
            return _DCC.get(node._type, _nothing)(node)
        return _element(_HTML_NAMES.get(node._type, node._type.lower()), _props(node),
                        _html(getattr(node, "children", None)))
    return escape(str(node), quote=False)


def _props(node: Component) -> dict:
    # Dash's own serialisation: the declared props and the data-* / aria-* ones, as the page gets them.
    return {name: value for name, value in node.to_plotly_json()["props"].items() if value is not None}


def _element(tag: str, props: dict, inner: str = "") -> str:
    attributes = []
    if isinstance(props.get("id"), str):
        name = "id" if props["id"] in SHARED_IDS else "data-id"
        attributes.append(f'{name}="{escape(props["id"])}"')
    for name, value in props.items():
        if name in _NOT_HTML or isinstance(value, (dict, list)):
            continue
        html_name = _ATTRIBUTES.get(name, name)
        if html_name in _BOOLEAN:
            if value:
                attributes.append(html_name)
        else:
            attributes.append(f'{html_name}="{escape(str(value))}"')
    if isinstance(props.get("style"), dict):
        attributes.append(f'style="{escape(_css(props["style"]))}"')
    opening = " ".join([tag, *attributes])
    return f"<{opening}>" if tag in ("input", "br", "hr", "img") else f"<{opening}>{inner}</{tag}>"


def _css(style: dict) -> str:
    def declaration(name, value):
        css_name = name if name.startswith("--") else "".join(f"-{c.lower()}" if c.isupper() else c for c in name)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and name not in _UNITLESS:
            value = f"{value}px"
        return f"{css_name}: {value}"
    return "; ".join(declaration(k, v) for k, v in style.items())


def _classes(*names) -> str:
    return " ".join(n for n in names if n)


# ---------------------------------------------------------------- Dash's components, as Dash 4 draws them

def _nothing(_node) -> str:
    return ""


def _dropdown(node) -> str:
    p = _props(node)
    label = next((o.get("label") for o in (p.get("options") or [])
                  if isinstance(o, dict) and o.get("value") == p.get("value")), None)
    if label is None and isinstance(p.get("value"), str):
        label = p.get("value")  # options arrive with the first answer; the value is what they will show
    if label is None:
        value = f'<span class="dash-dropdown-value dash-dropdown-placeholder">{escape(p.get("placeholder") or "")}</span>'
    else:
        value = (f'<span class="dash-dropdown-value"><span class="dash-dropdown-value-item">'
                 f"<span>{escape(str(label))}</span></span></span>")
    return (f'<div class="dash-dropdown-wrapper"><button type="button" tabindex="-1" '
            f'class="{escape(_classes("dash-dropdown", p.get("className")))}" data-id="{escape(str(p.get("id")))}">'
            f'<span class="dash-dropdown-grid-container dash-dropdown-trigger">{value}{_CHEVRON}</span></button></div>')


def _input(node) -> str:
    p = _props(node)
    props = {k: v for k, v in p.items()
             if k in ("id", "type", "value", "placeholder", "min", "max", "step", "maxLength", "readOnly")}
    field = _element("input", {**props, "className": "dash-input-element"})
    steppers = ""
    if p.get("type") == "number":
        steppers = ('<button type="button" class="dash-input-stepper dash-stepper-decrement">−</button>'
                    '<button type="button" class="dash-input-stepper dash-stepper-increment">+</button>')
    return (f'<div class="{escape(_classes("dash-input-container dash-input", p.get("className")))}">'
            f"{field}{steppers}</div>")


def _graph(node) -> str:
    p = _props(node)
    return _element("div", {"id": p.get("id"), "className": _classes("dash-graph", p.get("className"))})


def _tabs(node) -> str:
    p = _props(node)
    tabs = [t for t in (p.get("children") or []) if isinstance(t, Component)]
    row, content = [], ""
    for tab in tabs:
        tp = _props(tab)
        selected = tp.get("value") == p.get("value")
        classes = _classes("tab", "tab--selected" if selected else "",
                           tp.get("selected_className") if selected else "", tp.get("className"))
        row.append(f'<div class="{escape(classes)}"><span>{_html(tp.get("label"))}</span></div>')
        if selected:
            content = _html(tp.get("children"))
    return (f'<div class="tab-parent tab-parent--above-breakpoint" style="{_TABS_STYLE}">'
            f'<div class="{escape(_classes("tab-container", p.get("className")))}" data-id="{escape(str(p.get("id")))}">'
            f'{"".join(row)}</div><div class="tab-content">{content}</div></div>')


def _checklist(node) -> str:
    p = _props(node)
    chosen = p.get("value") or []
    options = "".join(
        f'<label class="dash-options-list-option"><input type="checkbox"{" checked" if o["value"] in chosen else ""}>'
        f'{escape(str(o["label"]))}</label>' for o in (p.get("options") or []) if isinstance(o, dict))
    named = f' data-id="{escape(str(p["id"]))}"' if p.get("id") is not None else ""
    return f'<div class="{escape(_classes("dash-checklist", p.get("className")))}"{named}>{options}</div>'


def _upload(node) -> str:
    p = _props(node)
    return (f'<div data-id="{escape(str(p.get("id")))}"><div class="{escape(p.get("className") or "")}" '
            f'style="position: relative;">{_html(p.get("children"))}</div></div>')


_DCC = {"Dropdown": _dropdown, "Input": _input, "Graph": _graph, "Tabs": _tabs, "Checklist": _checklist,
        "Upload": _upload, **{name: _nothing for name in _INVISIBLE}}
