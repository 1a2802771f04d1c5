"""Replay: agreement, precedence, conflicts, determinism, and properties over generated cases."""


import pytest
from conftest import FIXTURES, ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import case_data

from case_procedure import codebook
from case_procedure.case import Case
from case_procedure.compiler import Firing
from case_procedure.corpus import load_case
from case_procedure.engine import PythonEngine
from case_procedure.errors import RuleConflict
from case_procedure.norms import Range
from case_procedure.replay import AUTO, replay, resolve
from case_procedure.trace import AGREEMENTS, DecisionRange, agreement

NORM_SETS = sorted(path.stem for path in (ROOT / "rules").glob("*.yaml"))


@pytest.mark.parametrize(
    ("prescribed", "recorded", "expected"),
    [("expulsion", "expulsion", "agree"), ("expulsion", "reprimand", "harsher"),
     ("file_notation", "reprimand", "milder"), (None, "reprimand", "no-rule"), ("reprimand", None, "unrecorded"),
     (None, None, "no-rule"), ("appeal_rejected", "expulsion", "agree"), ("reinstatement", "expulsion", "milder")],
)
def test_agreement(prescribed: str | None, recorded: str | None, expected: str) -> None:
    assert agreement(prescribed, recorded) == expected


def test_example_under_both_norm_sets(book, engine) -> None:
    case = load_case(FIXTURES / "example.yaml")
    strict = replay(case, "norms-1937", book, engine)
    # N37-3: a late report draws a reprimand up to expulsion, typically expulsion; beside a tie, the tie's
    # expulsion is the gravest ground
    assert [(s.prescribed.rule.id, s.agreement, s.agreement_kind) for s in strict.steps] == [
        ("n37.late-report", "agree", "exact"), ("n37.ties-to-enemies-expelled", "agree", "exact")]
    lenient = replay(case, "norms-1938", book, engine)
    first = lenient.steps[0].prescribed
    assert (first.rule.id, first.decision, lenient.steps[0].agreement) == (
        "n38.late-report-not-expelled", None, "milder")
    assert first.range == DecisionRange(at_least="reprimand", at_most="removal_from_job_recommended", typical=None)
    # the 1937 range of the late report, capped: concealment-expelled no longer reads a charge of not reporting
    assert first.capping == ["n38.late-report-not-expelled"] and first.overridden == []
    assert {f.kind for f in first.matched} == {"hearing", "charge", "accused"}


def test_auto_picks_the_norm_set_in_force(book, engine) -> None:
    case = load_case(FIXTURES / "example.yaml")
    assert [s.norm_set for s in replay(case, AUTO, book, engine).steps] == ["norms-1937", "norms-1937"]


def test_conflicting_rules_without_precedence_are_an_error(book) -> None:
    normset = book.norm_sets["norms-1938"]
    case = load_case(FIXTURES / "example.yaml")
    firings = [Firing("n37.concealment-expelled", ("hearing", "charge-1"), (("hearing",), ("charge-1",))),
               Firing("n37.aid-to-relatives", ("hearing", "charge-1", "charges"),
                      (("hearing",), ("charge-1",), ("charges",)))]
    with pytest.raises(RuleConflict, match="n37.aid-to-relatives.*n37.concealment-expelled.*to charge 'charge-1'"):
        resolve(normset, firings, f"at hearing {case.hearings()[0].id!r}")


def test_precedence_sets_the_overridden_rule_aside(book) -> None:
    normset = book.norm_sets["norms-1938"]
    case = load_case(FIXTURES / "example.yaml")
    where = f"at hearing {case.hearings()[0].id!r}"
    late = Firing("n37.late-report", ("hearing", "charge-1"), (("hearing",), ("charge-1",)))
    arrested = Firing("n37.arrested-member-expelled", ("hearing", "accused"), (("hearing",), ("accused",)))
    chosen = resolve(normset, [late, arrested], where)
    assert chosen is not None and chosen.rule.id == "n37.arrested-member-expelled"
    assert chosen.overridden == ("n37.late-report",)
    # contrast: not arrested, the late report's range stands, capped by the 1938 relief
    cap = Firing("n38.late-report-not-expelled", ("hearing", "charge-1", "accused"),
                 (("hearing",), ("charge-1",), ("accused",)))
    chosen = resolve(normset, [late, cap], where)
    assert chosen is not None and chosen.rule.id == "n38.late-report-not-expelled" and chosen.overridden == ()
    assert chosen.verdicts["n37.late-report"].verdict == "capped"


@settings(max_examples=60)
@given(case_data(), st.sampled_from([*NORM_SETS, AUTO]))
def test_every_step_names_a_rule_or_says_no_rule(book, engine, data: dict, norm_set: str) -> None:
    case = Case.model_validate(data)
    trace = replay(case, norm_set, book, engine)
    assert len(trace.steps) == len(case.hearings())
    for step in trace.steps:
        assert step.agreement in AGREEMENTS
        assert (step.prescribed is None) == (step.agreement == "no-rule")
        if step.prescribed:
            normset = book.norm_sets[step.norm_set]
            rule = normset.rule(step.prescribed.rule.id).rule
            assert step.prescribed.range and step.prescribed.decision == step.prescribed.range.typical
            assert rule.is_cap or rule.range == Range(**step.prescribed.range.model_dump())
            assert step.prescribed.rule.source and step.prescribed.matched


@settings(max_examples=40)
@given(case_data(), st.sampled_from([*NORM_SETS, AUTO]))
def test_replaying_twice_gives_identical_json(book, engine, data: dict, norm_set: str) -> None:
    case = Case.model_validate(data)
    assert replay(case, norm_set, book, engine).to_json() == replay(case, norm_set, book, engine).to_json()


@settings(max_examples=40)
@given(case_data(), st.sampled_from(NORM_SETS))
def test_durable_and_python_engines_give_the_same_trace(book, engine, data: dict, norm_set: str) -> None:
    case = Case.model_validate(data)
    assert replay(case, norm_set, book, engine) == replay(case, norm_set, book, PythonEngine())


@settings(max_examples=400)
@given(case_data(), st.sampled_from(NORM_SETS))
def test_bundled_norm_sets_never_leave_a_conflict_unresolved(book, data: dict, norm_set: str) -> None:
    # Precedence is declared, never picked: any generated situation resolves to one outcome.
    case = Case.model_validate(data)
    assert len(replay(case, norm_set, book, PythonEngine()).steps) == len(case.hearings())


def test_auto_takes_the_norm_set_in_force_for_most_of_an_uncertain_span(book) -> None:
    from case_procedure.case import Hearing

    def hearing(date: str) -> Hearing:
        return Hearing.model_validate({"id": "h", "type": "hearing", "date": date, "summary": "x", "body":
                                       "party_committee", "subject": "a", "source": ["s"]})

    assert book.in_force(hearing("1937-11"))[0].id == "norms-1937"
    assert book.in_force(hearing("1937-11"))[1] is False
    chosen, uncertain = book.in_force(hearing("1937-12-15/1938-04"))
    assert (chosen.id, uncertain) == ("norms-1938", True)
    # no norm set covers August 1936 to the February 1937 plenum: the span is mostly under norms-1937
    chosen, uncertain = book.in_force(hearing("1936-08/1937-05"))
    assert (chosen.id, uncertain) == ("norms-1937", True)
    assert book.in_force(hearing("1935-06"))[0].id == "review-1935"
    assert book.in_force(hearing("1934-06")) == (None, False)


decisions = st.sampled_from(sorted(codebook.DECISIONS))


@given(decisions, decisions)
def test_agreement_is_antisymmetric(first: str, second: str) -> None:
    flipped = {"agree": "agree", "harsher": "milder", "milder": "harsher"}
    assert agreement(second, first) == flipped[agreement(first, second)]
    assert (agreement(first, second) == "agree") == (codebook.severity(first) == codebook.severity(second))
