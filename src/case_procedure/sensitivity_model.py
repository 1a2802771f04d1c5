"""What `sensitivity` and `whatif` find, as data: the changes tried, what each hearing would then prescribe,
the party card under each norm set, and the corpus's most deciding facts.

`sensitivity.sensitivity` and `whatif.compare_runs` compute these (their JSON forms: `case-procedure schema
sensitivity`, `schema whatif`); the casebook and the report only read them. This module holds the models alone,
so a view can name them without importing what replays the changed cases.
"""

from __future__ import annotations

from typing import Any, Literal

from case_procedure.patch import Change
from case_procedure.situation import Value
from case_procedure.trace import Agreement, Frozen, RuleRef, Simulation, Step, Trace

NOTHING = "nothing"  # what a hearing prescribes when no rule applies (or no norm set is in force)


class ChangeRef(Frozen):
    """One change to the case's data, as `patch` reads it; `argument` is the same change as a --set argument."""

    path: str
    op: Literal["set", "add", "remove"]
    value: Any
    argument: str

    @classmethod
    def of(cls, change: Change) -> "ChangeRef":
        return cls(path=change.path, op=change.op, value=change.value, argument=change.argument())


class Prescription(Frozen):
    """What a norm set prescribes at one hearing: in words, the decision, the rule and its sources."""

    words: str  # the decision or range in words, or "nothing"
    decision: str | None
    rule: RuleRef | None
    norm_set: str | None
    agreement: Agreement  # with the recorded decision

    @classmethod
    def of(cls, step: Step) -> "Prescription":
        chosen = step.prescribed
        return cls(words=prescribed_words(step), decision=chosen.decision if chosen else None,
                   rule=chosen.rule if chosen else None, norm_set=step.norm_set, agreement=step.agreement)


def prescribed_words(step: Step) -> str:
    """What a replayed step prescribes, in words: the key by which a change is said to change the decision."""
    return step.prescribed.words() if step.prescribed else NOTHING


class VariedFact(Frozen):
    """One change a variation made of the case."""

    variation: str
    key: str  # unique among the case's changes
    says: str
    cost: int
    changes: list[ChangeRef]  # the changes to the case's data (`whatif --set` or a patch file takes them)


class Flip(Frozen):
    """A change set after which something else is prescribed; no smaller part of it does the same."""

    size: int
    cost: int
    changes: list[VariedFact]
    then: Prescription  # what would then be prescribed, by which rule


class HearingSensitivity(Frozen):
    hearing: str
    date: str
    body: str
    recorded: str | None
    prescribed: Prescription
    flips: list[Flip]  # single changes first, then pairs; by size, cost, variation order
    unchanged_by: list[str]  # variations none of whose changes alters what this hearing prescribes
    conflicts: list[str] = []  # change sets under which the norm set's rules conflict here (keys joined by +)


class NormSetRun(Frozen):
    norm_set: str
    tried: int  # change sets replayed
    invalid: list[str]  # changes that would make the case invalid (not tried)
    hearings: list[HearingSensitivity]
    changes_nothing: list[str]  # variations none of whose changes alters any hearing's prescription


class CardOutcome(Frozen):
    """Whether the accused keeps the party card when the norm set's rules route the case (`simulate`)."""

    norm_set: str
    kept: bool | None  # None: nothing to simulate, or the rules loop or conflict
    final: str | None  # the simulation's final decision
    keep_if: list[Flip] = []  # where the card is lost: the smallest change sets after which it is kept


class VariationInfo(Frozen):
    id: str
    about: str
    cost: int


class Sensitivity(Frozen):
    case: str
    title: str
    rules: str  # the norm set asked for, `auto`, or `all`
    depth: int
    variations: list[VariationInfo]
    runs: list[NormSetRun]  # one per norm set (every norm set with `all`)
    card: list[CardOutcome] = []  # with `all`: the party card under each norm set


# -- The corpus view -------------------------------------------------------------------------------

class FactWeight(Frozen):
    """How many prescribed decisions of the corpus some single change of one variation changes."""

    variation: str
    about: str
    flips: int  # hearings (of all cases) whose prescription some change of it alters
    cases: int  # cases with such a hearing


class NormSetWeights(Frozen):
    norm_set: str
    hearings: int  # hearings replayed
    facts: list[FactWeight]  # most flips first


# -- What-if ----------------------------------------------------------------------------------------

class FactChange(Frozen):
    """A fact the rules see differently at a hearing; `attribute` is empty for a fact that appears or goes."""

    fact: str
    attribute: str
    before: Value | None
    after: Value | None


class WhatIfStep(Frozen):
    hearing: str
    body: str
    date: str
    changed_date: str  # the hearing's date in the changed case (the same unless a change moved it)
    recorded: str | None
    original: Prescription
    changed: Prescription
    differs: bool  # what is prescribed differs
    facts: list[FactChange]  # what the rules see differently here


class SimulatedSide(Frozen):
    original_path: list[str]  # each simulated step as "body: decision"
    changed_path: list[str]
    original_final: str | None
    changed_final: str | None
    differs: bool


class WhatIf(Frozen):
    """The original case and the changed one under one norm set, side by side."""

    case: str
    title: str
    norm_set: str
    changes: list[ChangeRef]
    steps: list[WhatIfStep]
    differs: bool  # some hearing's prescription differs
    simulation: SimulatedSide
    original: Trace
    changed: Trace
    original_simulation: Simulation
    changed_simulation: Simulation
