"""Every situation of rules/tests/*.yaml, run as its own test: the norm set gives the expected outcome."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from case_procedure.examples import Example, load_examples, run_example
from case_procedure.norms import load_norm_sets

NORM_SETS = load_norm_sets(ROOT / "rules")
LOADED = load_examples(NORM_SETS, ROOT / "rules" / "tests")
CASES = [(item.path, example) for item in LOADED for example in item.spec.situations]


@pytest.mark.parametrize(("path", "example"), CASES, ids=[f"{p.stem}: {e.name}" for p, e in CASES])
def test_situation(book, engine, path: Path, example: Example) -> None:
    result = run_example(example, path, book.norm_sets[path.stem], book, engine)
    assert result.got == result.expected


def test_every_norm_set_has_rule_tests() -> None:
    assert {item.spec.norm_set for item in LOADED} == set(NORM_SETS)
