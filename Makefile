# The README's two commands: `make run` starts the dashboard, `make test` runs every check.
# Each creates its own virtual environment in .venv on first use (Python 3.11+).

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8050

.PHONY: run test lint format bench screenshots serve-prod clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(PY) -m dashboard serve --host $(HOST) --port $(PORT)

# Workers, timeout, preload, the access log on stdout and no control socket: see
# dashboard/gunicorn_conf.py, which the Procfile and the reliability tests use too.
serve-prod: $(VENV)/.installed
	$(VENV)/bin/gunicorn -c python:dashboard.gunicorn_conf dashboard.app:server \
		--bind $(HOST):$(PORT)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: lint
	$(PY) -m pytest -p no:cacheprovider $(PYTEST_ARGS)

bench: $(VENV)/.installed
	$(PY) bench/ingest.py
	$(PY) bench/callbacks.py
	$(PY) bench/load.py

screenshots: $(VENV)/.installed
	$(PY) scripts/screenshots.py

clean:
	rm -rf $(VENV) data/dashboard.sqlite* data/cache
