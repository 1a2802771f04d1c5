"""Every period covered: the norm sets of kind `norms` run without a gap from the 1935 review to 1939, and
`--rules auto` finds a norm set for every hearing of the corpus."""

from __future__ import annotations

import datetime as dt

from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st

from case_procedure.case import Hearing
from case_procedure.corpus import case_files, load_cases
from case_procedure.norms import load_norm_sets
from case_procedure.replay import RuleBook

FIRST, LAST = dt.date(1935, 5, 1), dt.date(1939, 12, 31)
BOOK = RuleBook(load_norm_sets(ROOT / "rules"))
PERIODS = sorted((n for n in BOOK.norm_sets.values() if n.kind == "norms"), key=lambda n: n.in_force.from_)


def _in_force_on(day: dt.date) -> list[str]:
    return [n.id for n in PERIODS if n.in_force.days_within(day, day)]


def _hearing(day: dt.date) -> Hearing:
    return Hearing.model_validate({"id": "h", "type": "hearing", "date": day.isoformat(), "summary": "x",
                                   "body": "party_committee", "subject": "a", "source": ["s"]})


def test_every_day_from_the_review_to_1939_has_exactly_one_norm_set() -> None:
    days = [FIRST + dt.timedelta(days=n) for n in range((LAST - FIRST).days + 1)]
    uncovered = [d for d in days if not _in_force_on(d)]
    doubled = [(d, _in_force_on(d)) for d in days if len(_in_force_on(d)) > 1]
    assert not uncovered, f"no norm set in force on {uncovered[0]} .. {uncovered[-1]} ({len(uncovered)} days)"
    assert not doubled, f"two norm sets in force on {doubled[0]}"


def test_each_period_begins_the_day_after_the_one_before_ends() -> None:
    for before, after in zip(PERIODS[:-1], PERIODS[1:], strict=True):
        assert before.in_force.until is not None, f"{before.id} has no end but {after.id} follows it"
        assert after.in_force.from_ - before.in_force.until == dt.timedelta(days=1), (before.id, after.id)


def test_the_july_1936_letter_opens_the_transition_set() -> None:
    assert _in_force_on(dt.date(1936, 7, 28)) == ["review-1935"]
    assert _in_force_on(dt.date(1936, 7, 29)) == ["transition-1936"]
    assert _in_force_on(dt.date(1937, 2, 21)) == ["transition-1936"]
    assert _in_force_on(dt.date(1937, 2, 22)) == ["norms-1937"]


@given(st.dates(min_value=FIRST, max_value=LAST))
def test_auto_finds_the_one_norm_set_in_force_on_any_day(day: dt.date) -> None:
    chosen, uncertain = BOOK.in_force(_hearing(day))
    assert chosen is not None and [chosen.id] == _in_force_on(day) and uncertain is False


def test_no_hearing_of_the_corpus_falls_outside_every_norm_set() -> None:
    """Every hearing from the 1935 review on has a norm set. The book also records decisions of the 1920s (an
    expulsion in 1927, before the norm sets the engine encodes begin); they are reported apart, not judged."""
    first = min(n.in_force.from_ for n in BOOK.norm_sets.values() if n.kind == "norms")
    hearings = [(case.id, h) for case in load_cases(case_files(ROOT / "cases")) for h in case.hearings()]
    outside = [(cid, h.id, str(h.date)) for cid, h in hearings
               if BOOK.in_force(h)[0] is None and h.date.latest >= first]
    before = [(cid, h.id) for cid, h in hearings if h.date.latest < first]
    assert outside == []
    assert all(BOOK.in_force(h)[0] is None for cid, h in hearings if (cid, h.id) in before)
