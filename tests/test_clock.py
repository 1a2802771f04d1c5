"""The clock: durations from the record's dates (both ends of a span), `clock` facts rules can test, and the
deadlines the trace holds against the record."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, ROOT
from hypothesis import given
from hypothesis import strategies as st

from case_procedure.case import Appeal, Case, Hearing, Reinstatement
from case_procedure.clock import clocks_at, deadline_checks, elapsed, shift
from case_procedure.corpus import load_case
from case_procedure.dates import HistDate
from case_procedure.engine import PythonEngine
from case_procedure.errors import InputError
from case_procedure.norms import load_norm_sets
from case_procedure.replay import RuleBook, replay, situation_at

EXAMPLE = load_case(FIXTURES / "example.yaml")  # brother arrested 1937-09-01, reported 1937-09-08, expelled 1937-09
BOOK = RuleBook(load_norm_sets(ROOT / "rules"))

days = st.dates(dt.date(1934, 1, 1), dt.date(1939, 12, 31))


def _span(low: dt.date, length: int) -> HistDate:
    return HistDate(f"{low.isoformat()}/{(low + dt.timedelta(days=length)).isoformat()}")


@given(days, st.integers(0, 120), st.integers(0, 400), st.integers(0, 120), st.data())
def test_elapsed_bounds_every_reading_of_both_dates(start: dt.date, start_len: int, gap: int, end_len: int,
                                                   data: st.DataObject) -> None:
    first = _span(start, start_len)
    second = _span(start + dt.timedelta(days=gap), end_len)
    low, high = elapsed(first, second)
    a = data.draw(st.dates(first.earliest, first.latest))
    b = data.draw(st.dates(max(a, second.earliest), max(a, second.latest)))
    if b <= second.latest:
        assert low <= (b - a).days <= high
    # both ends are readings the dates allow
    assert high == (second.latest - first.earliest).days
    assert low == max(0, (second.earliest - first.latest).days)


@given(days, st.integers(0, 30), st.integers(0, 36))
def test_shift_moves_by_calendar_months_then_days(day: dt.date, plus_days: int, months: int) -> None:
    moved = shift(day, 0, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day == day.day or (moved.day < day.day and (moved + dt.timedelta(days=1)).day == 1)
    assert shift(day, plus_days, months) == moved + dt.timedelta(days=plus_days)


def _clocks(case: Case, hearing: str) -> dict[str, tuple[int, int, str]]:
    found = clocks_at(case, next(h for h in case.hearings() if h.id == hearing))
    return {c.since: (c.min_days, c.max_days, c.entry.id) for c in found}


def test_the_clocks_at_the_example_hearings_run_from_the_records_dates() -> None:
    # the shop hearing (1937-09): the report of 1937-09-08 may come on the same day; the arrest of 1937-09-01 too
    assert _clocks(EXAMPLE, "shop-hearing") == {"statement": (0, 22, "late-report"),
                                                "relative_arrest": (0, 29, "brother-arrested")}
    # the committee (1937-10) also finds the shop's expulsion standing: from 1937-09 to 1937-10, 1 to 60 days
    assert _clocks(EXAMPLE, "committee-hearing") == {"statement": (23, 53, "late-report"),
                                                     "relative_arrest": (30, 60, "brother-arrested"),
                                                     "expulsion": (1, 60, "shop-hearing")}


def test_clock_facts_reach_the_rules_with_their_reasons() -> None:
    hearing = next(h for h in EXAMPLE.hearings() if h.id == "committee-hearing")
    facts = {f.id: f for f in situation_at(EXAMPLE, hearing, BOOK.norm_sets["norms-1937"]).facts}
    clock = facts["clock-expulsion"]
    assert clock.kind == "clock" and clock.attributes == {"since": "expulsion", "min_days": 1, "max_days": 60}
    assert clock.derived_from == ("shop-hearing",) and "at least 1, at most 60 days" in clock.because["min_days"][0]


def _with(case: Case, *entries: dict) -> Case:
    source = case.record[-1].source
    extra = [{"source": source, "summary": "x", **e} for e in entries]
    parsed = [Appeal.model_validate(e) if e["type"] == "appeal" else Reinstatement.model_validate(e)
              if e["type"] == "reinstatement" else Hearing.model_validate(e) for e in extra]
    return case.model_copy(update={"record": [*case.record, *parsed]})


def _appeal(date: str) -> dict:
    return {"id": "appeal", "type": "appeal", "date": date, "person": "petrov", "to": ["district_committee"]}


def _reinstated(date: str) -> dict:
    return {"id": "reinstated", "type": "reinstatement", "date": date, "person": "petrov"}


@pytest.mark.parametrize(("appeal", "answer", "missed", "wait"), [
    ("1938-02-01", "1938-09-15", "certainly", (226, 226)),  # seven months and a half
    ("1938-02-01", "1938-04-15", "no", (73, 73)),
    ("1938-02-01", "1938-05-01", "no", (89, 89)),  # three calendar months to the day
    ("1938-02-01", "1938-05-02", "certainly", (90, 90)),
    ("1938-02", "1938-05", "possibly", (62, 119)),  # the spans allow both readings
])
def test_an_appeal_is_held_against_the_three_months_of_1938(appeal: str, answer: str, missed: str,
                                                             wait: tuple[int, int]) -> None:
    case = _with(EXAMPLE, _appeal(appeal), _reinstated(answer))
    trace = replay(case, "norms-1938", BOOK, PythonEngine())
    [check] = trace.deadlines
    assert (check.deadline, check.missed, (check.min_days, check.max_days)) == \
        ("n38.appeal-within-three-months", missed, wait)
    assert check.answer == "reinstated" and check.outside_period == "no"
    assert replay(case, "norms-1937", BOOK, PythonEngine()).deadlines == []  # the 1937 norms set no limit


def test_an_appeal_left_unanswered_waits_until_the_records_last_entry() -> None:
    later = {"id": "later", "type": "hearing", "date": "1938-10", "body": "party_committee",
             "subject": "someone-else", "summary": "x"}
    case = _with(EXAMPLE, _appeal("1938-02-10"), later)
    [check] = replay(case, "rules-1939", BOOK, PythonEngine()).deadlines  # inherited through extends
    assert (check.answer, check.until, check.missed) == (None, "later", "certainly")
    assert "had no answer" in check.words() and "missed" in check.words()
    assert replay(_with(EXAMPLE, _appeal("1938-02-10")), "norms-1938", BOOK, PythonEngine()).deadlines == []


def test_with_auto_the_norm_set_in_force_at_the_appeal_sets_the_limit() -> None:
    lodged_1937 = _with(EXAMPLE, _appeal("1937-11-01"), _reinstated("1938-06-01"))
    assert replay(lodged_1937, "auto", BOOK, PythonEngine()).deadlines == []
    checks = deadline_checks(lodged_1937, BOOK.judging("norms-1938"))
    assert [(c.missed, c.outside_period) for c in checks] == [("certainly", "wholly")]
    assert "norms-1938 was not in force then" in checks[0].words()


def test_a_rule_can_test_the_clock(tmp_path: Path) -> None:
    spec = {"id": "toy", "title": "Toy", "summary": "A toy.", "in_force": {"from": "1930-01-01"},
            "sources": {"s": {"chapter": 1, "section": "opening", "pages": "1"}}, "cites": ["s"],
            "rules": [{"id": "late", "statement": "A norm.", "reading": "stated", "at": ["district_committee"],
                       "when": [{"fact": "clock", "since": "appeal", "min_days": {"at_least": 92}}],
                       "decide": "appeal_unanswered", "source": ["s"]}]}
    (tmp_path / "toy.yaml").write_text(yaml.safe_dump(spec))
    book = RuleBook(load_norm_sets(tmp_path))

    def decided(heard: str) -> str | None:
        hearing = {"id": "district", "type": "hearing", "date": heard, "body": "district_committee",
                   "subject": "petrov", "summary": "x"}
        step = replay(_with(EXAMPLE, _appeal("1938-02-01"), hearing), "toy", book, PythonEngine()).steps[-1]
        return step.prescribed.decision if step.prescribed else None

    assert decided("1938-09-01") == "appeal_unanswered"
    assert decided("1938-03-01") is None  # the same appeal heard within the month: the rule does not apply
    assert decided("1938") is None  # a date that may fall a day after the appeal: not certainly late


TOY = """id: toy
title: Toy
summary: A toy.
in_force: {from: 1930-01-01}
sources: {s: {chapter: 1, section: opening, pages: "1"}}
cites: [s]
deadlines:
  - {id: d, statement: A limit., since: appeal, within: {}, source: [s]}
  - {id: e, statement: A limit., since: appeal, within: {days: 1}, source: [t]}
"""


def test_a_deadline_without_a_limit_or_source_is_refused_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "toy.yaml").write_text(TOY)
    with pytest.raises(InputError) as caught:
        load_norm_sets(tmp_path)
    messages = sorted(str(p) for p in caught.value.problems)
    path = tmp_path / "toy.yaml"
    assert messages == [f"{path}:8: deadlines[0].within: a deadline gives months or days, at least one",
                        f"{path}:9: deadlines[1].source[0]: no source 't' in `sources`"]
    (tmp_path / "toy.yaml").write_text(TOY.replace("since: appeal, within: {}", "since: arrest, within: {days: 2}"))
    with pytest.raises(InputError) as caught:
        load_norm_sets(tmp_path)
    assert any(":8: deadlines[0].since" in str(p) for p in caught.value.problems)
