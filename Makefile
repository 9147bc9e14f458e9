# Backprop Lab. `make run` starts the app; `make test` runs every test, browser tests included.
# Both create .venv and install what they need on a fresh machine.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8050

.PHONY: run test bench lint clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# Stamps: reinstall only when pyproject.toml changes.
$(VENV)/.run-installed: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.run-installed

run: $(VENV)/.run-installed
	$(PY) -m app --host $(HOST) --port $(PORT)

test: $(VENV)/.test-installed
	bash tests/browser/ensure_chromium.sh
	bash tests/ensure_node.sh
	$(PY) -m ruff check .
	$(PY) -m pytest

bench: $(VENV)/.test-installed
	bash tests/browser/ensure_chromium.sh
	$(PY) -m bench

lint: $(VENV)/.test-installed
	$(PY) -m ruff check .

clean:
	rm -rf $(VENV) build dist *.egg-info
