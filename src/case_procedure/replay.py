"""Replaying a case along its record: what the chosen norm set prescribes at each hearing.

For every recorded hearing of the accused, the situation builder derives what the
body knew, the engine finds the applicable rules, precedence (`overrides`) sets some
aside, and the remaining rules must agree on one outcome: two applicable rules with
different outcomes and no declared precedence raise `RuleConflict` naming both.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from case_procedure import situation as situations
from case_procedure.case import Case, Hearing
from case_procedure.compiler import CompiledRuleset, Firing, compile_norm_set
from case_procedure.engine import Engine
from case_procedure.errors import RuleConflict
from case_procedure.norms import NormSet, ResolvedRule
from case_procedure.trace import (
    CitedSource,
    MatchedFact,
    Outcome,
    Prescribed,
    Recorded,
    RuleRef,
    Step,
    Trace,
    agreement,
)

AUTO = "auto"


@dataclass
class RuleBook:
    """The loaded norm sets, each compiled once per process."""

    norm_sets: dict[str, NormSet]
    _compiled: dict[str, CompiledRuleset] = field(default_factory=dict)

    def compiled(self, normset: NormSet) -> CompiledRuleset:
        if normset.id not in self._compiled:
            self._compiled[normset.id] = compile_norm_set(normset)
        return self._compiled[normset.id]

    def in_force(self, hearing: Hearing) -> tuple[NormSet | None, bool]:
        """The norm set in force for most of the hearing's date span, and whether the span reaches
        beyond it (into another norm set's period, or a period no norm set covers)."""
        low, high = hearing.date.earliest, hearing.date.latest
        overlaps = {n.id: n.in_force.days_within(low, high) for n in self.norm_sets.values()}
        best = max(sorted(overlaps), key=lambda n: overlaps[n], default=None)
        if best is None or overlaps[best] == 0:
            return None, False
        return self.norm_sets[best], overlaps[best] < (high - low).days + 1


def _rule_ref(rule: ResolvedRule) -> RuleRef:
    return RuleRef(id=rule.id, statement=rule.rule.statement, reading=rule.rule.reading,
                   source=[CitedSource.of(s) for s in rule.sources], file=rule.file.as_posix())


def _matched(situation: situations.Situation, fact_ids: list[str]) -> list[MatchedFact]:
    facts = [situation.fact(i) for i in fact_ids]
    return [MatchedFact(id=f.id, kind=f.kind, attributes=dict(f.attributes), description=f.description,
                        entries=list(f.derived_from)) for f in facts]


def prescribe(normset: NormSet, firings: list[Firing], situation: situations.Situation) -> Prescribed | None:
    """Resolve precedence among the rules that fired and return the single prescribed outcome."""
    matched = {firing.rule_id: list(firing.matched) for firing in firings}  # one firing per rule
    fired = sorted(matched)
    overridden = sorted({t for r in fired for t in normset.rule(r).rule.overrides if t in matched})
    winners = [normset.rule(r) for r in fired if r not in overridden]
    if not winners:
        return None
    outcomes = {(w.rule.decide, tuple(w.rule.also), w.rule.next_body): w for w in winners}
    if len(outcomes) > 1:
        first, second = list(outcomes.values())[:2]
        raise RuleConflict(
            f"{normset.file.as_posix()}: rules {first.id!r} ({first.rule.decide}) and {second.id!r} "
            f"({second.rule.decide}) both apply at hearing {situation.hearing.id!r} of case {situation.case_id!r} "
            f"({situation.hearing.date}) and neither overrides the other; declare precedence with `overrides:`")
    rule = winners[0]
    return Prescribed(decision=rule.rule.decide, also=list(rule.rule.also), next_body=rule.rule.next_body,
                      rule=_rule_ref(rule), matched=_matched(situation, matched[rule.id]),
                      concurring=[w.id for w in winners[1:]], overridden=overridden)


def replay_hearing(case: Case, hearing: Hearing, normset: NormSet | None, book: RuleBook, engine: Engine,
                   uncertain: bool = False) -> Step:
    prescribed = None
    if normset is not None:
        situation = situations.build(case, hearing)
        facts = [f.engine_fact() for f in situation.facts]
        firings = engine.run(book.compiled(normset), f"{case.id}/{hearing.id}", facts)
        prescribed = prescribe(normset, firings, situation)
    recorded = None
    if hearing.decision:
        recorded = Recorded(decision=hearing.decision, also=list(hearing.also), grounds=list(hearing.grounds))
    return Step(hearing=hearing.id, date=str(hearing.date), body=hearing.body,
                norm_set=normset.id if normset else None, norm_set_uncertain=uncertain, summary=hearing.summary,
                prescribed=prescribed, recorded=recorded,
                agreement=agreement(prescribed.decision if prescribed else None, hearing.decision))


def replay(case: Case, norm_set: str, book: RuleBook, engine: Engine) -> Trace:
    """Replay every recorded hearing of the accused under one norm set, or under `auto`."""
    steps = []
    for hearing in case.hearings():
        if norm_set == AUTO:
            normset, uncertain = book.in_force(hearing)
        else:
            normset, uncertain = book.norm_sets[norm_set], False
        steps.append(replay_hearing(case, hearing, normset, book, engine, uncertain))
    last = steps[-1].prescribed if steps else None
    recorded = next((s.recorded.decision for s in reversed(steps) if s.recorded), None)
    outcome = Outcome(prescribed=last.decision if last else None, recorded=recorded,
                      fate=case.fate.summary, agreements=dict(sorted(Counter(s.agreement for s in steps).items())))
    return Trace(case=case.id, title=case.title, norm_set=norm_set, steps=steps, outcome=outcome)
