"""One version, written once in pyproject.toml: the page's footer and `backprop-lab --version` show it.

In a checkout app.version reads pyproject.toml itself; an installed wheel has none, and the version
comes from the distribution's metadata (tests/browser/test_wheel.py checks the installed copy).
"""

import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

from app import cli
from app import version as version_module
from app.layout import build_layout

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT_VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def _find(component, id_):
    if getattr(component, "id", None) == id_:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str) and (found := _find(child, id_)) is not None:
            return found
    return None


def test_the_version_is_pyprojects():
    assert version_module.version() == PYPROJECT_VERSION
    assert PYPROJECT_VERSION.count(".") >= 2 and PYPROJECT_VERSION[0].isdigit()


def test_the_footer_shows_it():
    footer = _find(build_layout(), "footer")
    assert footer is not None and footer.children == f"Backprop Lab {PYPROJECT_VERSION}"


def test_version_prints_it_and_starts_nothing(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"backprop-lab {PYPROJECT_VERSION}\n"


def test_the_command_line_entry_prints_it_too():
    """`python -m backprop_lab`, the wheel's console script, run from the checkout."""
    done = subprocess.run([sys.executable, "-m", "backprop_lab", "--version"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"backprop-lab {PYPROJECT_VERSION}\n"


def test_without_a_pyproject_the_installed_metadata_answers(monkeypatch, tmp_path):
    monkeypatch.setattr(version_module, "PYPROJECT", tmp_path / "pyproject.toml")  # as in a wheel: no file
    monkeypatch.setattr(version_module.metadata, "version", lambda name: {"backprop-lab": "9.8.7"}[name])
    version_module.version.cache_clear()
    try:
        assert version_module.version() == "9.8.7"

        def missing(name):
            raise metadata.PackageNotFoundError(name)

        monkeypatch.setattr(version_module.metadata, "version", missing)
        version_module.version.cache_clear()
        assert version_module.version() == "unknown"

        # Another project's pyproject.toml beside the packages is not ours.
        (tmp_path / "pyproject.toml").write_text('[project]\nname = "other"\nversion = "1.0"\n')
        version_module.version.cache_clear()
        assert version_module.version() == "unknown"
    finally:
        monkeypatch.undo()
        version_module.version.cache_clear()
    assert version_module.version() == PYPROJECT_VERSION
