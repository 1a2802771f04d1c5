"""The corpus report: figures that agree across its three forms, with the replays, and across --jobs."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from case_procedure import corpus, report, report_text
from case_procedure.cli import app
from case_procedure.errors import RuleConflict
from case_procedure.norms import load_norm_sets
from case_procedure.replay import replay
from case_procedure.situation import EXPELLING

RULES = ROOT / "rules"
TEXT_ROW = re.compile(r"^  (\S.*?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$")
MARKDOWN_ROW = re.compile(r"^\| ([^|`]+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|$")


@pytest.fixture(scope="module")
def full() -> report.Report:
    return report.build(corpus.load_cases(corpus.case_files(ROOT / "cases")), load_norm_sets(RULES), RULES, jobs=1)


def _expected_rows(built: report.Report) -> list[tuple[str, tuple[int, ...]]]:
    rows = []
    for item in built.agreement:
        rows += [(c.key, c.figures()) for c in (item.overall, *item.by_period, *item.by_body)]
    return rows


def _rows(text: str, pattern: re.Pattern[str]) -> list[tuple[str, tuple[int, ...]]]:
    found = [pattern.match(line) for line in text.splitlines()]
    return [(m.group(1).strip(), tuple(int(n) for n in m.groups()[1:])) for m in found if m]


def test_the_text_form_prints_the_figures_of_the_json_form(full: report.Report) -> None:
    built = report.Report.model_validate(json.loads(full.to_json()))
    text = report.as_text(built)
    rows = _rows(text, TEXT_ROW)
    expected = _expected_rows(built)
    assert [figures for _, figures in rows] == [figures for _, figures in expected]
    assert [label for label, _ in rows] == [("all hearings" if key == "all" else key) for key, _ in expected]
    lost = re.search(r"(\d+) of (\d+) recorded expulsions", text)
    assert lost and (int(lost[1]), int(lost[2])) == (len(built.expulsions.not_produced), built.expulsions.recorded)
    exercised = [tuple(map(int, m)) for m in re.findall(r"^\S+: (\d+) of (\d+) rules exercised$", text, re.M)]
    assert exercised == [(c.exercised, len(c.rules)) for c in built.coverage]
    assert all(len(line) <= report_text.WIDTH for line in text.splitlines())


def test_the_summary_is_each_norm_set_over_all_hearings(full: report.Report) -> None:
    rows = _rows(report.summary(full), TEXT_ROW)
    assert rows == [(item.norm_set, item.overall.figures()) for item in full.agreement]


@pytest.mark.slow
def test_summary_with_out_prints_the_table_and_writes_the_whole_report(tmp_path: Path,
                                                                      full: report.Report) -> None:
    out = tmp_path / "report.md"
    done = CliRunner().invoke(app, ["report", "--format", "markdown", "--out", str(out), "--summary"])
    assert done.exit_code == 0, done.output
    assert done.stdout == report.summary(full)
    assert out.read_text(encoding="utf-8") == report.as_markdown(full)


def test_the_markdown_form_prints_the_figures_of_the_json_form(full: report.Report) -> None:
    built = report.Report.model_validate(json.loads(full.to_json()))
    markdown = report.as_markdown(built)
    assert _rows(markdown, MARKDOWN_ROW) == _expected_rows(built)
    lost = re.search(r"(\d+) of (\d+) recorded expulsions", markdown)
    assert lost and (int(lost[1]), int(lost[2])) == (len(built.expulsions.not_produced), built.expulsions.recorded)
    exercised = [tuple(map(int, m)) for m in re.findall(r"^(\d+) of (\d+) rules exercised\.$", markdown, re.M)]
    assert exercised == [(c.exercised, len(c.rules)) for c in built.coverage]


def test_every_norm_set_is_reported_and_its_tables_add_up(full: report.Report, book) -> None:
    assert {n.id for n in full.norm_sets} == set(book.norm_sets)
    assert {a.norm_set for a in full.agreement} == {c.norm_set for c in full.coverage} == set(book.norm_sets)
    for item in full.agreement:
        failed = {f.case for f in full.failures if f.norm_set == item.norm_set and f.mode == "replay"}
        if not failed:
            assert item.overall.total == full.hearings
        for table in (item.by_period, item.by_body):
            assert tuple(map(sum, zip(*(c.figures() for c in table), strict=True))) == item.overall.figures()
    for cover in full.coverage:
        assert [u.rule for u in cover.rules] == sorted(r.id for r in book.norm_sets[cover.norm_set].rules)


def test_the_period_is_the_norm_set_in_force_at_the_hearing(full: report.Report, book) -> None:
    cases = corpus.load_cases(corpus.case_files(ROOT / "cases"))
    expected: dict[str, int] = {}
    for hearing in (h for case in cases for h in case.hearings()):
        normset, _ = book.in_force(hearing)
        key = normset.id if normset else report.NO_PERIOD
        expected[key] = expected.get(key, 0) + 1
    for item in full.agreement:
        if not any(f.norm_set == item.norm_set and f.mode == "replay" for f in full.failures):
            assert {c.key: c.total for c in item.by_period} == expected


def test_lost_expulsions_and_coverage_agree_with_the_replays(full: report.Report, book, engine) -> None:
    cases = {c.id: c for c in corpus.load_cases(corpus.case_files(ROOT / "cases"))}
    if full.expulsions.available:
        for lost in full.expulsions.not_produced:
            step = next(s for s in replay(cases[lost.case], report.NORMS_1938, book, engine).steps
                        if s.hearing == lost.hearing)
            assert step.recorded and step.recorded.decision in EXPELLING
            assert step.prescribed is None or step.prescribed.decision not in EXPELLING
            assert (step.prescribed.rule.id if step.prescribed else None) == lost.rule
    for cover in full.coverage:
        fired: dict[str, set[str]] = {}
        for case in cases.values():
            try:
                trace = replay(case, cover.norm_set, book, engine)
            except RuleConflict as exc:  # reported among the failures, with its message
                assert report.Failure(norm_set=cover.norm_set, case=case.id, mode="replay",
                                      message=str(exc)) in full.failures
                continue
            for step in trace.steps:
                if step.prescribed:
                    p = step.prescribed
                    for rule in (p.rule.id, *p.concurring, *p.overridden, *([p.route_rule] if p.route_rule else [])):
                        fired.setdefault(rule, set()).add(case.id)
        assert {u.rule: set(u.replay) for u in cover.rules if u.replay} == fired
        assert all(not fired.get(rule) for rule in cover.unexercised)


def test_two_jobs_give_exactly_what_one_job_gives(tmp_path: Path) -> None:
    rules = Path(shutil.copytree(RULES, tmp_path / "rules"))  # a copy no one edits between the two builds
    paths = corpus.case_files(ROOT / "cases")[:6]
    cases, norm_sets = corpus.load_cases(paths), load_norm_sets(rules)
    one = report.build(cases, norm_sets, rules, jobs=1)
    two = report.build(cases, norm_sets, rules, jobs=2)
    assert two.to_json() == one.to_json()
    assert report.as_text(two) == report.as_text(one)


def test_the_command_writes_the_report_atomically_to_a_file(tmp_path: Path, full: report.Report) -> None:
    out = tmp_path / "report.json"
    result = CliRunner().invoke(app, ["report", "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # progress goes to stderr
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(full.to_json())
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left behind


def test_a_bad_case_file_stops_the_report_before_anything_is_written(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "broken.yaml").write_text("id: broken\ntitle: [unclosed\n", encoding="utf-8")
    out = tmp_path / "report.txt"
    result = CliRunner().invoke(app, ["report", "--cases", str(folder), "--out", str(out)])
    assert result.exit_code == 2
    assert f"{folder / 'broken.yaml'}:" in result.output
    assert not out.exists()


# -- Practice rules against the record (issue 15, item 4) -----------------------------------------

def _period(normset, book) -> str:
    day = normset.in_force.from_
    found = [n.id for n in book.norm_sets.values() if n.kind == "norms" and n.in_force.from_ <= day
             and (n.in_force.until is None or day <= n.in_force.until)]
    return found[0] if found else report.NO_PERIOD


def test_each_practice_set_is_set_beside_the_norms_of_its_period(full: report.Report, book) -> None:
    practice = [n for n in book.norm_sets.values() if n.kind == "practice"]
    assert sorted(p.norm_set for p in full.practice) == sorted(n.id for n in practice) and practice
    rows = {(a.norm_set, c.key): c for a in full.agreement for c in a.by_period}
    for item in full.practice:
        normset = book.norm_sets[item.norm_set]
        assert item.period == _period(normset, book) and book.norm_sets[item.period].kind == "norms"
        assert item.norms == rows[(item.period, item.period)]
        assert item.practice == rows[(item.norm_set, item.period)]
        assert item.norms.total == item.practice.total  # the same hearings under each
        own = [r for r in normset.rules if r.file == normset.file]
        assert [r.rule for r in item.rules] == [r.id for r in own]
        assert [(r.drawn_from, r.general, r.route) for r in item.rules] == [
            (list(r.rule.drawn_from), r.rule.general, r.rule.is_route) for r in own]


def test_practice_fits_and_contradictions_agree_with_the_replays(full: report.Report, book, engine) -> None:
    cases = corpus.load_cases(corpus.case_files(ROOT / "cases"))
    for item in full.practice:
        fits: dict[str, set[str]] = {}
        contradicts: dict[str, set[str]] = {}
        for case in cases:
            hearings = {h.id: h for h in case.hearings()}
            steps = replay(case, item.norm_set, book, engine).steps
            for n, step in enumerate(steps):
                normset, _ = book.in_force(hearings[step.hearing])
                if (normset.id if normset else report.NO_PERIOD) != item.period or step.prescribed is None:
                    continue
                p = step.prescribed
                if step.agreement in ("agree", "harsher", "milder"):
                    for rule in (p.rule.id, *p.concurring):
                        (fits if step.agreement == "agree" else contradicts).setdefault(rule, set()).add(case.id)
                if p.route_rule:
                    following = steps[n + 1].body if n + 1 < len(steps) else "end"
                    (fits if p.next_body == following else contradicts).setdefault(p.route_rule, set()).add(case.id)
        for rule in item.rules:
            assert set(rule.fits) == fits.get(rule.rule, set()), rule.rule
            assert set(rule.contradicts) == contradicts.get(rule.rule, set()), rule.rule


def _step(**changes) -> report.StepRecord:
    base = dict(hearing="h", date="1938-02", body="party_committee", period="norms-1938", agreement="agree",
                recorded="reprimand", expelled=False, prescribed="reprimand", prescribes_expulsion=False,
                rule="other.rule", fired=("other.rule",), deciding=("other.rule",))
    return report.StepRecord(**{**base, **changes})


def _judged(book, *steps: report.StepRecord) -> dict[str, tuple[list[str], list[str]]]:
    runs = [report.CaseRun(f"case{i}", "practice-1938", (s,)) for i, s in enumerate(steps)]
    item = report._practice(book.norm_sets["practice-1938"], runs, book, [])
    return {r.rule: (r.fits, r.contradicts) for r in item.rules}


def test_a_route_rule_fits_where_the_next_recorded_body_is_the_one_it_names(book) -> None:
    route = "p38.route.meeting-still-hears"
    sent = dict(route_rule=route, next_body="general_meeting")
    assert _judged(book, _step(**sent, recorded_next="general_meeting"))[route] == (["case0"], [])
    assert _judged(book, _step(**sent, recorded_next="end"))[route] == ([], ["case0"])
    assert _judged(book, _step(**sent, recorded_next="general_meeting", period="norms-1937"))[route] == ([], [])


def test_a_decision_rule_fits_where_it_decided_and_the_record_agrees(book) -> None:
    rule = "p38.ties-expulsions-continue"
    for deciding in ((rule,), ("other.rule", rule)):  # deciding, or concurring with the rule that decided
        assert _judged(book, _step(deciding=deciding))[rule] == (["case0"], [])
        assert _judged(book, _step(deciding=deciding, agreement="harsher"), _step(deciding=deciding,
                                                                                    agreement="milder"))[rule] \
            == ([], ["case0", "case1"])
        assert _judged(book, _step(deciding=deciding, agreement="unrecorded"))[rule] == ([], [])
    assert _judged(book, _step(fired=(rule,)))[rule] == ([], [])  # overridden: it applied but did not decide


def test_the_practice_figures_are_printed_in_text_and_markdown(full: report.Report) -> None:
    text, markdown = report.as_text(full), report.as_markdown(full)
    flowing = " ".join(text.split())  # a long list of cases wraps over lines
    for item in full.practice:
        for name, counts in ((item.period, item.norms), (item.norm_set, item.practice)):
            figures = "".join(f"{n:>8}" for n in counts.figures())
            assert f"    {name:<{report_text.LABEL - 2}}{figures}" in text.splitlines()
            assert f"| `{name}` | " + " | ".join(map(str, counts.figures())) + " |" in markdown.splitlines()
        for rule in item.rules:
            assert f"| `{rule.rule}`{' (route)' if rule.route else ''} | " in markdown
            assert f"fits ({len(rule.fits)}) {', '.join(rule.fits) or '-'}" in flowing
            assert f"contradicts ({len(rule.contradicts)}) {', '.join(rule.contradicts) or '-'}" in flowing
    assert list(json.loads(full.to_json()))[:7] == ["cases", "hearings", "norm_sets", "agreement", "expulsions",
                                                    "coverage", "failures"]  # keys are added, never renamed
    assert "practice" in json.loads(full.to_json())
    assert all(report.is_report(form[:200]) for form in (text, markdown, full.to_json()))
