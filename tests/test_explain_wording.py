"""The faults a new user found in the explanations, each checked over the whole corpus (issue 18)."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, explained

from case_procedure import corpus
from case_procedure.case import Case, Statement
from case_procedure.engine import DurableEngine
from case_procedure.explain import diverges, event_sentence, marked, statement_sentence
from case_procedure.norms import load_norm_sets
from case_procedure.replay import AUTO, RuleBook, replay
from case_procedure.sources import Archive, Source

CASES = corpus.load_cases(corpus.case_files(ROOT / "cases"))
BOOK = RuleBook(load_norm_sets(ROOT / "rules"))
ENGINE = DurableEngine()
EXPLAINED = {(c.id, f): explained(c, AUTO, BOOK, ENGINE, f) for c in CASES for f in ("text", "markdown")}


def _statements(case: Case) -> list[Statement]:
    return [e for e in (*case.background, *case.record) if isinstance(e, Statement)]


@pytest.mark.parametrize("key", sorted(EXPLAINED), ids=lambda k: f"{k[0]}-{k[1]}")
def test_no_date_runs_into_the_sentence_after_it(key: tuple[str, str]) -> None:
    assert not re.search(r"\d[A-Z]", EXPLAINED[key]), key


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_a_statement_names_its_author_once_and_is_told_as_it_was_made(case: Case) -> None:
    for entry in _statements(case):
        sentence = statement_sentence(case, entry)
        if entry.author:
            name = case.people[entry.author].name
            # never "X wrote ... about X" (a relative named after the author, "X's cousin", is another person)
            again = rf"{re.escape(name)}\b.*\b(?:about|of|on|for) {re.escape(name)}\b(?!')"
            assert name.lower() in sentence.lower() and not re.search(again, sentence, re.I), sentence
        if entry.oral:
            assert "wrote" not in sentence and "oral" in sentence, sentence
        if entry.from_body == "factory_newspaper" and not entry.author:
            assert sentence.startswith("The factory newspaper printed an article"), sentence


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_inferred_and_contested_entries_say_so_and_stated_ones_do_not(case: Case) -> None:
    for entry in (*case.background, *case.record):
        told = marked(entry, event_sentence(case, entry))
        assert ("our inference" in told) == (entry.certainty == "inferred"), told
        assert ("readings disagree" in told) == (entry.certainty == "contested"), told


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_the_narrative_tells_the_background(case: Case) -> None:
    text = " ".join(EXPLAINED[case.id, "text"].split())
    for entry in case.background:
        assert " ".join(entry.summary.split())[:60] in text, entry.id


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_a_date_span_beyond_the_norm_set_is_said_in_explain_as_in_replay(case: Case) -> None:
    steps = replay(case, AUTO, BOOK, ENGINE).steps
    spanning = [s for s in steps if s.norm_set and s.norm_set_uncertain]
    for key in ((case.id, "text"), (case.id, "markdown")):
        text = " ".join(EXPLAINED[key].replace("*", "").split())
        assert text.count("part of this span falls outside") == len(spanning), key


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_where_they_diverge_lists_only_hearings_where_something_was_prescribed_or_recorded(case: Case) -> None:
    text = EXPLAINED[case.id, "text"]
    section = text.split("Where the norms and the record diverge", 1)[1].split("\n\n")[0]
    for n, step in enumerate(replay(case, AUTO, BOOK, ENGINE).steps, start=1):
        listed = f"Hearing {n} (" in section
        assert listed == diverges(step)
        if listed:
            assert step.prescribed is not None or step.recorded is not None


def test_one_page_and_one_folio_are_singular() -> None:
    archive = Archive(archive="TsAOPIM", fond="429", opis="1", delo="223", folios="46")
    one = Source(chapter="4", section="opening", pages="116", archive=archive)
    assert one.cite() == "ch.4, opening, p. 116; TsAOPIM, f. 429, op. 1, d. 223, l. 46"
    many = Source(chapter="4", section="opening", pages="116-118",
                  archive=archive.model_copy(update={"folios": "40-42, 86"}))
    assert many.cite() == "ch.4, opening, pp. 116-118; TsAOPIM, f. 429, op. 1, d. 223, ll. 40-42, 86"


@pytest.mark.parametrize("key", sorted(EXPLAINED), ids=lambda k: f"{k[0]}-{k[1]}")
def test_no_citation_puts_one_page_or_folio_in_the_plural(key: tuple[str, str]) -> None:
    assert not re.search(r"\b(pp|ll)\. \w+(?![\w,-])(?!\s*[-,]\s*\w)", EXPLAINED[key]), key
