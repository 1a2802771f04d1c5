"""The corpus report: figures that agree across its three forms, with the replays, and across --jobs."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from case_procedure import corpus, report
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
    assert all(len(line) <= report.WIDTH for line in text.splitlines())


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
    assert result.output == ""
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
