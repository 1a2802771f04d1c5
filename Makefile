# Two commands set everything up from a fresh clone (Python 3.11 or 3.12 and a C compiler):
#   make demo   validate the corpus, replay every bundled case under the norms in force, compare norm sets on
#               one case, report on the corpus (out/report.md), build the casebook (out/casebook)
#   make test   run the test suite (make test-fast: without the tests marked slow)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test test-fast bench clean

$(BIN)/case-procedure: pyproject.toml
	$(PYTHON) -c 'import sys; assert (3, 11) <= sys.version_info[:2] < (3, 13), "case-procedure needs Python 3.11 or 3.12 (durable-rules does not import on 3.13)"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/case-procedure
	$(BIN)/case-procedure check
	$(BIN)/case-procedure cases
	$(BIN)/case-procedure replay cases/*.yaml --rules auto
	$(BIN)/case-procedure compare cases/bystritskii.yaml --rules norms-1937 --rules norms-1938 --rules practice-1938
	$(BIN)/case-procedure report --format markdown --out out/report.md
	$(BIN)/case-procedure report
	$(BIN)/case-procedure casebook --out out/casebook
	@echo "Written: out/report.md and out/casebook/index.html (open it in a browser)"

test: $(BIN)/case-procedure
	$(BIN)/pytest

test-fast: $(BIN)/case-procedure
	$(BIN)/pytest -m "not slow"

bench: $(BIN)/case-procedure
	$(BIN)/python bench/suite.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis src/*.egg-info
