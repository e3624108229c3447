# Two commands: `make run` serves the dashboard, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run test test-random lint format install install-dev editor bench-pages bench-server bench-browser bench-lighthouse bench-import bench-pinned bench-previews bench-layout loadtest soak clean

run: $(VENV)/.runtime node_modules/.runtime
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_dataset
	$(BIN)/python manage.py runserver $(HOST)

# One pytest-xdist worker a core (`-n auto`), each with its own test database, shared directory
# and Redis database (tests/conftest.py); each test passes in any order and on any worker.
test: $(VENV)/.dev node_modules/.dev
	$(BIN)/pytest -n auto --dist load

# The same in a random order, every test shuffled among all the others: make test-random SEED=1234
# (a new seed each run without SEED; pytest prints it, so a failing order can be run again).
SEED ?= $(shell od -An -N3 -tu4 /dev/urandom | tr -d ' ')
test-random: $(VENV)/.dev node_modules/.dev
	$(BIN)/pytest -n auto --dist load --random-order-bucket=global --random-order-seed=$(SEED)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Create an editor account: make editor USERNAME=ana (asks for the password).
editor: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py create_editor $(USERNAME)

# Weight, queries and time of every public page: bench/results/pages-<database>.md
bench-pages: $(VENV)/.runtime node_modules/.runtime
	$(BIN)/python bench/pages.py

# Analysing a 10,000-word article for import (target: under 2 s): bench/results/importer.md
bench-import: $(VENV)/.runtime
	$(BIN)/python bench/importer.py

# Live and pinned (?as_of=) times of the same pages at 10k/100k on SQLite and PostgreSQL: bench/results/pinned.md
bench-pinned: $(VENV)/.runtime
	$(BIN)/python bench/pinned.py

# The timeline's layout at 100 and 1,000 events and its SVG, plotly and PNG outputs: bench/results/layout.md
bench-layout: $(VENV)/.runtime
	$(BIN)/python bench/layout.py

# Drawing a link preview image, and serving it from the cache: bench/results/previews.md
bench-previews: $(VENV)/.runtime
	$(BIN)/python bench/previews.py

# p50/p95, queries and bytes at 1k/10k/100k events on SQLite and PostgreSQL: bench/results/server.md
bench-server: $(VENV)/.runtime node_modules/.runtime
	command -v wrk >/dev/null || apt-get install -y -qq wrk
	$(BIN)/python bench/server.py

# Navigation to chart drawn in headless Chromium at 1k/10k/100k, against vis-timeline and TimelineJS:
# bench/results/browser.md
bench-browser: $(VENV)/.dev node_modules/.dev
	$(BIN)/python bench/browser.py

# Lighthouse performance of /timeline/, mobile and desktop, at 10k/100k: bench/results/lighthouse.md
bench-lighthouse: $(VENV)/.dev node_modules/.dev
	$(BIN)/python bench/lighthouse.py

# 100 readers for 2 minutes while an editor saves changes; errors, p95, lost edits: bench/results/loadtest.md
loadtest: $(VENV)/.runtime node_modules/.runtime
	command -v wrk >/dev/null || apt-get install -y -qq wrk
	$(BIN)/python bench/loadtest.py

# Concurrent edits, unpublishing on two workers, a preview flood and database outages against gunicorn
# and a PostgreSQL server of its own, bounded, on loopback: bench/results/soak.md
soak: $(VENV)/.runtime node_modules/.runtime
	$(BIN)/python bench/soak.py

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

# A venv that failed half way would pass for a ready one next time: it is removed.
$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "newsdash needs Python 3.11 or newer; $(PYTHON) is $$(command -v $(PYTHON) >/dev/null && $(PYTHON) --version 2>&1 || echo 'not installed')." >&2; \
	  echo "Install one, or name it: make run PYTHON=python3.12" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "Could not create $(VENV); on Debian or Ubuntu: apt-get install python3-venv" >&2; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

# Browser libraries come from npm, pinned by package-lock.json, never copied into the repo. The app
# serves only plotly.js (package.json's dependencies, about 1 MB), so `make run` installs that alone;
# axe-core for the browser tests and the benchmarks' peers and Lighthouse (devDependencies, about
# 320 MB) come with `make test` and the benchmarks that use them. npm ci empties node_modules first,
# these markers included, so each install runs once and again only when the lock changes.
node_modules/.runtime: package.json package-lock.json
	npm ci --omit=dev --no-audit --no-fund --loglevel=error
	touch $@

node_modules/.dev: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.runtime $@

clean:
	rm -rf $(VENV) node_modules db.sqlite3 staticfiles
