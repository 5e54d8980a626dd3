# kaplan: two commands for a new user, `make report` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
MONTH  ?= 2026-06
LANG_  ?= zh
NOTEBOOKS := kaplan/notebooks
STRIP  := $(BIN)/nbstripout --extra-keys "metadata.papermill cell.metadata.papermill"

.PHONY: help install report test lint bench mutate lab strip clean

help:
	@echo "make report   build the environment, generate the demo data, publish $(MONTH)"
	@echo "make test     the whole test suite (ruff, pytest, nbval on the notebooks)"
	@echo "make bench    benchmarks at national scale (writes benchmarks/RESULTS.md)"
	@echo "make mutate PKG=plan   mutation testing of a package's rule modules (docs/testing.md)"
	@echo "make lab      JupyterLab on the tuning notebook: weight sliders, Save to params/YYYY-MM.yaml"
	@echo "make strip    strip outputs from the notebooks before committing"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

report: $(STAMP)
	$(BIN)/kaplan run --month $(MONTH) --lang $(LANG_)

lint: $(STAMP)
	$(BIN)/ruff check kaplan tests benchmarks
	$(STRIP) --verify $(NOTEBOOKS)/*.ipynb

# two workers, each test file whole on one of them (its module fixtures built once): docs/testing.md
test: $(STAMP) lint
	$(BIN)/python -m pytest -n 2 --dist loadfile
	$(BIN)/python -m pytest --nbval-lax -p no:randomly $(NOTEBOOKS) -q

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

mutate: $(STAMP)
	nice -n 15 $(BIN)/python tests/mutate.py $(or $(PKG),$(error give a package: make mutate PKG=plan))

lab: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,lab]'
	KAPLAN_PARAMS_DIR=$(CURDIR)/params $(BIN)/jupyter lab $(NOTEBOOKS)/05_tuning.ipynb

strip: $(STAMP)
	$(STRIP) $(NOTEBOOKS)/*.ipynb

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis mutants
