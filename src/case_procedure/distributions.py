"""The corpus's distributions, counted from the case files: what the corpus-like generator draws from.

`corpus_distributions` reads the validated cases and counts, with no number typed in by hand: who the
accused were; the people tied to them, of what kind, and whether each was arrested or expelled, and how
long before the accused's first hearing; whether the accused reported the blow and how many days after
it, and renounced the person; the accused's conduct and toward whom; the statements others made about
the accused; the bodies that heard the case in their order (a chain from each body to the next, or to the
end of the case), the days between hearings, each body's decisions and the grounds it charged (a later
hearing's by the previous hearing's); appeals after an expulsion; at which hearing the accused was
arrested; the first hearing's date (across the periods 1935-1939) and how precisely the book dates things.

What hangs together in a case (the ties, the conduct, the statements, the arrest, the dating) is counted
case by case and by the grounds the case charged, so that a charge of concealment comes with the conduct
that cases so charged show; the bodies, decisions and dates are counted over the whole corpus.

An `Empirical` keeps the counts as integers in a fixed order, so a draw from a seeded `random.Random`
is the same on every platform, and the distributions of the same corpus are always the same.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from case_procedure.case import (
    Appeal,
    Arrest,
    Case,
    ConductEntry,
    Event,
    Expulsion,
    Hearing,
    Statement,
)
from case_procedure.dates import EARLIEST, LATEST, HistDate
from case_procedure.situation import EXPELLING, closeness, ground_family

T = TypeVar("T")
END = "end"  # the case ends after this hearing (the chain of bodies)
START = "start"  # before the first hearing (the chain of bodies)
# How precisely an entry is dated, by the span of days its written date covers
PRECISIONS = ("day", "month", "season", "year")
ACCUSED_ATTRIBUTES = ("sex", "party_status", "origin", "nationality", "opposition")
OTHER_ATTRIBUTES = ("nationality", "party_status")
# Toward whom the accused's conduct was: a tied person struck at some point ("struck close", "struck associate"),
# a tied person never struck ("tied distant"), or no one tied ("other": someone else, or no one)
STRUCK, TIED, OTHER = "struck", "tied", "other"


@dataclass(frozen=True)
class Empirical(Generic[T]):
    """Values with their counts, most frequent first (ties in the order of their repr): draws in proportion."""

    values: tuple[T, ...]
    counts: tuple[int, ...]

    @classmethod
    def of(cls, items: Iterable[T]) -> Empirical[T]:
        counted = sorted(Counter(items).items(), key=lambda vc: (-vc[1], repr(vc[0])))
        return cls(tuple(v for v, _ in counted), tuple(c for _, c in counted))

    def __bool__(self) -> bool:
        return bool(self.values)

    @property
    def total(self) -> int:
        return sum(self.counts)

    def share(self, value: T) -> float:
        return dict(zip(self.values, self.counts, strict=True)).get(value, 0) / self.total if self.total else 0.0

    def draw(self, rng: random.Random) -> T:
        """One value, in proportion to its count (integer arithmetic only)."""
        if not self.values:
            raise ValueError("no values to draw from")
        pick = rng.randrange(self.total)
        for value, count in zip(self.values, self.counts, strict=True):
            if pick < count:
                return value
            pick -= count
        raise AssertionError("unreachable")  # pragma: no cover


# The parts of a case drawn together: they depend on one another in the corpus (a charge of concealment comes with
# concealment or denial in the record, a self-report with a struck relative), so each is counted apart for the
# grounds charged in the case (`charge_key`), for their families (`family_key`), and over the whole corpus.
STORY = ("accused", "ties", "blow_lead_days", "report_delay", "renounced", "conducts", "conduct_lead_days",
         "statements", "statement_lead_days", "accused_arrest", "precision")
ALONE = ("factory", "other", "gap_days", "appeal", "first_hearing", "source", "fate", "in_record")
EMPTY: dict[str, Any] = {"renounced": False, "appeal": False, "report_delay": None, "accused_arrest": None,
                         "blow_lead_days": 0, "conduct_lead_days": 0, "statement_lead_days": 0, "gap_days": 0,
                         "ties": (), "conducts": (), "statements": (), "precision": "year"}


@dataclass(frozen=True)
class Story:
    """Who the accused was and what surrounded the charges: drawn together, for one kind of first charge."""

    accused: Empirical[tuple[str, ...]]  # ACCUSED_ATTRIBUTES, jointly
    ties: Empirical[tuple[tuple[str, bool, bool], ...]]  # a case's ties: (kind, arrested, expelled) of each person
    blow_lead_days: Empirical[int]  # first hearing's first day minus the blow's first day
    report_delay: Empirical[int | None]  # days from a blow to the accused's report of it; None: never reported
    renounced: Empirical[bool]  # the accused renounced a struck close relative
    # a case's conduct of the accused: (conduct, toward whom, lead days; None: the date is open-ended)
    conducts: Empirical[tuple[tuple[str, str, int | None], ...]]
    conduct_lead_days: Empirical[int]  # first hearing's first day minus the conduct's, for a lead of None
    # a case's statements about the accused by others: (kind, from the NKVD, to, lead days)
    statements: Empirical[tuple[tuple[str, bool, tuple[str, ...], int | None], ...]]
    statement_lead_days: Empirical[int]  # for a lead of None
    accused_arrest: Empirical[int | None]  # how many of the accused's hearings came before the arrest; None: none
    precision: Empirical[str]  # how precisely the case's entries are dated (a case told in detail is dated to the day)


@dataclass(frozen=True)
class Distributions:
    """Every distribution the corpus-like generator draws from (see the module docstring)."""

    cases: int
    stories: dict[tuple[str, ...], Story]  # by `charge_key` of every ground charged in the case
    family_stories: dict[tuple[str, ...], Story]  # by `family_key` of every ground charged in the case
    story: Story  # over the whole corpus, for a first charge the corpus never has
    factory: Empirical[str]
    other: Empirical[tuple[str, ...]]  # OTHER_ATTRIBUTES of the people tied to the accused
    next_body: dict[str, Empirical[str]]  # START or a body -> the next body, or END
    gap_days: Empirical[int]  # from one hearing of the accused to the next
    decision: dict[str, Empirical[str | None]]  # by body; None: the record gives no decision
    grounds: dict[str, Empirical[tuple[str, ...]]]  # the first hearing's grounds, by body
    later_grounds: dict[tuple[str, ...], Empirical[tuple[str, ...]]]  # a later hearing's, by the previous one's
    any_grounds: Empirical[tuple[str, ...]]  # for a body with no hearing of its own in the corpus
    appeal: Empirical[bool]  # an expelling decision followed by the accused's appeal before the next hearing
    first_hearing: Empirical[tuple[dt.date, dt.date]]  # the first hearing's span of days
    in_record: Empirical[tuple[str, bool]]  # (type, in the record) of entries dated before the first hearing
    source: Empirical[tuple[str, str, str]]  # (chapter, section, pages) cited in the corpus
    fate: Empirical[tuple[bool | None, str]]  # (arrested, party standing) at the end of what the book tells

    def record_share(self, kind: str) -> Empirical[bool]:
        """Whether an entry of this type dated before the first hearing is in the record, not the background."""
        seen = [(in_record, n) for (k, in_record), n in zip(self.in_record.values, self.in_record.counts, strict=True)
                if k == kind]
        return Empirical(tuple(v for v, _ in seen), tuple(n for _, n in seen)) if seen else Empirical((False,), (1,))

    def story_for(self, grounds: Iterable[str]) -> Story:
        """The story counted over the cases charged with these grounds (at all their hearings), else with grounds
        of the same families, else over the whole corpus."""
        grounds = list(grounds)
        return self.stories.get(charge_key(grounds)) or self.family_stories.get(family_key(grounds)) or self.story


def charge_key(grounds: Iterable[str]) -> tuple[str, ...]:
    """A hearing's grounds, each once, sorted."""
    return tuple(sorted(set(grounds)))


def family_key(grounds: Iterable[str]) -> tuple[str, ...]:
    """The families of a hearing's grounds, each once, sorted."""
    return tuple(sorted({ground_family(g) for g in grounds}))


def precision(date: HistDate) -> str:
    span = (date.latest - date.earliest).days + 1
    return "day" if span <= 1 else "month" if span <= 31 else "season" if span <= 122 else "year"


def _bounded(date: HistDate) -> bool:
    return date.earliest != EARLIEST and date.latest != LATEST


def _days(later: HistDate, earlier: HistDate) -> int:
    return (later.earliest - earlier.earliest).days


def _ties(case: Case) -> dict[str, str]:
    """Each person tied to the accused, with the kind as written in the first tie naming them."""
    found: dict[str, str] = {}
    for tie in case.ties:
        if case.accused in (tie.person, tie.other) and tie.person != tie.other:
            found.setdefault(tie.other if tie.person == case.accused else tie.person, tie.kind)
    return found


def _entries(case: Case) -> list[Event]:
    return [*case.background, *case.record]


@dataclass
class _Counts:
    """The raw observations, gathered case by case."""

    lists: dict[str, list[Any]]

    @classmethod
    def empty(cls) -> _Counts:
        return cls({n: [] for n in (*STORY, *ALONE)})

    def update(self, other: _Counts) -> None:
        for name, values in other.lists.items():
            self.lists[name] += values


@dataclass
class _Hearings:
    chains: dict[str, list[str]]
    decisions: dict[str, list[str | None]]
    grounds: dict[str, list[tuple[str, ...]]]
    later: dict[tuple[str, ...], list[tuple[str, ...]]]


def _observe_case(case: Case, seen: _Counts, chain: _Hearings) -> None:
    add = seen.lists
    hearings = case.hearings()
    entries = _entries(case)
    first = hearings[0].date if hearings else None
    person = case.people[case.accused]
    add["factory"].append(case.factory)
    add["fate"].append((case.fate.arrested, case.fate.party_status))
    add["accused"].append(tuple(str(getattr(person, a)) for a in ACCUSED_ATTRIBUTES))
    add["precision"] += [precision(e.date) for e in entries if _bounded(e.date)]
    if first is not None:
        add["in_record"] += [(e.type, e in case.record) for e in entries
                             if not isinstance(e, Hearing) and e.date.latest < first.earliest]
    add["source"] += [(s.chapter, s.section, s.pages) for s in case.sources.values()]
    ties = _ties(case)
    struck_people = set()
    bundle = []
    for other, kind in sorted(ties.items()):
        add["other"].append(tuple(str(getattr(case.people[other], a)) for a in OTHER_ATTRIBUTES))
        blows = [e for e in entries if isinstance(e, (Arrest, Expulsion)) and e.person == other]
        arrested, expelled = any(isinstance(b, Arrest) for b in blows), any(isinstance(b, Expulsion) for b in blows)
        bundle.append((kind, arrested, expelled))
        if not blows:
            continue
        struck_people.add(other)
        blow = min((b.date for b in blows), key=HistDate.sort_key)
        if first is not None and _bounded(blow) and _bounded(first):
            add["blow_lead_days"].append(_days(first, blow))
        reports = [e.date for e in entries if _reports(case, e, other, {b.id for b in blows})]
        if reports and _bounded(blow) and all(_bounded(r) for r in reports):
            add["report_delay"].append(max(0, _days(min(reports, key=HistDate.sort_key), blow)))
        elif not reports:
            add["report_delay"].append(None)
        if closeness(kind) == "close":
            add["renounced"].append(any(isinstance(e, ConductEntry) and e.person == case.accused
                                        and e.conduct == "renunciation" and e.toward == other for e in entries))
    add["ties"].append(tuple(sorted(bundle)))
    conducts = [e for e in entries if isinstance(e, ConductEntry) and e.person == case.accused]
    bundle_of_conduct = []
    for c in conducts:
        toward = (f"{STRUCK if c.toward in struck_people else TIED} {closeness(ties[c.toward])}"
                  if c.toward in ties else OTHER)
        lead = _days(first, c.date) if first is not None and _bounded(c.date) and _bounded(first) else None
        bundle_of_conduct.append((c.conduct, toward, lead))
        if lead is not None:
            add["conduct_lead_days"].append(lead)
    add["conducts"].append(tuple(sorted(bundle_of_conduct, key=repr)))
    statements = [e for e in entries if isinstance(e, Statement) and case.accused in e.subjects
                  and e.author != case.accused]
    bundle_of_statements = []
    for s in statements:
        lead = _days(first, s.date) if first is not None and _bounded(s.date) and _bounded(first) else None
        bundle_of_statements.append((s.kind, s.from_body == "nkvd", tuple(sorted(s.to)), lead))
        if lead is not None:
            add["statement_lead_days"].append(lead)
    add["statements"].append(tuple(sorted(bundle_of_statements, key=repr)))
    add["accused_arrest"].append(_hearings_before_arrest(case, hearings))
    _observe_hearings(case, hearings, seen, chain)
    if first is not None and _bounded(first):
        if first.earliest.year >= 1935:
            add["first_hearing"].append((first.earliest, min(first.latest, first.earliest + dt.timedelta(days=365))))


def _hearings_before_arrest(case: Case, hearings: list[Hearing]) -> int | None:
    """How many hearings of the accused came before the accused's first arrest: those before it in the record,
    or for an arrest in the background those that certainly ended before it; None without an arrest."""
    counts = []
    for entry in _entries(case):
        if isinstance(entry, Arrest) and entry.person == case.accused:
            if entry in case.record:
                position = case.record.index(entry)
                counts.append(sum(case.record.index(h) < position for h in hearings))
            else:
                counts.append(sum(h.date.latest < entry.date.earliest for h in hearings))
    return min(counts) if counts else None


def _reports(case: Case, entry: Event, other: str, blow_ids: set[str]) -> bool:
    """A self-report or disclosure by the accused about the person or the blow (as situation.py reads one)."""
    if isinstance(entry, Statement) and entry.author == case.accused and entry.kind == "self_report":
        return other in entry.subjects or bool(blow_ids & set(entry.concerns))
    if isinstance(entry, ConductEntry) and entry.person == case.accused and entry.conduct == "disclosure":
        return entry.toward == other or bool(blow_ids & set(entry.concerns))
    return False


def _observe_hearings(case: Case, hearings: list[Hearing], seen: _Counts, chain: _Hearings) -> None:
    add = seen.lists
    previous = START
    for i, hearing in enumerate(hearings):
        chain.chains.setdefault(previous, []).append(hearing.body)
        chain.decisions.setdefault(hearing.body, []).append(hearing.decision)
        if i == 0:
            chain.grounds.setdefault(hearing.body, []).append(tuple(hearing.grounds))
        else:
            chain.later.setdefault(tuple(hearings[i - 1].grounds), []).append(tuple(hearing.grounds))
        previous = hearing.body
        if i + 1 < len(hearings):
            after = hearings[i + 1]
            if _bounded(hearing.date) and _bounded(after.date):
                add["gap_days"].append(max(0, _days(after.date, hearing.date)))
            if hearing.decision in EXPELLING:
                start, stop = case.record.index(hearing), case.record.index(after)
                add["appeal"].append(any(isinstance(e, Appeal) and e.person == case.accused
                                         for e in case.record[start + 1:stop]))
    if hearings:
        chain.chains.setdefault(previous, []).append(END)


def _empirical(name: str, values: list[Any], pooled: list[Any]) -> Empirical[Any]:
    """The values seen, else those of the whole corpus, else the neutral value (a corpus without any)."""
    return Empirical.of(values or pooled or [EMPTY.get(name, 0)])


def _story(seen: _Counts, pooled: _Counts) -> Story:
    return Story(**{n: _empirical(n, seen.lists[n], pooled.lists[n]) for n in STORY})


def corpus_distributions(cases: list[Case]) -> Distributions:
    """Count every distribution the generator needs from the cases with a hearing of the accused; the result
    does not depend on the order of `cases`."""
    with_hearings = sorted((c for c in cases if c.hearings()), key=lambda c: c.id)
    if not with_hearings:
        raise ValueError("the corpus has no case with a hearing of the accused to count from")
    pooled, chain = _Counts.empty(), _Hearings({}, {}, {}, {})
    by_key: dict[tuple[str, ...], _Counts] = {}
    by_family: dict[tuple[str, ...], _Counts] = {}
    for case in with_hearings:
        seen = _Counts.empty()
        _observe_case(case, seen, chain)
        pooled.update(seen)
        charged = [g for h in case.hearings() for g in h.grounds]
        by_key.setdefault(charge_key(charged), _Counts.empty()).update(seen)
        by_family.setdefault(family_key(charged), _Counts.empty()).update(seen)
    alone = {n: _empirical(n, pooled.lists[n], []) for n in ALONE}
    all_grounds = [g for gs in (*chain.grounds.values(), *chain.later.values()) for g in gs]
    return Distributions(
        cases=len(with_hearings),
        stories={k: _story(v, pooled) for k, v in sorted(by_key.items())},
        family_stories={k: _story(v, pooled) for k, v in sorted(by_family.items())},
        story=_story(pooled, pooled),
        next_body={k: Empirical.of(v) for k, v in sorted(chain.chains.items())},
        decision={k: Empirical.of(v) for k, v in sorted(chain.decisions.items())},
        grounds={k: Empirical.of(v) for k, v in sorted(chain.grounds.items())},
        later_grounds={k: Empirical.of(v) for k, v in sorted(chain.later.items())},
        any_grounds=Empirical.of(all_grounds),
        **alone,
    )
