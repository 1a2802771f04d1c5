"""Compiling rules: every pattern becomes its own single-fact durable rule with literal tests."""

from pathlib import Path

from case_procedure.compiler import (
    DECISIONS,
    JUDGMENTS,
    CompiledRuleset,
    Firing,
    compile_norm_set,
    compile_pattern,
    compile_rule,
    rules_applying,
)
from case_procedure.norms import Pattern, load_norm_sets


def test_value_forms_compile_to_literal_operators() -> None:
    pattern = Pattern.model_validate({"fact": "tie", "closeness": ["close", "distant"], "report": {"not": "none"},
                                      "other_arrested": True})
    assert compile_pattern(pattern.fact, pattern.tests()) == {"$and": [
        {"kind": "tie"},
        {"$or": [{"closeness": "close"}, {"closeness": "distant"}]},
        {"other_arrested": True},
        {"$neq": {"report": "none"}},
    ]}
    assert compile_pattern("charges", {"count": Pattern.model_validate({"fact": "charges", "count": {"at_least": 2}})
                                      .tests()["count"]}) == {"$and": [{"kind": "charges"}, {"$gte": {"count": 2}}]}


def test_a_rule_becomes_one_durable_rule_per_pattern_with_the_bodies_first() -> None:
    bodies = compile_pattern("hearing", {"body": ["party_committee"]})
    rule = compile_rule(bodies, [Pattern.model_validate({"fact": "charge", "ground": "slander"})], "r.x")
    assert list(rule) == ["r.x#0", "r.x#1"]
    assert rule["r.x#0"] == {"all": [{"m": {"$and": [{"kind": "hearing"}, {"body": "party_committee"}]}}],
                             "run": "r.x#0"}


def test_a_norm_set_compiles_its_rules_at_bodies_and_its_judgments_on_entries() -> None:
    normset = load_norm_sets(Path("rules"))["norms-1938"]
    decisions, judgments = compile_norm_set(normset, DECISIONS), compile_norm_set(normset, JUDGMENTS)
    assert {name.rpartition("#")[0] for name in judgments.definition} == {j.id for j in normset.judgments}
    firsts = [rule["all"][0]["m"]["$and"][0] for name, rule in judgments.definition.items() if name.endswith("#0")]
    assert firsts and all(first == {"kind": "entry"} for first in firsts)
    assert all(rule["all"][0]["m"]["$and"][0] == {"kind": "hearing"}
               for name, rule in decisions.definition.items() if name.endswith("#0"))
    assert not set(decisions.definition) & set(judgments.definition) and judgments.name != decisions.name


def test_a_rule_applies_only_when_every_pattern_matched() -> None:
    ruleset = CompiledRuleset("t", {"a#0": {}, "a#1": {}, "b#0": {}}, "d")
    matches = {("a#0", "hearing"), ("b#0", "hearing"), ("a#1", "charge-2"), ("a#1", "charge-1")}
    assert rules_applying(ruleset, matches) == [
        Firing("a", ("hearing", "charge-1", "charge-2"), (("hearing",), ("charge-1", "charge-2"))),
        Firing("b", ("hearing",), (("hearing",),))]
    assert rules_applying(ruleset, {("a#0", "hearing")}) == []
