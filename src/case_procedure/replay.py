"""Replaying a case along its record: what the chosen norm set prescribes at each hearing.

For every recorded hearing of the accused, the situation builder derives what the
body knew, the engine finds the applicable rules, and `precedence.resolve` turns them
into one outcome (a range on the severity ladder), or raises `RuleConflict` naming two
rules with different outcomes and no declared precedence.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable

from case_procedure import clock, judgments
from case_procedure import situation as situations
from case_procedure.case import Case, Hearing
from case_procedure.compiler import DECISIONS, JUDGMENTS, ROUTES, CompiledRuleset, compile_norm_set
from case_procedure.dates import HistDate
from case_procedure.engine import Engine
from case_procedure.norms import NormSet, Range
from case_procedure.precedence import Resolution, resolve
from case_procedure.trace import (
    AUTO,
    ChargeCheck,
    ChargeRange,
    DecisionRange,
    MatchedFact,
    Outcome,
    OutsidePeriod,
    Prescribed,
    Recorded,
    Step,
    Trace,
    range_agreement,
    rule_ref,
)

__all__ = ["AUTO", "Resolution", "RuleBook", "decide", "replay", "replay_steps", "resolve", "route"]


@dataclass
class RuleBook:
    """The loaded norm sets, each compiled once per process."""

    norm_sets: dict[str, NormSet]
    _compiled: dict[tuple[str, str], CompiledRuleset] = field(default_factory=dict)
    # (id of the case, hearing, charge basis) -> (the case, its situation); None: situations are not remembered
    _situations: dict[tuple[int, str, str], tuple[Case, situations.Situation]] | None = None

    @contextmanager
    def remembering_situations(self) -> Iterator[None]:
        """Within this block each situation (case, hearing, the norm set's charge basis) is built once and shared
        by every norm set and simulation that needs it. The cases replayed meanwhile must not be changed in
        place (the sensitivity search makes a new case of every change); the memory ends with the block."""
        outer = self._situations
        if outer is None:
            self._situations = {}
        try:
            yield
        finally:
            if outer is None:
                self._situations = None

    def situation(self, case: Case, hearing: Hearing, normset: NormSet) -> situations.Situation:
        """`situation_at`, remembered within `remembering_situations`."""
        if self._situations is None:
            return situation_at(case, hearing, normset)
        key = (id(case), hearing.id, normset.charge_basis)
        found = self._situations.get(key)
        if found is None or found[0] is not case:  # the case is kept with it, so its id is never reused meanwhile
            found = self._situations[key] = (case, situation_at(case, hearing, normset))
        return found[1]

    def compiled(self, normset: NormSet, part: str = DECISIONS) -> CompiledRuleset:
        if (normset.id, part) not in self._compiled:
            self._compiled[normset.id, part] = compile_norm_set(normset, part)
        return self._compiled[normset.id, part]

    def in_force(self, hearing: Hearing) -> tuple[NormSet | None, bool]:
        """The norm set (of kind `norms`) in force for most of the hearing's date span, and whether the span
        reaches beyond it (into another norm set's period, or a period no norm set covers)."""
        return self.in_force_at(hearing.date)

    def in_force_at(self, date: HistDate) -> tuple[NormSet | None, bool]:
        """The norm set in force for most of a date span, as `in_force`."""
        low, high = date.earliest, date.latest
        overlaps = {n.id: n.in_force.days_within(low, high) for n in self.norm_sets.values() if n.kind == "norms"}
        best = max(sorted(overlaps), key=lambda n: overlaps[n], default=None)
        if best is None or overlaps[best] == 0:
            return None, False
        return self.norm_sets[best], overlaps[best] < (high - low).days + 1

    def for_hearing(self, norm_set: str, hearing: Hearing) -> tuple[NormSet | None, bool]:
        """The norm set a hearing is judged by: the one named, or with `auto` the one in force (see `in_force`)."""
        return self.in_force(hearing) if norm_set == AUTO else (self.norm_sets[norm_set], False)

    def judging(self, norm_set: str) -> Callable[[HistDate], tuple[NormSet | None, OutsidePeriod]]:
        """For a date, the norm set that judges it (named, or with `auto` the one in force) and whether it was
        out of force then."""
        def judged_by(date: HistDate) -> tuple[NormSet | None, OutsidePeriod]:
            normset = self.in_force_at(date)[0] if norm_set == AUTO else self.norm_sets[norm_set]
            return normset, outside_period(normset, date) if normset else "no"
        return judged_by


def outside_period(normset: NormSet, date: HistDate) -> OutsidePeriod:
    """Whether a norm set was out of force at a (possibly uncertain) date: on no day of its span, some, or all."""
    days = normset.in_force.days_within(date.earliest, date.latest)
    return "no" if days == (date.latest - date.earliest).days + 1 else ("wholly" if days == 0 else "partly")


def matched_facts(situation: situations.Situation, fact_ids: list[str]) -> list[MatchedFact]:
    return [MatchedFact.of(situation.fact(i)) for i in fact_ids]


def situation_at(case: Case, hearing: Hearing, normset: NormSet) -> situations.Situation:
    """What the norm set's rules see at a hearing: its facts, with the formal charges the norm set counts."""
    return clock.with_clock(situations.build(case, hearing, normset.charge_basis), case)


def decision_range(prescribed: Range | None) -> DecisionRange | None:
    return None if prescribed is None else charge_range(prescribed)


def charge_range(prescribed: Range) -> DecisionRange:
    return DecisionRange(at_least=prescribed.at_least, at_most=prescribed.at_most, typical=prescribed.typical)


def decision_fields(chosen: Resolution | None, situation: situations.Situation) -> dict[str, Any]:
    """What a replayed or simulated step reports of the rule that decided: the decision and its range, the rule,
    the facts behind it, and the rules that concurred or were set aside (empty when no rule decided)."""
    if chosen is None:
        return {"decision": None, "also": [], "rule": None, "matched": [], "concurring": [], "overridden": [],
                "range": None}
    return {"decision": chosen.decision, "also": list(chosen.also), "rule": rule_ref(chosen.rule),
            "matched": matched_facts(situation, list(chosen.matched)), "concurring": list(chosen.concurring),
            "overridden": list(chosen.overridden), "range": decision_range(chosen.range)}


def charge_fields(chosen: Resolution, situation: situations.Situation) -> dict[str, Any]:
    """What a replayed step reports of its charges: each charge's range, the charges no rule over charges
    prescribes for (they contribute nothing, whether or not a cap covers them), the caps that applied."""
    per_charge = [ChargeRange(charge=o.charge, ground=str(situation.fact(o.charge).attributes.get("ground", "")),
                              penalty_rules=list(o.penalty_rules), caps=list(o.caps),
                              range=charge_range(o.range), deciding=o.charge == chosen.deciding_charge)
                  for o in chosen.per_charge]
    covered = {o.charge for o in chosen.per_charge}
    uncovered = [f.id for f in situation.facts if f.kind == "charge" and f.id not in covered]
    return {"per_charge": per_charge, "uncovered": uncovered, "capping": list(chosen.capping),
            "combination": chosen.combination}


def decide(normset: NormSet, situation: situations.Situation, book: RuleBook, engine: Engine, sid: str,
           where: str) -> Resolution | None:
    """Run the decision rules of a norm set on a situation."""
    facts = [f.engine_fact() for f in situation.facts]
    return resolve(normset, engine.run(book.compiled(normset), sid, facts), where)


def route(normset: NormSet, situation: situations.Situation, outcome: situations.Fact, book: RuleBook,
          engine: Engine, sid: str, where: str) -> Resolution | None:
    """Run the route rules on a situation and the outcome of its step: where the case goes next."""
    facts = [f.engine_fact() for f in (*situation.facts, outcome)]
    return resolve(normset, engine.run(book.compiled(normset, ROUTES), sid, facts), where)


def replay_hearing(case: Case, hearing: Hearing, normset: NormSet | None, book: RuleBook, engine: Engine,
                   uncertain: bool = False) -> Step:
    prescribed = None
    checks: list[ChargeCheck] = []
    if normset is not None:
        situation = book.situation(case, hearing, normset)
        checks = [ChargeCheck(ground=c.ground, family=c.family, status=c.status, counted=c.counted,  # type: ignore[arg-type]
                              because=list(c.because)) for c in situation.charges]
        where = f"at hearing {hearing.id!r} of case {case.id!r} ({hearing.date})"
        sid = f"{case.id}/{hearing.id}"
        chosen = decide(normset, situation, book, engine, sid, where)
        if chosen is not None:
            outcome = situations.outcome_fact(chosen.decision, situations.appeals_in_record(case))
            onward = route(normset, situation, outcome, book, engine, sid, f"after {where}")
            prescribed = Prescribed(**decision_fields(chosen, situation), **charge_fields(chosen, situation),
                                    next_body=onward.rule.rule.route if onward else None,
                                    route_rule=onward.rule.id if onward else None)
    recorded = None
    beyond: list[str] = []
    if hearing.decision:
        recorded = Recorded(decision=hearing.decision, also=list(hearing.also), grounds=list(hearing.grounds))
        allowed = normset.may_decide(hearing.body) if normset else None
        beyond = [d for d in (hearing.decision, *hearing.also) if allowed is not None and d not in allowed]
    verdict, kind = range_agreement(prescribed.range if prescribed else None, hearing.decision)
    return Step(hearing=hearing.id, date=str(hearing.date), body=hearing.body,
                norm_set=normset.id if normset else None, norm_set_uncertain=uncertain, summary=hearing.summary,
                prescribed=prescribed, recorded=recorded, agreement=verdict, beyond_powers=beyond,
                agreement_kind=kind, charges=checks,
                outside_period=outside_period(normset, hearing.date) if normset else "no",
                norm_set_period=normset.in_force.words() if normset else None)


def replay_steps(case: Case, norm_set: str, book: RuleBook, engine: Engine) -> list[Step]:
    """The steps of a replay alone, without the deadlines and judgments of the record's other entries (the
    sensitivity search compares only what the hearings prescribe)."""
    steps = []
    for hearing in case.hearings():
        normset, uncertain = book.for_hearing(norm_set, hearing)
        steps.append(replay_hearing(case, hearing, normset, book, engine, uncertain))
    return steps


def replay(case: Case, norm_set: str, book: RuleBook, engine: Engine) -> Trace:
    """Replay every recorded hearing of the accused under one norm set, or under `auto`, and hold the record's
    other entries against the norm set's deadlines and judgments."""
    steps = replay_steps(case, norm_set, book, engine)
    last = steps[-1].prescribed if steps else None
    recorded = next((s.recorded.decision for s in reversed(steps) if s.recorded), None)
    outcome = Outcome(prescribed=last.decision if last else None, recorded=recorded,
                      fate=case.fate.summary, agreements=dict(sorted(Counter(s.agreement for s in steps).items())),
                      agreement_kinds=dict(sorted(Counter(s.agreement_kind for s in steps if s.agreement_kind).items(
                      ))))
    judged = judgments.judge_record(case, book.judging(norm_set), lambda n: book.compiled(n, JUDGMENTS), engine)
    return Trace(case=case.id, title=case.title, norm_set=norm_set, steps=steps, outcome=outcome,
                 deadlines=clock.deadline_checks(case, book.judging(norm_set)), judgments=judged)
