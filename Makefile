# Two commands set everything up from a fresh clone (Python 3.11 or 3.12 and a C compiler):
#   make demo   validate the corpus and the rules, print each norm set's agreement with the record, and write
#               the full report (out/report.md) and the casebook (out/casebook); one screen of output
#   make test   run the test suite, then mypy --strict and ruff (make test-fast: the tests not marked slow)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test test-fast bench clean

$(BIN)/case-procedure: pyproject.toml
	@$(PYTHON) -c 'import sys; assert (3, 11) <= sys.version_info[:2] < (3, 13), "case-procedure needs Python 3.11 or 3.12 (durable-rules does not import on 3.13)"'
	@echo "Setting up $(VENV) (pip install -e '.[test]'; a minute or two the first time)"
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install -qq --upgrade pip
	@$(BIN)/pip install -qq -e '.[test]'
	@touch $@

demo: $(BIN)/case-procedure
	@$(BIN)/case-procedure check
	@$(BIN)/case-procedure report --format markdown --out out/report.md --summary
	@$(BIN)/case-procedure casebook --out out/casebook
	@echo "The full report: out/report.md; every case replayed, explained and drawn: out/casebook/index.html"

test: $(BIN)/case-procedure
	$(BIN)/pytest
	$(BIN)/mypy --strict src
	$(BIN)/ruff check src tests

test-fast: $(BIN)/case-procedure
	$(BIN)/pytest -m "not slow"

bench: $(BIN)/case-procedure
	$(BIN)/python bench/suite.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis src/*.egg-info
