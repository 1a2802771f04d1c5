"""Rule files: validation against the situation catalogue, extends, and errors with lines."""

import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from case_procedure.codebook import FACTORIES, NOT_STATED, label
from case_procedure.corpus import case_files, load_cases
from case_procedure.errors import InputError
from case_procedure.norms import load_norm_sets


def rules_copy(tmp_path: Path, name: str = "norms-1937.yaml", old: str = "", new: str = "") -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    if old:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def problems(folder: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_norm_sets(folder)
    return [str(p) for p in caught.value.problems]


def test_bundled_norm_sets_load_and_1938_extends_1937() -> None:
    norm_sets = load_norm_sets(ROOT / "rules")
    base, reform = norm_sets["norms-1937"], norm_sets["norms-1938"]
    assert reform.extends == "norms-1937"
    base_ids, reform_ids = {r.id for r in base.rules}, {r.id for r in reform.rules}
    assert base_ids < reform_ids
    assert reform.rule("n37.appeal-rejected").rule.statement != base.rule("n37.appeal-rejected").rule.statement
    assert all(r.sources for n in norm_sets.values() for r in n.rules)


def test_rules_never_name_a_person_a_case_or_a_factory() -> None:
    cases = load_cases(case_files(ROOT / "cases"))
    surnames = {word.lower() for case in cases for person in case.people.values()
                for word in person.name.replace(".", " ").split() if len(word) > 3 and word[0].isupper()}
    factories = {label(f).lower() for f in FACTORIES if f not in ("other", NOT_STATED)}
    names = surnames | {case.id for case in cases} | factories
    assert {"somov", "starichkov", "dinamo"} <= names  # the names really come from the corpus
    for normset in load_norm_sets(ROOT / "rules").values():
        for rule in normset.rules:
            words = set(re.findall(r"[a-z'-]+", f"{rule.rule.statement} {rule.rule.note or ''}".lower()))
            assert not [n for n in names if set(n.split()) <= words], rule.id


def test_a_rule_naming_a_fact_that_does_not_exist(tmp_path: Path) -> None:
    folder = rules_copy(tmp_path, old="- {fact: accused, arrested: true}", new="- {fact: accusd, arrested: true}")
    [message] = problems(folder)
    assert message.startswith(f"{folder / 'norms-1937.yaml'}:")
    assert "rules[0].when[0].fact: no fact 'accusd' in the situation" in message


def test_unknown_attribute_and_unknown_term(tmp_path: Path) -> None:
    folder = rules_copy(tmp_path, old="{fact: charge, ground: [wrecking, counterrevolutionary_activity]}",
                        new="{fact: charge, grund: wrecking}")
    assert any("fact 'charge' has no attribute 'grund'" in p for p in problems(folder))
    folder = rules_copy(tmp_path / "b", old="{fact: charge, ground: [wrecking, counterrevolutionary_activity]}",
                        new="{fact: charge, ground: wreking}")
    assert any("unknown term 'wreking' for charge.ground" in p for p in problems(folder))


def test_wrong_value_types(tmp_path: Path) -> None:
    folder = rules_copy(tmp_path, old="- {fact: accused, arrested: true}",
                        new="- {fact: accused, arrested: yes please}")
    assert any("'arrested' is true or false" in p for p in problems(folder))


def test_misspelt_decision_in_a_rule(tmp_path: Path) -> None:
    folder = rules_copy(tmp_path, old="decide: statement_accepted", new="decide: statement_acepted")
    assert any("decide: unknown term 'statement_acepted'" in p for p in problems(folder))


def test_dangling_override_and_source(tmp_path: Path) -> None:
    folder = rules_copy(tmp_path, old="overrides: [n37.vigilance-lapse]", new="overrides: [n37.no-such-rule]")
    assert any("no rule 'n37.no-such-rule'" in p for p in problems(folder))
    folder = rules_copy(tmp_path / "b", old="source: [wreckers]", new="source: [wrekers]")
    assert any("no source 'wrekers'" in p for p in problems(folder))


def test_extending_a_missing_norm_set(tmp_path: Path) -> None:
    folder = rules_copy(tmp_path, name="norms-1938.yaml", old="extends: norms-1937", new="extends: norms-1936")
    assert any("extends: no norm set 'norms-1936'" in p for p in problems(folder))


def test_replacing_a_rule_the_base_lacks(tmp_path: Path) -> None:
    folder = rules_copy(tmp_path, name="norms-1938.yaml", old="  - id: n37.appeal-rejected",
                        new="  - id: n37.appeal-rejectd")
    assert any("has no rule 'n37.appeal-rejectd' to replace" in p for p in problems(folder))


def test_override_cycles_are_refused(tmp_path: Path) -> None:
    folder = rules_copy(tmp_path, old="decide: statement_accepted\n",
                        new="decide: statement_accepted\n    overrides: [n37.self-report-close]\n")
    assert any("override each other in a circle" in p for p in problems(folder))


def test_in_force_dates_out_of_order(tmp_path: Path) -> None:
    folder = rules_copy(tmp_path, old="in_force: {from: 1937-02-22, until: 1938-01-19}",
                        new="in_force: {from: 1937-02-22, until: 1936-01-19}")
    assert any("ends before it comes into force" in p for p in problems(folder))


def test_broken_rule_yaml(tmp_path: Path) -> None:
    folder = rules_copy(tmp_path, old="rules:\n", new="rules: [\n")
    assert any("broken YAML" in p for p in problems(folder))
