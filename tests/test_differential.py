"""Differential testing: durable-rules and the plain-Python evaluator agree on generated rules and situations.

Both backends run the same compiled ruleset on the same facts; the firings (which
rules applied, on which facts) and the decision after precedence must be identical.
CI runs a bounded number of examples. `SOAK=1` runs many more (`SOAK_EXAMPLES`,
default 2,000 per process; every distinct generated ruleset stays registered in
durable-rules for the life of the process, so long soaks are run as several
processes with different seeds):

    for seed in 1 2 3 4 5; do SOAK=1 .venv/bin/pytest tests/test_differential.py -q --hypothesis-seed=$seed; done

Any disagreement found becomes a regression test below.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from durable.engine import MessageNotHandledException
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rule_strategies import compiled, norm_set, situation

from case_procedure.compiler import CompiledRuleset, Firing
from case_procedure.engine import DurableEngine, PythonEngine, _QuietHost, holds, lint
from case_procedure.errors import EngineError, RuleConflict
from case_procedure.norms import NormSet, pattern_problems
from case_procedure.precedence import resolve

pytestmark = pytest.mark.slow

SOAK = os.environ.get("SOAK") == "1"
EXAMPLES = int(os.environ.get("SOAK_EXAMPLES", "2000")) if SOAK else 200
SITUATIONS = 8 if SOAK else 4


def decision(normset: NormSet, firings: list[Firing]) -> tuple[Any, ...]:
    try:
        found = resolve(normset, firings, "in a generated situation")
    except RuleConflict as exc:
        return ("conflict", str(exc))
    if found is None:
        return ("none",)
    return (found.rule.id, found.range, found.matched, found.concurring, found.overridden, found.per_charge,
            found.verdicts)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.data_too_large])
@given(norm_set(), st.lists(situation(), min_size=1, max_size=SITUATIONS))
def test_durable_rules_and_python_agree(engine: DurableEngine, normset: NormSet,
                                        situations: list[list[dict[str, Any]]]) -> None:
    ruleset = compiled(normset)
    for n, facts in enumerate(situations):
        durable = engine.run(ruleset, f"differential/{n}", facts)
        python = PythonEngine().run(ruleset, f"differential/{n}", facts)
        assert durable == python, (ruleset.definition, facts)
        assert decision(normset, durable) == decision(normset, python)


@settings(max_examples=60, deadline=None)
@given(norm_set())
def test_generated_rules_stay_within_the_supported_language(normset: NormSet) -> None:
    for rule in normset.rules:
        for j, pattern in enumerate(rule.rule.when):
            assert pattern_problems(pattern, ("when", j)) == []
    assert lint(compiled(normset)) == []


def test_the_generator_reaches_every_test_form() -> None:
    seen: set[str] = set()

    @settings(max_examples=300, deadline=None, database=None, derandomize=True)
    @given(norm_set())
    def collect(normset: NormSet) -> None:
        for rule in normset.rules:
            for pattern in rule.rule.when:
                for test in pattern.tests().values():
                    seen.add(type(test).__name__)

    collect()
    assert {"list", "Not", "AtLeast", "AtMost"} <= seen and seen & {"str", "bool", "int"}


# -- durable-rules misbehaviour that the loaders and the lint must keep out -------------------

class RawDurable:
    """durable-rules with no lint in front: to show what the lint and the rule loader refuse, and why."""

    def __init__(self) -> None:
        self.fired: list[str] = []
        self.host = _QuietHost(lambda name, closure: self.fired.append(str(closure.m["id"])))
        self.count = 0

    def matching(self, condition: dict[str, Any], facts: list[dict[str, Any]]) -> list[str]:
        self.count += 1
        name = f"raw_{self.count}"
        self.host.register_rulesets({name: {"r": {"all": [{"m": {"$and": [{"kind": "k"}, condition]}}],
                                                  "run": "r"}}})
        self.fired = []
        started = False
        for fact in facts:
            try:
                self.host.assert_fact(name, {**fact, "kind": "k", "sid": "s"})
            except MessageNotHandledException:  # no rule can match it
                continue
            started = True
        if started:  # deleting a session that never accepted a fact crashes durable-rules (segfault)
            self.host.delete_state(name, "s")
        return self.fired


@pytest.fixture(scope="module")
def raw() -> RawDurable:
    return RawDurable()


@pytest.mark.parametrize(("condition", "fact", "python"), [
    ({"$lte": {"x": 2**63 - 1}}, 2**63, False),  # integers are clipped to 64 bits
    ({"$neq": {"x": 2**63 + 1}}, 2**63 + 2, True),
    ({"x": False}, 0, False),  # false is 0
    ({"x": "1"}, 1, False),  # text and numbers compare loosely
], ids=["lte-beyond-64-bits", "neq-beyond-64-bits", "false-is-0", "text-1-is-1"])
def test_durable_rules_2_0_28_mishandles(raw: RawDurable, condition: dict, fact: Any, python: bool) -> None:
    durable = raw.matching(condition, [{"id": "f", "x": fact}]) == ["f"]
    assert holds(condition, {"id": "f", "x": fact}) == python  # the reference evaluator gets it right
    assert durable != python  # if this fails, durable-rules changed: the guards below may be relaxed
    ruleset = CompiledRuleset("lint_probe", {"r#0": {"all": [{"m": {"$and": [{"kind": "k"}, condition]}}],
                                                     "run": "r#0"}}, "x")
    # false-for-a-number and text-for-a-number are refused by the rule loader (see docs/bad-input.md); numbers
    # beyond 64 bits by the loader, by the lint (in rules) and by the adapter (in facts)
    operand = next(iter(condition.values()))
    literal = next(iter(operand.values())) if isinstance(operand, dict) else operand
    if isinstance(literal, int) and abs(literal) > 2**63 - 1:
        assert any("64-bit" in p for p in lint(ruleset))
    if isinstance(fact, int) and abs(fact) > 2**63 - 1:
        with pytest.raises(EngineError, match="64-bit"):
            PythonEngine().run(CompiledRuleset("p", {}, "x"), "s", [{"id": "f", "kind": "k", "x": fact}])


# -- Regression tests: disagreements found by the generator ------------------------------------

def test_regression_literals_beyond_64_bits_never_reach_durable_rules(engine: DurableEngine) -> None:
    # Found by probing the generator's number range outward: `at_most: 2**63 - 1` held of 2**63 in durable-rules
    # and not in Python. The rule loader now limits rule numbers and the lint refuses such literals.
    ruleset = CompiledRuleset("regression_big_int", {"r#0": {"all": [{"m": {"$and": [
        {"kind": "charges"}, {"$lte": {"count": 2**63}}]}}], "run": "r#0"}}, "x")
    with pytest.raises(EngineError, match="64-bit"):
        engine.run(ruleset, "big", [{"id": "c", "kind": "charges", "count": 1}])
