# The README's commands. `make run` and `make test` work on a fresh machine with Python 3.11 and make.
# Installs take the versions pinned in requirements.lock (pip constraints); `make upgrade`
# refreshes the lock on purpose and runs the tests on the new set.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
UV_VERSION := 0.13.8
EXTRAS := --extra dev --extra notebooks

.PHONY: run test test-fast lint format build fetch check bench serve-prod lab upgrade clean

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c $(LOCK) -e '.[dev]'
	touch $(STAMP)

data/warehouse.duckdb: $(STAMP) indicators.yaml presentation.yaml data/snapshot/manifest.yaml
	$(BIN)/investin build

build: $(STAMP)
	$(BIN)/investin build

run: data/warehouse.duckdb
	$(BIN)/investin serve

serve-prod: data/warehouse.duckdb
	$(BIN)/investin serve --prod --workers 2

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The suite in parallel processes (pytest-xdist: one warehouse, server and browser per process;
# a test file stays in one process), then the load tests alone, so that their throughput and
# memory figures are not measured beside the rest of the suite.
TEST_WORKERS ?= auto
XDIST := -n $(TEST_WORKERS) --maxprocesses 4 --dist loadfile

test: lint data/warehouse.duckdb
	$(BIN)/pytest -q $(XDIST) -m 'not load'
	$(BIN)/pytest -q -m load

# The suite without the wheel install test (tests/integration/test_install.py).
test-fast: lint data/warehouse.duckdb
	$(BIN)/pytest -q $(XDIST) -m 'not install and not load'
	$(BIN)/pytest -q -m load

fetch: $(STAMP)
	$(BIN)/investin fetch

check: $(STAMP)
	$(BIN)/investin check

bench: data/warehouse.duckdb
	$(BIN)/python -m bench

# JupyterLab (the `notebooks` extra, pinned by the lock) over notebooks/.
lab: $(STAMP)
	$(BIN)/pip install --quiet -c $(LOCK) -e '.[dev,notebooks]'
	$(BIN)/jupyter lab notebooks/

# Re-resolve every dependency to its newest release allowed by pyproject.toml, install that set
# and run the whole suite. Commit requirements.lock only if the tests pass.
upgrade: $(STAMP)
	$(BIN)/pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip compile --upgrade --quiet pyproject.toml $(EXTRAS) --python-version 3.11 \
		--custom-compile-command "make upgrade" -o $(LOCK)
	$(BIN)/pip install --quiet -c $(LOCK) -e '.[dev]'
	touch $(STAMP)
	$(MAKE) test

clean:
	rm -rf $(VENV) data/warehouse.duckdb tests/artifacts bench/results.json
