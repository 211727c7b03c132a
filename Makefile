# collsec: `make demo` and `make test` work from a fresh clone (they create .venv).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
DATA ?= $(abspath ../shared/data)

.PHONY: setup demo test lint validate bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	@$(BIN)/collsec demo

lint: setup
	$(BIN)/ruff check src tests benchmarks tools conftest.py
	$(BIN)/ruff format --check src tests benchmarks tools conftest.py

test: lint
	COLLSEC_DATA_DIR=$${COLLSEC_DATA_DIR:-$(DATA)} $(BIN)/pytest -n 2 -q

# validate reports the kernel's timing targets without failing on a loaded machine
# (`make bench` is strict); correctness checks always fail the run.
validate: setup
	COLLSEC_DATA_DIR=$${COLLSEC_DATA_DIR:-$(DATA)} $(BIN)/collsec data verify
	COLLSEC_DATA_DIR=$${COLLSEC_DATA_DIR:-$(DATA)} $(BIN)/collsec audit unsc
	$(MAKE) bench BENCH_FLAGS=

BENCH_FLAGS ?= --strict

bench: setup
	$(BIN)/python benchmarks/bench_power.py
	COLLSEC_DATA_DIR=$${COLLSEC_DATA_DIR:-$(DATA)} $(BIN)/python benchmarks/bench_world.py
	$(BIN)/python benchmarks/bench_kernel.py $(BENCH_FLAGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info src/*.egg-info
