"""The installed Backprop Lab: `import backprop_lab` makes `app`, `components` and `engine` importable.

A wheel keeps the source tree's folders as they are, one level down: site-packages/backprop_lab/
holds app/, components/, engine/ and assets/, and nothing else of ours lands at the top of
site-packages. So installing Backprop Lab never overwrites another distribution's `app` or
`engine`, and a program that does not ask for Backprop Lab never sees ours.

Importing this package puts that folder first on sys.path, after which `import engine`,
`from app.notebook import show` and the rest work as they do in the source tree. The
`backprop-lab` script (main below) does exactly that and then starts the app. In a checkout
(an editable install, `make run`, the tests) the packages already sit beside this folder on
the path and nothing is added.

It is not a namespace for the code: `backprop_lab.app` is not the app, `app` is.
"""

import sys
from pathlib import Path

HOME = Path(__file__).resolve().parent
PACKAGES = ("app", "components", "engine")


def _claim_path() -> None:
    if not (HOME / "engine").is_dir():  # a checkout: the packages are this folder's siblings, and the
        return  # folder holding both is on sys.path already, or backprop_lab could not have been imported
    for name in PACKAGES:  # another `app` imported already would shadow ours, or ours it: say so
        module = sys.modules.get(name)
        where = getattr(module, "__file__", None)
        if module is not None and (where is None or HOME not in Path(where).resolve().parents):
            raise ImportError(
                f"Another package called {name!r} is already imported ({where or module!r}). Import "
                f"backprop_lab before it, or give Backprop Lab an environment of its own (pipx, or a venv)."
            )
    if str(HOME) not in sys.path:
        sys.path.insert(0, str(HOME))


_claim_path()


def show(*args, **kwargs) -> None:
    """The app in a Jupyter notebook: app.notebook.show() (mode, port, height, host)."""
    from app.notebook import show

    show(*args, **kwargs)


def main(argv=None) -> None:
    """The `backprop-lab` command: app.cli.main()."""
    from app.cli import main

    main(argv)
