"""Why not: for one hearing, every decision rule of the norm set with its verdict, and for those that did not
apply the first condition that failed, found by evaluating the rule's compiled patterns with the same
evaluator the oracle engine uses. `run.run_case` calls it; the views read its `Consideration`s.
"""

from __future__ import annotations

from case_procedure import situation as situations
from case_procedure.codebook import label
from case_procedure.compiler import CompiledRuleset, compile_norm_set, compile_pattern
from case_procedure.engine import PythonEngine, holds
from case_procedure.norms import NormSet, Pattern
from case_procedure.precedence import Judgement, verdicts
from case_procedure.procedure import FACT_WORDS, pattern_words
from case_procedure.procedure import value_words as _value
from case_procedure.render import join_words as _join
from case_procedure.run_model import Consideration, Verdict

__all__ = ["Consideration", "Verdict", "considerations"]


def _the(body: str) -> str:
    return f"the {label(body)}"


def _why_pattern_fails(pattern: Pattern, facts: list[situations.Fact]) -> str:
    wanted = pattern_words(pattern)
    kind = FACT_WORDS.get(pattern.fact, label(pattern.fact))
    if not facts:
        plural = kind if kind.endswith("s") or " " in kind else f"{kind}s"
        return f"needs {wanted}; the situation has no {plural}"
    misses = []
    shown = 3
    for fact in facts:
        engine_fact = fact.engine_fact()
        for name, test in sorted(pattern.tests().items()):
            if not holds(compile_pattern(pattern.fact, {name: test}), engine_fact):
                actual = _value(engine_fact.get(name, "unknown"))
                misses.append(f"{label(name)} is {actual} ({fact.description})")
                break
    more = f"; and {len(misses) - shown} more" if len(misses) > shown else ""
    return f"needs {wanted}; none qualifies: {'; '.join(misses[:shown])}{more}"


def considerations(situation: situations.Situation, normset: NormSet,
                   ruleset: CompiledRuleset | None = None, where: str = "at this hearing") -> list[Consideration]:
    """Every decision rule of the norm set at one hearing, with its verdict and, if it failed, why.

    The verdicts of the rules that applied come from `precedence.verdicts`, the function replay decides by (a
    conflict raises the same `RuleConflict`); only why the others did not apply is found here. `ruleset` is the
    norm set's compiled decision rules (`RuleBook.compiled`), compiled here if not given."""
    ruleset = ruleset or compile_norm_set(normset)
    facts = [f.engine_fact() for f in situation.facts]
    judged = verdicts(normset, PythonEngine().run(ruleset, "explain", facts), where)
    result = []
    for rule in normset.decision_rules:
        if rule.id in judged:
            result.append(Consideration(rule, judged[rule.id].verdict, _verdict_reason(judged[rule.id])))
            continue
        for n, name in enumerate(ruleset.pattern_names[rule.id]):
            condition = ruleset.definition[name]["all"][0]["m"]
            if any(holds(condition, f) for f in facts):
                continue
            if n == 0:
                body = next(str(f.attributes["body"]) for f in situation.facts if f.kind == "hearing")
                result.append(Consideration(rule, "not applicable", f"applies only at "
                                            f"{_join([_the(b) for b in rule.rule.at])}; this hearing is before "
                                            f"{_the(body)}", -1))
            else:
                pattern = rule.rule.when[n - 1]
                kind_facts = [f for f in situation.facts if f.kind == pattern.fact]
                result.append(Consideration(rule, "not applicable", _why_pattern_fails(pattern, kind_facts), n - 1))
            break
    return result


def _verdict_reason(judgement: Judgement) -> str:
    by = judgement.by
    return {
        "prescribed": "applies and decides",
        "concurring": f"applies and agrees with {by}",
        "overridden": f"applies, but {by} takes precedence",
        "capping": "applies and bounds what is prescribed for the charges it matches",
        "capped": f"applies; {by} bounds its range",
        "outweighed": f"applies to a lesser charge; {by} decides",
    }[judgement.verdict]
