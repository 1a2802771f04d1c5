"""Outcomes as ranges, caps and composed grounds (`precedence.py`): agreement with the record, the acceptance
situations on a case, the combination mechanism, and properties over generated norm sets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from case_procedure.codebook import GROUNDS
from case_procedure.compiler import compile_norm_set
from case_procedure.corpus import load_case
from case_procedure.engine import PythonEngine
from case_procedure.errors import RuleConflict
from case_procedure.examples import Example, example_facts
from case_procedure.norms import InForce, NormSet, Range, ResolvedRule, Rule, load_norm_sets
from case_procedure.precedence import Resolution, resolve
from case_procedure.replay import replay
from case_procedure.trace import DecisionRange, range_agreement

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LADDER = ["file_notation", "reprimand", "strict_reprimand", "removal_from_party_post",
          "removal_from_job_recommended", "expulsion"]  # penalties in order of severity
BODY = "party_committee"


# -- Agreement with a range ----------------------------------------------------------------------

LATE = DecisionRange(at_least="reprimand", at_most="expulsion", typical="expulsion")
RELIEF = DecisionRange(at_least="reprimand", at_most="removal_from_job_recommended", typical=None)


@pytest.mark.parametrize(("prescribed", "recorded", "expected"), [
    (LATE, "expulsion", ("agree", "exact")),
    (LATE, "reprimand", ("agree", "within")),
    (LATE, "removal_from_party_post", ("agree", "within")),
    (LATE, "file_notation", ("harsher", None)),  # below the floor: the norm asks for more
    (RELIEF, "expulsion", ("milder", None)),  # above the ceiling
    (RELIEF, "reprimand", ("agree", "within")),  # a range without a typical decision is never exact
    (DecisionRange(at_least="reprimand", at_most="reprimand", typical="reprimand"), "reprimand", ("agree", "exact")),
    (None, "reprimand", ("no-rule", None)),
    (LATE, None, ("unrecorded", None)),
])
def test_agreement_with_a_range(prescribed: DecisionRange | None, recorded: str | None, expected: tuple) -> None:
    assert range_agreement(prescribed, recorded) == expected


def _example(tmp_path: Path, decision: str) -> Any:
    """The fixture case, its shop organization deciding `decision` for the late report."""
    text = (FIXTURES / "example.yaml").read_text(encoding="utf-8")
    old = "    decision: expulsion\n    grounds: [failure_to_report]\n"
    assert old in text
    path = tmp_path / "example.yaml"
    path.write_text(text.replace(old, f"    decision: {decision}\n    grounds: [failure_to_report]\n"),
                    encoding="utf-8")
    return load_case(path)


def test_a_reprimand_recorded_for_a_late_report_agrees_with_the_1937_norms(tmp_path, book, engine) -> None:
    # N37-3: a late report drew a reprimand (with removal from posts) up to expulsion; provision n37-3
    step = replay(_example(tmp_path, "reprimand"), "norms-1937", book, engine).steps[0]
    assert step.prescribed is not None and step.prescribed.rule.id == "n37.late-report"
    assert (step.agreement, step.agreement_kind) == ("agree", "within")
    assert step.prescribed.range == LATE and step.prescribed.decision == "expulsion"


def test_contrast_an_expulsion_for_a_late_report_is_the_typical_outcome_of_1937(tmp_path, book, engine) -> None:
    step = replay(_example(tmp_path, "expulsion"), "norms-1937", book, engine).steps[0]
    assert (step.agreement, step.agreement_kind) == ("agree", "exact")


def test_under_the_1938_norms_a_late_report_has_only_a_range(tmp_path, book, engine) -> None:
    trace = replay(_example(tmp_path, "reprimand"), "norms-1938", book, engine)
    step = trace.steps[0]
    assert step.prescribed is not None and step.prescribed.decision is None and step.prescribed.range == RELIEF
    assert (step.agreement, step.agreement_kind) == ("agree", "within")
    assert step.prescribed.per_charge[0].caps == ["n38.late-report-not-expelled"]
    assert trace.outcome.agreement_kinds == {"within": 1}


def test_a_range_reads_as_words() -> None:
    assert LATE.words() == "reprimand to expulsion (typically expulsion)"
    assert RELIEF.words(["removal_from_party_post"]) == \
        "reprimand to removal from job recommended + removal from party post"


# -- Generated norm sets: ground rules, caps, standing rules, combinations -------------------------------

def _rule(spec: dict[str, Any]) -> ResolvedRule:
    base = {"statement": "A generated rule.", "reading": "inferred", "at": [BODY], "source": ["s"]}
    return ResolvedRule(Rule.model_validate({**base, **spec}), (), Path("generated.yaml"))


def _norm_set(rules: list[ResolvedRule]) -> NormSet:
    return NormSet(id="generated", title="Generated", summary="Generated.", kind="norms",
                   in_force=InForce.model_validate({"from": dt.date(1934, 1, 1)}), sources=(),
                   rules=tuple(sorted(rules, key=lambda r: r.id)), file=Path("generated.yaml"), extends=None)


def _facts(grounds: list[str], arrested: bool = False) -> list[dict[str, Any]]:
    facts: list[dict[str, Any]] = [{"id": "hearing", "kind": "hearing", "body": BODY},
                                   {"id": "accused", "kind": "accused", "arrested": arrested}]
    return facts + [{"id": f"charge-{n}", "kind": "charge", "ground": g, "family": GROUNDS[g].group}
                    for n, g in enumerate(grounds, start=1)]


def _resolve(normset: NormSet, grounds: list[str]) -> Resolution | None:
    firings = PythonEngine().run(compile_norm_set(normset), "ranges", _facts(grounds))
    return resolve(normset, firings, "in a generated situation")


TIE = {"id": "g.tie", "when": [{"fact": "charge", "ground": "tie_to_enemy"}],
       "decide": {"at_least": "reprimand", "at_most": "expulsion", "typical": "expulsion"}}
LIE = {"id": "g.lie", "when": [{"fact": "charge", "ground": "insincerity"}], "decide": "strict_reprimand"}
BOTH = {"id": "g.lie-about-a-tie", "combination": True, "decide": "expulsion",
        "when": [{"fact": "charge", "ground": "insincerity"}, {"fact": "charge", "family": "association"}]}
CAP = {"id": "g.relief", "when": [{"fact": "charge", "family": "association"}],
       "cap": {"at_most": "reprimand", "typical": "reprimand"}}


def test_a_combination_rule_met_by_two_charges_prescribes_the_graver_outcome() -> None:
    normset = _norm_set([_rule(TIE | {"decide": "reprimand"}), _rule(LIE), _rule(BOTH)])
    found = _resolve(normset, ["insincerity", "tie_to_enemy"])
    assert found is not None and (found.rule.id, found.combination, found.decision) == (
        "g.lie-about-a-tie", "g.lie-about-a-tie", "expulsion")
    assert found.verdicts["g.lie"].verdict == "outweighed"


def test_contrast_without_a_second_charge_the_combination_does_not_apply() -> None:
    normset = _norm_set([_rule(TIE | {"decide": "reprimand"}), _rule(LIE), _rule(BOTH)])
    found = _resolve(normset, ["insincerity"])
    assert found is not None and (found.rule.id, found.combination) == ("g.lie", None)


def test_a_combination_no_graver_than_the_gravest_ground_does_not_decide() -> None:
    normset = _norm_set([_rule(TIE | {"decide": "expulsion"}), _rule(LIE), _rule(BOTH | {"decide": "reprimand"})])
    found = _resolve(normset, ["insincerity", "tie_to_enemy"])
    assert found is not None and (found.rule.id, found.combination) == ("g.tie", None)
    assert found.verdicts["g.lie-about-a-tie"].verdict == "outweighed"


def test_a_cap_bounds_the_range_of_its_charge_and_names_what_was_given_instead() -> None:
    found = _resolve(_norm_set([_rule(TIE), _rule(CAP)]), ["tie_to_enemy"])
    assert found is not None and found.rule.id == "g.relief"
    assert found.range == Range(at_least="reprimand", at_most="reprimand", typical="reprimand")
    assert found.verdicts["g.tie"].verdict == "capped"


def test_a_cap_alone_prescribes_nothing() -> None:
    assert _resolve(_norm_set([_rule(CAP)]), ["tie_to_enemy"]) is None


def test_two_rules_over_one_charge_with_different_ranges_conflict_naming_the_charge() -> None:
    normset = _norm_set([_rule(TIE), _rule(TIE | {"id": "g.tie-2", "decide": "reprimand"})])
    with pytest.raises(RuleConflict, match="'g.tie' .* and 'g.tie-2' .* apply to charge 'charge-1'"):
        _resolve(normset, ["tie_to_enemy"])


PENALTY_GROUNDS = ["tie_to_enemy", "insincerity", "lack_of_vigilance", "wrecking", "silence"]


@st.composite
def ground_rules(draw: st.DrawFn) -> NormSet:
    """Rules over one charge each (no combination), caps, and standing rules that test no charge; precedence
    only towards earlier rules."""
    rules = []
    for i in range(draw(st.integers(1, 5))):
        earlier = [r.id for r in rules]
        kind = draw(st.sampled_from(["ground", "ground", "cap", "standing"]))
        when: list[dict[str, Any]]
        if kind == "standing":
            when = [{"fact": "accused", "arrested": draw(st.booleans())}]
        else:
            test = draw(st.sampled_from(["ground", "family"]))
            value = (draw(st.sampled_from(PENALTY_GROUNDS)) if test == "ground"
                     else draw(st.sampled_from(sorted({GROUNDS[g].group for g in PENALTY_GROUNDS}))))
            when = [{"fact": "charge", test: value}]
        low, high = sorted(draw(st.lists(st.sampled_from(LADDER), min_size=2, max_size=2)), key=LADDER.index)
        outcome: dict[str, Any] = ({"cap": {"at_most": high}} if kind == "cap" else
                                   {"decide": draw(st.sampled_from([low, {"at_least": low, "at_most": high,
                                                                          "typical": high}]))})
        overrides = draw(st.lists(st.sampled_from(earlier), unique=True)) if earlier else []
        if kind == "cap":
            overrides = [r for r in overrides if next(x for x in rules if x.id == r).rule.charge_patterns == ()]
        rules.append(_rule({"id": f"g.r{i}", "when": when, **outcome, "overrides": overrides}))
    return _norm_set(rules)


def _gravity(found: Resolution | None) -> tuple[int, int, int]:
    return found.range.key() if found is not None and found.range is not None else (-1, -1, -1)


@settings(max_examples=150, deadline=None)
@given(ground_rules(), st.lists(st.sampled_from(PENALTY_GROUNDS), min_size=2, max_size=4, unique=True))
def test_adding_a_ground_never_prescribes_more_than_the_gravest_single_ground(normset: NormSet,
                                                                                grounds: list[str]) -> None:
    try:
        together = _resolve(normset, grounds)
        alone = [_resolve(normset, [g]) for g in grounds]
    except RuleConflict:
        assume(False)
        return
    assert _gravity(together) <= max(_gravity(a) for a in alone)


@settings(max_examples=100, deadline=None)
@given(ground_rules(), st.lists(st.sampled_from(PENALTY_GROUNDS), min_size=1, max_size=4, unique=True))
def test_caps_alone_never_prescribe(normset: NormSet, grounds: list[str]) -> None:
    caps = [r for r in normset.rules if r.rule.is_cap]
    assert _resolve(_norm_set(caps), grounds) is None if caps else True


# -- The same property over the bundled norm sets --------------------------------------------------------------

def _bundled(book, normset: NormSet, body: str, grounds: list[str], arrested: bool) -> Resolution | None:
    example = Example.model_validate({"name": "generated", "body": body, "expect": {"decision": "none"}, "facts": [
        *({"fact": "charge", "ground": g} for g in grounds), {"fact": "accused", "arrested": arrested}]})
    facts = [f.engine_fact() for f in example_facts(example)]
    return resolve(normset, PythonEngine().run(book.compiled(normset), "ranges", facts), "in a generated situation")


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(load_norm_sets(Path(__file__).resolve().parent.parent / "rules"))),
       st.sampled_from(["shop_organization", "party_committee", "general_meeting"]),
       st.lists(st.sampled_from(sorted(GROUNDS)), min_size=2, max_size=4, unique=True), st.booleans())
def test_in_the_bundled_norm_sets_adding_a_ground_never_prescribes_more(book, name: str, body: str,
                                                                         grounds: list[str], arrested: bool) -> None:
    # no bundled norm set has a combination rule, so the gravest single ground bounds every mixture
    normset = book.norm_sets[name]
    assert not any(r.rule.combination for r in normset.rules)
    together = _bundled(book, normset, body, grounds, arrested)
    assert _gravity(together) <= max(_gravity(_bundled(book, normset, body, [g], arrested)) for g in grounds)
