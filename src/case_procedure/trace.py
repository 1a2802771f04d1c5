"""The replay trace: the JSON contract other tools rely on.

`replay --format json` prints one `Trace`. Keys may be added in later versions,
never renamed. `case-procedure schema trace` prints its JSON Schema.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from case_procedure.codebook import label, severity
from case_procedure.sources import Source

if TYPE_CHECKING:
    from case_procedure.norms import ResolvedJudgment, ResolvedRule
    from case_procedure.situation import Fact

AUTO = "auto"  # the norm set named for "the one in force at each hearing" (replay.py resolves it)
Agreement = Literal["agree", "harsher", "milder", "no-rule", "unrecorded"]
AGREEMENTS: tuple[Agreement, ...] = ("agree", "harsher", "milder", "no-rule", "unrecorded")
# exact: the recorded decision is as grave as the typical one; within: it lies in the range, away from the typical
AgreementKind = Literal["exact", "within"]
# Whether the norm set judging a step was in force at the hearing's date: on every day of its span ("no"), on some
# ("partly"), or on none ("wholly": what it prescribes there is a counterfactual, not the law of the day)
OutsidePeriod = Literal["no", "partly", "wholly"]


def period_words(norm_set: str | None, date: str | None, outside: OutsidePeriod, period: str | None) -> str | None:
    """What to say of a step judged by a norm set not (or not wholly) in force at its date; None when it was."""
    if norm_set is None or outside == "no":
        return None
    if outside == "wholly":
        return (f"{norm_set}, in force {period}, was not in force on {date}: what it prescribes here is a "
                "counterfactual, not the norms of the day")
    return f"{norm_set}, in force {period}, was in force for only part of {date}"


class Frozen(BaseModel):
    """An output model: immutable, and written as indented UTF-8 JSON with a final newline."""

    model_config = ConfigDict(frozen=True)

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


class CitedSource(Frozen):
    chapter: str
    section: str
    pages: str
    archive: str | None
    citation: str

    @classmethod
    def of(cls, source: Source) -> "CitedSource":
        archive = str(source.archive) if source.archive else None
        return cls(chapter=source.chapter, section=source.section, pages=source.pages, archive=archive,
                   citation=source.cite())


class RuleRef(Frozen):
    id: str
    statement: str
    reading: str
    source: list[CitedSource]
    file: str


def rule_ref(resolved: ResolvedRule | ResolvedJudgment) -> RuleRef:
    """A rule or a judgment of a norm set as the trace cites it: its statement, reading, sources and file."""
    return RuleRef(id=resolved.id, statement=resolved.rule.statement, reading=resolved.rule.reading,
                   source=[CitedSource.of(s) for s in resolved.sources], file=resolved.file.as_posix())


class MatchedFact(Frozen):
    id: str
    kind: str
    attributes: dict[str, str | int | bool]
    description: str
    entries: list[str]  # ids of the case entries the fact was derived from
    because: dict[str, list[str]] = {}  # attribute -> how the situation builder derived it from the record

    @classmethod
    def of(cls, fact: Fact) -> "MatchedFact":
        return cls(id=fact.id, kind=fact.kind, attributes=dict(fact.attributes), description=fact.description,
                   entries=list(fact.derived_from), because={k: list(v) for k, v in sorted(fact.because.items())})


class ChargeCheck(Frozen):
    """A formal charge of the hearing checked against the record, and whether the norm set counts it."""

    ground: str
    family: str
    status: Literal["supported", "unknown", "contradicted"]
    counted: bool  # the norm set takes charges on trust, or the record supports this one
    because: list[str]


class DecisionRange(Frozen):
    """What a norm prescribes on the severity ladder; a single decision is a range of one."""

    at_least: str
    at_most: str
    typical: str | None  # the decision the book reports as usual; None where it gives only the range

    def words(self, also: list[str] | tuple[str, ...] = ()) -> str:
        """'reprimand to expulsion (typically expulsion)', or the one decision of a point, with `also`."""
        if self.at_least == self.at_most == self.typical:
            main = label(self.at_least)
        else:
            typical = f" (typically {label(self.typical)})" if self.typical else ""
            main = f"{label(self.at_least)} to {label(self.at_most)}{typical}"
        return " + ".join([main, *(label(d) for d in also)])


class ChargeRange(Frozen):
    """What the norm set prescribes for one charge (`prescribed.per_charge`)."""

    charge: str  # the id of the charge fact
    ground: str
    penalty_rules: list[str]  # the rules over charges that prescribe for it
    caps: list[str]  # the caps that lowered its range
    range: DecisionRange
    deciding: bool  # its range is the one prescribed


class Prescribed(Frozen):
    decision: str | None  # the typical decision of `range`; None where the norm gives only a range
    also: list[str]
    next_body: str | None  # where the norm set's route rules send the case next: a body, "end", or None
    route_rule: str | None  # the route rule that says so
    rule: RuleRef
    matched: list[MatchedFact]
    concurring: list[str]  # other applicable rules prescribing the same
    overridden: list[str]  # applicable rules set aside by the rule's `overrides`
    range: DecisionRange | None = None  # what is prescribed, as a range (always given by replay)
    per_charge: list[ChargeRange] = []  # each charge some rule over charges covers
    uncovered: list[str] = []  # charges no rule over charges prescribes for: they contribute nothing
    capping: list[str] = []  # the caps that applied
    combination: str | None = None  # the combination rule that decided, if one did

    def words(self) -> str:
        return self.range.words(self.also) if self.range else " + ".join(label(d) for d in [self.decision or "none",
                                                                                           *self.also])


class Recorded(Frozen):
    decision: str
    also: list[str]
    grounds: list[str]


class Step(Frozen):
    hearing: str
    date: str
    body: str
    norm_set: str | None
    norm_set_uncertain: bool  # with --rules auto: part of the hearing's date span falls outside its norm set
    summary: str
    prescribed: Prescribed | None
    recorded: Recorded | None
    agreement: Agreement
    beyond_powers: list[str] = []  # recorded decisions the norm set's `powers` do not give this body
    agreement_kind: AgreementKind | None = None  # with `agree`: the recorded decision is the typical one, or within
    charges: list[ChargeCheck] = []  # every formal charge, checked against the record
    outside_period: OutsidePeriod = "no"  # the norm set was in force on every day of the date span, some, or none
    norm_set_period: str | None = None  # when the norm set was in force ("1938-01-20 to 1939-03-09"), if one judged

    def period_note(self) -> str | None:
        """The step's counterfactual said plainly, or None when its norm set was in force on every day of it (or
        when `auto` chose it for most of an uncertain span, which `render.span_warning` says)."""
        if self.norm_set_uncertain:
            return None
        return period_words(self.norm_set, self.date, self.outside_period, self.norm_set_period)


Missed = Literal["no", "possibly", "certainly"]  # a wait passed its limit: not, on some reading of the dates, on all


class DeadlineCheck(Frozen):
    """A time limit of the norm set held against the record (`clock.py`): how long an entry waited for its
    answer, at least and at most, and whether the wait passed the limit."""

    deadline: str  # the deadline's id in the norm set
    norm_set: str
    statement: str
    source: list[CitedSource]
    since: str  # appeal, expulsion or statement
    entry: str  # the entry the wait runs from
    entry_date: str
    answer: str | None  # the entry that answered it; None when the record shows no answer
    until: str  # the entry the wait runs to: the answer, or the record's last entry
    until_date: str
    min_days: int
    max_days: int
    within: str  # the limit, in words ("3 months")
    missed: Missed
    outside_period: OutsidePeriod = "no"  # the norm set was not in force at the entry's date (a counterfactual)

    def words(self) -> str:
        wait = str(self.min_days) if self.min_days == self.max_days else f"{self.min_days} to {self.max_days}"
        answered = f"was answered (entry {self.answer}, {self.until_date}) after {wait} days" if self.answer else \
            f"had no answer {wait} days later, at the record's last entry ({self.until}, {self.until_date})"
        verdict = {"no": "kept", "possibly": "possibly missed", "certainly": "missed"}[self.missed]
        counterfactual = f"; {self.norm_set} was not in force then" if self.outside_period == "wholly" else ""
        return (f"the {self.since} (entry {self.entry}, {self.entry_date}) {answered}; {self.norm_set} required an "
                f"answer within {self.within} ({self.deadline}): {verdict}{counterfactual}")


VERDICT_WORDS = {"forbidden": "forbidden", "required": "required", "permitted": "permitted",
                 "no_remedy": "left without remedy"}


class EntryJudgment(Frozen):
    """One judgment of the norm set on an entry other than a hearing (`judgments.py`)."""

    rule: RuleRef  # the judgment, with its statement and source
    verdict: Literal["forbidden", "required", "permitted", "no_remedy"]
    remedy: str | None  # what the norm required instead, where it forbade the entry ("rehired within 1 month")
    matched: list[MatchedFact]  # the facts of the entry the judgment tested


class Judged(Frozen):
    """An entry of the record other than a hearing (the accused's dismissal or arrest, an appeal by or for the
    accused) with what the norm set judging its date says of it."""

    entry: str
    type: str  # dismissal, arrest or appeal
    date: str
    summary: str
    norm_set: str
    outside_period: OutsidePeriod  # the norm set was in force on every day of the entry's date span, some, or none
    norm_set_period: str
    judgments: list[EntryJudgment]
    overridden: list[str] = []  # judgments that applied but were set aside by another's `overrides`

    def period_note(self) -> str | None:
        """The counterfactual said plainly, or None when the norm set was in force on every day of the entry."""
        return period_words(self.norm_set, self.date, self.outside_period, self.norm_set_period)

    def words(self) -> str:
        """'forbidden by norms-1938 (n38.x); required instead: rehired within 1 month', one clause a judgment,
        with the counterfactual said plainly."""
        parts = []
        for j in self.judgments:
            remedy = f"; required instead: {j.remedy}" if j.remedy else ""
            parts.append(f"{VERDICT_WORDS[j.verdict]} by {self.norm_set} ({j.rule.id}){remedy}")
        period = self.period_note()
        return "; ".join(parts) + (f" ({period})" if period else "")


class Outcome(Frozen):
    prescribed: str | None  # the decision prescribed at the last hearing
    recorded: str | None  # the last decision the record shows
    fate: str
    agreements: dict[str, int]
    agreement_kinds: dict[str, int] = {}  # the steps that agree, by `agreement_kind`


class Trace(Frozen):
    case: str
    title: str
    norm_set: str
    steps: list[Step]
    outcome: Outcome
    deadlines: list[DeadlineCheck] = []  # the norm set's time limits held against the record
    judgments: list[Judged] = []  # the entries other than hearings the norm set's judgments weigh


class SimStep(Frozen):
    n: int
    body: str
    decision: str | None  # None: no rule of the norm set decides at this body
    also: list[str]
    rule: RuleRef | None
    matched: list[MatchedFact]
    concurring: list[str]
    overridden: list[str]
    on_appeal: bool  # the accused's appeal brought the case to this body
    range: DecisionRange | None = None  # what is prescribed, as a range (None when no rule decides)

    def words(self) -> str | None:
        """What the step prescribes, in words, or None when no rule decides."""
        return self.range.words(self.also) if self.range else None
    route: str | None  # the next body, "end", or None when no route rule applies (the case stops)
    route_rule: RuleRef | None
    date: str | None = None  # the date of the recorded hearing whose facts the step uses
    outside_period: OutsidePeriod = "no"  # the norm set was in force on every day of that date, some, or none


# "end": a route rule closed the case; "no-route": no rule sent it further; "no-hearing": the record has no
# hearing to start from; "no-norm-set": with `auto`, no norm set was in force at the starting hearing
Ending = Literal["end", "no-route", "no-hearing", "no-norm-set"]


BranchKind = Literal["route_alternative", "appeal", "range_end"]


class Branch(Frozen):
    """A choice the norms left at a step, and the rule behind it."""

    kind: BranchKind  # a route the rules permit but do not require; the accused's appeal; an end of a range
    choice: str  # what this path chose, in words
    rule: str | None  # the rule behind the choice: the optional route rule, the route rule the choice leads
    # to, the decision rule whose range this end belongs to


class PathStep(Frozen):
    n: int
    body: str
    hearing: str | None  # the recorded hearing whose facts the step uses (the record's, while the path follows it)
    date: str | None
    on_appeal: bool  # the accused's appeal brought the case to this body
    expelled: bool  # the accused stood expelled when the body took the case up
    decision: str | None  # the decision this path takes (the typical one, or an end of the range); None: no rule
    range: DecisionRange | None
    rule: str | None  # the decision rule
    appeals: bool  # the accused's choice the route rules were given
    without: list[str]  # optional route rules this path declined
    route: str | None  # the next body, "end", or None (no route rule applies)
    route_rule: str | None
    branches: list[Branch]  # the choices made at this step; empty where the norms left none
    outside_period: OutsidePeriod = "no"


class LawfulPath(Frozen):
    id: str  # "p1", "p2" ... in the order found; p1 takes the typical decision and every route the rules require
    steps: list[PathStep]
    final: str | None  # the last decision reached
    ended: Ending
    recorded: bool  # this path is the record's


class Departure(Frozen):
    """Where the record left every lawful path."""

    hearing: str | None  # the recorded hearing at which it left them; None where the record stops too early
    step: int  # the step (1-based) of the lawful paths at which the record left them
    rule: str | None  # the rule the record departed from
    words: str


class LawfulPaths(Frozen):
    """The paths the norm set leaves open to a case, from a start that follows the record."""

    start_body: str
    start_reason: str
    paths: list[LawfulPath]
    outcomes: list[str | None]  # the distinct final decisions, in order of the paths
    bound: int
    truncated: bool  # more lawful paths than `bound`: only the first are listed
    message: str | None  # what the bound left out, when it was reached
    recorded_path: str | None  # the id of the path the record followed, if it is one of them
    departure: Departure | None  # where the record left them, if it did
    recorded: list[str]  # the record's own steps from the start: "body: decision"


class Simulation(Frozen):
    """How a case would have run under one norm set, from the facts known at its starting hearing."""

    case: str
    title: str
    norm_set: str
    start: str | None  # the recorded hearing whose facts the simulation starts from
    opening_rule: RuleRef | None  # the route rule that sent the case to its first body
    steps: list[SimStep]
    final: str | None  # the last decision reached
    recorded_final: str | None  # the last decision the record shows
    ended: Ending
    norm_set_period: str | None = None  # when the norm set was in force ("1938-01-20 to 1939-03-09")
    lawful: LawfulPaths | None = None  # every lawful path (`simulate` on the command line; see paths.py)

    def period_note(self, step: SimStep) -> str | None:
        """A simulated step's counterfactual said plainly, or None when the norm set was in force at its date."""
        return period_words(self.norm_set, step.date, step.outside_period, self.norm_set_period)


def agreement(prescribed: str | None, recorded: str | None) -> Agreement:
    """Compare the prescribed decision with the recorded one by severity."""
    if prescribed is None:
        return "no-rule"
    if recorded is None:
        return "unrecorded"
    difference = severity(prescribed) - severity(recorded)
    return "agree" if difference == 0 else ("harsher" if difference > 0 else "milder")


def range_agreement(prescribed: DecisionRange | None, recorded: str | None) -> tuple[Agreement, AgreementKind | None]:
    """Compare the prescribed range with the recorded decision: `agree` (exact when as grave as the typical
    decision, else within) when the record lies within the range; otherwise harsher or milder, by the nearer
    bound."""
    if prescribed is None:
        return "no-rule", None
    if recorded is None:
        return "unrecorded", None
    grave = severity(recorded)
    if grave < severity(prescribed.at_least):
        return "harsher", None
    if grave > severity(prescribed.at_most):
        return "milder", None
    exact = prescribed.typical is not None and grave == severity(prescribed.typical)
    return "agree", "exact" if exact else "within"


# -- Norm sets compared on one case (`compare.compare` computes it) ----------------------------------------

class HearingRow(Frozen):
    hearing: str
    date: str
    body: str
    recorded: str | None
    prescribed: dict[str, str | None]  # norm set -> decision (None: no rule applies)
    rules: dict[str, str | None]  # norm set -> rule id
    differs: bool  # the norm sets prescribe different decisions (or ranges) here
    words: dict[str, str | None] = {}  # norm set -> what it prescribes in words, a range included
    outside_period: dict[str, OutsidePeriod] = {}  # norm set -> whether it was out of force at the hearing's date


class FinalRow(Frozen):
    recorded: str | None
    replayed: dict[str, str | None]  # norm set -> decision prescribed at the last recorded hearing
    simulated: dict[str, str | None]  # norm set -> the simulation's final decision
    differs: bool


class Comparison(Frozen):
    case: str
    title: str
    norm_sets: list[str]
    hearings: list[HearingRow]
    simulations: dict[str, Simulation]
    final: FinalRow
