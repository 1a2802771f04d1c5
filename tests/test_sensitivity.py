"""Sensitivity: every reported change set gives the reported decision when applied and replayed, and is minimal."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import pytest
from conftest import ROOT, build_casebook
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from case_procedure import corpus
from case_procedure.case import Case
from case_procedure.cli import app
from case_procedure.errors import InputError
from case_procedure.patch import Change, Given, Place, validate
from case_procedure.replay import AUTO, replay
from case_procedure.sensitivity import (
    ALL,
    Flip,
    Sensitivity,
    VariedFact,
    kept_card,
    sensitivity,
)
from case_procedure.sensitivity_text import as_markdown, as_text
from case_procedure.simulate import simulate
from case_procedure.variation import load_variations
from case_procedure.whatif import prescribed_words
from case_procedure.yamlfile import read_yaml

PATHS = corpus.case_files(ROOT / "cases")
CASES = {p.stem: corpus.load_case(p) for p in PATHS}
VARIATIONS = load_variations()
NORM_SETS = sorted(p.stem for p in (ROOT / "rules").glob("*.yaml"))
runner = CliRunner()


def applied(case_id: str, facts: list[VariedFact]) -> Case:
    """The case file with the changes applied through the what-if path (file data, validated as a case file)."""
    path = ROOT / "cases" / f"{case_id}.yaml"
    data, lines = read_yaml(path)
    changes = [Given(Change.model_validate({"path": c.path, c.op: c.value}), Place(argument=c.argument))
               for fact in facts for c in fact.changes]
    return validate(path, data, lines, changes)


def words_at(case, norm_set: str, hearing: str, book, engine) -> str:  # noqa: ANN001
    step = next(s for s in replay(case, norm_set, book, engine).steps if s.hearing == hearing)
    return prescribed_words(step)


def check_flips(result: Sensitivity, book, engine) -> int:  # noqa: ANN001
    """Apply every reported change set to the case file and replay in full: the reported decision, and no proper
    subset that changes it. Returns how many change sets were checked."""
    checked = 0
    for run in result.runs:
        for h in run.hearings:
            for flip in h.flips:
                case = applied(result.case, flip.changes)
                after = words_at(case, run.norm_set, h.hearing, book, engine)
                assert after == flip.then.words != h.prescribed.words, (result.case, run.norm_set, h.hearing)
                for size in range(1, len(flip.changes)):
                    for part in combinations(flip.changes, size):
                        assert words_at(applied(result.case, list(part)), run.norm_set, h.hearing, book, engine) \
                            == h.prescribed.words, ("not minimal", result.case, [c.key for c in part])
                checked += 1
    return checked


def _ordered(flips: list[Flip]) -> bool:
    return [(f.size, f.cost) for f in flips] == sorted((f.size, f.cost) for f in flips)


@settings(max_examples=6)
@given(case_id=st.sampled_from(sorted(CASES)), norm_set=st.sampled_from([*NORM_SETS, AUTO]))
def test_every_reported_pair_or_single_replays_to_the_reported_decision_and_is_minimal(case_id: str, norm_set: str,
                                                                                    book, engine) -> None:
    result = sensitivity(CASES[case_id], norm_set, 2, book, engine, VARIATIONS)
    check_flips(result, book, engine)
    for h in result.runs[0].hearings:
        assert _ordered(h.flips)
        flipped = {c.variation for f in h.flips if f.size == 1 for c in f.changes}
        assert not flipped & set(h.unchanged_by)


@settings(max_examples=4)
@given(case_id=st.sampled_from(sorted(CASES)))
def test_the_party_card_changes_reported_under_all_keep_it_when_applied(case_id: str, book, engine) -> None:
    result = sensitivity(CASES[case_id], ALL, 1, book, engine, VARIATIONS)
    assert [c.norm_set for c in result.card] == [r.norm_set for r in result.runs] == list(book.norm_sets)
    for card in result.card:
        assert kept_card(simulate(CASES[case_id], card.norm_set, book, engine)) == card.kept
        assert card.kept is False or not card.keep_if
        for flip in card.keep_if:
            assert kept_card(simulate(applied(case_id, flip.changes), card.norm_set, book, engine)) is True


def test_contrast_a_visit_alone_decides_margolinas_hearing(book, engine) -> None:
    """The worked example of the README: without the visit the tie is distant and the statement is accepted; without
    the report the rule for a self-report no longer applies."""
    result = sensitivity(CASES["margolina"], "norms-1938", 1, book, engine, VARIATIONS)
    hearing = result.runs[0].hearings[0]
    assert hearing.prescribed.rule and hearing.prescribed.rule.id == "n37.self-report-close"
    flips = {f.changes[0].key: f.then for f in hearing.flips}
    assert list(flips)[:2] == ["report:frid:never", "contact:frid"]  # cost 1 each, in the order of the variations
    visit = flips["contact:frid"]
    assert visit.rule and visit.rule.id == "n37.self-report-distant" and visit.rule.source
    assert flips["report:frid:never"].words == "nothing"  # the rule reads the report itself
    assert "nationality" in hearing.unchanged_by and "nationality" in result.runs[0].changes_nothing
    assert check_flips(result, book, engine) == len(hearing.flips)


def test_the_hearing_date_moves_only_where_the_date_chooses_the_norm_set(book, engine) -> None:
    fixed = sensitivity(CASES["mironov"], "norms-1938", 1, book, engine, VARIATIONS)
    dated = sensitivity(CASES["mironov"], AUTO, 1, book, engine, VARIATIONS)
    keys = lambda s: {c.key for h in s.runs[0].hearings for f in h.flips for c in f.changes}  # noqa: E731
    assert not any(k.startswith("hearing-date") for k in keys(fixed))
    moved = [f for h in dated.runs[0].hearings for f in h.flips if f.changes[0].variation == "hearing-date"]
    assert moved and {(f.then.norm_set, f.then.decision) for f in moved} == {("norms-1937", "expulsion")}
    check_flips(dated, book, engine)


def test_every_case_under_every_norm_set_in_every_format(book, engine) -> None:
    for case in CASES.values():
        result = sensitivity(case, ALL, 1, book, engine, VARIATIONS)
        assert len(result.runs) == len(book.norm_sets)
        assert Sensitivity.model_validate(json.loads(result.to_json())) == result
        assert case.title.split()[0] in as_text(result) and f"`{case.id}`" in as_markdown(result)


def test_the_command_prints_all_three_formats_and_rejects_bad_input(tmp_path: Path) -> None:
    path = str(ROOT / "cases" / "margolina.yaml")
    for format in ("text", "markdown", "json"):
        result = runner.invoke(app, ["sensitivity", path, "--rules", "all", "--format", format])
        assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["card"]
    bad = runner.invoke(app, ["sensitivity", path, "--rules", "norms-1999"])
    assert bad.exit_code == 2 and "no norm set 'norms-1999'" in bad.output
    variations = tmp_path / "v.yaml"
    variations.write_text("variations:\n  - {id: n, about: x, kind: attribute, attribute: nationality, "
                          "values: [martian], cost: 1}\n", encoding="utf-8")
    bad = runner.invoke(app, ["sensitivity", path, "--rules", "auto", "--variations", str(variations)])
    assert bad.exit_code == 2 and f"{variations}:2: variations[0]:" in bad.output and "martian" in bad.output
    with pytest.raises(InputError):
        load_variations(variations)


def test_jobs_do_not_change_the_result(book, engine) -> None:
    path = str(ROOT / "cases" / "margolina.yaml")
    one = runner.invoke(app, ["sensitivity", path, "--rules", "all", "--format", "json"])
    two = runner.invoke(app, ["sensitivity", path, "--rules", "all", "--format", "json", "--jobs", "2"])
    assert one.exit_code == two.exit_code == 0 and one.output == two.output


def test_a_pair_is_reported_where_neither_change_alone_alters_the_hearing(book, engine) -> None:
    """Efimova's committee charged two grounds, each of which a rule punishes: dropping either leaves the other to
    decide, dropping both leaves nothing to prescribe."""
    result = sensitivity(CASES["efimova"], "norms-1937", 2, book, engine, VARIATIONS)
    hearing = next(h for h in result.runs[0].hearings if h.hearing == "committee-reprimand")
    pairs = {tuple(c.key for c in f.changes): f.then.words for f in hearing.flips if f.size == 2}
    both = ("ground:committee-reprimand:tie_to_enemy", "ground:committee-reprimand:lack_of_vigilance")
    assert pairs.get(both) == "nothing"
    singles = {f.changes[0].key for f in hearing.flips if f.size == 1}
    assert not singles & set(both)
    sizes = [f.size for f in hearing.flips]
    assert sizes == sorted(sizes)  # singles first
    check_flips(result, book, engine)


def test_the_report_counts_the_decisions_each_fact_can_flip(book, engine) -> None:
    from case_procedure import report
    from case_procedure.norms import load_norm_sets

    cases = [CASES[c] for c in ("margolina", "mironov", "bykhovskaia")]
    built = report.build(cases, load_norm_sets(ROOT / "rules"), ROOT / "rules")
    for item in built.deciding_facts:
        expected: dict[str, list[str]] = {}
        for case in cases:
            run = sensitivity(case, item.norm_set, 1, book, engine, VARIATIONS).runs[0]
            for h in run.hearings:
                for v in {f.changes[0].variation for f in h.flips}:
                    expected.setdefault(v, []).append(case.id)
        assert {f.variation: (f.flips, f.cases) for f in item.facts} == \
            {v: (len(c), len(set(c))) for v, c in expected.items()}
    assert "FACTS THAT MOST OFTEN DECIDE OUTCOMES" in report.as_text(built)


def test_the_casebook_shows_what_would_have_changed_each_hearing(tmp_path: Path, book, engine) -> None:
    from case_procedure import casebook

    out = tmp_path / "site"
    build_casebook(out, [CASES["margolina"], CASES["mironov"]], book, engine, progress=lambda _: None, use_svg=False)
    page = (out / "cases" / "margolina.html").read_text(encoding="utf-8")
    assert page.count('<details class="whatif">') == len(casebook.replay_sets(book.norm_sets)) + 1  # and auto
    assert "no visit toward Frid" in page and "n37.self-report-distant" in page
    norms = (out / "norms" / "norms-1938.html").read_text(encoding="utf-8")
    assert 'id="deciding"' in norms and "<svg" in norms and "<rect" in norms


def test_the_bar_chart_escapes_its_labels() -> None:
    from case_procedure.casebook import bar_chart
    from case_procedure.sensitivity import FactWeight, NormSetWeights

    chart = bar_chart(NormSetWeights(norm_set="x<y", hearings=3, facts=[
        FactWeight(variation="a&b", about="<script>alert(1)</script>", flips=2, cases=1),
        FactWeight(variation="c", about="c", flips=1, cases=1)]))
    assert "<script>" not in chart and "&lt;script&gt;" in chart and "a&amp;b" in chart and "x&lt;y" in chart
    widths = [int(w) for w in __import__("re").findall(r'<rect [^>]*width="(\d+)"', chart)]
    assert widths[0] == 2 * widths[1]
