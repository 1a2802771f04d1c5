"""The corpus report as data: the `Report` model (its JSON form) and the figures it holds.

`report.build` computes it (every case replayed and simulated under every norm set); `report_text` renders it
as text and Markdown. This module holds the model alone.
"""

from __future__ import annotations

from case_procedure.sensitivity_model import NormSetWeights
from case_procedure.trace import Frozen

NORMS_1938 = "norms-1938"
NO_PERIOD = "none"  # a hearing dated when no norm set of kind `norms` was in force


# -- The report model (the JSON form) -----------------------------------------------------

class Counts(Frozen):
    """Hearings by agreement of the prescribed decision with the recorded one."""

    key: str  # a norm set id (the period), a body id, or "all"
    agree: int
    harsher: int
    milder: int
    no_rule: int
    unrecorded: int
    total: int

    def figures(self) -> tuple[int, ...]:
        return self.agree, self.harsher, self.milder, self.no_rule, self.unrecorded, self.total


class Agreement(Frozen):
    norm_set: str
    kind: str
    overall: Counts
    by_period: list[Counts]  # the period: the norm set of kind `norms` in force at the hearing's date
    by_body: list[Counts]


class LostExpulsion(Frozen):
    """A recorded expulsion that the 1938 norms would not have produced."""

    case: str
    hearing: str
    date: str
    body: str
    period: str
    recorded: str
    prescribed: str | None  # None: no rule of the norm set applies
    rule: str | None


class Expulsions(Frozen):
    norm_set: str
    available: bool  # the norm set exists in the rules folder
    recorded: int  # recorded expulsions in the corpus
    not_produced: list[LostExpulsion]


class RuleUse(Frozen):
    rule: str
    route: bool  # a route rule (else a decision rule)
    replay: list[str]  # cases on which it fires when replayed along the record
    simulation: list[str]  # cases on which it fires when simulated


class Coverage(Frozen):
    norm_set: str
    rules: list[RuleUse]
    unexercised: list[str]  # rules no case exercises, in replay or simulation

    @property
    def exercised(self) -> int:
        return len(self.rules) - len(self.unexercised)


class Failure(Frozen):
    norm_set: str
    case: str
    mode: str  # "replay" or "simulate"
    message: str


class NormSetInfo(Frozen):
    id: str
    kind: str
    title: str
    in_force: str
    rules: int


class PracticeRule(Frozen):
    """A rule of a practice set's own file set beside the record of the hearings of its period."""

    rule: str
    route: bool
    general: bool  # the book reports the practice in general terms, with no case of the corpus behind it
    drawn_from: list[str]  # the cases the rule says it is drawn from
    fits: list[str]  # cases where it decided (or concurred in deciding) a hearing of the period and the record agrees
    contradicts: list[str]  # ... and the record disagrees (for a route rule: the case went on elsewhere)


class PracticeSet(Frozen):
    """A practice set and the norms of its period, each replayed on the hearings of that period."""

    norm_set: str
    period: str  # the norm set of kind `norms` in force when the practice set comes into force, or "none"
    norms: Counts  # the period's hearings under the period's norms
    practice: Counts  # the same hearings under the practice set
    rules: list[PracticeRule]


class LawfulCase(Frozen):
    """A case whose recorded outcome is not among the outcomes the norm set's lawful paths reach."""

    case: str
    outcomes: list[str | None]  # the distinct final decisions of the lawful paths (None: no rule decides)
    recorded: str | None  # the last decision the record shows
    words: str  # "Under norms-1938 the lawful outcomes of this case were X or Y; the record shows Z."


class LawfulOutcomes(Frozen):
    """Under one norm set, how the record's outcomes stand among the lawful paths (`simulate`, paths.py)."""

    norm_set: str
    cases: int  # cases the lawful paths were found for
    recorded_among: int  # cases whose recorded final decision is one of the lawful outcomes
    on_a_path: int  # cases whose record follows one of the lawful paths step by step
    undecided: int  # cases on none of whose lawful paths a rule of the norm set decides anything
    outside: list[LawfulCase]  # the cases, among the others, whose recorded outcome no lawful path reaches


class JudgedRow(Frozen):
    """An entry other than a hearing that a judgment of the norm set weighed (`judgments.py`)."""

    case: str
    entry: str
    type: str
    date: str
    verdict: str
    rule: str
    outside_period: str  # whether the norm set was in force at the entry's date: no, partly, wholly


class Report(Frozen):
    cases: int
    hearings: int  # recorded hearings of the accused, in all cases
    norm_sets: list[NormSetInfo]
    agreement: list[Agreement]
    expulsions: Expulsions
    coverage: list[Coverage]
    failures: list[Failure]
    practice: list[PracticeSet] = []
    deciding_facts: list[NormSetWeights] = []  # per norm set: how many prescribed decisions each fact can flip
    lawful: list[LawfulOutcomes] = []  # per norm set: the record's outcomes among the lawful paths
    judgments: dict[str, list[JudgedRow]] = {}  # norm set -> the dismissals, arrests and appeals its judgments weigh

