"""The durable-rules adapter: its guards, and agreement with the plain-Python evaluator."""

import threading

import pytest
from conftest import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st

from case_procedure.compiler import CompiledRuleset, Firing, compile_norm_set
from case_procedure.corpus import case_files, load_case
from case_procedure.engine import DurableEngine, PythonEngine, lint
from case_procedure.errors import EngineError
from case_procedure.replay import replay


def single(name: str, condition: dict) -> tuple[str, dict]:
    return name, {"all": [{"m": condition}], "run": name}


RULESET = CompiledRuleset("adapter_test", dict([
    single("committee_on_honesty#0",
           {"$and": [{"kind": "hearing"}, {"$or": [{"body": "party_committee"}, {"body": "general_meeting"}]}]}),
    single("committee_on_honesty#1", {"$and": [{"kind": "charge"}, {"family": "honesty"}]}),
    single("any_hearing#0", {"kind": "hearing"}),
    single("many_charges#0", {"$and": [{"kind": "charges"}, {"$gte": {"count": 2}}]}),
    single("never#0", {"kind": "hearing"}),
    single("never#1", {"$and": [{"kind": "charge"}, {"family": "slander"}]}),
]), "v1")

FACTS = [
    {"id": "hearing", "kind": "hearing", "body": "party_committee"},
    {"id": "c1", "kind": "charge", "family": "honesty"},
    {"id": "c2", "kind": "charge", "family": "association"},
    {"id": "charges", "kind": "charges", "count": 2},
    {"id": "unused", "kind": "nobody_tests_this"},
]


def test_rules_fire_with_the_facts_they_matched(engine: DurableEngine) -> None:
    firings = engine.run(RULESET, "case/h1", FACTS)
    assert [(f.rule_id, f.matched) for f in firings] == [
        ("any_hearing", ("hearing",)), ("committee_on_honesty", ("hearing", "c1")), ("many_charges", ("charges",))]


def test_a_rule_whose_patterns_match_only_in_part_does_not_apply_and_its_session_is_freed(
        engine: DurableEngine) -> None:
    # A partial match left in a deleted session corrupted durable-rules' heap when rules were joins.
    for i in range(50):
        assert engine.run(RULESET, f"partial-{i}", FACTS[:1]) == [
            Firing("any_hearing", ("hearing",), (("hearing",),))]


def test_no_background_threads(engine: DurableEngine) -> None:
    before = threading.active_count()
    DurableEngine().run(RULESET, "threads", FACTS)
    assert threading.active_count() == before


@pytest.mark.slow
def test_sessions_are_deleted_so_2000_replays_stay_under_the_1024_limit(book) -> None:
    case = load_case(FIXTURES / "example.yaml")
    engine = DurableEngine(remember=False)  # every run opens a real session
    first = replay(case, "norms-1937", book, engine)
    for _ in range(1999):
        assert replay(case, "norms-1937", book, engine) == first


def test_a_swallowed_action_error_surfaces(monkeypatch: pytest.MonkeyPatch) -> None:
    failing = DurableEngine()

    def explode(rule_id: str, closure: object) -> None:
        raise RuntimeError(f"action for {rule_id} failed")

    monkeypatch.setattr(failing._host, "_on_fire", explode)
    with pytest.raises(EngineError, match="action for .* failed"):
        failing.run(RULESET, "boom", FACTS)
    # the failed session was deleted: the same sid can run again
    monkeypatch.undo()
    assert failing.run(RULESET, "boom", FACTS)


def test_a_changed_ruleset_under_a_registered_name_is_refused(engine: DurableEngine) -> None:
    engine.run(RULESET, "once", FACTS)
    changed = CompiledRuleset(RULESET.name, RULESET.definition, "v2")
    with pytest.raises(EngineError, match="changed after it was registered"):
        engine.run(changed, "twice", FACTS)


def test_repeated_fact_ids_are_refused(engine: DurableEngine) -> None:
    with pytest.raises(EngineError, match="unique id"):
        engine.run(RULESET, "dupes", [FACTS[0], FACTS[0]])


@pytest.mark.parametrize(
    ("rule", "complaint"),
    [
        ({"all": [{"m0": {"$nex": {"appeal": 1}}}], "run": "r"}, "literal `kind`"),
        ({"all": [{"m0": {"$and": [{"kind": "a"}, {"$in": {"x": 1}}]}}], "run": "r"}, "operator $in"),
        ({"all": [{"m0": {"$and": [{"kind": "a"}, {"who": {"name": "x"}}]}}], "run": "r"}, "only literals"),
        ({"all": [{"m0": {"$and": [{"kind": "a"}, {"x": ["a", "b"]}]}}], "run": "r"}, "only literals"),
        ({"all": [{"m0": {"kind": "a"}}], "run": "r", "pri": 3}, "only `all` and `run`"),
        ({"all": [{"m0": {"kind": "a"}, "m1": {"kind": "b"}}], "run": "r"}, "exactly one alias"),
        ({"all": [{"m0": {"kind": "a"}}, {"m1": {"kind": "b"}}], "run": "r"}, "exactly one pattern"),
    ],
)
def test_lint_rejects_what_durable_rules_mishandles(rule: dict, complaint: str) -> None:
    ruleset = CompiledRuleset("bad", {"r": rule}, "x")
    assert any(complaint in p for p in lint(ruleset))
    with pytest.raises(EngineError, match="lint"):
        DurableEngine().run(ruleset, "s", FACTS)


def test_bundled_norm_sets_pass_the_lint(book) -> None:
    for normset in book.norm_sets.values():
        assert lint(compile_norm_set(normset)) == []


fact_values = st.fixed_dictionaries({
    "kind": st.sampled_from(["hearing", "charge", "charges"]),
    "body": st.sampled_from(["party_committee", "general_meeting", "shop_organization"]),
    "family": st.sampled_from(["honesty", "association"]),
    "count": st.integers(0, 4),
})


@settings(max_examples=150)
@given(st.lists(fact_values, max_size=6))
def test_durable_and_python_evaluators_agree(engine: DurableEngine, facts: list[dict]) -> None:
    facts = [{**f, "id": f"f{i}"} for i, f in enumerate(facts)]
    assert engine.run(RULESET, "differential", facts) == PythonEngine().run(RULESET, "differential", facts)


def test_remembering_facts_changes_no_firing(book) -> None:
    # a fact's matches depend on that fact alone, so answers remembered from earlier situations are exact
    cases = [load_case(p) for p in case_files(FIXTURES.parent.parent / "cases")]
    remembering, fresh = DurableEngine(), DurableEngine(remember=False)
    for _ in range(2):  # the second round answers from memory
        for case in cases:
            for name in sorted(book.norm_sets):
                assert replay(case, name, book, remembering) == replay(case, name, book, fresh)


def test_situations_no_rule_accepts_neither_leak_nor_crash() -> None:
    # durable-rules keeps a state slot (1,024 in all) for a session that saw only facts no rule accepts, and
    # deleting such a session corrupts its heap; the engine's own opening fact makes every session deletable
    engine = DurableEngine(remember=False)
    unaccepted = [{"id": "t", "kind": "tie", "closeness": "close"}, {"id": "c", "kind": "charge", "family": "none"}]
    for n in range(3000):
        assert engine.run(RULESET, f"unaccepted-{n}", unaccepted) == []
    assert engine.run(RULESET, "after", FACTS) == PythonEngine().run(RULESET, "after", FACTS)
