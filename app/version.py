"""Backprop Lab's version, written once: `version` in pyproject.toml.

In a checkout that file sits beside app/ and is read directly, so the footer and
`backprop-lab --version` follow an edit at once, whatever an earlier install recorded. An
installed wheel has no pyproject.toml; its version comes from the installed distribution's
metadata, which the build copied from the same line.
"""

import functools
import tomllib
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "backprop-lab"
PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


@functools.cache
def version() -> str:
    """The version string, e.g. '0.1.0' ('unknown' if neither source has one)."""
    try:
        project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8")).get("project", {})
        if project.get("name") == DISTRIBUTION and project.get("version"):
            return project["version"]
    except (OSError, tomllib.TOMLDecodeError):
        pass  # not a checkout
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "unknown"
