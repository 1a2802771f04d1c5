"""Judgments: what the norm sets say of the record's dismissals, arrests and appeals (judgments.py), with
contrast cases built from the example fixture, corpus-wide invariants, and durable-rules held against the Python
oracle on generated entries."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import FIXTURES, ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from case_procedure import judgments
from case_procedure.case import Appeal, Case, Event, Person, Tie
from case_procedure.compiler import JUDGMENTS, compile_pattern
from case_procedure.corpus import case_files, load_case, load_cases
from case_procedure.engine import DurableEngine, PythonEngine, holds
from case_procedure.norms import load_norm_sets
from case_procedure.render import as_markdown, as_text
from case_procedure.replay import AUTO, RuleBook, replay
from case_procedure.situation import CATALOGUE, JUDGED
from case_procedure.trace import Trace

EXAMPLE = load_case(FIXTURES / "example.yaml")  # brother arrested 1937-09-01; expelled 1937-09 and 1937-10
BOOK = RuleBook(load_norm_sets(ROOT / "rules"))
ENGINE = PythonEngine()
EVENTS: TypeAdapter[Event] = TypeAdapter(Event)


def _entry(fields: dict[str, Any]) -> Event:
    return EVENTS.validate_python({"source": ["tainted"], "summary": "x", **fields})


def _with(case: Case, *entries: dict[str, Any], people: dict[str, Any] | None = None,
          ties: list[dict[str, Any]] | None = None) -> Case:
    update: dict[str, Any] = {"record": [*case.record, *(_entry(e) for e in entries)]}
    if people:
        update["people"] = {**case.people, **{k: Person.model_validate({"role": "x", "source": ["tainted"], **v})
                                              for k, v in people.items()}}
    if ties:
        update["ties"] = [*case.ties, *(Tie.model_validate({"source": ["tainted"], **t}) for t in ties)]
    return case.model_copy(update=update)


def _dismissal(date: str, **more: Any) -> dict[str, Any]:
    return {"id": "fired", "type": "dismissal", "date": date, "person": "petrov", "post": "foreman", **more}


def _verdicts(trace: Trace) -> dict[str, list[tuple[str, str]]]:
    return {j.entry: [(v.rule.id, v.verdict) for v in j.judgments] for j in trace.judgments}


# -- Dismissals -------------------------------------------------------------------------------

def test_a_dismissal_after_the_expulsion_is_forbidden_by_the_1938_norms_with_rehiring_required() -> None:
    case = _with(EXAMPLE, _dismissal("1938-03-01"))
    trace = replay(case, "norms-1938", BOOK, ENGINE)
    assert _verdicts(trace) == {"fired": [("n38.no-dismissal-for-expulsion", "forbidden")]}
    [judged] = trace.judgments
    assert judged.judgments[0].remedy == "the former member rehired within 1 month"
    assert judged.outside_period == "no" and judged.period_note() is None
    text = as_text(trace)
    assert "forbidden by norms-1938" in text and "rehired within 1 month" in text
    assert "n38.no-dismissal-for-expulsion" in as_markdown(trace)
    # the same dismissal under the 1937 norms breaks no norm of theirs
    assert replay(case, "norms-1937", BOOK, ENGINE).judgments == []
    # under auto it is judged by the norm set in force at its date
    assert _verdicts(replay(case, AUTO, BOOK, ENGINE)) == _verdicts(trace)


def test_a_dismissal_the_record_grounds_on_misconduct_is_not_judged_one_for_the_expulsion() -> None:
    case = _with(EXAMPLE, _dismissal("1938-03-01", grounds=["misconduct"]))
    assert replay(case, "norms-1938", BOOK, ENGINE).judgments == []


def test_a_dismissal_judged_counterfactually_says_so() -> None:
    case = _with(EXAMPLE, _dismissal("1937-11-01"))
    [judged] = replay(case, "norms-1938", BOOK, ENGINE).judgments
    assert judged.outside_period == "wholly"
    assert "counterfactual" in str(judged.period_note()) and "counterfactual" in judged.words()


def test_firing_a_member_for_a_brothers_arrest_is_forbidden_but_not_after_the_members_own_arrest() -> None:
    before_expulsion = EXAMPLE.model_copy(update={"record": EXAMPLE.record[:1]})  # the late report only
    fired = _with(before_expulsion, _dismissal("1938-03-01"))
    assert _verdicts(replay(fired, "norms-1938", BOOK, ENGINE)) == {
        "fired": [("n38.no-dismissal-for-kinship", "forbidden")]}
    assert _verdicts(replay(fired, "rules-1939", BOOK, ENGINE)) == {
        "fired": [("n38.no-dismissal-for-kinship", "forbidden"), ("r39.no-firing-for-a-tie", "forbidden")]}
    arrested = _with(before_expulsion, {"id": "arrest", "type": "arrest", "date": "1938-02-01", "person": "petrov"},
                     _dismissal("1938-03-01"))
    verdicts = _verdicts(replay(arrested, "norms-1938", BOOK, ENGINE))
    assert "fired" not in verdicts  # arrested: outside the resolution's remedies
    assert verdicts["arrest"] == [("n37.arrest-before-any-hearing", "permitted")]


# -- Arrests and appeals ------------------------------------------------------------------------

def test_an_arrest_after_the_hearings_is_not_judged_an_arrest_before_any() -> None:
    case = _with(EXAMPLE, {"id": "arrest", "type": "arrest", "date": "1937-11-01", "person": "petrov"})
    assert replay(case, "norms-1937", BOOK, ENGINE).judgments == []


def test_a_wifes_appeal_for_her_arrested_husband_finds_no_remedy_in_1938() -> None:
    wife = {"wife": {"name": "his wife", "party_status": "non_party", "sex": "female"}}
    case = _with(EXAMPLE, {"id": "arrest", "type": "arrest", "date": "1937-11-01", "person": "petrov"},
                 {"id": "wife-appeal", "type": "appeal", "date": "1938-02-01", "person": "wife",
                  "on_behalf_of": "petrov", "to": ["city_committee"]},
                 people=wife, ties=[{"person": "petrov", "other": "wife", "kind": "spouse"}])
    trace = replay(case, "norms-1938", BOOK, ENGINE)
    assert _verdicts(trace)["wife-appeal"] == [("n38.arrested-no-remedy", "no_remedy")]
    appeal = case.record[-1]
    assert isinstance(appeal, Appeal)
    entry = judgments.entry_facts(case, appeal)[0]
    assert entry.attributes["by_relative"] is True and entry.attributes["by_accused"] is False
    # the same appeal before the arrest is an appeal of a member the resolution still covers
    free = _with(EXAMPLE, {"id": "wife-appeal", "type": "appeal", "date": "1938-02-01", "person": "wife",
                           "on_behalf_of": "petrov", "to": ["city_committee"]},
                 people=wife, ties=[{"person": "petrov", "other": "wife", "kind": "spouse"}])
    assert "wife-appeal" not in _verdicts(replay(free, "norms-1938", BOOK, ENGINE))


def test_an_appeal_left_unanswered_for_months_was_left_waiting_against_the_1938_norms() -> None:
    later = {"id": "later", "type": "hearing", "date": "1938-10", "body": "party_committee",
             "subject": "petrov-brother", "summary": "x"}
    appeal = {"id": "appeal", "type": "appeal", "date": "1938-02-10", "person": "petrov",
              "to": ["district_committee"]}
    trace = replay(_with(EXAMPLE, appeal, later), "norms-1938", BOOK, ENGINE)
    assert _verdicts(trace) == {"appeal": [("n38.appeal-left-waiting", "forbidden")]}
    assert trace.deadlines[0].missed == "certainly"  # the deadline check agrees
    answered = {"id": "answer", "type": "reinstatement", "date": "1938-03-01", "person": "petrov"}
    assert replay(_with(EXAMPLE, appeal, answered, later), "norms-1938", BOOK, ENGINE).judgments == []


# -- Slander read from the facts ----------------------------------------------------------------

def _slander_case(cleared: bool) -> Case:
    people = {"target": {"name": "a comrade", "party_status": "member"}}
    entries: list[dict[str, Any]] = [
        {"id": "accusation", "type": "statement", "kind": "denunciation", "date": "1938-01-25", "author": "petrov",
         "subjects": ["target"], "alleges": ["tie_to_enemy"]},
        {"id": "target-expelled", "type": "hearing", "date": "1938-02-01", "body": "party_committee",
         "subject": "target", "decision": "expulsion"}]
    if cleared:
        entries.append({"id": "target-back", "type": "reinstatement", "date": "1938-03-01", "person": "target"})
    entries.append({"id": "slander-hearing", "type": "hearing", "date": "1938-04-01", "body": "party_committee",
                    "subject": "petrov", "grounds": ["slander"], "decision": "expulsion"})
    start = EXAMPLE.model_copy(update={"record": EXAMPLE.record[:1]})
    return _with(start, *entries, people=people)


def test_a_member_whose_accusation_was_disproved_is_expelled_as_a_slanderer_in_1938() -> None:
    step = replay(_slander_case(cleared=True), "norms-1938", BOOK, ENGINE).steps[-1]
    assert step.prescribed is not None and step.prescribed.rule.id == "n38.slanderer-expelled"
    assert step.prescribed.decision == "expulsion"
    [check] = step.charges
    assert check.ground == "slander" and check.status == "supported" and check.counted
    # contrast: the comrade was never cleared, so the record does not support the charge
    contrast = replay(_slander_case(cleared=False), "norms-1938", BOOK, ENGINE).steps[-1]
    assert contrast.prescribed is None and contrast.charges[0].status == "unknown"


# -- Corpus-wide invariants ---------------------------------------------------------------------

CORPUS = load_cases(case_files(ROOT / "cases"))


@pytest.mark.parametrize("norm_set", [*sorted(BOOK.norm_sets), AUTO])
def test_every_judgment_of_the_corpus_applies_to_the_facts_of_its_entry(norm_set: str) -> None:
    for case in CORPUS:
        entries = {e.id: e for e in judgments.judged_entries(case)}
        for judged in replay(case, norm_set, BOOK, ENGINE).judgments:
            entry = entries[judged.entry]  # only the accused's own dismissals and arrests, appeals by or for
            facts = [f.engine_fact() for f in judgments.entry_facts(case, entry)]
            normset = BOOK.norm_sets[judged.norm_set]
            by_id = {j.id: j for j in normset.judgments}
            assert judged.judgments, "an entry no judgment applies to is left out"
            for verdict in judged.judgments:
                judgment = by_id[verdict.rule.id].judgment
                assert entry.type in judgment.entries and verdict.verdict == judgment.verdict
                for pattern in judgment.when:
                    assert any(_pattern_holds({"kind": pattern.fact, **pattern.tests()}, f) for f in facts), \
                        (case.id, judgment.id, pattern)


def _pattern_holds(tests: dict[str, Any], fact: dict[str, Any]) -> bool:
    kind = tests.pop("kind")
    return holds(compile_pattern(kind, tests), fact)


# -- durable-rules against the oracle -------------------------------------------------------------

def _values(name: str, kind: str) -> st.SearchStrategy[Any]:
    attribute = CATALOGUE[kind][name]
    if attribute.kind is bool:
        return st.booleans()
    if attribute.kind is int:
        return st.integers(0, 400)
    return st.sampled_from(attribute.values or ("",))


entry_facts = st.fixed_dictionaries({name: _values(name, "entry") for name in CATALOGUE["entry"] if name != "type"})
accused_facts = st.fixed_dictionaries({name: _values(name, "accused") for name in CATALOGUE["accused"]})


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(n for n in BOOK.norm_sets if BOOK.norm_sets[n].judgments)), st.sampled_from(JUDGED),
       entry_facts, accused_facts)
def test_durable_rules_and_the_oracle_judge_every_entry_alike(norm_set: str, kind: str, entry: dict[str, Any],
                                                              accused: dict[str, Any]) -> None:
    normset = BOOK.norm_sets[norm_set]
    facts = [{"id": "entry", "kind": "entry", "type": kind, **entry}, {"id": "accused", "kind": "accused", **accused}]
    compiled = BOOK.compiled(normset, JUDGMENTS)
    durable = judgments.resolve(normset, DURABLE.run(compiled, "j", facts), "here")
    oracle = judgments.resolve(normset, ENGINE.run(compiled, "j", facts), "here")
    assert [(j.id, f.matched) for j, f in durable.applying] == [(j.id, f.matched) for j, f in oracle.applying]
    assert durable.overridden == oracle.overridden
    assert len({j.judgment.verdict for j, _ in durable.applying}) <= 1  # resolve raises on a conflict


DURABLE = DurableEngine()
