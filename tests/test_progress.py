"""The progress display: a few plain lines in a log or a pipe, a bar on a terminal, never in the output."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import ROOT
from conftest import build_casebook as build
from hypothesis import given
from hypothesis import strategies as st

from case_procedure import corpus, export, parallel, workspace
from case_procedure.progress import QUARTERS, Tick, milestone, shown
from case_procedure.safe_text import visible


@given(st.integers(1, 5000))
def test_a_plain_display_prints_the_first_item_each_quarter_and_the_last(total: int) -> None:
    printed = [done for done in range(1, total + 1) if milestone(Tick("case", done, total, "x"))]
    assert printed[0] == 1 and printed[-1] == total
    assert len(printed) <= QUARTERS + 1
    assert len(printed) == len(set(printed))


def test_plain_lines_name_the_command_and_escape_the_item() -> None:
    stream = io.StringIO()
    with shown("casebook", stream, terminal=False) as tick:
        for done in range(1, 9):
            tick(Tick("case", done, 8, f"case-{done}\x1b[2J"))
    lines = stream.getvalue().splitlines()
    assert lines[0] == "casebook: case 1/8 case-1" + visible("\x1b") + "[2J"
    assert lines[-1].startswith("casebook: case 8/8 ")
    assert "\x1b" not in stream.getvalue()


def test_a_terminal_gets_a_bar_that_leaves_no_item_markup_behind() -> None:
    stream = io.StringIO()
    with shown("casebook", stream, terminal=True) as tick:
        for done in range(1, 4):
            tick(Tick("case", done, 3, "[bold]not markup[/bold]"))
    drawn = stream.getvalue()
    assert "casebook: case [bold]not markup[/bold]" in drawn, "an item is shown as written, not read as markup"
    assert "100%" in drawn


@pytest.mark.slow
def test_the_casebook_is_the_same_with_and_without_a_display(tmp_path: Path, book, engine) -> None:
    cases = corpus.load_cases(sorted(corpus.case_files(ROOT / "cases"))[:3])
    build(tmp_path / "quiet", cases, book, engine, use_svg=False)
    stream = io.StringIO()
    with shown("casebook", stream, terminal=True) as tick:
        build(tmp_path / "shown", cases, book, engine, progress=tick, use_svg=False)
    quiet = {p.relative_to(tmp_path / "quiet"): p.read_bytes() for p in (tmp_path / "quiet").rglob("*") if p.is_file()}
    loud = {p.relative_to(tmp_path / "shown"): p.read_bytes() for p in (tmp_path / "shown").rglob("*") if p.is_file()}
    assert quiet == loud
    assert stream.getvalue()


@pytest.mark.parametrize("jobs", [1, 2])
def test_parallel_work_ticks_once_a_task_in_order(jobs: int) -> None:
    ticks: list[Tick] = []
    results = parallel.run(abs, [-3, -1, -2], jobs, ticks.append, "number", ["three", "one", "two"])
    assert results == [3, 1, 2]
    assert [str(t) for t in ticks] == ["number 1/3 three", "number 2/3 one", "number 3/3 two"]


def test_an_export_ticks_once_a_norm_set_and_writes_the_same_rows(tmp_path: Path) -> None:
    corpus_of_two = workspace.load(workspace.locate(None, None), [ROOT / "cases" / "somov.yaml",
                                                                   ROOT / "cases" / "zhukov.yaml"])
    ticks: list[Tick] = []
    assert export.tables(corpus_of_two, ticks.append) == export.tables(corpus_of_two)
    assert [t.item for t in ticks] == list(corpus_of_two.norm_sets)
