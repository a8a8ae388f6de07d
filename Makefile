# The README's commands. `make run` and `make test` work on a fresh machine with Python 3.11 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format build fetch check bench serve-prod clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

data/warehouse.duckdb: $(STAMP) indicators.yaml data/snapshot/manifest.yaml
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

test: lint data/warehouse.duckdb
	$(BIN)/pytest -q

fetch: $(STAMP)
	$(BIN)/investin fetch

check: $(STAMP)
	$(BIN)/investin check

bench: data/warehouse.duckdb
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) data/warehouse.duckdb tests/artifacts bench/results.json
