"""The case file format: people, ties, background facts and the procedural record.

A case file follows the factoid model of prosopography: every person, tie, fact and
event names the source that asserts it, and contradictory readings sit side by side.
Vocabulary comes from the codebook; references between entries are checked by
`reference_problems`, which reports locations that the line map turns into lines.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from case_procedure.codebook import (
    NOT_STATED,
    Body,
    Conduct,
    Decision,
    Factory,
    Ground,
    Nationality,
    Opposition,
    Origin,
    PartyStatus,
    Sex,
    StatementKind,
    TieKind,
)
from case_procedure.dates import EARLIEST, LATEST, HistDate
from case_procedure.scalars import Count, Flag, Id, Text
from case_procedure.sources import Source
from case_procedure.yamlfile import Loc

SourceKeys = Annotated[list[Id], Field(min_length=1, description="Keys into the case's `sources`")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)


class Certainty(StrEnum):
    stated = "stated"  # the book says it
    inferred = "inferred"  # our reading of what the book implies
    contested = "contested"  # the book gives readings that disagree; see `readings`


class Reading(Strict):
    """One of several readings the book gives of the same thing."""

    says: Text
    date: HistDate | None = None
    source: SourceKeys


class Sourced(Strict):
    source: SourceKeys
    note: Text | None = None


PersonAttribute = Literal["role", "factory", "party_status", "origin", "nationality", "sex", "opposition",
                          "joined_party"]


class AttributeReading(Strict):
    """One reading of a person's attribute where the book's readings disagree or ours is an inference."""

    attribute: PersonAttribute
    value: Text
    says: Text
    source: SourceKeys


class Person(Sourced):
    name: Text
    role: Text = Field(description="Post or job at the time of the case, in our words")
    factory: Factory = NOT_STATED
    party_status: PartyStatus = NOT_STATED
    origin: Origin = NOT_STATED
    nationality: Nationality = NOT_STATED
    sex: Sex = NOT_STATED
    opposition: Opposition = NOT_STATED
    joined_party: HistDate | None = None
    certainty: dict[PersonAttribute, Certainty] = Field(
        default={}, description="How sure each attribute is (left out: stated); contested ones give `readings`")
    readings: list[AttributeReading] = []

    @model_validator(mode="after")
    def _contested_attributes_have_readings(self) -> "Person":
        for attribute, certainty in self.certainty.items():
            if certainty == Certainty.contested and sum(r.attribute == attribute for r in self.readings) < 2:
                raise ValueError(f"a contested {attribute} needs at least two readings, each with its source")
        return self


class Tie(Sourced):
    """`other` is `person`'s <kind>: person torbeeva, other torbeev, kind spouse."""

    person: Id
    other: Id
    kind: TieKind
    since: HistDate | None = None
    until: HistDate | None = None
    certainty: Certainty = Certainty.stated
    readings: list[Reading] = []
    via: Id | None = Field(default=None, description="For a relative by marriage: the relative the tie runs "
                           "through (the sister whose husband this is)")


class Entry(Sourced):
    """Something that happened on a date, as a source reports it."""

    id: Id
    date: HistDate
    summary: Text
    certainty: Certainty = Certainty.stated
    readings: list[Reading] = []

    @model_validator(mode="after")
    def _contested_has_readings(self) -> "Entry":
        if self.certainty == Certainty.contested and len(self.readings) < 2:
            raise ValueError("a contested entry needs at least two readings, each with its source")
        return self


class Statement(Entry):
    """A zaiavlenie or other written statement, or material one body passes to another."""

    type: Literal["statement"]
    kind: StatementKind
    author: Id | None = Field(default=None, description="Person who wrote it (or leave out and give from_body)")
    from_body: Body | None = None
    subjects: list[Id] = Field(min_length=1, description="The people the statement is about")
    alleges: list[Ground] = Field(default=[], description="The grounds the statement alleges against them")
    to: list[Body] = Field(default=[], description="The bodies it went to; left out where the book does not say")
    concerns: list[Id] = Field(default=[], description="Ids of entries the statement reports on")
    oral: Flag = Field(default=False, description="Made by word of mouth (to a member, at a meeting), not written")

    @model_validator(mode="after")
    def _has_author(self) -> "Statement":
        if self.author is None and self.from_body is None:
            raise ValueError("a statement needs an author or a from_body")
        return self


class Vote(Strict):
    decision: Decision
    count: Count


class Speaker(Strict):
    person: Id
    stance: Literal["against", "for", "neutral"]
    proposed: Decision | None = None
    alleges: list[Ground] = Field(default=[], description="Accusations raised from the floor: not the body's formal "
                                  "charge (`grounds`), and kept apart from it")


class AtLeast(Strict):
    at_least: Annotated[Count, Field(ge=1)]


class Hearing(Entry):
    """A body considers a person's case and (where the record says) decides."""

    type: Literal["hearing"]
    body: Body
    subject: Id
    decision: Decision | None = Field(default=None, description="Leave out when the record has no decision")
    also: list[Decision] = Field(default=[], description="Further measures decided at the same hearing")
    grounds: list[Ground] = []
    charges: Text | None = Field(default=None, description="The grounds as the record words them, in our words")
    votes: list[Vote] = []
    attendance: Annotated[Count, Field(ge=1)] | AtLeast | None = Field(
        default=None, description="How many were present: a number, or {at_least: n} where the book says 'more than'")
    moved_by: Id | None = None
    presided_by: Id | None = None
    speakers: list[Speaker] = []
    reviews: Id | None = Field(default=None, description="Id of the earlier hearing this one confirms or reverses")
    answers: list[Id] = Field(default=[], description="Ids of the statements or appeals this hearing takes up")


class Arrest(Entry):
    type: Literal["arrest"]
    person: Id
    by: Body = "nkvd"
    operation: Text | None = None


class Expulsion(Entry):
    """An expulsion outside the replayed record (a relative's, a colleague's)."""

    type: Literal["expulsion"]
    person: Id
    by: Body | None = None


class Sentence(Entry):
    type: Literal["sentence"]
    person: Id
    by: Body = "court"
    sentence: Text


class Death(Entry):
    type: Literal["death"]
    person: Id
    executed: Flag = False


class Exile(Entry):
    type: Literal["exile"]
    person: Id


class Dismissal(Entry):
    type: Literal["dismissal"]
    person: Id
    by: Body | None = Field(default=None, description="Who dismissed the person; left out where the book does not say")
    post: Text
    grounds: list[Ground] = Field(default=[], description="The grounds the record gives for the dismissal; left out "
                                  "where it gives none")


class Appeal(Entry):
    type: Literal["appeal"]
    person: Id
    to: list[Body] = Field(min_length=1)
    against: Id | None = Field(default=None, description="Id of the hearing appealed against")
    on_behalf_of: Id | None = Field(default=None, description="The person the appeal is for, where someone else "
                                    "(a relative) lodged it; left out when the appellant appeals for themselves")

    @property
    def appellant_for(self) -> str:
        """The person whose case the appeal is about."""
        return self.on_behalf_of or self.person


class Reinstatement(Entry):
    type: Literal["reinstatement"]
    person: Id
    by: Body | None = None


class Release(Entry):
    """A person freed from arrest, camp or exile."""

    type: Literal["release"]
    person: Id
    released_from: Literal["arrest", "camp", "exile"]
    by: Body | None = None


class Admonition(Entry):
    """A higher body's representative rebukes a meeting or members of it, without a decision."""

    type: Literal["admonition"]
    person: Id = Field(description="The representative who spoke")
    on_behalf_of: Body
    at: Body = Field(description="The body whose meeting was admonished")
    subjects: list[Id] = Field(default=[], description="Members the admonition was aimed at, if named")


class Rehabilitation(Entry):
    """A state or party body clears a person's name, often after their death."""

    type: Literal["rehabilitation"]
    person: Id
    by: Body | None = None


class ConductEntry(Entry):
    """Something a person did that a body may weigh: concealment, aid, refusal to renounce."""

    type: Literal["conduct"]
    person: Id
    conduct: Conduct
    toward: Id | None = Field(default=None, description="The person the conduct concerns")
    concerns: list[Id] = Field(default=[], description="Ids of entries the conduct concerns")


Event = Annotated[
    Union[Statement, Hearing, Arrest, Expulsion, Sentence, Death, Exile, Dismissal, Appeal, Reinstatement,
          Release, Admonition, Rehabilitation, ConductEntry],
    Field(discriminator="type"),
]


class Fate(Sourced):
    summary: Text
    arrested: Flag | None = Field(description="True, false, or null when the book does not say")
    party_status: PartyStatus = Field(description="Standing at the end of what the book tells")
    unknown: list[Text] = Field(default=[], description="What the book leaves unknown")


FORMAT = 2  # the version of the case format; files without `format` are version 1 (see `migrate`)


class Case(Strict):
    """One documented case: the accused, everyone who acts, and what happened, each with its source."""

    id: Id
    format: Literal[2] = Field(description="The version of the case format; `case-procedure migrate` upgrades "
                               "older files")
    _read_from: int = PrivateAttr(default=FORMAT)  # the format of the file it was read from

    @property
    def read_from_format(self) -> int:
        return self._read_from

    @read_from_format.setter
    def read_from_format(self, value: int) -> None:
        self._read_from = value
    title: Text
    accused: Id
    factory: Factory
    summary: Text
    sources: dict[Id, Source] = Field(min_length=1)
    people: dict[Id, Person] = Field(min_length=1)
    ties: list[Tie] = []
    background: list[Event] = Field(default=[], description="Dated facts that bear on the case, in any order")
    record: list[Event] = Field(min_length=1, description="The procedural record, in date order")
    fate: Fate

    def hearings(self) -> list[Hearing]:
        return [e for e in self.record if isinstance(e, Hearing) and e.subject == self.accused]

    def years(self) -> tuple[int, int]:
        """First and last year of the record, ignoring the open ends of 'before' and 'after' dates."""
        starts = [d.latest if d.earliest == EARLIEST else d.earliest for d in (e.date for e in self.record)]
        ends = [d.earliest if d.latest == LATEST else d.latest for d in (e.date for e in self.record)]
        return min(starts).year, max(ends).year


# -- Reference checks ---------------------------------------------------------------------

PERSON_FIELDS = ("author", "subject", "person", "moved_by", "presided_by", "toward", "on_behalf_of")
PERSON_LISTS = ("subjects",)
REFERENCE_FIELDS = ("concerns", "reviews", "against", "answers")
# what each reference may point to, as the `type` of the target entry (None: any)
REFERENCE_TARGETS: dict[str, tuple[str, ...] | None] = {
    "concerns": None, "reviews": ("hearing",), "against": ("hearing",), "answers": ("statement", "appeal")}


def _reference_kind_problems(loc: Loc, entry: Entry, target: Entry, name: str,
                             timed: bool = True) -> list[tuple[Loc, str]]:
    """A reference points back in time, to an entry of the right type."""
    if target is entry:
        return [(loc, f"`{name}` names this {getattr(entry, 'type', 'entry')} itself")]
    allowed = REFERENCE_TARGETS[name]
    target_type = getattr(target, "type", "")
    if allowed is not None and target_type not in allowed:
        return [(loc, f"{target.id!r} is a {target_type}; `{name}` names a {' or '.join(allowed)}")]
    # `concerns` is not timed: the synthetic generator (synthetic.py) lets a statement concern any earlier-listed
    # entry; the corpus itself never points forward, so it could be.
    if timed and name != "concerns" and not target.date.may_precede(entry.date):
        kind = getattr(entry, "type", "entry")
        return [(loc, f"the {kind} ({entry.date}) comes before the {target_type} it {_VERB[name]}, "
                      f"{target.id!r} ({target.date})")]
    return []


_VERB = {"concerns": "concerns", "reviews": "reviews", "against": "appeals against", "answers": "answers"}


def reference_problems(case: Case) -> list[tuple[Loc, str]]:
    """Dangling references, duplicate ids and dates out of order, as (location, message)."""
    problems: list[tuple[Loc, str]] = []
    people, sources = set(case.people), set(case.sources)
    ids: dict[str, Loc] = {}

    def person(loc: Loc, value: str | None) -> None:
        if value is not None and value not in people:
            problems.append((loc, f"no person {value!r} in `people`"))

    def cited(loc: Loc, keys: list[str]) -> None:
        for i, key in enumerate(keys):
            if key not in sources:
                problems.append(((*loc, "source", i), f"no source {key!r} in `sources`"))

    person(("accused",), case.accused)
    cited(("fate",), case.fate.source)
    for key, entry in case.people.items():
        cited(("people", key), entry.source)
    for i, tie in enumerate(case.ties):
        person(("ties", i, "person"), tie.person)
        person(("ties", i, "other"), tie.other)
        person(("ties", i, "via"), tie.via)
        cited(("ties", i), tie.source)
        for j, reading in enumerate(tie.readings):
            cited(("ties", i, "readings", j), reading.source)
    for part in ("background", "record"):
        for i, entry in enumerate(getattr(case, part)):
            loc: Loc = (part, i)
            if entry.id in ids:
                problems.append(((*loc, "id"), f"id {entry.id!r} is used twice"))
            ids[entry.id] = loc
            cited(loc, entry.source)
            for j, reading in enumerate(entry.readings):
                cited((*loc, "readings", j), reading.source)
            for name in PERSON_FIELDS:
                person((*loc, name), getattr(entry, name, None))
            for name in PERSON_LISTS:
                for j, value in enumerate(getattr(entry, name, [])):
                    person((*loc, name, j), value)
            for j, speaker in enumerate(getattr(entry, "speakers", [])):
                person((*loc, "speakers", j, "person"), speaker.person)
    entries = {e.id: e for e in (*case.background, *case.record)}
    order = _order_problems(case)
    in_record = {e.id for e in case.record}
    for part in ("background", "record"):
        for i, entry in enumerate(getattr(case, part)):
            for name in REFERENCE_FIELDS:
                value = getattr(entry, name, None)
                for target in value if isinstance(value, list) else [value]:
                    if target is None:
                        continue
                    if target not in ids:
                        problems.append(((part, i, name), f"no entry with id {target!r}"))
                    else:
                        # a record out of date order is reported once, below, not again through its references
                        timed = not (order and entry.id in in_record and target in in_record)
                        problems += _reference_kind_problems((part, i, name), entry, entries[target], name, timed)
    for part in ("background", "record"):
        for i, entry in enumerate(getattr(case, part)):
            if isinstance(entry, Hearing):
                problems += [((part, i, "votes"), message) for message in _vote_problems(entry)]
    return problems + order + _relation_problems(case)


# Entries that may follow a person's death: the dead are rehabilitated, and others write about them.
POSTHUMOUS = ("rehabilitation",)
# The field naming the person an entry happens to or is done by, per entry type.
ACTOR_FIELD = {"statement": "author", "hearing": "subject"}


def _relation_problems(case: Case) -> list[tuple[Loc, str]]:
    """Relations that cannot hold: a tie to oneself or ending before it begins, a statement about its own
    author that is not a self-report, a person joining the Party after their own hearings, an entry after
    its person's death."""
    problems: list[tuple[Loc, str]] = []
    for i, tie in enumerate(case.ties):
        if tie.person == tie.other:
            problems.append((("ties", i, "other"), f"{tie.other!r} is tied to themselves; a tie joins two people"))
        if tie.since and tie.until and not tie.since.may_precede(tie.until):
            problems.append((("ties", i, "until"), f"the tie ends ({tie.until}) before it begins ({tie.since})"))
    entries: list[tuple[Loc, Event]] = [((part, i), e) for part in ("background", "record")
                                        for i, e in enumerate(getattr(case, part))]
    deaths = {e.person: e for _, e in entries if isinstance(e, Death)}
    for loc, entry in entries:
        if isinstance(entry, Statement) and entry.author in entry.subjects and entry.kind != "self_report":
            problems.append(((*loc, "subjects"), f"a {entry.kind} about its own author; a statement about oneself "
                             "is a self_report"))
        who = getattr(entry, ACTOR_FIELD.get(entry.type, "person"), None)
        death = deaths.get(who) if who else None
        if death is not None and entry is not death and entry.type not in POSTHUMOUS \
                and not entry.date.may_precede(death.date):
            problems.append(((*loc, "date"), f"{entry.type} of {who!r} dated {entry.date}, after their death "
                             f"({death.date}); only a rehabilitation may follow a death"))
    for key, person in case.people.items():
        if person.joined_party is None:
            continue
        heard = [e for _, e in entries if isinstance(e, Hearing) and e.subject == key]
        first = min(heard, key=lambda h: h.date.sort_key(), default=None)
        if first is not None and not person.joined_party.may_precede(first.date):
            problems.append((("people", key, "joined_party"), f"joined the Party ({person.joined_party}) after "
                             f"their own hearing {first.id!r} ({first.date})"))
    return problems


def _vote_problems(hearing: Hearing) -> list[str]:
    """Vote counts that do not fit: one decision counted twice, more votes than attendance, a lost vote."""
    decisions = [v.decision for v in hearing.votes]
    repeated = sorted({d for d in decisions if decisions.count(d) > 1})
    if repeated:
        return [f"{', '.join(repeated)} counted twice; give one count per decision"]
    problems = []
    total = sum(v.count for v in hearing.votes)
    if isinstance(hearing.attendance, int) and total > hearing.attendance:
        problems.append(f"{total} votes cast but attendance is {hearing.attendance}")
    if hearing.decision and hearing.votes:
        counts = {v.decision: v.count for v in hearing.votes}
        winner = max(counts, key=lambda d: counts[d])
        if counts[winner] > counts.get(hearing.decision, 0):
            problems.append(f"the decision is {hearing.decision} but {winner} has the most votes "
                            f"({counts[winner]} to {counts.get(hearing.decision, 0)})")
    return problems


def _order_problems(case: Case) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []
    for i in range(1, len(case.record)):
        before, after = case.record[i - 1].date, case.record[i].date
        if not before.may_precede(after):
            problems.append((("record", i, "date"),
                             f"date {after} comes before the previous entry's date {before}; "
                             "the record must be in date order"))
    return problems
