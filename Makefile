# The Battle for Kursk, 2024-2025: two commands on a fresh machine.
#   make book   set up .venv if needed, execute every chapter, build _build/html
#               (and the PDF edition beside it when TeX is installed)
#   make pdf    the PDF edition alone
#   make lab    open the chapters as notebooks in JupyterLab
#   make check  the fast tier while you work (about a minute): every test that needs no
#               whole-book build and no browser (data, properties, bibliography, prose,
#               ledger units, the package's imports)
#   make test   set up .venv if needed, run the whole test suite (strict build included)
#   make bench  measure build times and page weight and speed (benchmarks/README.md)
#   make zenodo write .zenodo.json (the metadata Zenodo archives a release with) from CITATION.cff

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TOOLS  := .venv-tools
TOOLS_STAMP := $(TOOLS)/.installed
# axe-core and the Nu HTML Checker for the browser tests, at the versions of the lock file.
NODE_TOOLS := tests/browser-tools
NODE_STAMP := $(NODE_TOOLS)/node_modules/.installed
# The tools the tests call from .venv-tools: cffconvert (CITATION.cff, .zenodo.json) and actionlint
# (the workflows in .github/workflows).
TOOLS_ENV := KURSK_CFFCONVERT=$(CURDIR)/$(TOOLS)/bin/cffconvert KURSK_ACTIONLINT=$(CURDIR)/$(TOOLS)/bin/actionlint

.PHONY: book pdf lab check test bench zenodo clean requirements

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %s); set PYTHON=/path/to/python3.11" % sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/python -m kursk.publish.build book

# The PDF edition alone (needs TeX: see the README).
pdf: $(STAMP)
	$(BIN)/python -m kursk.publish.build pdf

# JupyterLab with every chapter openable as a notebook (MyST through jupytext).
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=. chapters

$(TOOLS_STAMP): requirements-tools.txt
	test -x $(TOOLS)/bin/python || $(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-tools.txt
	touch $(TOOLS_STAMP)

$(NODE_STAMP): $(NODE_TOOLS)/package.json $(NODE_TOOLS)/package-lock.json
	cd $(NODE_TOOLS) && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $(NODE_STAMP)

check: $(STAMP) $(TOOLS_STAMP)
	$(TOOLS_ENV) $(BIN)/python -m pytest -m "not build and not browser"

test: $(STAMP) $(TOOLS_STAMP) $(NODE_STAMP)
	$(TOOLS_ENV) $(BIN)/python -m pytest

# Build times, page weight and speed, Lighthouse scores: writes benchmarks/RESULTS.md (about
# half an hour with the default three runs; see benchmarks/run.py for the options).
bench: $(STAMP)
	cd benchmarks && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	$(BIN)/python benchmarks/run.py

# .zenodo.json from CITATION.cff, after any change to it (a test keeps the two equal). Zenodo
# archives each GitHub release with this metadata and mints its DOI (see chapters/how-to-cite.md).
zenodo: $(TOOLS_STAMP)
	$(TOOLS)/bin/cffconvert --format zenodo --infile CITATION.cff --outfile .zenodo.json

# Re-pin every package after editing requirements.in.
requirements: $(STAMP)
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
		--output-file requirements.txt requirements.in
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
		--output-file requirements-tools.txt requirements-tools.in

clean:
	rm -rf _build
