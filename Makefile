# Two commands set up everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

.PHONY: run test ui sample national bench clean
SCALE ?= 0.1

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

$(DAGSTER_HOME)/dagster.yaml: dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp dagster.yaml $@

## Build the whole warehouse from the inbox (default data/sample/) and print a summary.
run: $(BIN)/.installed $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/python -m pipelines.cli run

## Run the tests.
test: $(BIN)/.installed $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/python -m pytest

## Start the Dagster UI (webserver and daemon) on http://127.0.0.1:3000.
ui: $(BIN)/.installed $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

## Regenerate the shipped sample inputs (deterministic).
sample: $(BIN)/.installed
	$(BIN)/python -m pipelines.cli sample --force

## Write national-scale inputs (SCALE of the country's counties, default 0.1) to bench/inputs/scale_$(SCALE)/.
national: $(BIN)/.installed
	$(BIN)/python -m pipelines.cli national --scale $(SCALE) --out bench/inputs/scale_$(SCALE)

## Benchmark the nightly run at SCALE against a DuckDB-only floor; writes bench/results/scale_$(SCALE).json.
bench: $(BIN)/.installed
	$(BIN)/python -m bench.run --scale $(SCALE)

clean:
	rm -rf $(VENV) data/warehouse/*.duckdb data/warehouse/builds
