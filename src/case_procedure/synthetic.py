"""Generated case files: one generator, driven either by a seeded `random.Random` or by hypothesis.

The building blocks below take a `Chooser`, the few kinds of choice a case needs
(one of, a number, a flag, a subset, a day). `RandomChooser` makes them from a seed,
for benchmarks and what-if sweeps; `tests/strategies.py` makes them from hypothesis
draws, so that property tests and benchmarks exercise the same space of cases and
hypothesis can still shrink a failing one.

Every generated case is valid: references resolve, the record is in date order (each
date's written form spans the day it was drawn from) and it holds at least one
hearing of the accused.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

from case_procedure import codebook, parallel
from case_procedure.case import Case, reference_problems
from case_procedure.distributions import (
    ACCUSED_ATTRIBUTES,
    OTHER,
    OTHER_ATTRIBUTES,
    STRUCK,
    Anchor,
    Distributions,
    Empirical,
    Story,
)
from case_procedure.errors import RuleConflict
from case_procedure.replay import replay
from case_procedure.situation import EXPELLING, closeness
from case_procedure.sources import SECTIONS

T = TypeVar("T")

PEOPLE = ["accused", "relative", "colleague", "official"]
PARTY_BODIES = sorted(codebook.PARTY_BODIES)
SOURCE_KEYS = ["s1", "s2", "s3"]
FIRST_DAY, LAST_DAY = dt.date(1934, 1, 1), dt.date(1939, 12, 31)
RECORD_KINDS = ["hearing", "statement", "arrest", "conduct", "expulsion", "appeal", "reinstatement"]
BACKGROUND_KINDS = ["arrest", "expulsion", "conduct"]
SEASONS = {3: "spring", 4: "spring", 5: "spring", 6: "summer", 7: "summer", 8: "summer", 9: "autumn",
           10: "autumn", 11: "autumn"}


class Chooser(Protocol):
    def choice(self, options: Sequence[T]) -> T: ...

    def integer(self, low: int, high: int) -> int: ...  # low..high inclusive

    def boolean(self) -> bool: ...

    def subset(self, options: Sequence[T], min_size: int, max_size: int) -> list[T]: ...  # distinct, in draw order

    def days(self, min_size: int, max_size: int) -> list[dt.date]: ...  # FIRST_DAY..LAST_DAY, repeats allowed


class RandomChooser:
    """Choices from a `random.Random`; the same seed gives the same choices on every platform."""

    def __init__(self, seed: int | str) -> None:
        self._random = random.Random(seed)

    def choice(self, options: Sequence[T]) -> T:
        return options[self._random.randrange(len(options))]

    def integer(self, low: int, high: int) -> int:
        return self._random.randint(low, high)

    def boolean(self) -> bool:
        return self._random.random() < 0.5

    def subset(self, options: Sequence[T], min_size: int, max_size: int) -> list[T]:
        size = self._random.randint(min_size, min(max_size, len(options)))
        return self._random.sample(list(options), size)

    def days(self, min_size: int, max_size: int) -> list[dt.date]:
        span = (LAST_DAY - FIRST_DAY).days
        return [FIRST_DAY + dt.timedelta(days=self._random.randint(0, span))
                for _ in range(self._random.randint(min_size, max_size))]


def terms(vocabulary: dict[str, codebook.Term]) -> list[str]:
    return sorted(vocabulary)


def source(choose: Chooser) -> dict[str, Any]:
    chapter = choose.choice(["1", "2", "3", "4", "5"])
    section = choose.choice(["opening", *SECTIONS[chapter]])
    first = choose.integer(1, 300)
    pages = choose.choice([str(first), f"{first}-{first + choose.integer(1, 9)}"])
    cited: dict[str, Any] = {"chapter": chapter, "section": section, "pages": pages}
    if choose.boolean():
        cited["archive"] = {"archive": "TsAOPIM", "fond": str(choose.integer(1, 999)), "opis": "1",
                            "delo": str(choose.integer(1, 400)), "folios": f"{choose.integer(1, 99)}"}
    return cited


def date_text(day: dt.date, form: int) -> str:
    """Write a day in one of the accepted forms; every form's span contains the day."""
    forms = [day.isoformat(), day.strftime("%Y-%m"), str(day.year), f"about {day.year}"]
    if day.month in SEASONS:
        forms.append(f"{SEASONS[day.month]} {day.year}")
    forms.append(f"{'early' if day.month <= 4 else 'mid' if day.month <= 8 else 'late'} {day.year}")
    return forms[form % len(forms)]


def source_refs(choose: Chooser) -> list[str]:
    return choose.subset(SOURCE_KEYS, 1, 2)


def person(choose: Chooser) -> dict[str, Any]:
    return {
        "name": choose.choice(["A. Ivanov", "M. Petrova", "the brother", "S. Orlov"]),
        "role": choose.choice(["foreman", "timekeeper", "engineer", "not stated"]),
        "factory": choose.choice(terms(codebook.FACTORIES)),
        "party_status": choose.choice(terms(codebook.PARTY_STATUSES)),
        "origin": choose.choice(terms(codebook.ORIGINS)),
        "nationality": choose.choice(terms(codebook.NATIONALITIES)),
        "sex": choose.choice(terms(codebook.SEXES)),
        "opposition": choose.choice(terms(codebook.OPPOSITIONS)),
        "source": source_refs(choose),
    }


def entry(choose: Chooser, entry_id: str, day: dt.date, earlier: list[str], in_record: bool) -> dict[str, Any]:
    """One entry of the record (any kind) or of the background (arrests, expulsions, conduct)."""
    base = {"id": entry_id, "date": date_text(day, choose.integer(0, 6)), "summary": "What happened.",
            "source": source_refs(choose)}
    kind = choose.choice(RECORD_KINDS if in_record else BACKGROUND_KINDS)
    if kind == "hearing":
        hearing: dict[str, Any] = {"type": "hearing", "body": choose.choice(PARTY_BODIES), "subject": "accused",
                   "grounds": choose.subset(terms(codebook.GROUNDS), 0, 3)}
        if choose.integer(0, 4):
            hearing["decision"] = choose.choice(terms(codebook.DECISIONS))
        if choose.boolean():  # a vote for the decision taken, or for anything when the record gives none
            voted = hearing.get("decision") or choose.choice(terms(codebook.DECISIONS))
            hearing["votes"] = [{"decision": voted, "count": choose.integer(0, 500)}]
        return {**base, **hearing}
    if kind == "statement":
        statement = {"type": "statement", "kind": choose.choice(terms(codebook.STATEMENT_KINDS)),
                     "author": choose.choice(PEOPLE), "subjects": [choose.choice(PEOPLE)],
                     "to": choose.subset(terms(codebook.BODIES), 1, 2)}
        if statement["author"] in statement["subjects"]:
            statement["kind"] = "self_report"  # a statement about its own author is a self-report
        if choose.boolean():
            statement["from_body"] = "nkvd"
        if earlier and choose.boolean():
            statement["concerns"] = [choose.choice(earlier)]
        return {**base, **statement}
    if kind == "conduct":
        return {**base, "type": "conduct", "person": "accused", "conduct": choose.choice(terms(codebook.CONDUCTS)),
                "toward": choose.choice(PEOPLE[1:])}
    if kind in ("arrest", "expulsion"):
        return {**base, "type": kind, "person": choose.choice(PEOPLE if in_record else PEOPLE[1:])}
    if kind == "appeal":
        return {**base, "type": "appeal", "person": "accused", "to": [choose.choice(PARTY_BODIES)]}
    return {**base, "type": "reinstatement", "person": "accused"}


def case_data(choose: Chooser, case_id: str = "generated") -> dict[str, Any]:
    """A valid case file's data: references resolve and the record is in date order."""
    background_days = choose.days(0, 4)
    record_days = sorted(choose.days(1, 6))
    background: list[dict[str, Any]] = []
    for i, day in enumerate(background_days):
        background.append(entry(choose, f"b{i}", day, [b["id"] for b in background], in_record=False))
    record: list[dict[str, Any]] = []
    for i, day in enumerate(record_days):
        earlier = [e["id"] for e in [*background, *record]]
        record.append(entry(choose, f"r{i}", day, earlier, in_record=True))
    if not any(e["type"] == "hearing" for e in record):
        record[-1] = {"id": record[-1]["id"], "type": "hearing", "date": record[-1]["date"], "summary": "A hearing.",
                      "body": "party_committee", "subject": "accused", "decision": "reprimand",
                      "grounds": ["lack_of_vigilance"], "source": ["s1"]}
    ties = [{"person": "accused", "other": other, "kind": choose.choice(terms(codebook.TIE_KINDS)), "source": ["s1"]}
            for other in choose.subset(PEOPLE[1:], 0, 3)]
    return {
        "id": case_id,
        "format": 2,
        "title": "A generated case",
        "accused": "accused",
        "factory": choose.choice(terms(codebook.FACTORIES)),
        "summary": "Generated from a seed.",
        "sources": {key: source(choose) for key in SOURCE_KEYS},
        "people": {name: person(choose) for name in PEOPLE},
        "ties": ties,
        "background": background,
        "record": record,
        "fate": {"summary": "Unknown.", "arrested": choose.choice([True, False, None]),
                 "party_status": choose.choice(terms(codebook.PARTY_STATUSES)), "source": ["s2"]},
    }


# -- Cases like the corpus: drawn from the corpus's own distributions ----------------------------

SAME_DAY = {"day": 0, "month": 1, "year": 2}  # a precision's form in `date_text` (seasons below)


def written(day: dt.date, precise: str) -> str:
    """A day written as precisely as the corpus dates an entry; the written span always holds the day."""
    if precise == "season":
        return f"{SEASONS[day.month]} {day.year}" if day.month in SEASONS else date_text(day, 5)
    return date_text(day, SAME_DAY[precise])


class _Draft:
    """The entries of one generated case, each with its day and its place among the hearings (`slot`: 2k before
    the accused's hearing k, 2k+1 for that hearing, 2k+2 just after it), in the order they were made."""

    def __init__(self, rng: random.Random, dist: Distributions, story: Story, hearing_days: list[dt.date]) -> None:
        self.rng, self.dist, self.story, self.hearing_days = rng, dist, story, hearing_days
        self.entries: list[tuple[dt.date, int, int, dict[str, Any]]] = []

    def add(self, day: dt.date, entry: dict[str, Any], slot: int | None = None) -> str:
        """Add an entry on a day; without a slot, it comes before every hearing held on that day or later."""
        entry_id = f"e{len(self.entries)}"
        slot = 2 * sum(d < day for d in self.hearing_days) if slot is None else slot
        date = written(day, self.story.precision.draw(self.rng))
        self.entries.append((day, slot, len(self.entries), {"id": entry_id, "date": date, "summary": "What happened.",
                                                            **entry, "source": ["s1"]}))
        return entry_id

    def place(self, where: Anchor | None, lead: Empirical[int]) -> tuple[dt.date, int | None]:
        """The day (and slot) of an entry anchored among the hearings as in the corpus; an entry whose anchor the
        corpus's dates leave open is dated by its lead on the first hearing."""
        days = self.hearing_days
        if where is None:
            return days[0] - dt.timedelta(days=lead.draw(self.rng)), None
        before, gap = where
        if before >= len(days):
            return days[-1] + dt.timedelta(days=gap), 2 * len(days)
        day = days[before] - dt.timedelta(days=gap)
        return (max(day, days[before - 1]) if before else day), 2 * before

    def split(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Background and record (in date order): an entry from the first hearing on is in the record, an
        earlier one as often as the corpus puts an entry of its type there."""
        first = self.hearing_days[0]
        placed = [(day, slot, n, e, slot > 0 or day >= first or self.dist.record_share(e["type"]).draw(self.rng))
                  for day, slot, n, e in self.entries]
        return ([e for *_, e, in_record in placed if not in_record],
                [e for *_, e, in_record in sorted(placed, key=lambda p: (p[0], p[1], p[2])) if in_record])


def _first_day(rng: random.Random, dist: Distributions) -> dt.date:
    low, high = dist.first_hearing.draw(rng)
    return low + dt.timedelta(days=rng.randint(0, (high - low).days))


def _person(name: str, attributes: dict[str, str]) -> dict[str, Any]:
    return {"name": name, "role": "not stated", **attributes, "source": ["s1"]}


def corpus_like(dist: Distributions, seed: str, case_id: str = "generated") -> dict[str, Any]:
    """A valid case file's data whose every choice is drawn from the corpus's distributions (see
    `distributions`): the hearings (bodies in order, their grounds, each body's decision, appeals), then, for
    the families of the grounds charged, who the accused was, the ties and their blows, the reports, the
    conduct, the statements and the accused's arrest, each in its place among the hearings; and the dates."""
    rng = random.Random(seed)
    first = _first_day(rng, dist)
    hearings = _hearings(rng, dist, dist.charging.draw(rng), first)
    story = dist.story_for(g for _, _, entry in hearings for g in entry.get("grounds", []))
    draft = _Draft(rng, dist, story, [day for day, _, entry in hearings if entry["type"] == "hearing"])
    people = {"accused": _person("The accused", dict(zip(ACCUSED_ATTRIBUTES, story.accused.draw(rng), strict=True))),
              "colleague": _person("A colleague", {})}
    ties, struck = [], []
    for n, (kind, arrested, expelled, where, reported, delay) in enumerate(story.ties.draw(rng)):
        other = f"tied-{n}"
        people[other] = _person(f"Tied person {n}", dict(zip(OTHER_ATTRIBUTES, dist.other.draw(rng), strict=True)))
        ties.append({"person": "accused", "other": other, "kind": kind, "source": ["s1"]})
        if arrested or expelled:
            struck.append(other)
            _blows(draft, other, draft.place(where, story.blow_lead_days), arrested, expelled,
                   (story.report_delay.draw(rng) if delay is None else delay) if reported else None)
    for conduct, toward, where in story.conducts.draw(rng):
        toward_whom = _toward(toward, struck, ties)
        entry: dict[str, Any] = {"type": "conduct", "person": "accused", "conduct": conduct}
        if toward_whom:
            entry["toward"] = toward_whom[rng.randrange(len(toward_whom))]
        draft.add(*_swap(entry, draft.place(where, story.conduct_lead_days)))
    for kind, nkvd, to, where in story.statements.draw(rng):
        author = {"from_body": "nkvd"} if nkvd else {"author": "colleague"}
        statement = {"type": "statement", "kind": kind, **author, "subjects": ["accused"], "to": list(to)}
        draft.add(*_swap(statement, draft.place(where, story.statement_lead_days)))
    arrest = story.accused_arrest.draw(rng)  # before the hearing of this number, or after the last
    days = draft.hearing_days
    if arrest is not None:
        draft.add(days[min(arrest, len(days) - 1)] + dt.timedelta(days=arrest >= len(days)),
                  {"type": "arrest", "person": "accused"}, 2 * min(arrest, len(days)))
    for day, slot, entry in hearings:
        draft.add(day, entry, slot)
    background, record = draft.split()
    chapter, section, pages = dist.source.draw(rng)
    arrested_at_end, standing = dist.fate.draw(rng)
    return {
        "id": case_id, "format": 2, "title": "A generated case", "accused": "accused",
        "factory": dist.factory.draw(rng), "summary": "Drawn from the corpus's distributions.",
        "sources": {"s1": {"chapter": chapter, "section": section, "pages": pages}},
        "people": people, "ties": ties, "background": background, "record": record,
        "fate": {"summary": "Generated.", "arrested": arrested_at_end, "party_status": standing, "source": ["s1"]},
    }


def _toward(toward: str, struck: list[str], ties: list[dict[str, Any]]) -> list[str]:
    """The tied people the conduct may concern: those of its closeness, struck or not as drawn, else the nearest
    the case has."""
    if toward == OTHER or not ties:
        return []
    state, near = toward.split()
    fits = [t["other"] for t in ties if (t["other"] in struck) == (state == STRUCK) and closeness(t["kind"]) == near]
    return fits or [t["other"] for t in ties if (t["other"] in struck) == (state == STRUCK)] or [t["other"]
                                                                                                for t in ties]


def _swap(entry: dict[str, Any], placed: tuple[dt.date, int | None]) -> tuple[dt.date, dict[str, Any], int | None]:
    return placed[0], entry, placed[1]


def _blows(draft: _Draft, other: str, placed: tuple[dt.date, int | None], arrested: bool, expelled: bool,
           reported_after: int | None) -> None:
    """The arrest and/or expulsion of a tied person, and the accused's self-report of it so many days after."""
    day, slot = placed
    blow = draft.add(day, {"type": "arrest" if arrested else "expulsion", "person": other}, slot)
    if arrested and expelled:
        draft.add(day, {"type": "expulsion", "person": other}, slot)
    if reported_after is not None:
        draft.add(day + dt.timedelta(days=reported_after), {"type": "statement", "kind": "self_report",
                                                            "author": "accused", "subjects": [other],
                                                            "concerns": [blow], "to": ["party_committee"]})


def _hearings(rng: random.Random, dist: Distributions, charging: tuple[tuple[str, tuple[str, ...]], ...],
              first: dt.date) -> list[tuple[dt.date, int, dict[str, Any]]]:
    """The hearings of the accused, body after body with their grounds, each body's decision drawn, and an appeal
    after an expulsion where one is drawn; each with its day and slot (see `_Draft`)."""
    planned: list[tuple[dt.date, int, dict[str, Any]]] = []
    day = first
    for i, (body, grounds) in enumerate(charging):
        decision = dist.decision[body].draw(rng)
        hearing: dict[str, Any] = {"type": "hearing", "body": body, "subject": "accused", "grounds": list(grounds)}
        if decision is not None:
            hearing["decision"] = decision
        planned.append((day, 2 * i + 1, hearing))
        if i + 1 == len(charging):
            break
        after = day + dt.timedelta(days=dist.gap_days.draw(rng))
        if decision in EXPELLING and dist.appeal.draw(rng):
            planned.append((day + (after - day) / 2, 2 * i + 2, {"type": "appeal", "person": "accused",
                                                                 "to": [charging[i + 1][0]]}))
        day = after
    return planned


def case_seed(seed: int, index: int) -> str:
    """Each case has a seed of its own, so that any slice of a sweep can be generated apart from the rest."""
    return f"{seed}:{index}"


def generate_data(seed: int, start: int, stop: int, like: Distributions | None = None) -> Iterator[dict[str, Any]]:
    """The data of cases start..stop-1 of the sweep with this seed: drawn from the distributions `like` (see
    `corpus_like`), or with None from the whole space of valid cases that the property tests explore."""
    for index in range(start, stop):
        if like is None:
            yield case_data(RandomChooser(case_seed(seed, index)), f"synthetic-{index}")
        else:
            yield corpus_like(like, case_seed(seed, index), f"synthetic-{index}")


def generate(seed: int, start: int, stop: int, cross_check: bool = True,
             like: Distributions | None = None) -> Iterator[Case]:
    """Validated `Case` objects for cases start..stop-1 of the sweep with this seed (`like` as for
    `generate_data`).

    `cross_check=False` skips the reference checks (a tenth of a sweep's time), which the property tests
    already run on the same generator.
    """
    for data in generate_data(seed, start, stop, like):
        case = Case.model_validate(data)
        problems = reference_problems(case) if cross_check else []
        if problems:  # a bug in the generator, never in a user's input
            raise AssertionError(f"generated case {case.id} is invalid: {problems}")
        yield case


# -- Sweeps: many generated cases replayed under several norm sets -------------------------------

CONFLICT = "conflict"  # the replay stopped on a rule conflict


Task = tuple[int, int, int, tuple[str, ...], Path, Distributions | None]


def sweep_chunk(task: Task) -> dict[str, dict[str, int]]:
    """Agreement counts of cases start..stop-1 replayed under each norm set; runs in a worker with --jobs."""
    seed, start, stop, norm_sets, rules_dir, like = task
    book, engine = parallel.workspace(rules_dir)
    counts: dict[str, Counter[str]] = {n: Counter() for n in norm_sets}
    # one case at a time: memory stays flat whatever the count
    for case in generate(seed, start, stop, cross_check=False, like=like):
        for norm_set in norm_sets:
            try:
                counts[norm_set].update(step.agreement for step in replay(case, norm_set, book, engine).steps)
            except RuleConflict:
                counts[norm_set][CONFLICT] += 1
    return {n: dict(sorted(c.items())) for n, c in counts.items()}


def sweep(seed: int, count: int, norm_sets: Sequence[str], rules_dir: Path, jobs: int = 1,
          chunk: int = 250, like: Distributions | None = None) -> dict[str, dict[str, int]]:
    """Replay `count` generated cases under each norm set: agreement counts per norm set (by hearing). `like`:
    the distributions to draw the cases from (`corpus_distributions`), or None for the property tests' space.

    The counts do not depend on `jobs` or `chunk`: every case has its own seed.
    """
    tasks: list[Task] = [(seed, start, min(start + chunk, count), tuple(norm_sets), rules_dir, like)
                         for start in range(0, count, chunk)]
    totals: dict[str, Counter[str]] = {n: Counter() for n in norm_sets}
    for part in parallel.run(sweep_chunk, tasks, jobs):
        for norm_set, counts in part.items():
            totals[norm_set].update(counts)
    return {n: dict(sorted(c.items())) for n, c in totals.items()}
