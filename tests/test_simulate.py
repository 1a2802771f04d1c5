"""Simulation: the rules route a case from its opening to a final outcome."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import case_data

from case_procedure.case import Appeal, Case
from case_procedure.corpus import case_files, load_case
from case_procedure.engine import PythonEngine
from case_procedure.errors import RouteLoop
from case_procedure.norms import load_norm_sets
from case_procedure.render import simulation_as_text
from case_procedure.replay import RuleBook
from case_procedure.simulate import MAX_STEPS, simulate

CASES = case_files(ROOT / "cases")
NORM_SETS = sorted(load_norm_sets(ROOT / "rules"))


def _rule(rule_id: str, at: list[str], when: list[dict] | None = None, **outcome: str) -> dict:
    return {"id": rule_id, "statement": "A norm.", "reading": "stated", "at": at, "when": when or [],
            "source": ["s"], **outcome}


def _book(tmp_path: Path, rules: list[dict], since: str = "1930-01-01") -> RuleBook:
    spec = {"id": "toy", "title": "Toy", "summary": "A toy norm set.", "in_force": {"from": since},
            "sources": {"s": {"chapter": 1, "section": "opening", "pages": "1"}}, "cites": ["s"], "rules": rules}
    (tmp_path / "toy.yaml").write_text(yaml.safe_dump(spec))
    return RuleBook(load_norm_sets(tmp_path))


PATHWAY = [
    _rule("open", ["opening"], route="shop_organization"),
    _rule("shop-up", ["shop_organization"], route="party_committee"),
    _rule("expel", ["shop_organization", "party_committee", "district_committee"], decide="expulsion"),
    _rule("ratify", ["party_committee"], [{"fact": "outcome", "expelling": True}], route="district_committee"),
    _rule("appeal", ["district_committee"], [{"fact": "outcome", "appeals": True}], route="city_committee"),
    _rule("close", ["district_committee"], [{"fact": "outcome", "appeals": False}], route="end"),
    _rule("reinstate", ["city_committee"], [{"fact": "hearing", "appeal_pending": True}], decide="reinstatement"),
    _rule("city-end", ["city_committee"], route="end"),
]


def test_the_rules_route_a_case_from_the_shop_up_to_an_appeal(tmp_path: Path) -> None:
    case = load_case(FIXTURES / "example.yaml")
    appealed = case.model_copy(update={"record": [*case.record, _appeal(case)]})
    sim = simulate(appealed, "toy", _book(tmp_path, PATHWAY), PythonEngine())
    assert [(s.body, s.decision, s.on_appeal) for s in sim.steps] == [
        ("shop_organization", "expulsion", False), ("party_committee", "expulsion", False),
        ("district_committee", "expulsion", False), ("city_committee", "reinstatement", True)]
    assert (sim.opening_rule.id, sim.final, sim.ended) == ("open", "reinstatement", "end")


def _appeal(case: Case) -> Appeal:
    last = case.record[-1]
    return Appeal.model_validate({"id": "appeal-x", "type": "appeal", "date": "1939", "summary": "appeals",
                                  "person": case.accused, "to": ["city_committee"], "source": last.source})


def test_without_an_appeal_the_district_committee_closes_the_case(tmp_path: Path) -> None:
    sim = simulate(load_case(FIXTURES / "example.yaml"), "toy", _book(tmp_path, PATHWAY), PythonEngine())
    assert [s.body for s in sim.steps] == ["shop_organization", "party_committee", "district_committee"]
    assert sim.steps[-1].route == "end" and sim.steps[-1].route_rule.id == "close"


def test_without_an_opening_route_the_case_opens_where_the_record_does(tmp_path: Path) -> None:
    case = load_case(FIXTURES / "example.yaml")
    sim = simulate(case, "toy", _book(tmp_path, PATHWAY[1:]), PythonEngine())
    assert sim.opening_rule is None and sim.steps[0].body == case.hearings()[0].body


def test_a_case_stops_where_no_route_rule_applies(tmp_path: Path) -> None:
    sim = simulate(load_case(FIXTURES / "example.yaml"), "toy", _book(tmp_path, PATHWAY[:3]), PythonEngine())
    assert sim.ended == "no-route" and sim.steps[-1].body == "party_committee" and sim.steps[-1].route is None


def test_a_circle_of_route_rules_is_an_error_naming_them(tmp_path: Path) -> None:
    rules = [_rule("open", ["opening"], route="shop_organization"),
             _rule("up", ["shop_organization"], route="party_committee"),
             _rule("down", ["party_committee"], route="shop_organization")]
    with pytest.raises(RouteLoop, match="toy.yaml.*route rules involved: up, down"):
        simulate(load_case(FIXTURES / "example.yaml"), "toy", _book(tmp_path, rules), PythonEngine())


def test_a_path_longer_than_the_limit_is_an_error(tmp_path: Path) -> None:
    # each step adds a decision, so the standing never repeats; the step limit stops it
    rules = [_rule("open", ["opening"], route="shop_organization"),
             _rule("warn", ["shop_organization", "party_committee"], decide="warning"),
             _rule("up", ["shop_organization"], route="party_committee"),
             _rule("down", ["party_committee"], [{"fact": "prior_decision", "latest": True}],
                   route="shop_organization")]
    with pytest.raises(RouteLoop):
        simulate(load_case(FIXTURES / "example.yaml"), "toy", _book(tmp_path, rules), PythonEngine())
    assert MAX_STEPS >= 6


@pytest.mark.parametrize("norm_set", NORM_SETS)
@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_every_case_simulates_under_every_norm_set(book, engine, path: Path, norm_set: str) -> None:
    case = load_case(path)
    sim = simulate(case, norm_set, book, engine)
    assert len(sim.steps) <= MAX_STEPS
    for step, following in zip(sim.steps, sim.steps[1:], strict=False):
        assert step.route == following.body  # each step goes where its route rule sent it
    if sim.steps:
        assert sim.final == next((s.decision for s in reversed(sim.steps) if s.decision), None)
        assert (sim.ended == "end") == (sim.steps[-1].route == "end")
    assert sim == simulate(case, norm_set, book, PythonEngine())  # the two engines agree


@settings(max_examples=60)
@given(case_data(), st.sampled_from(NORM_SETS))
def test_generated_cases_simulate_to_an_end_without_a_loop(book, engine, data: dict, norm_set: str) -> None:
    case = Case.model_validate(data)
    sim = simulate(case, norm_set, book, engine)
    assert (sim.ended == "no-hearing") == (not case.hearings())
    for step, following in zip(sim.steps, sim.steps[1:], strict=False):
        assert step.route == following.body
    assert sim.to_json() == simulate(case, norm_set, book, engine).to_json()


def test_powers_refuse_a_rule_beyond_them_and_flag_a_recorded_decision_beyond_them(tmp_path: Path) -> None:
    from case_procedure.errors import InputError
    from case_procedure.replay import replay

    power = {"id": "p", "body": "shop_organization", "may": ["reprimand"], "statement": "A power.", "source": ["s"]}
    book = _book(tmp_path, PATHWAY[:2])
    spec = yaml.safe_load((tmp_path / "toy.yaml").read_text())
    (tmp_path / "toy.yaml").write_text(yaml.safe_dump({**spec, "powers": [power]}))
    book = RuleBook(load_norm_sets(tmp_path))
    trace = replay(load_case(FIXTURES / "example.yaml"), "toy", book, PythonEngine())
    assert [s.beyond_powers for s in trace.steps] == [["expulsion"], []]  # the toy gives the committee no powers
    (tmp_path / "toy.yaml").write_text(yaml.safe_dump({**spec, "powers": [power], "rules": PATHWAY}))
    with pytest.raises(InputError, match="'expel' prescribes expulsion at the shop organization, beyond"):
        load_norm_sets(tmp_path)


def test_auto_outside_every_norm_set_says_so(tmp_path: Path) -> None:
    case = load_case(FIXTURES / "example.yaml")
    book = _book(tmp_path, PATHWAY, since="1940-01-01")  # in force only after the case's hearings
    opened = case.hearings()[0]
    assert book.in_force(opened)[0] is None
    sim = simulate(case, "auto", book, PythonEngine())
    assert (sim.ended, sim.steps, sim.start) == ("no-norm-set", [], opened.id)
    assert "No norm set was in force" in " ".join(simulation_as_text(sim).split())


def test_a_case_the_rules_end_at_its_opening_has_no_step(tmp_path: Path) -> None:
    sim = simulate(load_case(FIXTURES / "example.yaml"), "toy",
                   _book(tmp_path, [_rule("close", ["opening"], route="end")]), PythonEngine())
    assert (sim.steps, sim.ended, sim.opening_rule.id) == ([], "end", "close")
    assert "end the case at its opening" in " ".join(simulation_as_text(sim).split())
