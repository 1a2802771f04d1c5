"""What-if: the original and the changed case side by side, in every format, with bad changes refused."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import ROOT
from typer.testing import CliRunner

from case_procedure import corpus
from case_procedure.cli import app
from case_procedure.patch import Change, Given, Place, validate
from case_procedure.whatif import WhatIf, compare_runs
from case_procedure.whatif_text import as_markdown, as_text
from case_procedure.yamlfile import read_yaml

MARGOLINA = ROOT / "cases" / "margolina.yaml"
runner = CliRunner()


def changed(path: Path, *changes: Change):
    data, lines = read_yaml(path)
    return validate(path, data, lines, [Given(c, Place(argument=c.argument())) for c in changes])


def test_contrast_removing_the_visit_changes_the_decision_and_says_which_facts_moved(book, engine) -> None:
    change = Change(path="background", remove="visit-frid-vera")
    result = compare_runs(corpus.load_case(MARGOLINA), changed(MARGOLINA, change), [change], "norms-1938", book,
                          engine)
    step = result.steps[0]
    assert step.differs and result.differs
    assert (step.original.rule.id, step.changed.rule.id) == ("n37.self-report-close", "n37.self-report-distant")
    assert {(f.attribute, f.before, f.after) for f in step.facts} >= {("closeness", "close", "distant"),
                                                                     ("in_contact", True, False)}
    assert result.simulation.differs and result.changed.steps[0].prescribed.decision == "statement_accepted"


def test_a_change_that_changes_nothing_is_shown_as_the_same(book, engine) -> None:
    change = Change(path="people.margolina.nationality", set="russian")
    result = compare_runs(corpus.load_case(MARGOLINA), changed(MARGOLINA, change), [change], "norms-1938", book,
                          engine)
    assert not result.differs and not result.simulation.differs
    assert [(f.fact, f.attribute, f.after) for f in result.steps[0].facts] == [("accused", "nationality", "russian")]


def test_every_case_under_every_norm_set_renders_in_every_format(book, engine) -> None:
    for path in corpus.case_files(ROOT / "cases"):
        case = corpus.load_case(path)
        change = Change(path=f"people.{case.accused}.origin", set="kulak")
        other = changed(path, change)
        for norm_set in [*book.norm_sets, "auto"]:
            result = compare_runs(case, other, [change], norm_set, book, engine)
            assert WhatIf.model_validate(json.loads(result.to_json())) == result
            assert "people." in as_text(result) and f"`{case.id}`" in as_markdown(result)


def test_the_command_in_all_three_formats() -> None:
    for format in ("text", "markdown", "json"):
        result = runner.invoke(app, ["whatif", str(MARGOLINA), "--rules", "norms-1938", "--set",
                                     "background-=visit-frid-vera", "--format", format])
        assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["steps"][0]["differs"] and data["changes"][0]["argument"] == "background-=visit-frid-vera"


def test_a_patch_file_gives_the_same_result_as_the_arguments(tmp_path: Path) -> None:
    patch = tmp_path / "patch.yaml"
    patch.write_text("changes:\n  - {path: background, remove: visit-frid-vera}\n", encoding="utf-8")
    by_file = runner.invoke(app, ["whatif", str(MARGOLINA), "--patch", str(patch), "--format", "json"])
    by_set = runner.invoke(app, ["whatif", str(MARGOLINA), "--set", "background-=visit-frid-vera", "--format", "json"])
    assert by_file.exit_code == by_set.exit_code == 0 and by_file.output == by_set.output


def test_bad_changes_exit_2_with_the_argument_in_place_of_file_and_line() -> None:
    result = runner.invoke(app, ["whatif", str(MARGOLINA), "--set", "people.margolina.nationality=martian",
                                 "--set", "record.november-hearing.date=1937-13-01"])
    assert result.exit_code == 2 and "Traceback" not in result.output and "What if" not in result.output
    assert "--set 'people.margolina.nationality=martian': people.margolina.nationality: unknown term" in result.output
    assert "--set 'record.november-hearing.date=1937-13-01': record[0].date: no such date" in result.output
    nothing = runner.invoke(app, ["whatif", str(MARGOLINA)])
    assert nothing.exit_code == 2 and "give the changes" in nothing.output
    unknown = runner.invoke(app, ["whatif", str(MARGOLINA), "--set", "people.nobody.origin=kulak"])
    assert unknown.exit_code == 2 and "people has no key 'nobody'" in unknown.output


def test_text_from_the_changes_is_escaped(book, engine) -> None:
    change = Change(path="title", set="A <b>bold</b> | title\x1b[31m")
    case = corpus.load_case(MARGOLINA)
    result = compare_runs(case, changed(MARGOLINA, change), [change], "norms-1938", book, engine)
    assert "\x1b" not in as_text(result) and "<b>" not in as_markdown(result) and "\x1b" not in as_markdown(result)
