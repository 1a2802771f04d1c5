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


CHARGE = "{fact: charge, counted: true, ground: [wrecking, counterrevolutionary_activity]}"


@pytest.mark.parametrize(("name", "old", "new", "complaint"), [
    ("norms-1937.yaml", CHARGE, "{fact: charge, grund: wrecking}", "fact 'charge' has no attribute 'grund'"),
    ("norms-1937.yaml", CHARGE, "{fact: charge, ground: wreking}", "unknown term 'wreking' for charge.ground"),
    ("norms-1937.yaml", "- {fact: accused, arrested: true}", "- {fact: accused, arrested: yes please}",
     "'arrested' is true or false"),
    ("norms-1937.yaml", "decide: statement_accepted", "decide: statement_acepted",
     "decide: unknown term 'statement_acepted'"),
    ("norms-1937.yaml", "overrides: [n37.vigilance-lapse]", "overrides: [n37.no-such-rule]",
     "no rule 'n37.no-such-rule'"),
    ("norms-1937.yaml", "source: [wreckers]", "source: [wrekers]", "no source 'wrekers'"),
    ("norms-1938.yaml", "extends: norms-1937", "extends: norms-1936", "extends: no norm set 'norms-1936'"),
    ("norms-1938.yaml", "  - id: n37.appeal-rejected", "  - id: n37.appeal-rejectd",
     "has no rule 'n37.appeal-rejectd' to replace"),
    ("norms-1937.yaml", "decide: statement_accepted\n",
     "decide: statement_accepted\n    overrides: [n37.self-report-close]\n", "override each other in a circle"),
    ("norms-1937.yaml", "in_force: {from: 1937-02-22, until: 1938-01-19}",
     "in_force: {from: 1937-02-22, until: 1936-01-19}", "ends before it comes into force"),
    ("norms-1937.yaml", "rules:\n", "rules: [\n", "broken YAML"),
], ids=["unknown-attribute", "unknown-term", "wrong-type", "misspelt-decision", "dangling-override",
        "dangling-source", "missing-base", "replacing-what-the-base-lacks", "override-cycle", "dates-out-of-order",
        "broken-yaml"])
def test_a_broken_rule_file_is_refused_with_the_reason(tmp_path: Path, name: str, old: str, new: str,
                                                       complaint: str) -> None:
    folder = rules_copy(tmp_path, name=name, old=old, new=new)
    found = problems(folder)
    assert any(complaint in p and p.startswith(f"{folder / name}:") for p in found), found


LATE = "decide: {at_least: reprimand, at_most: expulsion, typical: expulsion}"
RELIEF = ("      - {fact: charge, family: association}\n      - {fact: accused, arrested: false}\n"
          "    cap: {at_most: removal_from_job_recommended, typical: reprimand}\n"
          "    overrides: [n37.shop-affirms-expulsion]")


@pytest.mark.parametrize(("name", "old", "new", "complaint"), [
    ("norms-1937.yaml", LATE, "decide: {at_least: expulsion, at_most: reprimand}",
     "out of order on the severity ladder: at_least expulsion is graver than at_most reprimand"),
    ("norms-1937.yaml", LATE, "decide: {at_least: reprimand, at_most: strict_reprimand, typical: expulsion}",
     "typical expulsion lies outside reprimand..strict_reprimand"),
    ("norms-1937.yaml", LATE, "decide: {at_least: reprimand, at_most: expulsion}\n    cap: {at_most: reprimand}",
     "exactly one of `decide`"),
    ("norms-1938.yaml", RELIEF, RELIEF.replace("      - {fact: charge, family: association}\n", ""),
     "a cap bounds what is prescribed for charges; it needs a `charge` pattern"),
    ("norms-1938.yaml", RELIEF, RELIEF.replace("[n37.shop-affirms-expulsion]",
                                               "[n37.shop-affirms-expulsion, n37.ties-to-enemies-expelled]"),
     "a cap bounds such rules and never sets them aside"),
    ("norms-1938.yaml", RELIEF, RELIEF.replace("typical: reprimand", "typical: expulsion"),
     "typical expulsion is graver than the cap's at_most"),
    ("norms-1937.yaml", LATE, "decide: {at_least: reprimand, at_most: expulsion}\n    combination: true",
     "a combination rule decides, and has at least two `charge` patterns"),
    # a floor must be within the powers of every body the rule applies at (a ceiling is a bound only)
    ("norms-1937.yaml", LATE, "decide: {at_least: removal_from_party_post, at_most: expulsion}",
     "prescribes removal_from_party_post at the shop organization, beyond that body's powers"),
], ids=["range-out-of-order", "typical-outside", "decide-and-cap", "cap-without-charge", "cap-overrides-a-penalty",
        "cap-typical-above", "combination-of-one", "floor-beyond-powers"])
def test_a_broken_range_or_cap_is_refused_with_the_reason(tmp_path: Path, name: str, old: str, new: str,
                                                          complaint: str) -> None:
    folder = rules_copy(tmp_path, name=name, old=old, new=new)
    found = problems(folder)
    assert any(complaint in p and p.startswith(f"{folder / name}:") for p in found), found
