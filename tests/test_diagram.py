"""Diagrams: Mermaid and DOT for every case and norm set; DOT parses with Graphviz where it is installed."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from conftest import ROOT, explained
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from case_procedure import corpus, diagram
from case_procedure.cli import app
from case_procedure.engine import PythonEngine
from case_procedure.errors import UsageError
from case_procedure.norms import load_norm_sets
from case_procedure.replay import RuleBook, replay
from case_procedure.simulate import simulate

CASES = {c.id: c for c in corpus.load_cases(corpus.case_files(ROOT / "cases"))}
NORM_SETS = load_norm_sets(ROOT / "rules")
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
MERMAID_NODE = re.compile(r'^  (n_[a-z0-9_]+)(\["|\(\[")')
MERMAID_EDGE = re.compile(r'^  (n_[a-z0-9_]+) (-->|-\.->)\|"([^"|]*)"\| (n_[a-z0-9_]+)$')


def _parse_dot(source: str) -> None:
    result = subprocess.run(["dot", "-Tsvg"], input=source, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "<svg" in result.stdout


def _mermaid_edges(text: str) -> list[tuple[str, str, str, str]]:
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    nodes = {m.group(1) for line in lines if (m := MERMAID_NODE.match(line))}
    edges = []
    for line in lines[1:]:
        if line.startswith("  acc") or MERMAID_NODE.match(line):
            continue
        match = MERMAID_EDGE.match(line)
        assert match, f"not a node or an edge: {line!r}"
        source, arrow, text_, target = match.groups()
        assert {source, target} <= nodes
        edges.append((source, arrow, text_, target))
    return edges


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_case_pathway_draws_the_record_solid_and_the_simulation_dashed(case_id: str, book, engine) -> None:
    case = CASES[case_id]
    trace = replay(case, "norms-1938", book, engine)
    sim = simulate(case, "norms-1938", book, engine)
    graph = diagram.case_pathway(case, trace, sim)
    edges = _mermaid_edges(diagram.mermaid(graph))
    recorded = [e for e in edges if e[2].startswith("recorded")]
    simulated = [e for e in edges if e[2].startswith("simulated")]
    assert len(recorded) + len(simulated) == len(edges)
    assert all(arrow == "-->" for _, arrow, _, _ in recorded)
    assert all(arrow == "-.->" for _, arrow, _, _ in simulated)
    hearings = case.hearings()
    assert len(recorded) == (len(hearings) + 1 if hearings else 0)
    assert len(simulated) == (len(sim.steps) + 1 if sim.steps else 0)
    for n, (hearing, edge) in enumerate(zip(hearings, recorded, strict=False), start=1):
        assert edge[2].startswith(f"recorded {n}, {hearing.date}") and edge[3] == f"n_{hearing.body}"
    dot = diagram.dot(graph)
    assert dot.count("style=dashed") == len(simulated) and dot.count("style=solid") == len(recorded)


@needs_dot
@pytest.mark.parametrize("case_id", sorted(CASES))
def test_case_pathway_dot_parses(case_id: str, book, engine) -> None:
    case = CASES[case_id]
    for norm_set in ("auto", "norms-1937", "norms-1938"):
        graph = diagram.case_pathway(case, replay(case, norm_set, book, engine), simulate(case, norm_set, book, engine))
        _parse_dot(diagram.dot(graph))


@pytest.mark.parametrize("norm_set", sorted(NORM_SETS))
def test_procedure_graph_has_an_edge_per_route_rule_and_body(norm_set: str) -> None:
    normset = NORM_SETS[norm_set]
    graph = diagram.procedure_graph(normset)
    edges = _mermaid_edges(diagram.mermaid(graph))
    assert len(edges) == sum(len(r.rule.at) for r in normset.route_rules)
    assert {e[2].split(":")[0] for e in edges} == {r.id for r in normset.route_rules}
    if shutil.which("dot"):
        _parse_dot(diagram.dot(graph))


label_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)


@settings(max_examples=60)
@given(label_text, label_text)
def test_any_label_is_escaped_in_both_languages(node: str, edge: str) -> None:
    graph = diagram.Graph("g", node, edge, (diagram.Node("n_a", node), diagram.Node("n_b", edge, "terminal")),
                          (diagram.Edge("n_a", "n_b", edge, "recorded"), diagram.Edge("n_b", "n_a", node, "simulated")))
    edges = _mermaid_edges(diagram.mermaid(graph))
    assert len(edges) == 2
    if shutil.which("dot"):
        _parse_dot(diagram.dot(graph))


@needs_dot
def test_inline_svg_is_accessible_and_its_ids_are_prefixed(book, engine) -> None:
    case = CASES["somov"]
    graph = diagram.case_pathway(case, replay(case, "norms-1937", book, engine))
    drawing = diagram.svg(diagram.dot(graph), 'A "quoted" <title>', "somov-x")
    assert drawing is not None and drawing.startswith('<svg role="img" aria-label="A &quot;quoted&quot; &lt;title>"')
    ids = re.findall(r'\bid="([^"]*)"', drawing)
    assert ids and all(i.startswith("somov-x-") for i in ids) and len(ids) == len(set(ids))


def test_svg_is_none_without_graphviz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diagram.shutil, "which", lambda name: None)
    assert diagram.svg("digraph g {}", "x", "p") is None and not diagram.graphviz_available()


def test_the_diagram_command_draws_a_case_and_a_procedure_in_every_format() -> None:
    runner = CliRunner()
    case = str(ROOT / "cases" / "torbeeva.yaml")
    formats = ["mermaid", "markdown", "dot"] + (["svg"] if shutil.which("dot") else [])
    for fmt in formats:
        drawn = runner.invoke(app, ["diagram", case, "--rules", "norms-1938", "--format", fmt])
        assert drawn.exit_code == 0, drawn.output
        assert "simulated 1" in drawn.output and "recorded 1" in drawn.output
        procedure = runner.invoke(app, ["diagram", "--procedure", "norms-1937", "--format", fmt])
        assert procedure.exit_code == 0, procedure.output
    assert runner.invoke(app, ["diagram", "--format", "dot"]).exit_code == 2
    assert runner.invoke(app, ["diagram", "--procedure", "norms-2000"]).exit_code == 2


def test_markdown_explanations_carry_the_pathway_as_mermaid(book, engine) -> None:
    text = explained(CASES["torbeeva"], "norms-1938", book, engine, "markdown")
    assert "## The pathway" in text and "```mermaid\nflowchart" in text and "simulated 1:" in text


@needs_dot
def test_graphs_drawn_in_one_run_of_graphviz_are_drawn_as_one_by_one() -> None:
    """The casebook draws a page's diagrams with one `dot` process; each drawing must be the one `svg` makes
    alone (Graphviz renames the group of every graph after the first in a run: the renaming is undone)."""
    book, engine = RuleBook(NORM_SETS), PythonEngine()
    sources = [diagram.dot(diagram.case_pathway(case, replay(case, name, book, engine),
                                                simulate(case, name, book, engine)))
               for case in list(CASES.values())[:3] for name in ("norms-1937", "norms-1938")]
    drawn = diagram.draw_all([*sources, sources[0]])  # a repeated graph is drawn once
    assert set(drawn) == set(sources)
    for n, source in enumerate(sources):
        assert diagram.svg(source, "d", f"p{n}", drawn) == diagram.svg(source, "d", f"p{n}")
    with pytest.raises(UsageError, match="dot rejected the diagram"):  # a faulty graph is named as alone
        diagram.draw_all([sources[0], "digraph { a -> }"])
