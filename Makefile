# Every target installs what it needs into .venv first; only python3 (>= 3.10) is assumed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CORE   := $(VENV)/.core-installed
TF     := $(VENV)/.tf-installed

.PHONY: demo test test-fast lint template fixtures check-generated bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(CORE): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

$(TF): pyproject.toml | $(CORE)
	$(BIN)/python -m pip install --quiet -e ".[dev,tf]"
	touch $@

## demo: grade the bundled sample submissions (NumPy only, no TensorFlow)
demo: $(CORE)
	$(BIN)/python -m autograder demo

## test: the whole suite, live TensorFlow comparisons included
test: $(TF)
	$(BIN)/python -m ruff check .
	$(BIN)/python -m pytest

## test-fast: everything that needs no TensorFlow
test-fast: $(CORE)
	$(BIN)/python -m pytest -m "not keras"

lint: $(CORE)
	$(BIN)/python -m ruff check .

## template: regenerate student_template/ from solutions/ and exercises/
template: $(CORE)
	$(BIN)/python -m autograder template

## fixtures: recompute every reference with TensorFlow (public and hidden)
fixtures: $(TF)
	$(BIN)/python -m autograder fixtures

bench: $(CORE)
	$(BIN)/python -m autograder bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
