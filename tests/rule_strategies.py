"""Hypothesis strategies for situations and small norm sets within the supported rule language.

Rules are built as `NormSet` objects directly (no files): 1-4 decision rules (a
decision, a range, or over charges a cap), each with 1-3 patterns over the situation
catalogue, using every test form (a value, a list of values, `not`, `at_least`,
`at_most`), and precedence (`overrides`) only towards
earlier rules, so that it never runs in a circle. Situations are flat engine facts of
every catalogue kind, sometimes with attributes missing, so that both evaluators are
also compared where a test meets nothing to compare.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from case_procedure import codebook
from case_procedure.compiler import CompiledRuleset, compile_norm_set
from case_procedure.norms import InForce, NormSet, ResolvedRule, Rule
from case_procedure.situation import CATALOGUE, OPENING, ROUTE_FACTS, Attribute

DECISION_FACTS = sorted(kind for kind in CATALOGUE if kind not in ROUTE_FACTS)
BODIES = tuple(b for b in CATALOGUE["hearing"]["body"].values or () if b != OPENING)
NUMBERS = st.integers(-2, 12)  # around the small counts and ranks a situation holds


def values(attribute: Attribute) -> st.SearchStrategy[Any]:
    if attribute.kind is bool:
        return st.booleans()
    if attribute.kind is int:
        return NUMBERS
    return st.sampled_from(attribute.values or ("none",))


@st.composite
def attribute_test(draw: st.DrawFn, attribute: Attribute) -> Any:
    """One test on an attribute, in any form the rule language allows for its kind."""
    forms = ["value", "list", "not"] + (["at_least", "at_most"] if attribute.kind is int else [])
    form = draw(st.sampled_from(forms))
    if form == "value":
        return draw(values(attribute))
    if form == "list":
        return draw(st.lists(values(attribute), min_size=1, max_size=3, unique=True))
    if form == "not":
        return {"not": draw(values(attribute))}
    return {form: draw(NUMBERS)}


@st.composite
def pattern(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(DECISION_FACTS))
    attributes = CATALOGUE[kind]
    names = draw(st.lists(st.sampled_from(sorted(attributes)), max_size=3, unique=True))
    return {"fact": kind, **{name: draw(attribute_test(attributes[name])) for name in names}}


DECISIONS = sorted(codebook.DECISIONS)


@st.composite
def outcome(draw: st.DrawFn, over_charges: bool) -> dict[str, Any]:
    """A decision, a range on the severity ladder, or (for a rule over charges) a cap."""
    form = draw(st.sampled_from(["decision", "range", "cap"] if over_charges else ["decision", "range"]))
    low, high = sorted(draw(st.lists(st.sampled_from(DECISIONS), min_size=2, max_size=2)), key=codebook.severity)
    if form == "decision":
        return {"decide": low}
    if form == "cap":
        return {"cap": {"at_most": high}}
    return {"decide": {"at_least": low, "at_most": high, "typical": draw(st.sampled_from([low, high, None]))}}


@st.composite
def norm_set(draw: st.DrawFn, max_rules: int = 4) -> NormSet:
    count = draw(st.integers(1, max_rules))
    rules = []
    for i in range(count):
        earlier = [f"g.r{j}" for j in range(i)]
        when = draw(st.lists(pattern(), min_size=1, max_size=3))
        spec = {
            "id": f"g.r{i}",
            "statement": "A generated rule.",
            "reading": "inferred",
            "at": draw(st.lists(st.sampled_from(BODIES), min_size=1, max_size=2, unique=True)),
            "when": when,
            **draw(outcome(any(p["fact"] == "charge" for p in when))),
            "overrides": draw(st.lists(st.sampled_from(earlier), unique=True)) if earlier else [],
            "source": ["s"],
        }
        rules.append(ResolvedRule(Rule.model_validate(spec), (), Path("generated.yaml")))
    return NormSet(id="generated", title="Generated", summary="Generated.", kind="norms",
                   in_force=InForce.model_validate({"from": dt.date(1934, 1, 1)}), sources=(), rules=tuple(rules),
                   file=Path("generated.yaml"), extends=None)


def compiled(normset: NormSet) -> CompiledRuleset:
    """The compiled ruleset under a name of its digest: durable-rules registers a name once per process, and
    equal rulesets (frequent while hypothesis shrinks) then share one registration."""
    ruleset = compile_norm_set(normset)
    return CompiledRuleset(f"diff_{ruleset.digest}", ruleset.definition, ruleset.digest)


@st.composite
def fact(draw: st.DrawFn, kind: str, n: int, complete: bool) -> dict[str, Any]:
    attributes = CATALOGUE[kind]
    present = sorted(attributes) if complete else draw(st.lists(st.sampled_from(sorted(attributes)), unique=True))
    return {"id": f"{kind}-{n}", "kind": kind, **{name: draw(values(attributes[name])) for name in present}}


@st.composite
def situation(draw: st.DrawFn, max_facts: int = 8) -> list[dict[str, Any]]:
    """A hearing fact and up to `max_facts` others, as the engine sees them (flat, each with a unique id)."""
    complete = draw(st.booleans())  # real situations give every attribute; partial ones probe missing values
    kinds = draw(st.lists(st.sampled_from(DECISION_FACTS), max_size=max_facts))
    facts = [{**draw(fact("hearing", 0, True)), "id": "hearing", "body": draw(st.sampled_from(BODIES))}]
    facts += [draw(fact(kind, n, complete)) for n, kind in enumerate(kinds, start=1)]
    return facts
