"""Compiling rules: every pattern becomes its own single-fact durable rule with literal tests."""

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

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
from case_procedure.condition import AtLeast, AtMost, Condition, Not, Scalar, Test
from case_procedure.engine import holds
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


KINDS: dict[str, st.SearchStrategy[Scalar]] = {
    "bool": st.booleans(), "int": st.integers(0, 70), "str": st.sampled_from(["close", "distant", "none"])}


@st.composite
def typed_tests(draw: st.DrawFn) -> tuple[Test, list[Scalar]]:
    """A test and a domain of one attribute kind, as the file check ensures (a bound only on numbers)."""
    kind = draw(st.sampled_from(sorted(KINDS)))
    values = KINDS[kind]
    forms = [values, st.lists(values, min_size=1, max_size=4), st.builds(lambda v: Not.model_validate({"not": v}),
                                                                            values)]
    if kind == "int":
        forms += [st.builds(lambda n: AtLeast(at_least=n), st.integers(0, 64)),
                  st.builds(lambda n: AtMost(at_most=n), st.integers(0, 64))]
    return draw(st.one_of(forms)), draw(st.lists(values, min_size=1, max_size=12, unique=True))


@given(typed_tests())
def test_one_condition_model_compiles_and_bounds_alike(drawn: tuple[Test, list[Scalar]]) -> None:
    """What the compiler hands durable-rules and what the overlap analysis lets through are one condition: a
    value passes `allowed` exactly when the compiled condition holds of a fact with that value."""
    test, domain = drawn
    allowed = Condition.of("a", test).allowed(frozenset(domain))
    for value in domain:
        assert holds(compile_pattern("k", {"a": test}), {"id": "f", "kind": "k", "a": value}) == (value in allowed)
