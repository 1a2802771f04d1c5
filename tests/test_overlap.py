"""The static overlap check: it finds every pair of rules that can apply together with different outcomes."""

from __future__ import annotations

import dataclasses
from itertools import combinations
from pathlib import Path

import yaml
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from case_procedure import codebook
from case_procedure.engine import PythonEngine
from case_procedure.errors import RuleConflict
from case_procedure.norms import NormSet, NormSetFile, load_norm_sets
from case_procedure.overlap import could_apply_together, idle_caps, overlaps
from case_procedure.precedence import resolve
from case_procedure.replay import RuleBook
from case_procedure.situation import CATALOGUE, Fact, ground_family, only_family

NORM_SETS = load_norm_sets(ROOT / "rules")
BOOK = RuleBook(NORM_SETS)


def _norm_set(tmp_path: Path, rules: list[dict]) -> NormSet:
    spec = {"id": "toy", "title": "Toy", "summary": "A toy norm set.", "in_force": {"from": "1937-01-01"},
            "sources": {"s": {"chapter": 1, "section": "opening", "pages": "1"}}, "cites": ["s"],
            "rules": [{"statement": "A norm.", "reading": "stated", "source": ["s"], **r} for r in rules]}
    NormSetFile.model_validate(spec)
    (tmp_path / "toy.yaml").write_text(yaml.safe_dump(spec))
    return load_norm_sets(tmp_path)["toy"]


def test_rules_sharing_a_body_and_compatible_facts_overlap(tmp_path: Path) -> None:
    normset = _norm_set(tmp_path, [
        {"id": "a", "at": ["party_committee"], "when": [{"fact": "charge", "ground": "tie_to_enemy"}],
         "decide": "expulsion"},
        {"id": "b", "at": ["party_committee", "general_meeting"], "when": [{"fact": "accused", "sex": "female"}],
         "decide": "reprimand"},
    ])
    [found] = overlaps(normset)
    assert (found.first.id, found.second.id, found.bodies) == ("a", "b", ("party_committee",))


def test_contradictory_facts_or_disjoint_bodies_do_not_overlap(tmp_path: Path) -> None:
    normset = _norm_set(tmp_path, [
        {"id": "a", "at": ["party_committee"], "when": [{"fact": "accused", "arrested": True}], "decide": "expulsion"},
        {"id": "b", "at": ["party_committee"], "when": [{"fact": "accused", "arrested": False}], "decide": "reprimand"},
        {"id": "c", "at": ["district_committee"], "decide": "warning"},
        {"id": "d", "at": ["party_committee"], "when": [{"fact": "charges", "count": 1},
                                                        {"fact": "charge", "ground": "slander"},
                                                        {"fact": "charge", "ground": "passivity"}],
         "decide": "warning"},
    ])
    pairs = {(o.first.id, o.second.id) for o in overlaps(normset)}
    assert ("a", "b") not in pairs and not any("c" in p for p in pairs) and not any("d" in p for p in pairs)


def test_precedence_settles_an_overlap(tmp_path: Path) -> None:
    normset = _norm_set(tmp_path, [
        {"id": "a", "at": ["party_committee"], "decide": "expulsion", "overrides": ["b"]},
        {"id": "b", "at": ["party_committee"], "decide": "reprimand"},
    ])
    assert overlaps(normset) == []


def test_shipped_norm_sets_have_no_unsettled_overlap() -> None:
    assert [str(o) for n in NORM_SETS.values() for o in overlaps(n)] == []


def _value(attribute) -> st.SearchStrategy:
    if attribute.kind is bool:
        return st.booleans()
    if attribute.kind is int:
        return st.integers(0, 4)
    return st.sampled_from(attribute.values)


def _fact(kind: str, n: int) -> st.SearchStrategy:
    return st.fixed_dictionaries({name: _value(a) for name, a in CATALOGUE[kind].items()}).map(
        lambda attributes: Fact(f"{kind}-{n}", kind, attributes, kind))


@st.composite
def situations(draw: st.DrawFn) -> list[Fact]:
    facts = [draw(_fact(kind, 0)) for kind in ("hearing", "accused", "outcome")]
    charges = draw(st.lists(st.sampled_from(list(codebook.GROUNDS)), max_size=3))
    facts += [Fact(f"charge-{i}", "charge", {"ground": g, "family": ground_family(g)}, "")
              for i, g in enumerate(charges)]
    only = only_family({ground_family(g) for g in charges})
    facts.append(Fact("charges", "charges", {"count": len(charges), "only_family": only}, ""))
    for kind in ("tie", "conduct", "statement", "prior_decision"):
        facts += draw(st.lists(st.integers(0, 99), max_size=2, unique=True).flatmap(
            lambda ns, kind=kind: st.tuples(*(_fact(kind, n) for n in ns))))
    return facts


@settings(max_examples=300)
@given(situations(), st.sampled_from(sorted(NORM_SETS)), st.sampled_from(["decisions", "routes"]))
def test_rules_that_fire_together_are_reported_or_agree(facts: list[Fact], name: str, part: str) -> None:
    normset = NORM_SETS[name]
    fired = [f.rule_id for f in PythonEngine().run(BOOK.compiled(normset, part), "p", [f.engine_fact() for f in facts])]
    for a, b in combinations(fired, 2):
        first, second = normset.rule(a), normset.rule(b)
        assert (first.rule.outcome == second.rule.outcome or a in second.rule.overrides
                or b in first.rule.overrides or could_apply_together(first, second))


@settings(max_examples=300)
@given(situations(), st.sampled_from(sorted(NORM_SETS)), st.sampled_from(["decisions", "routes"]))
def test_a_conflict_in_replay_is_an_overlap_the_check_reports(facts: list[Fact], name: str, part: str) -> None:
    # with ranges, caps and composition per charge: the static check still never misses a conflict
    normset = NORM_SETS[name]
    firings = PythonEngine().run(BOOK.compiled(normset, part), "p", [f.engine_fact() for f in facts])
    try:
        resolve(normset, firings, "in a generated situation")
    except RuleConflict as exc:
        reported = {frozenset((o.first.id, o.second.id)) for o in overlaps(normset)}
        named = frozenset(r for r in normset._by_id if f"'{r}'" in str(exc))
        assert named in reported, str(exc)


def test_a_cap_with_no_rule_over_its_charges_is_reported_idle() -> None:
    normset = NORM_SETS["norms-1938"]
    assert idle_caps(normset) == []
    penalties = {"n37.late-report", "n37.concealment-expelled"}  # the rules over a charge of not reporting
    without = dataclasses.replace(normset, rules=tuple(r for r in normset.rules if r.id not in penalties))
    assert [c.split("cap ")[1].split()[0] for c in idle_caps(without)] == ["'n38.late-report-not-expelled'"]
