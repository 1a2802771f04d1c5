"""The command line: exit codes, messages without tracebacks, output formats."""

import json
import shutil
from pathlib import Path

from conftest import FIXTURES, ROOT
from typer.testing import CliRunner

from case_procedure.cli import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def fixture_folder(tmp_path: Path, old: str = "", new: str = "") -> Path:
    folder = tmp_path / "cases"
    folder.mkdir()
    text = (FIXTURES / "example.yaml").read_text(encoding="utf-8")
    (folder / "example.yaml").write_text(text.replace(old, new, 1) if old else text, encoding="utf-8")
    return folder


def test_check_passes_on_the_repository() -> None:
    result = invoke("check")
    assert result.exit_code == 0, result.output
    assert "norm sets" in result.output


def test_check_exits_2_naming_file_line_and_field(tmp_path: Path) -> None:
    folder = fixture_folder(tmp_path, "author: petrov", "author: petrof")
    result = invoke("check", "--cases", str(folder))
    assert result.exit_code == 2
    assert f"{folder / 'example.yaml'}:46: record[0].author: no person 'petrof'" in result.output
    assert "Traceback" not in result.output


def test_check_reports_broken_rule_files(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    (rules / "norms-1937.yaml").write_text("id: [broken\n")
    result = invoke("check", "--cases", str(fixture_folder(tmp_path)), "--rules-dir", str(rules))
    assert result.exit_code == 2 and "norms-1937.yaml:" in result.output and "Traceback" not in result.output


def test_replay_json_follows_the_contract() -> None:
    result = invoke("replay", str(FIXTURES / "example.yaml"), "--rules", "norms-1937", "--format", "json")
    assert result.exit_code == 0, result.output
    trace = json.loads(result.output)
    assert {"case", "norm_set", "steps", "outcome"} <= set(trace)
    for step in trace["steps"]:
        assert {"date", "body", "prescribed", "recorded", "agreement"} <= set(step)
        assert {"decision", "rule", "matched"} <= set(step["prescribed"])
        assert {"id", "statement", "source"} <= set(step["prescribed"]["rule"])
        assert set(step["recorded"]) >= {"decision"}


def test_replay_twice_is_byte_identical() -> None:
    args = ("replay", str(FIXTURES / "example.yaml"), "--rules", "auto", "--format", "json")
    assert invoke(*args).output == invoke(*args).output


def test_replay_text_fits_80_columns_and_markdown_has_a_table() -> None:
    text = invoke("replay", str(FIXTURES / "example.yaml"), "--rules", "norms-1938")
    assert text.exit_code == 0 and max(len(line) for line in text.output.splitlines()) <= 80
    markdown = invoke("replay", str(FIXTURES / "example.yaml"), "--rules", "norms-1938", "--format", "markdown")
    assert "| # | date | body |" in markdown.output


def test_replay_with_an_unknown_norm_set_or_file() -> None:
    result = invoke("replay", str(FIXTURES / "example.yaml"), "--rules", "norms-1999")
    assert result.exit_code == 2 and "no norm set 'norms-1999'" in result.output
    result = invoke("replay", "cases/nobody.yaml", "--rules", "norms-1937")
    assert result.exit_code == 2 and "no such file" in result.output


def test_replay_with_a_bad_case_writes_nothing_to_stdout(tmp_path: Path) -> None:
    folder = fixture_folder(tmp_path, "decision: expulsion\n", "decision: expelsion\n")
    result = runner.invoke(app, ["replay", str(FIXTURES / "example.yaml"), str(folder / "example.yaml"),
                                 "--rules", "norms-1937"])
    assert result.exit_code == 2
    assert result.stdout == ""


def test_schemas() -> None:
    for name, marker in (("case", "Hearing"), ("rules", "Rule"), ("trace", "Step")):
        result = invoke("schema", name)
        assert result.exit_code == 0 and marker in json.loads(result.output)["$defs"]


def test_rules_lists_every_norm_set() -> None:
    result = invoke("rules")
    assert result.exit_code == 0 and "norms-1937:" in result.output and "extends norms-1937" in result.output


def test_cases_lists_each_case_with_years_hearings_and_fate(tmp_path: Path) -> None:
    result = invoke("cases", "--cases", str(fixture_folder(tmp_path)))
    assert result.exit_code == 0
    assert result.output.splitlines()[1].split() == ["example", "dinamo", "1937-1937", "2", "expelled,",
                                                     "arrest", "not", "stated"]


def test_two_applicable_rules_without_precedence_stop_the_replay(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "clash.yaml").write_text("""\
id: clash
title: Two rules that disagree
summary: A test norm set whose two rules apply to the same hearing.
in_force: {from: 1937-01-01}
sources:
  s: {chapter: 1, section: ACCUSATIONS AND ZAIAVLENIIA, pages: "29-31"}
cites: [s]
rules:
  - {id: harsh, statement: Expel., reading: inferred, at: [party_committee], decide: expulsion, source: [s]}
  - {id: mild, statement: Reprimand., reading: inferred, at: [party_committee], decide: reprimand, source: [s]}
""")
    result = invoke("replay", str(FIXTURES / "example.yaml"), "--rules", "clash", "--rules-dir", str(rules))
    assert result.exit_code == 2
    assert "rules 'harsh' (expulsion) and 'mild' (reprimand) both apply" in result.output
    assert "Traceback" not in result.output


def test_check_one_file() -> None:
    result = invoke("check", str(FIXTURES / "example.yaml"))
    assert result.exit_code == 0 and result.output.startswith("1 case file and")


def test_missing_folders_are_named(tmp_path: Path) -> None:
    result = invoke("check", "--cases", str(tmp_path / "nowhere"))
    assert result.exit_code == 2 and "no such folder of case files" in result.output
    result = invoke("rules", "--rules-dir", str(tmp_path / "nowhere"))
    assert result.exit_code == 2 and "no such folder of norm set files" in result.output


def test_simulate_and_compare_print_every_format() -> None:
    case = str(ROOT / "cases" / "torbeeva.yaml")
    for fmt in ("text", "markdown", "json"):
        simulated = invoke("simulate", case, "--rules", "norms-1938", "--format", fmt)
        assert simulated.exit_code == 0, simulated.output
        compared = invoke("compare", case, "--rules", "norms-1937", "--rules", "norms-1938", "--format", fmt)
        assert compared.exit_code == 0, compared.output
    data = json.loads(invoke("compare", case, "--rules", "norms-1937", "--rules", "norms-1938",
                             "--format", "json").output)
    assert data["norm_sets"] == ["norms-1937", "norms-1938"]
    assert set(data["simulations"]) == {"norms-1937", "norms-1938"}


def test_simulate_and_compare_refuse_unknown_norm_sets_and_hearings() -> None:
    case = str(ROOT / "cases" / "torbeeva.yaml")
    unknown = invoke("compare", case, "--rules", "norms-1937", "--rules", "norms-2000")
    assert unknown.exit_code == 2 and "no norm set 'norms-2000'" in unknown.output
    single = invoke("compare", case, "--rules", "norms-1937")
    assert single.exit_code == 2 and "at least two" in single.output
    hearing = invoke("simulate", case, "--rules", "norms-1937", "--from", "no-such-hearing")
    assert hearing.exit_code == 2 and "no hearing" in hearing.output


def test_rules_diff_lists_the_changes_with_sources() -> None:
    result = invoke("rules", "diff", "norms-1937", "norms-1938", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["extends"] and data["changes"]
    assert all(change["sources"] for change in data["changes"])
    text = invoke("rules", "diff", "norms-1937", "norms-1938")
    assert all(change["id"] in text.output for change in data["changes"])
    assert invoke("rules", "diff", "norms-1937", "nothing").exit_code == 2


def test_facts_lists_the_catalogue() -> None:
    from case_procedure.situation import CATALOGUE

    result = invoke("facts")
    assert result.exit_code == 0
    assert all(kind in result.output for kind in CATALOGUE)


def test_check_refuses_a_practice_rule_drawn_from_a_case_not_in_the_corpus(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    practice = rules / "practice-1937.yaml"
    text = practice.read_text(encoding="utf-8")
    assert "drawn_from: [malyshev, somov]" in text
    practice.write_text(text.replace("drawn_from: [malyshev, somov]", "drawn_from: [malyshev, somof]"),
                        encoding="utf-8")
    result = invoke("check", "--rules-dir", str(rules))
    assert result.exit_code == 2
    line = text[:text.index("drawn_from: [malyshev, somov]")].count("\n") + 1
    assert f"{practice}:{line}: rules[0].drawn_from[1]: no case 'somof' in the corpus" in result.output


def _listed(result) -> list[str]:
    return [line.split()[0] for line in result.output.splitlines()[1:]]


def test_cases_filters_by_factory_and_by_chapter() -> None:
    everything = invoke("cases")
    assert everything.exit_code == 0
    dinamo = invoke("cases", "--factory", "dinamo")
    trekhgornaia = invoke("cases", "--factory", "trekhgornaia")
    assert dinamo.exit_code == trekhgornaia.exit_code == 0
    assert all(line.split()[1] == "dinamo" for line in dinamo.output.splitlines()[1:])
    assert set(_listed(dinamo)).isdisjoint(_listed(trekhgornaia)) and _listed(dinamo) and _listed(trekhgornaia)
    assert set(_listed(dinamo)) | set(_listed(trekhgornaia)) <= set(_listed(everything))
    from case_procedure import census, corpus

    loaded = {c.id: c for c in corpus.load_cases(corpus.case_files(ROOT / "cases"))}
    book = census.read_census(ROOT / "cases")
    by_chapter = {ch: invoke("cases", "--chapter", ch) for ch in ("introduction", "1", "2", "3", "4", "5",
                                                                   "conclusion")}
    for chapter, result in by_chapter.items():
        assert result.exit_code == 0
        assert all(census.case_chapter(loaded[c], book[0] if book else None) == chapter for c in _listed(result))
    assert sorted(c for r in by_chapter.values() for c in _listed(r)) == sorted(_listed(everything))
    both = invoke("cases", "--chapter", "3", "--factory", "trekhgornaia")
    assert set(_listed(both)) == set(_listed(by_chapter["3"])) & set(_listed(trekhgornaia))
    assert invoke("cases", "--chapter", " Conclusion ").output == by_chapter["conclusion"].output


def test_cases_chapter_falls_back_to_the_first_source_without_a_census(tmp_path: Path) -> None:
    folder = fixture_folder(tmp_path)  # no census; the fixture's first source is in chapter 3
    assert _listed(invoke("cases", "--cases", str(folder), "--chapter", "3")) == ["example"]
    assert _listed(invoke("cases", "--cases", str(folder), "--chapter", "2")) == []
    (folder / "census.yaml").write_text("""\
format: 1
entries:
  - {id: example, name: P. Petrov, factory: dinamo, chapter: 2, section: CHAOS, pages: "130", records: Invented.,
     decision: true, status: encoded, case: example}
""", encoding="utf-8")
    assert _listed(invoke("cases", "--cases", str(folder), "--chapter", "2")) == ["example"]
    assert _listed(invoke("cases", "--cases", str(folder), "--chapter", "3")) == []


def test_cases_refuses_an_unknown_factory_or_chapter_listing_the_known() -> None:
    from case_procedure.codebook import FACTORIES

    factory = invoke("cases", "--factory", "dinamoo")
    assert factory.exit_code == 2 and "Traceback" not in factory.output
    assert factory.output == f"--factory: unknown factory 'dinamoo'; known: {', '.join(FACTORIES)}\n"
    chapter = invoke("cases", "--chapter", "6")
    assert chapter.exit_code == 2
    assert chapter.output == "--chapter: unknown chapter '6'; known: introduction, 1, 2, 3, 4, 5, conclusion\n"


def test_cases_with_a_broken_census_and_a_chapter_names_the_census_line(tmp_path: Path) -> None:
    folder = fixture_folder(tmp_path)
    (folder / "census.yaml").write_text("format: 1\nentries:\n  - {id: example}\n", encoding="utf-8")
    result = invoke("cases", "--cases", str(folder), "--chapter", "3")
    expected = f"{folder / 'census.yaml'}:3: entries[0].name: required, and missing"
    assert result.exit_code == 2 and expected in result.output


def test_a_conflict_or_an_engine_failure_during_the_work_is_one_line_and_its_exit_code(monkeypatch) -> None:
    """The commands leave these to the guard (guard.py): exit 2 for rules in conflict, 3 for the engine."""
    from case_procedure import cli
    from case_procedure.errors import EngineError, RuleConflict

    for raised, code, message in ((RuleConflict("rules a and b conflict"), 2, "rules a and b conflict"),
                                  (EngineError("a rule's action failed"), 3, "engine error: a rule's action failed")):
        def fail(*args: object, exc: Exception = raised, **kwargs: object) -> None:
            raise exc

        monkeypatch.setattr(cli, "replay_case", fail)
        result = runner.invoke(app, ["replay", str(ROOT / "cases" / "somov.yaml"), "--rules", "norms-1937"])
        assert (result.exit_code, result.stderr) == (code, message + "\n")
        assert result.stdout == "" and "Traceback" not in result.output


def test_an_option_naming_nothing_is_its_message_and_exit_2_even_when_debugging(monkeypatch) -> None:
    """UsageError reaches the guard like a bad file: one message, never a traceback (not even with the debug
    variable, which shows the traceback of an internal error only)."""
    monkeypatch.setenv("CASE_PROCEDURE_DEBUG", "1")
    result = invoke("replay", str(ROOT / "cases" / "somov.yaml"), "--rules", "norms-2000")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("--rules: no norm set 'norms-2000'; known: ") and result.stderr.endswith(", auto\n")
    assert len(result.stderr.splitlines()) == 1


def test_the_census_left_out_is_said_before_the_problems_of_the_other_files(tmp_path: Path) -> None:
    folder = fixture_folder(tmp_path, "author: petrov", "author: petrof")
    (folder / "census.yaml").write_text("format: 1\nentries: []\n", encoding="utf-8")
    result = invoke("replay", str(folder / "census.yaml"), str(folder / "example.yaml"), "--rules", "auto",
                    "--cases", str(folder))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{folder / 'census.yaml'}: the census of the book's cases, not a case file; left out",
        f"{folder / 'example.yaml'}:46: record[0].author: no person 'petrof' in `people`"]
