# collsec: `make demo` and `make test` work from a fresh clone (they create .venv).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
DATA ?= $(abspath ../shared/data)

.PHONY: setup browser demo test lint validate bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,bench,lab]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP)

# the lab's browser tests drive Debian's chromium: installed here when absent
browser:
	@sh tools/ensure_chromium.sh

# demo and validate keep their runs in .demo/ and .validate/ and finish an interrupted
# one with --resume; a run there made with other inputs (the code, a charter, the data)
# is not resumed: --fresh-if-changed starts a new run beside it (docs/experiments.md).
demo: setup
	@$(BIN)/collsec demo
	@echo; echo "== The Gulf War 1990-91: the Council acts =="; $(BIN)/collsec replay gulf-1990
	@echo; echo "== Ukraine 2022: the Council is vetoed =="; $(BIN)/collsec replay ukraine-2022
	@echo; echo "== Syria 2011-16: the model against the record, then the recorded votes under a veto restrained on atrocity cases =="; $(BIN)/collsec replay syria-2011 --charter unsc-restrained-veto
	@echo; echo "== Veto variants over simulated history (a quick run: 50 replications x 25 years) =="
	@mkdir -p .demo && $(BIN)/collsec experiment veto-variants --replications 50 --years 25 --workers 2 --db .demo/veto-variants.duckdb --resume --fresh-if-changed
	@$(BIN)/collsec report .demo/veto-variants.duckdb --out .demo/veto-variants.html
	@echo; echo "== The lab: play a seat on the Council in your browser, alone or as a class =="; echo "   $(BIN)/collsec lab      (serves http://127.0.0.1:8765/ on this computer only; docs/lab.md)"

lint: setup
	$(BIN)/ruff check src tests benchmarks tools conftest.py
	$(BIN)/ruff format --check src tests benchmarks tools conftest.py

test: lint browser
	COLLSEC_DATA_DIR=$${COLLSEC_DATA_DIR:-$(DATA)} $(BIN)/pytest -n 2 -q -m "not validate"

# validate reports the kernel's timing targets without failing on a loaded machine
# (`make bench` is strict); correctness checks always fail the run.
validate: setup browser
	COLLSEC_DATA_DIR=$${COLLSEC_DATA_DIR:-$(DATA)} $(BIN)/collsec data verify
	COLLSEC_DATA_DIR=$${COLLSEC_DATA_DIR:-$(DATA)} $(BIN)/collsec audit unsc
	$(BIN)/collsec fidelity
	COLLSEC_DATA_DIR=$${COLLSEC_DATA_DIR:-$(DATA)} $(BIN)/collsec facts
	COLLSEC_DATA_DIR=$${COLLSEC_DATA_DIR:-$(DATA)} $(BIN)/collsec burden
	mkdir -p .validate && COLLSEC_DATA_DIR=$${COLLSEC_DATA_DIR:-$(DATA)} $(BIN)/collsec backtest icb --crises $${COLLSEC_DATA_DIR:-$(DATA)}/icb/crises_dev.csv --actors $${COLLSEC_DATA_DIR:-$(DATA)}/icb/actors_dev.csv --plot .validate/backtest-icb.png --ablation
	COLLSEC_DATA_DIR=$${COLLSEC_DATA_DIR:-$(DATA)} $(BIN)/pytest -q -m validate
	mkdir -p .validate && for e in $$($(BIN)/collsec experiment list --format json | $(BIN)/python -c "import json,sys; print(' '.join(e['id'] for e in json.load(sys.stdin)['experiments']))"); do \
	  COLLSEC_MAX_SECONDS=600 $(BIN)/collsec experiment $$e --workers 2 --db .validate/$$e.duckdb --resume --fresh-if-changed || exit 1; \
	  $(BIN)/collsec report .validate/$$e.duckdb --out .validate/$$e.html || exit 1; done
	$(MAKE) bench BENCH_FLAGS=

BENCH_FLAGS ?= --strict

bench: setup
	COLLSEC_DATA_DIR=$${COLLSEC_DATA_DIR:-$(DATA)} $(BIN)/python benchmarks/bench_power.py $(BENCH_FLAGS)
	COLLSEC_DATA_DIR=$${COLLSEC_DATA_DIR:-$(DATA)} $(BIN)/python benchmarks/bench_world.py
	$(BIN)/python benchmarks/bench_kernel.py $(BENCH_FLAGS)
	$(BIN)/python benchmarks/bench_experiment.py $(BENCH_FLAGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info src/*.egg-info .validate .demo
