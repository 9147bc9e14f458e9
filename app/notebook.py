"""Backprop Lab inside a Jupyter notebook: `from app.notebook import show; show()`.

Dash's own Jupyter support does the work: inside a kernel, `app.run(jupyter_mode=...)` serves
the app from a background thread of the kernel and displays it in the output cell as an
IFrame ("inline"), prints its address ("external"), also opens it in a new browser tab
("tab"), or asks the JupyterLab extension for a panel ("jupyterlab"). Running show() again on
the same port replaces the previous server. This module only sets the defaults (debug off,
loopback) and refuses to run outside IPython, where app.run would block instead.

It is not a way to serve a room: use `python -m app` (or `backprop-lab`, served by waitress) for that.
"""

MODES = ("inline", "tab", "external", "jupyterlab")


def show(mode: str = "inline", port: int = 8050, height: int = 900, host: str = "127.0.0.1", **options) -> None:
    """Serve a new Backprop Lab from this kernel and display it.

    mode: "inline" (in the output cell), "tab", "external" or "jupyterlab".
    port, host: where the kernel serves it; the notebook's browser must reach that address.
    height: of the inline frame, in pixels. options: passed to create_app().
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    try:
        from IPython import get_ipython
    except ImportError:
        get_ipython = None
    if get_ipython is None or get_ipython() is None:
        raise RuntimeError("show() runs inside a Jupyter notebook or IPython; elsewhere run `python -m app`.")

    from . import create_app

    create_app(**options).run(host=host, port=port, debug=False, jupyter_mode=mode, jupyter_height=height)
