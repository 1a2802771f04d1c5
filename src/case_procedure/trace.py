"""The replay trace: the JSON contract other tools rely on.

`replay --format json` prints one `Trace`. Keys may be added in later versions,
never renamed. `case-procedure schema trace` prints its JSON Schema.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict

from case_procedure.codebook import severity
from case_procedure.sources import Source

Agreement = Literal["agree", "harsher", "milder", "no-rule", "unrecorded"]
AGREEMENTS: tuple[Agreement, ...] = ("agree", "harsher", "milder", "no-rule", "unrecorded")


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


class MatchedFact(Frozen):
    id: str
    kind: str
    attributes: dict[str, str | int | bool]
    description: str
    entries: list[str]  # ids of the case entries the fact was derived from
    because: dict[str, list[str]] = {}  # attribute -> how the situation builder derived it from the record


class ChargeCheck(Frozen):
    """A formal charge of the hearing checked against the record, and whether the norm set counts it."""

    ground: str
    family: str
    status: Literal["supported", "unknown", "contradicted"]
    counted: bool  # the norm set takes charges on trust, or the record supports this one
    because: list[str]


class Prescribed(Frozen):
    decision: str
    also: list[str]
    next_body: str | None  # where the norm set's route rules send the case next: a body, "end", or None
    route_rule: str | None  # the route rule that says so
    rule: RuleRef
    matched: list[MatchedFact]
    concurring: list[str]  # other applicable rules prescribing the same
    overridden: list[str]  # applicable rules set aside by the rule's `overrides`


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
    charges: list[ChargeCheck] = []  # every formal charge, checked against the record


class Outcome(Frozen):
    prescribed: str | None  # the decision prescribed at the last hearing
    recorded: str | None  # the last decision the record shows
    fate: str
    agreements: dict[str, int]


class Trace(Frozen):
    case: str
    title: str
    norm_set: str
    steps: list[Step]
    outcome: Outcome


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
    route: str | None  # the next body, "end", or None when no route rule applies (the case stops)
    route_rule: RuleRef | None


# "end": a route rule closed the case; "no-route": no rule sent it further; "no-hearing": the record has no
# hearing to start from; "no-norm-set": with `auto`, no norm set was in force at the starting hearing
Ending = Literal["end", "no-route", "no-hearing", "no-norm-set"]


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


def agreement(prescribed: str | None, recorded: str | None) -> Agreement:
    """Compare the prescribed decision with the recorded one by severity."""
    if prescribed is None:
        return "no-rule"
    if recorded is None:
        return "unrecorded"
    difference = severity(prescribed) - severity(recorded)
    return "agree" if difference == 0 else ("harsher" if difference > 0 else "milder")
