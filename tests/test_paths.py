"""The lawful paths: every path is lawful, the record's path is marked exactly when it is among them, and the
outputs say so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import case_data
from typer.testing import CliRunner

from case_procedure import situation as situations
from case_procedure.case import Case
from case_procedure.cli import app
from case_procedure.codebook import severity
from case_procedure.compiler import DECISIONS, ROUTES
from case_procedure.corpus import case_files, load_case, load_cases
from case_procedure.engine import PythonEngine
from case_procedure.norms import END, load_norm_sets
from case_procedure.paths import lawful_paths, start_of
from case_procedure.precedence import resolve
from case_procedure.replay import RuleBook, situation_at
from case_procedure.situation import Decided
from case_procedure.trace import LawfulPaths

CASES = load_cases(case_files(ROOT / "cases"))
NORM_SETS = sorted(load_norm_sets(ROOT / "rules"))
runner = CliRunner()


def assert_lawful(case: Case, norm_set: str, lawful: LawfulPaths, book: RuleBook, engine) -> None:
    """Each step's rules apply to that step's situation, rebuilt here from the step alone; each path goes
    where its route rules send it."""
    normset = book.norm_sets[norm_set]
    hearings = {h.id: h for h in case.hearings()}
    for path in lawful.paths:
        assert path.steps and path.steps[0].body == lawful.start_body
        decided: list[Decided] = []
        for step, following in zip(path.steps, [*path.steps[1:], None], strict=True):
            base = situation_at(case, hearings[str(step.hearing)], normset)
            situation = situations.at_step(base, step.body, decided, step.expelled, step.on_appeal)
            facts = [f.engine_fact() for f in situation.facts]
            chosen = resolve(normset, engine.run(book.compiled(normset, DECISIONS), "t", facts), "t")
            assert (chosen.rule.id if chosen else None) == step.rule
            if chosen is None:
                assert step.decision is None
            else:
                bounds = chosen.range
                assert step.decision in {bounds.typical, bounds.at_least, bounds.at_most} - {None} or (
                    step.decision is None and bounds.typical is None and bounds.is_point)
                assert severity(bounds.at_least) <= severity(step.decision) <= severity(bounds.at_most)
            outcome = situations.outcome_fact(step.decision, step.appeals)
            firings = engine.run(book.compiled(normset, ROUTES), "t", [*facts, outcome.engine_fact()])
            assert all(normset.rule(r).rule.optional for r in step.without)  # only optional routes are declined
            onward = resolve(normset, [f for f in firings if f.rule_id not in step.without], "t")
            assert (onward.rule.id if onward else None) == step.route_rule
            assert step.route == (str(onward.rule.rule.route) if onward else None)
            if following is None:
                assert path.ended == ("end" if step.route == END else "no-route")
            else:
                assert following.body == step.route and following.n == step.n + 1
            if step.decision:
                decided.append(Decided(step.body, step.decision, f"lawful step {step.n}", f"step-{step.n}"))
        assert path.final == next((s.decision for s in reversed(path.steps) if s.decision), None)
    signatures = [tuple((s.body, s.decision, s.route) for s in p.steps) for p in lawful.paths]
    assert len(set(signatures)) == len(signatures)  # deduplicated
    assert len(lawful.paths) <= lawful.bound and lawful.truncated == (lawful.message is not None)


def record_is_among(case: Case, lawful: LawfulPaths, start: str | None = None) -> bool:
    """The record's hearings from the start, matched against the paths independently of paths.py."""
    begin = start_of(case, start)
    record = case.hearings()[begin.hearing:]

    def matches(path) -> bool:
        return len(path.steps) == len(record) and all(
            s.body == h.body and (h.decision is None or s.range is not None and severity(s.range.at_least)
                                  <= severity(h.decision) <= severity(s.range.at_most))
            for s, h in zip(path.steps, record, strict=True))

    return any(matches(p) for p in lawful.paths)


@pytest.mark.parametrize("norm_set", NORM_SETS)
def test_every_corpus_path_is_lawful_and_the_record_is_marked_exactly_when_among_them(book, engine,
                                                                                      norm_set: str) -> None:
    for case in CASES:
        lawful = lawful_paths(case, book.norm_sets[norm_set], book, engine)
        assert (lawful is None) == (not case.hearings())
        if lawful is None:
            continue
        assert lawful.paths
        assert_lawful(case, norm_set, lawful, book, engine)
        among = record_is_among(case, lawful)
        assert (lawful.recorded_path is not None) == among == any(p.recorded for p in lawful.paths)
        assert sum(p.recorded for p in lawful.paths) <= 1 or among
        assert (lawful.departure is None) == among or lawful.truncated
        assert lawful.outcomes == list(dict.fromkeys(p.final for p in lawful.paths))


@settings(max_examples=40)
@given(case_data(), st.sampled_from(NORM_SETS))
def test_generated_cases_have_lawful_paths_only(book, engine, data: dict, norm_set: str) -> None:
    case = Case.model_validate(data)
    lawful = lawful_paths(case, book.norm_sets[norm_set], book, engine)
    assert (lawful is None) == (not case.hearings())
    if lawful is not None:
        assert_lawful(case, norm_set, lawful, book, engine)
        assert (lawful.recorded_path is not None) == record_is_among(case, lawful)


def test_the_optional_meeting_and_the_appeal_branch_under_the_1937_norms(book, engine) -> None:
    case = next(c for c in CASES if c.id == "malyshev")
    lawful = lawful_paths(case, book.norm_sets["norms-1937"], book, engine)
    kinds = {(b.kind, b.rule) for p in lawful.paths for s in p.steps for b in s.branches}
    assert ("route_alternative", "n37.route.after-committee") in kinds
    assert ("appeal", "base.route.appeal-to-city") in kinds
    bodies = {tuple(s.body for s in p.steps) for p in lawful.paths}
    assert ("party_committee", "general_meeting", "district_committee") in bodies
    assert ("party_committee", "district_committee") in bodies  # the meeting left out
    # norms-1938 made the route after the committee required: no such branch there
    later = lawful_paths(case, book.norm_sets["norms-1938"], book, engine)
    assert all(b.rule != "n37.route.after-committee" for p in later.paths for s in p.steps for b in s.branches)


def _toy(tmp_path: Path, rules: list[dict]) -> RuleBook:
    spec = {"id": "toy", "title": "Toy", "summary": "A toy.", "in_force": {"from": "1930-01-01"},
            "sources": {"s": {"chapter": 1, "section": "opening", "pages": "1"}}, "cites": ["s"], "rules": rules}
    (tmp_path / "toy.yaml").write_text(yaml.safe_dump(spec))
    return RuleBook(load_norm_sets(tmp_path))


def _rule(rule_id: str, at: list[str], when: list[dict] | None = None, **outcome) -> dict:
    return {"id": rule_id, "statement": "A norm.", "reading": "stated", "at": at, "when": when or [],
            "source": ["s"], **outcome}


EXAMPLE = load_case(FIXTURES / "example.yaml")  # shop expels, committee confirms


def test_an_end_of_a_range_branches_only_where_it_changes_the_route(tmp_path: Path) -> None:
    rules = [_rule("penalty", ["shop_organization"], decide={"at_least": "reprimand", "at_most": "expulsion",
                                                             "typical": "expulsion"}),
             _rule("up", ["shop_organization"], [{"fact": "outcome", "expelling": True}], route="party_committee"),
             _rule("stop", ["shop_organization"], [{"fact": "outcome", "expelling": False}], route="end"),
             _rule("confirm", ["party_committee"], decide="expulsion"),
             _rule("close", ["party_committee"], route="end")]
    book = _toy(tmp_path, rules)
    lawful = lawful_paths(EXAMPLE, book.norm_sets["toy"], book, PythonEngine())
    assert [[(s.body, s.decision) for s in p.steps] for p in lawful.paths] == [
        [("shop_organization", "expulsion"), ("party_committee", "expulsion")],
        [("shop_organization", "reprimand")]]
    [end] = lawful.paths[1].steps[0].branches
    assert (end.kind, end.rule) == ("range_end", "penalty")
    assert lawful.recorded_path == "p1" and lawful.paths[0].recorded and lawful.departure is None
    # with one route whatever the decision, the mild end changes nothing: one path
    book = _toy(tmp_path, [*rules[:1], _rule("up", ["shop_organization"], route="party_committee"), *rules[3:]])
    assert len(lawful_paths(EXAMPLE, book.norm_sets["toy"], book, PythonEngine()).paths) == 1


def test_the_departure_names_the_step_and_the_rule(tmp_path: Path) -> None:
    rules = [_rule("mild", ["shop_organization"], decide="reprimand"),
             _rule("up", ["shop_organization"], route="party_committee"),
             _rule("confirm", ["party_committee"], decide="expulsion"),
             _rule("close", ["party_committee"], route="end")]
    book = _toy(tmp_path, rules)
    lawful = lawful_paths(EXAMPLE, book.norm_sets["toy"], book, PythonEngine())
    assert lawful.recorded_path is None
    assert (lawful.departure.step, lawful.departure.hearing, lawful.departure.rule) == (1, "shop-hearing", "mild")
    book = _toy(tmp_path, [rules[0].__class__({**rules[0], "decide": "expulsion"}), rules[1],
                           _rule("close", ["party_committee"], route="end")])  # the committee decides nothing
    lawful = lawful_paths(EXAMPLE, book.norm_sets["toy"], book, PythonEngine())
    assert (lawful.departure.step, lawful.departure.hearing, lawful.departure.rule) == (2, "committee-hearing", None)


def test_the_bound_is_said_when_reached(tmp_path: Path, book, engine) -> None:
    case = next(c for c in CASES if c.id == "malyshev")
    lawful = lawful_paths(case, book.norm_sets["norms-1937"], book, engine, bound=2)
    assert len(lawful.paths) == 2 and lawful.truncated and "more than 2 lawful paths" in lawful.message


def test_from_an_appeal_the_paths_start_at_the_body_appealed_to(book, engine) -> None:
    mironov = next(c for c in CASES if c.id == "mironov")
    lawful = lawful_paths(mironov, book.norm_sets["norms-1938"], book, engine, start="appeal")
    first = lawful.paths[0].steps[0]
    assert lawful.start_body == first.body and first.on_appeal and first.expelled
    assert "from appeal appeal" in lawful.start_reason
    with pytest.raises(KeyError, match="no hearing of the accused or appeal with id 'nothing'"):
        lawful_paths(mironov, book.norm_sets["norms-1938"], book, engine, start="nothing")


def test_the_start_follows_the_body_the_first_statement_went_to() -> None:
    begin = start_of(EXAMPLE, None)
    assert (begin.body, begin.hearing) == ("shop_organization", 0) and "late-report" in begin.reason
    sent = EXAMPLE.model_copy(update={"record": [EXAMPLE.record[0].model_copy(update={"to": ["party_committee"]}),
                                                 *EXAMPLE.record[1:]]})
    assert start_of(sent, None).body == "party_committee"


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_simulate_lists_the_lawful_paths_in_every_format() -> None:
    case = str(ROOT / "cases" / "malyshev.yaml")
    data = json.loads(_run("simulate", case, "--rules", "norms-1937", "--format", "json"))
    lawful = data["lawful"]
    assert len(lawful["paths"]) == 4 and lawful["departure"]["rule"] == "n37.concealment-expelled"
    assert {"case", "steps", "final", "ended", "opening_rule"} <= set(data)  # the contract keeps its keys
    text = " ".join(_run("simulate", case, "--rules", "norms-1937").split())
    assert "Lawful paths under norms-1937 (4)" in text and "The record left the lawful paths at step 1" in text
    assert "the lawful outcomes of this case were expulsion or appeal rejected" in text
    markdown = _run("simulate", case, "--rules", "norms-1937", "--format", "markdown")
    assert "## Lawful paths under `norms-1937` (4)" in markdown and "| p4 |" in markdown


def test_the_record_is_marked_in_text_and_drawn_distinctly_in_the_tree(tmp_path: Path) -> None:
    rules = [_rule("expel", ["shop_organization", "party_committee"], decide="expulsion"),
             _rule("up", ["shop_organization"], route="party_committee"),
             _rule("stay", ["party_committee"], route="end"),
             _rule("meeting", ["party_committee"], route="general_meeting", optional=True, overrides=["stay"]),
             _rule("m-expel", ["general_meeting"], decide="expulsion"),
             _rule("m-end", ["general_meeting"], route="end")]
    _toy(tmp_path, rules)
    case = str(FIXTURES / "example.yaml")
    args = ("--rules", "toy", "--rules-dir", str(tmp_path))
    data = json.loads(_run("simulate", case, *args, "--format", "json"))["lawful"]
    assert data["recorded_path"] == "p2" and [p["recorded"] for p in data["paths"]] == [False, True]
    text = " ".join(_run("simulate", case, *args).split())
    assert "* p2:" in text and "-> end [the record]" in text and "follows lawful path p2" in text
    assert text.count("[the record]") == 1
    tree = _run("diagram", case, *args, "--paths")
    arrows = [line for line in tree.splitlines() if '|"' in line]
    recorded = [line for line in arrows if '|"record, ' in line]
    # the record's path: shop, committee, end; solid and labelled; every other arrow dashed and unlabelled as such
    assert len(recorded) == 3 and all(" -->|" in line for line in recorded) and "p2" in recorded[-1]
    assert all(" -.->|" in line for line in arrows if line not in recorded)
    dot = _run("diagram", case, *args, "--paths", "--format", "dot")
    assert "style=solid, penwidth=2" in dot and "style=dashed" in dot


def test_compare_says_the_lawful_outcomes_under_each_norm_set() -> None:
    case = str(ROOT / "cases" / "malyshev.yaml")
    text = " ".join(_run("compare", case, "--rules", "norms-1937", "--rules", "norms-1938").split())
    assert ("Under norms-1937 the lawful outcomes of this case were expulsion or appeal rejected; the record shows "
            "strict reprimand with warning (4 paths; the record left them at step 1") in text
    data = json.loads(_run("compare", case, "--rules", "norms-1937", "--rules", "norms-1938", "--format", "json"))
    assert {n: len(s["lawful"]["paths"]) for n, s in data["simulations"].items()}["norms-1937"] == 4
    markdown = _run("compare", case, "--rules", "norms-1937", "--rules", "norms-1938", "--format", "markdown")
    assert "## Lawful paths" in markdown and markdown.count("the lawful outcomes of this case were") == 2
