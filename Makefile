# Every target installs what it needs into .venv first; only python3 (>= 3.10) is assumed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
BASE   := $(VENV)/.base-installed
DEV    := $(VENV)/.dev-installed
FULL   := $(VENV)/.full-installed

.PHONY: demo test test-fast lint template fixtures diagrams notebooks examples catalogue bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# base: NumPy only (what grading needs); dev: test tools; full: TensorFlow and otter too
$(BASE): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DEV): pyproject.toml | $(BASE)
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

$(FULL): pyproject.toml | $(DEV)
	$(BIN)/python -m pip install --quiet -e ".[dev,tf,otter]"
	touch $@

## demo: grade the bundled sample submissions (NumPy only, no TensorFlow)
demo: $(BASE)
	$(BIN)/python -m autograder demo

## test: ruff and the whole suite, live TensorFlow comparisons included
test: $(FULL)
	$(BIN)/python -m ruff check .
	$(BIN)/python -m pytest

## test-fast: everything that needs no TensorFlow
test-fast: $(DEV)
	$(BIN)/python -m pytest -m "not keras"

lint: $(DEV)
	$(BIN)/python -m ruff check .

## template: regenerate student_template/ from solutions/ and exercises/
template: $(BASE)
	$(BIN)/python -m autograder template

## fixtures: recompute every reference with TensorFlow (public and hidden)
fixtures: $(FULL)
	$(BIN)/python -m autograder fixtures

## diagrams: redraw the statements' diagrams (exercises/NN_name/diagram.svg)
diagrams: $(DEV)
	$(BIN)/python -m autograder diagrams

## notebooks: rebuild the exercise notebooks; examples: their Keras results (TensorFlow)
notebooks: $(DEV)
	$(BIN)/python -m autograder notebooks

examples: $(FULL)
	$(BIN)/python -m autograder examples

## catalogue: per catalogued mistake, its score, the exercise that lost points, the message
catalogue: $(DEV)
	$(BIN)/python tests/catalogue_report.py

## bench: grading speed (prints figures)
bench: $(BASE)
	$(BIN)/python -m compileall -q autograder  # as an installed package has them
	$(BIN)/python -m autograder bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis dist
