"""A norm set's procedure as a reader meets it: the bodies it speaks of, lowest on the ladder first; the
steps its route rules take, with their conditions in words; its rules in reading order.

`explain --procedure`, `diagram --procedure` and the casebook's norm set pages all present it.
"""

from __future__ import annotations

from dataclasses import dataclass

from case_procedure import situation as situations
from case_procedure.codebook import BODY_ORDER, label
from case_procedure.condition import Condition, Test
from case_procedure.norms import END, NormSet, Pattern, ResolvedRule
from case_procedure.render import join_words

# -- Words for rule conditions ----------------------------------------------------------------

FACT_WORDS = {
    "hearing": "hearing",
    "accused": "accused",
    "charge": "charge",
    "charges": "summary of the charges",
    "tie": "tie of the accused to another person",
    "conduct": "recorded conduct of the accused",
    "statement": "statement about the accused",
    "prior_decision": "earlier decision in the case",
    "outcome": "decision at this step",
    "denunciation": "statement of the accused against another person",
    "entry": "entry judged (a dismissal, an arrest or an appeal)",
}


def value_words(value: object) -> str:
    """A value a rule tests, in words: a term's label, true or false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return label(str(value))


OPERATOR_WORDS = {"any_of": "is", "not": "is not", "at_least": "is at least", "at_most": "is at most"}


def condition_words(condition: Condition) -> str:
    """`closeness: close` -> 'closeness is close'; `{at_most: 4}` -> 'severity is at most 4'."""
    values = [str(v) if condition.is_bound else value_words(v) for v in condition.values]
    return f"{label(condition.attribute)} {OPERATOR_WORDS[condition.operator]} {join_words(values)}"


def test_words(name: str, test: Test) -> str:
    """A test as the file writes it, in words (see `condition_words`)."""
    return condition_words(Condition.of(name, test))


def pattern_words(pattern: Pattern) -> str:
    """A pattern as a noun phrase: 'a tie of the accused to another person whose closeness is close'."""
    kind = FACT_WORDS.get(pattern.fact, label(pattern.fact))
    tests = [condition_words(c) for c in pattern.conditions()]
    article = "an" if kind[0] in "aeiou" else "a"
    return f"{article} {kind}" + (f" whose {join_words(tests, 'and')}" if tests else "")


# -- The procedure ----------------------------------------------------------------------------

def body_rank(body: str) -> int:
    """A body's place on the ladder (the opening first, a body the codebook does not know last)."""
    if body == situations.OPENING:
        return -1
    return BODY_ORDER.index(body) if body in BODY_ORDER else len(BODY_ORDER)


def rule_order(normset: NormSet) -> list[ResolvedRule]:
    """Rules in the order a reader should meet them: by the first body they apply at, a rule before
    the rules it overrides, then by id."""
    rules = {r.id: r for r in normset.rules}
    before = {r.id: {t for t in r.rule.overrides if t in rules} for r in rules.values()}  # r precedes these
    blocked = {rid: sum(rid in targets for targets in before.values()) for rid in rules}

    def key(rid: str) -> tuple[bool, int, str]:
        rule = rules[rid].rule
        return (rule.is_route, min(body_rank(b) for b in rule.at), rid)

    ready = sorted((rid for rid, n in blocked.items() if n == 0), key=key)
    ordered: list[str] = []
    while ready:
        rid = ready.pop(0)
        ordered.append(rid)
        for target in before[rid]:
            blocked[target] -= 1
            if blocked[target] == 0:
                ready.append(target)
        ready.sort(key=key)
    ordered += sorted((rid for rid in rules if rid not in ordered), key=key)  # a cycle is reported by check
    return [rules[rid] for rid in ordered]


def procedure_bodies(normset: NormSet) -> list[str]:
    """The bodies the norm set speaks of, lowest on the ladder first."""
    found = {b for r in normset.rules for b in r.rule.at}
    found |= {r.rule.route for r in normset.route_rules if r.rule.route and r.rule.route != END}
    found |= {p.power.body for p in normset.powers}
    found.discard(situations.OPENING)
    return sorted(found, key=lambda b: (body_rank(b), b))


@dataclass(frozen=True)
class RouteStep:
    source: str  # a body or 'opening'
    target: str  # a body or 'end'
    rule: ResolvedRule
    conditions: str


def route_steps(normset: NormSet) -> list[RouteStep]:
    """Each step a route rule takes, from each body it applies at, in ladder order."""
    steps = []
    for rule in normset.route_rules:
        conditions = "; ".join(pattern_words(p) for p in rule.rule.when) or "always"
        steps += [RouteStep(at, str(rule.rule.route), rule, conditions) for at in rule.rule.at]
    return sorted(steps, key=lambda s: (body_rank(s.source), body_rank(s.target), s.rule.id))
