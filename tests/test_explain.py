"""explain: every case under every norm set, the procedure of every norm set, why-not, Markdown tables."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, ROOT, explained
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from case_procedure import corpus
from case_procedure import situation as situations
from case_procedure.cli import app
from case_procedure.codebook import label
from case_procedure.compiler import compile_pattern
from case_procedure.engine import PythonEngine, holds
from case_procedure.errors import RouteLoop
from case_procedure.explain import (
    event_sentence,
    explain_procedure,
    pattern_words,
    rule_order,
    table,
)
from case_procedure.norms import load_norm_sets
from case_procedure.render import cell
from case_procedure.replay import AUTO, RuleBook, replay, situation_at
from case_procedure.run import run_case
from case_procedure.whynot import considerations

CASE_FILES = corpus.case_files(ROOT / "cases")
NORM_SETS = sorted(p.stem for p in (ROOT / "rules").glob("*.yaml"))
CASES = {c.id: c for c in corpus.load_cases(CASE_FILES)}
runner = CliRunner()


# -- Markdown tables ----------------------------------------------------------------------------

_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def table_problems(markdown: str) -> list[str]:
    """Rows whose cell count differs from their table's header, by the raw lines and by a GFM parser."""
    problems = []
    block: list[str] = []
    for line in [*markdown.split("\n"), ""]:
        if line.startswith("|"):
            block.append(line)
            continue
        if block:
            widths = [len(_UNESCAPED_PIPE.findall(row)) for row in block]
            if len(set(widths)) != 1:
                problems.append(f"table rows with different numbers of pipes: {widths}: {block[0]}")
            if not re.fullmatch(r"\|(---\|)+", block[1] if len(block) > 1 else ""):
                problems.append(f"table without a delimiter row: {block[0]}")
            block = []
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    header_cells, row_cells, in_head = 0, 0, False
    for token in tokens:
        if token.type == "thead_open":
            in_head, header_cells = True, 0
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            row_cells = 0
        elif token.type in ("th_open", "td_open"):
            row_cells += 1
        elif token.type == "tr_close":
            if in_head:
                header_cells = row_cells
            elif row_cells != header_cells:
                problems.append(f"a body row has {row_cells} cells, its header {header_cells}")
    tables = sum(t.type == "table_open" for t in tokens)
    raw_tables = sum(1 for i, line in enumerate(markdown.split("\n")) if re.fullmatch(r"\|(---\|)+", line))
    if tables != raw_tables:
        problems.append(f"{raw_tables} tables written, {tables} parsed")
    return problems


def test_table_problems_catches_a_broken_table() -> None:
    assert table_problems("| a | b |\n|---|---|\n| 1 | 2 | 3 |\n")
    assert not table_problems("\n".join(table(["a", "b"], [["x | y", "z"]])) + "\n")


@given(st.lists(st.lists(st.text(max_size=12), min_size=3, max_size=3), min_size=1, max_size=4))
def test_cells_never_break_a_table(rows: list[list[str]]) -> None:
    markdown = "\n".join(table(["one", "two", "three"], rows)) + "\n"
    assert not table_problems(markdown), markdown


@given(st.text(max_size=40))
def test_a_cell_is_one_line_without_unescaped_pipes(text: str) -> None:
    result = cell(text)
    assert "\n" not in result and not _UNESCAPED_PIPE.search(result.replace("\\\\", ""))


# -- explain CASE --------------------------------------------------------------------------------

@pytest.mark.parametrize("norm_set", [*NORM_SETS, AUTO])
@pytest.mark.parametrize("case_id", sorted(CASES))
def test_explain_every_case_under_every_norm_set(case_id: str, norm_set: str, book, engine) -> None:
    case = CASES[case_id]
    trace = replay(case, norm_set, book, engine)
    text = explained(case, norm_set, book, engine, "text")
    markdown = explained(case, norm_set, book, engine, "markdown", why_not=True)
    assert text.startswith(case.title[:40])
    assert all(len(line) <= 80 for line in text.splitlines()), "text is for an 80-column terminal"
    assert not table_problems(markdown)
    flat = " ".join(text.split())
    for n, step in enumerate(trace.steps, start=1):
        assert f"Hearing {n}: " in text and f"### Hearing {n}: " in markdown
        if step.prescribed:
            rule = step.prescribed.rule
            assert f"{rule.id} ({rule.reading}): {' '.join(rule.statement.split())}" in flat
    assert markdown.count("### Hearing ") == len(trace.steps)


def test_explain_one_step_shows_only_that_hearing(book, engine) -> None:
    case = max(CASES.values(), key=lambda c: len(c.hearings()))
    text = explained(case, "norms-1937", book, engine, "text", step=2, why_not=True)
    assert "Hearing 2: " in text and "Hearing 1: " not in text and "Hearing 3: " not in text
    assert "considered" in text
    with pytest.raises(ValueError, match="--step"):
        explained(case, "norms-1937", book, engine, step=len(case.hearings()) + 1)


def test_an_entry_names_the_body_that_acted_only_when_the_record_does() -> None:
    checked = 0
    for case in CASES.values():
        for event in [*case.background, *case.record]:
            if not hasattr(event, "by") or not hasattr(event, "person"):
                continue
            sentence = event_sentence(case, event)
            if event.by is None:
                assert " by the " not in sentence, sentence
            else:
                assert f" by the {label(event.by)}" in sentence, sentence
            checked += 1
    assert checked > 10


def test_a_route_loop_stops_only_the_simulation_when_told_to_keep_going(tmp_path: Path) -> None:
    rules = [{"id": f"r{n}", "statement": "A norm.", "reading": "stated", "at": [at], "route": to, "source": ["s"]}
             for n, (at, to) in enumerate([("opening", "shop_organization"), ("shop_organization", "party_committee"),
                                            ("party_committee", "shop_organization")])]
    spec = {"id": "loop", "title": "Loop", "summary": "Round and round.", "in_force": {"from": "1930-01-01"},
            "sources": {"s": {"chapter": 1, "section": "opening", "pages": "1"}}, "cites": ["s"], "rules": rules}
    (tmp_path / "loop.yaml").write_text(yaml.safe_dump(spec))
    book, case = RuleBook(load_norm_sets(tmp_path)), corpus.load_case(FIXTURES / "example.yaml")
    with pytest.raises(RouteLoop):
        run_case(case, "loop", book, PythonEngine())
    told = run_case(case, "loop", book, PythonEngine(), keep_going=True)
    assert told.simulation is None and "route rules involved: r1, r2" in str(told.simulation_error)
    assert len(told.trace.steps) == len(case.hearings())


# -- Why not ------------------------------------------------------------------------------------

def _situations():
    for case in CASES.values():
        for hearing in case.hearings():
            yield case, hearing, situations.build(case, hearing)


def test_why_not_agrees_with_the_engine_and_names_the_failing_condition(book, engine) -> None:
    checked = 0
    for _case, hearing, situation in _situations():
        facts = [f.engine_fact() for f in situation.facts]
        for normset in book.norm_sets.values():
            fired = {f.rule_id for f in PythonEngine().run(book.compiled(normset), "why-not", facts)}
            items = considerations(situation, normset)
            assert [i.rule.id for i in items] == [r.id for r in normset.decision_rules]
            assert {i.rule.id for i in items if i.verdict != "not applicable"} == fired
            for item in items:
                if item.verdict != "not applicable":
                    continue
                if item.failed_pattern == -1:
                    assert hearing.body not in item.rule.rule.at and "applies only at" in item.reason
                    continue
                pattern = item.rule.rule.when[item.failed_pattern]
                condition = compile_pattern(pattern.fact, pattern.tests())
                assert not any(holds(condition, f) for f in facts)
                assert all(any(holds(compile_pattern(p.fact, p.tests()), f) for f in facts)
                           for p in item.rule.rule.when[:item.failed_pattern])
                assert item.reason.startswith(f"needs {pattern_words(pattern)}")
                checked += 1
    assert checked > 100


def test_why_not_names_the_attribute_that_failed(book) -> None:
    case = CASES["somov"]
    hearing = case.hearings()[1]
    situation = situations.build(case, hearing)
    accused = situation.fact("accused").attributes
    items = {i.rule.id: i for i in considerations(situation, book.norm_sets["norms-1937"])}
    arrested_rule = next(r for r in book.norm_sets["norms-1937"].decision_rules
                         if any(p.fact == "accused" and p.tests().get("arrested") is True for p in r.rule.when))
    assert accused["arrested"] is False  # the case file: Somov was not arrested
    assert items[arrested_rule.id].verdict == "not applicable"
    assert "arrested is false" in items[arrested_rule.id].reason


def test_the_prescribed_rule_is_the_one_the_replay_names(book, engine) -> None:
    for case in CASES.values():
        trace = replay(case, "norms-1938", book, engine)
        for step, hearing in zip(trace.steps, case.hearings(), strict=True):
            normset = book.norm_sets["norms-1938"]
            items = considerations(situation_at(case, hearing, normset), normset)
            chosen = [i.rule.id for i in items if i.verdict == "prescribed"]
            assert chosen == ([step.prescribed.rule.id] if step.prescribed else [])


# -- explain --procedure ------------------------------------------------------------------------

@pytest.mark.parametrize("norm_set", NORM_SETS)
def test_explain_procedure_for_every_norm_set(norm_set: str) -> None:
    normset = load_norm_sets(ROOT / "rules")[norm_set]
    text = explain_procedure(normset, "text")
    markdown = explain_procedure(normset, "markdown")
    assert not table_problems(markdown)
    assert all(len(line) <= 80 for line in text.splitlines())
    for rule in normset.rules:
        assert rule.id in text and f"`{rule.id}`" in markdown
    for route in normset.route_rules:
        assert f"| `{route.id}` |" in markdown
    flat = " ".join(text.split())
    for power in normset.powers:
        assert " ".join(power.power.statement.split()) in flat


def test_rules_come_before_the_rules_they_override() -> None:
    for normset in load_norm_sets(ROOT / "rules").values():
        order = [r.id for r in rule_order(normset)]
        assert sorted(order) == sorted(r.id for r in normset.rules)
        for rule in normset.rules:
            for target in rule.rule.overrides:
                if target in order:
                    assert order.index(rule.id) < order.index(target), (rule.id, target)


# -- The command --------------------------------------------------------------------------------

def test_cli_explain_markdown_and_why_not() -> None:
    result = runner.invoke(app, ["explain", "cases/somov.yaml", "--rules", "norms-1938", "--step", "1",
                                 "--why-not", "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert "| rule | outcome | verdict | why |" in result.output and not table_problems(result.output)


@pytest.mark.parametrize("args, message", [
    (["explain"], "give a CASE file, or --procedure NORMSET"),
    (["explain", "cases/somov.yaml", "--procedure", "norms-1938"], "give a CASE file, or --procedure NORMSET"),
    (["explain", "cases/somov.yaml", "--step", "99"], "--step: case 'somov'"),
    (["explain", "cases/somov.yaml", "--rules", "norms-1999"], "--rules: no norm set 'norms-1999'"),
    (["explain", "--procedure", "norms-1999"], "--procedure: no norm set 'norms-1999'"),
    (["explain", "cases/nobody.yaml"], "no such file"),
    (["explain", "cases/somov.yaml", "--format", "json"], "--format: explain writes text or markdown"),
])
def test_cli_explain_bad_input_exits_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_cli_explain_procedure() -> None:
    result = runner.invoke(app, ["explain", "--procedure", "norms-1937"])
    assert result.exit_code == 0 and "The rules in order" in result.output


@pytest.mark.parametrize("case_id", ["torbeeva", "somov", "bystritskii"])
def test_the_explanation_tells_the_simulated_path_step_by_step(case_id: str, book, engine) -> None:
    from case_procedure.explain import SIMULATION_HEADING
    from case_procedure.simulate import simulate

    sim = simulate(CASES[case_id], "norms-1938", book, engine)
    for fmt in ("text", "markdown"):
        text = " ".join(explained(CASES[case_id], "norms-1938", book, engine, fmt).split())
        told = text[text.index(SIMULATION_HEADING):]
        assert all(f"(rule {s.rule.id})" in told.replace("\\", "") for s in sim.steps if s.rule)
        assert told.count("; the case goes to") + told.count("; the case ends there") + told.count(
            "no rule sends the case further") == len(sim.steps)
