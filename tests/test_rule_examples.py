"""Every situation of rules/tests/*.yaml, run as its own test: the norm set gives the expected outcome."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from case_procedure.errors import InputError
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


def test_a_malformed_rule_test_file_is_refused_with_its_line(tmp_path: Path) -> None:
    folder = tmp_path / "tests"
    folder.mkdir()
    (folder / "norms-1938.yaml").write_text(
        "norm_set: norms-1938\n"
        "situations:\n"
        "  - name: a misspelt ground\n"
        "    body: party_committee\n"
        "    facts:\n"
        "      - {fact: charge, ground: tie_to_enmy}\n"
        "    expect: {decision: reprimand, rule: n38.no-such-rule}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_examples(NORM_SETS, folder)
    messages = [str(p) for p in caught.value.problems]
    assert any(":6: situations[0].facts[0].ground: unknown term 'tie_to_enmy'" in m for m in messages)
    assert any(":7: situations[0].expect.rule: no rule 'n38.no-such-rule'" in m for m in messages)
