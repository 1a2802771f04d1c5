"""The run of a case (`run.run_case`, `run.corpus_runs`) holds everything the views show, and the views only
read it: once a run is made, explaining, drawing and building the casebook never run an engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from case_procedure import casebook, corpus, diagram
from case_procedure.engine import DurableEngine, PythonEngine
from case_procedure.explain import explain_case
from case_procedure.replay import AUTO
from case_procedure.run import corpus_runs, run_case
from case_procedure.run_model import replay_sets
from case_procedure.whynot import considerations

CASES = {c.id: c for c in corpus.load_cases(corpus.case_files(ROOT / "cases"))}
SOME = ["somov", "margolina", "torbeeva", "tolchinskii"]


@pytest.mark.parametrize("case_id", SOME)
@pytest.mark.parametrize("norm_set", [AUTO, "norms-1938"])
def test_a_run_holds_the_trace_the_rules_considered_and_the_lawful_paths(case_id: str, norm_set: str, book,
                                                                          engine) -> None:
    case = CASES[case_id]
    run = run_case(case, norm_set, book, engine, why_not=True, paths=True)
    assert [s.hearing for s in run.trace.steps] == [h.id for h in case.hearings()]
    assert set(run.why_not) == set(run.norm_sets) == {h.id for h in case.hearings()}
    for hearing in case.hearings():
        normset = run.norm_sets[hearing.id]
        items = run.why_not[hearing.id]
        assert [i.rule.id for i in items] == ([r.id for r in normset.decision_rules] if normset else [])
        assert all((i.failed_pattern is None) == (i.verdict != "not applicable") for i in items)
    step = {s.hearing: s for s in run.trace.steps}
    for hearing_id, items in run.why_not.items():  # the rule that decides is the one the replay prescribed by
        decided = [i.rule.id for i in items if i.verdict == "prescribed"]
        prescribed = step[hearing_id].prescribed
        assert decided == ([prescribed.rule.id] if prescribed else [])
    assert run.simulation is not None and (run.simulation.lawful is not None) == bool(case.hearings())
    assert (run.normset is None) == (norm_set == AUTO)


def test_the_considerations_are_those_the_analysis_finds(book, engine) -> None:
    from case_procedure.replay import situation_at

    case = CASES["somov"]
    run = run_case(case, "norms-1937", book, engine, why_not=True)
    normset = book.norm_sets["norms-1937"]
    for hearing in case.hearings():
        found = considerations(situation_at(case, hearing, normset), normset, book.compiled(normset),
                               f"at hearing {hearing.id!r} of case {case.id!r} ({hearing.date})")
        assert run.why_not[hearing.id] == found


def test_a_run_without_why_not_considers_nothing_and_the_explanation_says_none(book, engine) -> None:
    run = run_case(CASES["somov"], "norms-1938", book, engine)
    assert run.why_not == {}
    assert "considered" not in explain_case(run, "text")
    asked = run_case(CASES["somov"], "norms-1938", book, engine, why_not=True)
    assert "Rules of norms-1938 considered" in explain_case(asked, "text")




def test_rendering_a_run_never_runs_the_rules(book, engine, monkeypatch: pytest.MonkeyPatch) -> None:
    runs = [run_case(CASES[c], n, book, engine, why_not=True, paths=True) for c in SOME for n in (AUTO, "norms-1938")]
    expected = [(explain_case(r, "text"), explain_case(r, "markdown")) for r in runs]
    with monkeypatch.context() as patched:
        for cls in (DurableEngine, PythonEngine):
            patched.setattr(cls, "run", lambda *_a, **_k: pytest.fail("a view ran the rules"))
        assert [(explain_case(r, "text"), explain_case(r, "markdown")) for r in runs] == expected
        for r in runs:
            assert diagram.render(diagram.case_pathway(r.case, r.trace, r.simulation), "mermaid")
            assert diagram.render(diagram.lawful_tree(r.case, r.simulated()), "dot")


def test_the_casebook_is_built_from_the_runs_alone(tmp_path: Path, book, engine,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = [CASES["margolina"], CASES["tolchinskii"]]
    runs = corpus_runs(chosen, book, engine)
    assert [c.case.id for c in runs.cases] == ["margolina", "tolchinskii"]
    assert all(set(c.runs) == {AUTO, *(n.id for n in replay_sets(book.norm_sets))} for c in runs.cases)
    assert {w.norm_set for w in runs.weights} == set(book.norm_sets)
    with monkeypatch.context() as patched:
        for cls in (DurableEngine, PythonEngine):
            patched.setattr(cls, "run", lambda *_a, **_k: pytest.fail("the casebook ran the rules"))
        count = casebook.build(tmp_path / "site", runs, book.norm_sets, use_svg=False)
    assert count == len([p for p in (tmp_path / "site").rglob("*") if p.is_file()]) - 1  # and its marker file
    assert (tmp_path / "site" / "cases" / "margolina.html").is_file()
