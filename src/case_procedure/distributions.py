"""The corpus's distributions, counted from the case files: what the corpus-like generator draws from.

`corpus_distributions` reads the validated cases and counts, with no number typed in by hand: the
hearings of a case (the bodies in their order, each with the grounds it charged), each body's decisions,
the days between hearings and the appeals after an expulsion; who the accused were; the people tied to
them, of what kind, whether each was arrested or expelled and when; whether the accused reported the blow
and how many days after it, and renounced the person; the accused's conduct and toward whom; the
statements others made about the accused; at which hearing the accused was arrested; the first hearing's
date (across the periods 1935-1939) and how precisely the book dates things.

What hangs together in a case is drawn together. The hearings are drawn as a case's sequence of bodies and
grounds: drawn body by body (a chain from each body to the next, grounds by body or by the previous
hearing's grounds) they lost what the rules read, since the long cases of the corpus are those charged
with concealment, and under norms-1938 only 44-51 % of the generated hearings were decided by a rule against
55 % of the corpus's own. The ties, the conduct, the statements, the accused's arrest and the dating are
counted case by case and by the families of the grounds the case charged (`family_key`), so that a charge of
concealment comes with the conduct that cases so charged show; each entry keeps its place among the
hearings (`Anchor`: how many hearings came before it, how many days before the next), as the rules read
what was known at each hearing. Decisions, the days between hearings, the first hearing's date, the
people's attributes and the source cited are drawn over the whole corpus.

An `Empirical` keeps the counts as integers in a fixed order, so a draw from a seeded `random.Random`
is the same on every platform, and the distributions of the same corpus are always the same.
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate
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
from case_procedure.situation import EXPELLING, INVERSE_TIE, closeness, ground_family

T = TypeVar("T")
# How precisely an entry is dated, by the span of days its written date covers
PRECISIONS = ("day", "month", "season", "year")
ACCUSED_ATTRIBUTES = ("sex", "party_status", "origin", "nationality", "opposition")
OTHER_ATTRIBUTES = ("nationality", "party_status")
# Toward whom the accused's conduct was: a tied person struck at some point ("struck close", "struck associate"),
# a tied person never struck ("tied distant"), or no one tied ("other": someone else, or no one)
STRUCK, TIED, OTHER = "struck", "tied", "other"
PERIODS_FROM = 1935  # first hearings from the year the norm sets' periods begin (review-1935) are drawn on


@dataclass(frozen=True)
class Empirical(Generic[T]):
    """Values with their counts, most frequent first (ties in the order of their repr): draws in proportion."""

    values: tuple[T, ...]
    counts: tuple[int, ...]

    @classmethod
    def of(cls, items: Iterable[T]) -> Empirical[T]:
        counted = sorted(Counter(items).items(), key=lambda vc: (-vc[1], repr(vc[0])))
        return cls(tuple(v for v, _ in counted), tuple(c for _, c in counted))

    @cached_property
    def _running(self) -> tuple[int, ...]:
        return tuple(accumulate(self.counts))

    @property
    def total(self) -> int:
        return self._running[-1] if self.counts else 0

    def draw(self, rng: random.Random) -> T:
        """One value, in proportion to its count (integer arithmetic only)."""
        if not self.values:
            raise ValueError("no values to draw from")
        return self.values[bisect_right(self._running, rng.randrange(self.total))]


# The parts of a case drawn together: they depend on one another in the corpus (a charge of concealment comes with
# concealment or denial in the record, a charge of ties with a struck relative), so each is counted apart for the
# families of the grounds charged in the case (`family_key`), and over the whole corpus.
STORY = ("accused", "ties", "blow_lead_days", "report_delay", "conducts", "conduct_lead_days",
         "statements", "statement_lead_days", "accused_arrest", "precision")
ALONE = ("charging", "factory", "other", "gap_days", "appeal", "first_hearing", "source", "fate", "in_record")
EMPTY: dict[str, Any] = {"appeal": False, "report_delay": 0, "accused_arrest": None,
                         "blow_lead_days": 0, "conduct_lead_days": 0, "statement_lead_days": 0, "gap_days": 0,
                         "ties": (), "conducts": (), "statements": (), "precision": "year"}


# Where an entry stands among the accused's hearings: (how many came before it, how many days it came before the
# next one, or after the last); None where the dates are open-ended
Anchor = tuple[int, int]
# One person tied to the accused: (kind, arrested, expelled, the first blow's anchor, the accused wrote a self-report
# about it, how many days after the blow; None where the dates are open-ended)
Tied = tuple[str, bool, bool, Anchor | None, bool, int | None]


@dataclass(frozen=True)
class Story:
    """Who the accused was and what surrounded the charges: drawn together, for one set of ground families."""

    accused: Empirical[tuple[str, ...]]  # ACCUSED_ATTRIBUTES, jointly
    ties: Empirical[tuple[Tied, ...]]  # a case's ties
    blow_lead_days: Empirical[int]  # first hearing's first day minus the blow's first day, for a blow not anchored
    report_delay: Empirical[int]  # days from a blow to the accused's self-report of it, for a report not dated
    # a case's conduct of the accused: (conduct, toward whom, anchor)
    conducts: Empirical[tuple[tuple[str, str, Anchor | None], ...]]
    conduct_lead_days: Empirical[int]  # first hearing's first day minus the conduct's, for conduct not anchored
    # a case's statements about the accused by others: (kind, from the NKVD, to, anchor)
    statements: Empirical[tuple[tuple[str, bool, tuple[str, ...], Anchor | None], ...]]
    statement_lead_days: Empirical[int]  # for a statement not anchored
    accused_arrest: Empirical[int | None]  # how many of the accused's hearings came before the arrest; None: none
    precision: Empirical[str]  # how precisely the case's entries are dated (a case told in detail is dated to the day)


@dataclass(frozen=True)
class Distributions:
    """Every distribution the corpus-like generator draws from (see the module docstring)."""

    cases: int
    stories: dict[tuple[str, ...], Story]  # by `family_key` of every ground charged in the case
    story: Story  # over the whole corpus
    factory: Empirical[str]
    other: Empirical[tuple[str, ...]]  # OTHER_ATTRIBUTES of the people tied to the accused
    charging: Empirical[tuple[tuple[str, tuple[str, ...]], ...]]  # a case's hearings: (body, grounds) in order
    gap_days: Empirical[int]  # from one hearing of the accused to the next
    decision: dict[str, Empirical[str | None]]  # by body; None: the record gives no decision
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
        """The story counted over the cases charged with grounds of these families (at all their hearings), else
        over the whole corpus."""
        return self.stories.get(family_key(grounds)) or self.story


def family_key(grounds: Iterable[str]) -> tuple[str, ...]:
    """The families of the grounds, each once, sorted."""
    return tuple(sorted({ground_family(g) for g in grounds}))


def precision(date: HistDate) -> str:
    span = (date.latest - date.earliest).days + 1
    return "day" if span <= 1 else "month" if span <= 31 else "season" if span <= 122 else "year"


def _bounded(date: HistDate) -> bool:
    return date.earliest != EARLIEST and date.latest != LATEST


def _days(later: HistDate, earlier: HistDate) -> int:
    return (later.earliest - earlier.earliest).days


def _ties(case: Case) -> dict[str, str]:
    """Each person tied to the accused, with what that person is to the accused (as situation.py reads ties)."""
    found: dict[str, str] = {}
    for tie in case.ties:
        if tie.person == case.accused:
            found.setdefault(tie.other, tie.kind)
        elif tie.other == case.accused:
            found.setdefault(tie.person, INVERSE_TIE.get(tie.kind, tie.kind))
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


def _observe_case(case: Case, seen: _Counts, decisions: dict[str, list[str | None]]) -> None:
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
        add["in_record"] += [(e.type, _position(case, e) is not None) for e in entries
                             if not isinstance(e, Hearing) and e.date.latest < first.earliest]
    add["source"] += [(s.chapter, s.section, s.pages) for s in case.sources.values()]
    ties = _ties(case)
    struck_people = set()
    bundle: list[Tied] = []
    for other, kind in sorted(ties.items()):
        add["other"].append(tuple(str(getattr(case.people[other], a)) for a in OTHER_ATTRIBUTES))
        blows = [e for e in entries if isinstance(e, (Arrest, Expulsion)) and e.person == other]
        arrested, expelled = any(isinstance(b, Arrest) for b in blows), any(isinstance(b, Expulsion) for b in blows)
        if not blows:
            bundle.append((kind, False, False, None, False, None))
            continue
        struck_people.add(other)
        first_blow = min(blows, key=lambda b: b.date.sort_key())
        blow = first_blow.date
        if first is not None and _bounded(blow) and _bounded(first):
            add["blow_lead_days"].append(_days(first, blow))
        blow_ids = {b.id for b in blows}
        reports = [e.date for e in entries if isinstance(e, Statement) and _reports(case, e, other, blow_ids)]
        delay = None
        if reports and _bounded(blow) and all(_bounded(r) for r in reports):
            delay = max(0, _days(min(reports, key=HistDate.sort_key), blow))
            add["report_delay"].append(delay)
        bundle.append((kind, arrested, expelled, anchor(case, hearings, first_blow), bool(reports), delay))
    add["ties"].append(tuple(sorted(bundle, key=repr)))
    conducts = [e for e in entries if isinstance(e, ConductEntry) and e.person == case.accused]
    bundle_of_conduct = []
    for c in conducts:
        toward = (f"{STRUCK if c.toward in struck_people else TIED} {closeness(ties[c.toward])}"
                  if c.toward in ties else OTHER)
        bundle_of_conduct.append((c.conduct, toward, anchor(case, hearings, c)))
        if first is not None and _bounded(c.date) and _bounded(first):
            add["conduct_lead_days"].append(_days(first, c.date))
    add["conducts"].append(tuple(sorted(bundle_of_conduct, key=repr)))
    statements = [e for e in entries if isinstance(e, Statement) and case.accused in e.subjects
                  and e.author != case.accused]
    bundle_of_statements = []
    for s in statements:
        bundle_of_statements.append((s.kind, s.from_body == "nkvd", tuple(sorted(s.to)), anchor(case, hearings, s)))
        if first is not None and _bounded(s.date) and _bounded(first):
            add["statement_lead_days"].append(_days(first, s.date))
    add["statements"].append(tuple(sorted(bundle_of_statements, key=repr)))
    add["accused_arrest"].append(_hearings_before_arrest(case, hearings))
    _observe_hearings(case, hearings, seen, decisions)
    if first is not None and _bounded(first) and first.earliest.year >= PERIODS_FROM:
        add["first_hearing"].append((first.earliest, min(first.latest, first.earliest + dt.timedelta(days=365))))


def _position(case: Case, entry: Event) -> int | None:
    """The entry's place in the record (the entry itself, not an equal one), or None for background."""
    return next((i for i, e in enumerate(case.record) if e is entry), None)


def _hearings_before(case: Case, hearings: list[Hearing], entry: Event) -> int:
    """How many of the hearings came before the entry: before it in the record, or for a background entry, those
    certainly over before it began."""
    position = _position(case, entry)
    if position is None:
        return sum(h.date.latest < entry.date.earliest for h in hearings)
    return sum((_position(case, h) or 0) < position for h in hearings)


def anchor(case: Case, hearings: list[Hearing], entry: Event) -> Anchor | None:
    """Where an entry stands among the accused's hearings: how many came before it (`_hearings_before`) and how
    many days before the next it came (after the last, with none after it); None where the dates are open-ended."""
    before = _hearings_before(case, hearings, entry)
    after = hearings[before] if before < len(hearings) else hearings[-1]
    if not (_bounded(entry.date) and _bounded(after.date)):
        return None
    days = _days(after.date, entry.date) if before < len(hearings) else _days(entry.date, after.date)
    return before, max(0, days)


def _hearings_before_arrest(case: Case, hearings: list[Hearing]) -> int | None:
    """How many hearings of the accused came before the accused's first arrest: those before it in the record,
    or for an arrest in the background those that certainly ended before it; None without an arrest."""
    counts = [_hearings_before(case, hearings, e) for e in _entries(case)
              if isinstance(e, Arrest) and e.person == case.accused]
    return min(counts) if counts else None


def _reports(case: Case, entry: Statement, other: str, blow_ids: set[str]) -> bool:
    """A self-report by the accused about the person or the blow (as situation.py reads one; a disclosure, the
    other way a report is read, is among the accused's conduct)."""
    return (entry.author == case.accused and entry.kind == "self_report"
            and (other in entry.subjects or bool(blow_ids & set(entry.concerns))))


def _observe_hearings(case: Case, hearings: list[Hearing], seen: _Counts,
                      decisions: dict[str, list[str | None]]) -> None:
    add = seen.lists
    add["charging"].append(tuple((h.body, tuple(h.grounds)) for h in hearings))
    for i, hearing in enumerate(hearings):
        decisions.setdefault(hearing.body, []).append(hearing.decision)
        if i + 1 < len(hearings):
            after = hearings[i + 1]
            if _bounded(hearing.date) and _bounded(after.date):
                add["gap_days"].append(max(0, _days(after.date, hearing.date)))
            if hearing.decision in EXPELLING:
                start, stop = _position(case, hearing) or 0, _position(case, after) or 0
                add["appeal"].append(any(isinstance(e, Appeal) and e.person == case.accused
                                         for e in case.record[start + 1:stop]))


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
    pooled = _Counts.empty()
    decisions: dict[str, list[str | None]] = {}
    by_family: dict[tuple[str, ...], _Counts] = {}
    for case in with_hearings:
        seen = _Counts.empty()
        _observe_case(case, seen, decisions)
        pooled.update(seen)
        by_family.setdefault(family_key(g for h in case.hearings() for g in h.grounds), _Counts.empty()).update(seen)
    return Distributions(
        cases=len(with_hearings),
        stories={k: _story(v, pooled) for k, v in sorted(by_family.items())},
        story=_story(pooled, pooled),
        decision={k: Empirical.of(v) for k, v in sorted(decisions.items())},
        **{n: _empirical(n, pooled.lists[n], []) for n in ALONE},
    )
