"""The clock: how long things had waited at a hearing, and the deadlines the norms set, from the record's dates.

The record's dates are often spans ("1938-02", "1938-02/1938-12", "summer 1937"). The time from one dated
entry to a later one is then a span of days too: at least the days from the first entry's latest possible
day to the second's earliest (never below 0: the two may fall on the same day), at most the days from the
first's earliest to the second's latest. Both ends are kept. A rule tests either end (`min_days`: what
certainly elapsed; `max_days`: what possibly did); a deadline is missed certainly when even the shortest
possible wait passes it, possibly when only the longest does.

At a hearing the clock runs from: the first statement about the accused, the accused's appeal still pending
(lodged after the accused's last hearing), the accused's standing expulsion, and the first arrest of a
relative and of an associate the body could know of. Each becomes one `clock` fact, so that a rule tests one
fact (`{fact: clock, since: appeal, min_days: {at_least: 92}}`).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, replace
from typing import Callable

from case_procedure.case import Appeal, Arrest, Case, Event, Expulsion, Hearing, Reinstatement, Statement
from case_procedure.dates import HistDate
from case_procedure.norms import NormSet
from case_procedure.situation import CLOCKS, EXPELLING, UNSETTLING, Fact, Situation, Value, closeness
from case_procedure.trace import CitedSource, DeadlineCheck, Missed, OutsidePeriod

__all__ = ["CLOCKS", "Elapsed", "Wait", "clocks_at", "deadline_checks", "elapsed", "shift", "waits", "with_clock"]


def elapsed(start: HistDate, end: HistDate) -> tuple[int, int]:
    """The fewest and the most days that can lie between two dated entries, the first before the second."""
    return max(0, (end.earliest - start.latest).days), max(0, (end.latest - start.earliest).days)


def shift(day: dt.date, days: int = 0, months: int = 0) -> dt.date:
    """A day moved on by days and calendar months (the 31st of a month three months on from November 30 is
    the last day of February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1])) + dt.timedelta(days=days)


@dataclass(frozen=True)
class Elapsed:
    """One clock at a hearing: what it runs from, and how many days had passed."""

    since: str  # one of CLOCKS
    entry: Event  # the entry it runs from
    min_days: int
    max_days: int

    def fact(self, hearing: Hearing) -> Fact:
        span = str(self.min_days) if self.min_days == self.max_days else f"{self.min_days} to {self.max_days}"
        what = self.since.replace("_", " ")
        because = (f"from {self.entry.type} {self.entry.id} ({self.entry.date}) to the hearing ({hearing.date}): "
                   f"at least {self.min_days}, at most {self.max_days} days",)
        attributes: dict[str, Value] = {"since": self.since, "min_days": self.min_days, "max_days": self.max_days}
        return Fact(f"clock-{self.since}", "clock", attributes, f"{span} days since the {what} ({self.entry.date})",
                    (self.entry.id,), {"min_days": because, "max_days": because})


def _is_accused_hearing(case: Case, entry: Event) -> bool:
    return isinstance(entry, Hearing) and entry.subject == case.accused


def _decision_of(case: Case, entry: Event) -> str | None:
    """What a hearing of the accused decided; None for any other entry, or a hearing that decided nothing."""
    return entry.decision if isinstance(entry, Hearing) and entry.subject == case.accused else None


def _first_statement(case: Case, known: list[Event]) -> Event | None:
    statements = [e for e in known if isinstance(e, Statement) and case.accused in e.subjects and e.kind != "appeal"]
    return min(statements, key=lambda e: e.date.sort_key(), default=None)


def _pending_appeal(case: Case, before: list[Event]) -> Event | None:
    """The accused's latest appeal lodged after the accused's last hearing, if any."""
    pending = None
    for entry in before:
        if _is_accused_hearing(case, entry):
            pending = None
        elif isinstance(entry, Appeal) and entry.appellant_for == case.accused:
            pending = entry
    return pending


def standing_expulsion(case: Case, before: list[Event]) -> Event | None:
    """The entry that expelled the accused, if the expulsion still stands: no reinstatement or milder decision
    since (a deferral or referral leaves it standing)."""
    since: Event | None = None
    for entry in before:
        decision = _decision_of(case, entry)
        if decision:
            if decision in EXPELLING:
                since = since or entry
            elif decision not in UNSETTLING:
                since = None
        elif isinstance(entry, Expulsion) and entry.person == case.accused:
            since = since or entry
        elif isinstance(entry, Reinstatement) and entry.person == case.accused:
            since = None
    return since


def _first_arrests(case: Case, known: list[Event]) -> dict[str, Event]:
    """The first arrest of a relative and of an associate of the accused, by kind of tie."""
    kinds = {t.other if t.person == case.accused else t.person: t.kind for t in case.ties
             if case.accused in (t.person, t.other)}
    first: dict[str, Event] = {}
    for entry in sorted((e for e in known if isinstance(e, Arrest) and e.person in kinds),
                        key=lambda e: e.date.sort_key()):
        since = "associate_arrest" if closeness(kinds[entry.person]) == "associate" else "relative_arrest"
        first.setdefault(since, entry)
    return first


def clocks_at(case: Case, hearing: Hearing) -> list[Elapsed]:
    """Every clock running at a hearing of the accused, from what the body could know of."""
    position = next(i for i, e in enumerate(case.record) if e.id == hearing.id)
    before = case.record[:position]
    known = [*(e for e in case.background if e.date.may_precede(hearing.date)), *before]
    starts: dict[str, Event | None] = {
        "statement": _first_statement(case, known),
        "appeal": _pending_appeal(case, before),
        "expulsion": standing_expulsion(case, before),
        **_first_arrests(case, known),
    }
    return [Elapsed(since, entry, *elapsed(entry.date, hearing.date))
            for since in CLOCKS if (entry := starts.get(since)) is not None]


def with_clock(situation: Situation, case: Case) -> Situation:
    """The situation with a `clock` fact for every clock running at its hearing."""
    clocks = [c.fact(situation.hearing) for c in clocks_at(case, situation.hearing)]
    return replace(situation, facts=(*situation.facts, *clocks))


# -- Deadlines ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Wait:
    """How long an entry waited for its answer: the answering entry, or the last entry of the record when
    none answered it."""

    since: str
    entry: Event
    answer: Event | None  # None: the record shows no answer; the wait runs to `until`
    until: Event


def _answers(case: Case, since: str, later: Event) -> bool:
    if since == "appeal":
        return _is_accused_hearing(case, later) or isinstance(later, Reinstatement) and later.person == case.accused
    if since == "expulsion":
        return isinstance(later, Reinstatement) and later.person == case.accused or (
            _decision_of(case, later) not in (*EXPELLING, *UNSETTLING, None))
    if since == "statement":
        return _is_accused_hearing(case, later)
    return False


def _starts(case: Case, since: str) -> list[Event]:
    """The entries of the record a clock of this kind runs from."""
    if since == "appeal":
        return [e for e in case.record if isinstance(e, Appeal) and e.appellant_for == case.accused]
    if since == "expulsion":
        return [e for e in case.record if _decision_of(case, e) in EXPELLING]
    if since == "statement":
        first = _first_statement(case, list(case.record))
        return [first] if first else []
    return []


def waits(case: Case, since: str) -> list[Wait]:
    """Each entry of the record a clock of this kind runs from, with what answered it (appeals: a hearing of
    the accused or a reinstatement; an expulsion: a reinstatement; the first statement: the first hearing).
    An entry nothing later answers waits until the record's last entry; one that is itself last has no wait
    the record can measure and is left out."""
    found = []
    for entry in _starts(case, since):
        after = case.record[case.record.index(entry) + 1:]
        answer = next((e for e in after if _answers(case, since, e)), None)
        until = answer or (after[-1] if after else None)
        if until is not None:
            found.append(Wait(since, entry, answer, until))
    return found


def missed(wait: Wait, days: int, months: int) -> Missed:
    """Whether the wait passed the limit: certainly (even its shortest reading), possibly, or not."""
    start, end = wait.entry.date, wait.until.date
    if end.earliest > shift(start.latest, days, months):
        return "certainly"
    if end.latest > shift(start.earliest, days, months):
        return "possibly"
    return "no"



def deadline_checks(case: Case, judged_by: Callable[[HistDate], tuple[NormSet | None, OutsidePeriod]],
                    ) -> list[DeadlineCheck]:
    """Every deadline of the norm set that judges each wait (`judged_by` the date the wait runs from), held
    against the waits of the record."""
    checks = []
    for since in ("appeal", "expulsion", "statement"):
        for wait in waits(case, since):
            normset, outside = judged_by(wait.entry.date)
            if normset is None:
                continue
            for resolved in normset.deadlines:
                deadline = resolved.deadline
                if deadline.since != since:
                    continue
                low, high = elapsed(wait.entry.date, wait.until.date)
                checks.append(DeadlineCheck(
                    deadline=deadline.id, norm_set=normset.id, statement=deadline.statement,
                    source=[CitedSource.of(s) for s in resolved.sources], since=since, entry=wait.entry.id,
                    entry_date=str(wait.entry.date), answer=wait.answer.id if wait.answer else None,
                    until=wait.until.id, until_date=str(wait.until.date), min_days=low, max_days=high,
                    within=deadline.within.words(),
                    missed=missed(wait, deadline.within.days, deadline.within.months),
                    outside_period=outside))
    return checks
