# Backprop Lab. `make run` starts the app; `make test` runs every test, browser tests included.
# Both create .venv and install what they need on a fresh machine.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8050

.PHONY: run test bench lint plotly clean

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

# The charts' Plotly: the version below, with the trace types the app draws and no others, built
# from npm's plotly.js with esbuild as Plotly builds its own bundles (esbuild-config.js; the map traces'
# style sheet, which these never load, left out). Needs Node
# and npm; run it to move to another version, then change the name in assets/plotly-loader.js.
PLOTLY_VERSION := 4.1.1
PLOTLY_BUILD := $(CURDIR)/build/plotly
plotly:
	rm -rf $(PLOTLY_BUILD) && mkdir -p $(PLOTLY_BUILD)
	cd $(PLOTLY_BUILD) && npm init -y >/dev/null && npm install --no-audit --no-fund plotly.js@$(PLOTLY_VERSION) esbuild@0.28.2
	printf "var Plotly = require('plotly.js/lib/core');\nPlotly.register([require('plotly.js/lib/bar'), require('plotly.js/lib/heatmap'), require('plotly.js/lib/contour')]);\nmodule.exports = Plotly;\n" > $(PLOTLY_BUILD)/entry.js
	cd $(PLOTLY_BUILD) && npx esbuild entry.js --bundle --minify --format=iife --global-name=Plotly \
	  --define:global=window --define:define.amd=false --target=es2016 --legal-comments=eof --loader:.css=empty \
	  "--banner:js=/** plotly.js (scatter, bar, heatmap, contour - minified) v$(PLOTLY_VERSION), Copyright 2012-2026, Plotly, Inc. All rights reserved. Licensed under the MIT license */" \
	  --outfile=$(CURDIR)/assets/vendor/plotly-lab-$(PLOTLY_VERSION).min.js
	cp $(PLOTLY_BUILD)/node_modules/plotly.js/LICENSE assets/vendor/plotly.js-LICENSE.txt

clean:
	rm -rf $(VENV) build dist *.egg-info
