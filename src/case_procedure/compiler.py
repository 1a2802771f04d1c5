"""Norm sets compiled to durable-rules JSON rulesets, one per norm set.

A rule needs several facts (the hearing at one of its bodies, a charge, a tie...).
Each of its patterns becomes a durable rule of its own, `<rule id>#<n>`, matching one
fact against literals only: its `kind`, then the attribute tests. A rule applies when
every one of its patterns matched some fact; that conjunction is taken in Python
(`rules_applying`). durable-rules never holds a partial join, which is what crashes
it when a session is deleted (heap corruption in `delete_state`, found with the
first real case), and its documented join bugs cannot arise.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from case_procedure.condition import Test, conditions
from case_procedure.norms import NormSet, Pattern

Condition = dict[str, Any]


PATTERN_SEPARATOR = "#"


@dataclass(frozen=True)
class CompiledRuleset:
    name: str  # the durable ruleset name
    definition: dict[str, dict[str, Any]]  # "<rule id>#<n>" -> durable rule with one pattern
    digest: str

    def as_json(self) -> dict[str, Any]:
        return {self.name: self.definition}

    @cached_property
    def patterns_per_rule(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for name in self.definition:
            rule_id = name.rpartition(PATTERN_SEPARATOR)[0]
            counts[rule_id] = counts.get(rule_id, 0) + 1
        return counts

    @cached_property
    def pattern_names(self) -> dict[str, tuple[str, ...]]:
        """Each rule's pattern names, in pattern order."""
        return {rule_id: tuple(f"{rule_id}{PATTERN_SEPARATOR}{n}" for n in range(count))
                for rule_id, count in self.patterns_per_rule.items()}


@dataclass(frozen=True, order=True)
class Firing:
    rule_id: str
    matched: tuple[str, ...]  # ids of the facts its patterns matched, in pattern order
    # the ids of the facts each pattern matched: [0] is the hearing, [n] the rule's n-th pattern in `when`
    by_pattern: tuple[tuple[str, ...], ...] = ()

    def facts_of(self, when_index: int) -> tuple[str, ...]:
        """The facts that the rule's pattern `when[when_index]` matched."""
        return self.by_pattern[when_index + 1]


def rules_applying(ruleset: CompiledRuleset, matches: set[tuple[str, str]]) -> list[Firing]:
    """Rules all of whose patterns matched, from (pattern name, fact id) pairs."""
    facts_by_pattern: dict[str, list[str]] = {}
    for pattern, fact in sorted(matches):
        facts_by_pattern.setdefault(pattern, []).append(fact)
    firings = []
    for rule_id, names in ruleset.pattern_names.items():
        if names[0] not in facts_by_pattern:  # most rules fail on their first pattern, the hearing's body
            continue
        per_pattern = [facts_by_pattern.get(name, []) for name in names]
        if all(per_pattern):
            ordered = list(dict.fromkeys(fact for facts in per_pattern for fact in facts))
            firings.append(Firing(rule_id, tuple(ordered), tuple(tuple(facts) for facts in per_pattern)))
    return sorted(firings)


def ruleset_name(normset_id: str) -> str:
    return normset_id.replace("-", "_").replace(".", "_")


def compile_pattern(kind: str, tests: dict[str, Test]) -> Condition:
    parts = [{"kind": kind}, *(c.durable() for c in conditions(tests))]
    return parts[0] if len(parts) == 1 else {"$and": parts}


def compile_rule(first: Condition, when: list[Pattern], rule_id: str) -> dict[str, dict[str, Any]]:
    """One durable rule a pattern: the first selects the step (the hearing at a body, the entry of a kind), the
    rest test the rule's `when` facts."""
    patterns = [first, *(compile_pattern(p.fact, p.tests()) for p in when)]
    names = [f"{rule_id}{PATTERN_SEPARATOR}{n}" for n in range(len(patterns))]
    return {name: {"all": [{"m": pattern}], "run": name} for name, pattern in zip(names, patterns, strict=True)}


DECISIONS, ROUTES, JUDGMENTS = "decisions", "routes", "judgments"
SUFFIXES = {DECISIONS: "", ROUTES: "__routes", JUDGMENTS: "__judgments"}


def _definitions(normset: NormSet, part: str) -> dict[str, dict[str, Any]]:
    if part == JUDGMENTS:
        return {name: rule for j in normset.judgments
                for name, rule in compile_rule(compile_pattern("entry", {"type": list(j.judgment.entries)}),
                                               j.judgment.when, j.id).items()}
    rules = normset.route_rules if part == ROUTES else normset.decision_rules
    return {name: rule for r in rules
            for name, rule in compile_rule(compile_pattern("hearing", {"body": list(r.rule.at)}), r.rule.when,
                                           r.id).items()}


def compile_norm_set(normset: NormSet, part: str = DECISIONS) -> CompiledRuleset:
    """Compile the decision rules of a norm set, its route rules (`part="routes"`) or its judgments of entries
    other than hearings (`part="judgments"`), as one ruleset."""
    definition = _definitions(normset, part)
    digest = hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()[:16]
    return CompiledRuleset(ruleset_name(normset.id) + SUFFIXES[part], definition, digest)
