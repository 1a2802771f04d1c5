"""Norm sets compiled to durable-rules JSON rulesets, one per norm set.

Each rule becomes `{"all": [{alias: pattern}, ...], "run": rule_id}` where every
pattern tests one fact against literals only: its `kind`, then the attribute tests.
The `at` bodies become one more pattern on the `hearing` fact.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from case_procedure.norms import AtLeast, AtMost, NormSet, Not, Pattern, Test

Condition = dict[str, Any]


@dataclass(frozen=True)
class CompiledRuleset:
    name: str  # the durable ruleset name
    definition: dict[str, dict[str, Any]]  # rule id -> durable rule
    digest: str

    def as_json(self) -> dict[str, Any]:
        return {self.name: self.definition}


def ruleset_name(normset_id: str) -> str:
    return normset_id.replace("-", "_").replace(".", "_")


def _test(name: str, test: Test) -> Condition:
    if isinstance(test, list):
        return {name: test[0]} if len(test) == 1 else {"$or": [{name: value} for value in test]}
    if isinstance(test, Not):
        return {"$neq": {name: test.not_}}
    if isinstance(test, AtLeast):
        return {"$gte": {name: test.at_least}}
    if isinstance(test, AtMost):
        return {"$lte": {name: test.at_most}}
    return {name: test}


def compile_pattern(kind: str, tests: dict[str, Test]) -> Condition:
    parts = [{"kind": kind}, *(_test(name, tests[name]) for name in sorted(tests))]
    return parts[0] if len(parts) == 1 else {"$and": parts}


def compile_rule(at: list[str], when: list[Pattern], rule_id: str) -> dict[str, Any]:
    patterns = [compile_pattern("hearing", {"body": list(at)})]
    patterns += [compile_pattern(p.fact, p.tests()) for p in when]
    return {"all": [{f"m{i}": pattern} for i, pattern in enumerate(patterns)], "run": rule_id}


def compile_norm_set(normset: NormSet) -> CompiledRuleset:
    definition = {r.id: compile_rule(list(r.rule.at), r.rule.when, r.id) for r in normset.rules}
    digest = hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()[:16]
    return CompiledRuleset(ruleset_name(normset.id), definition, digest)
