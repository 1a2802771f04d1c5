# Two commands set everything up from a fresh clone (Python 3.11 or 3.12 and a C compiler):
#   make demo   validate the corpus and replay every bundled case under the norms in force
#   make test   run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test bench clean

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

test: $(BIN)/case-procedure
	$(BIN)/pytest

bench: $(BIN)/case-procedure
	$(BIN)/python bench/replay_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis src/*.egg-info
