"""Pathway diagrams: a case's path through the bodies, and a norm set's procedure.

A diagram is built once as a small graph and written out as Mermaid (for Markdown) and
as Graphviz DOT; `svg` runs Graphviz's `dot` when it is installed. Bodies are nodes and
steps are edges. The recorded path is drawn with solid lines, the simulated path with
dashed lines, and every edge's label says which path it belongs to, so that neither
colour nor line style is the only signal.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import textwrap
from dataclasses import dataclass
from typing import Literal

from case_procedure.case import Case
from case_procedure.codebook import label
from case_procedure.errors import UsageError
from case_procedure.norms import END, NormSet
from case_procedure.procedure import procedure_bodies, route_steps
from case_procedure.render import ARREST_WORDS, decision_words, outcome_words
from case_procedure.safe_text import visible
from case_procedure.situation import OPENING
from case_procedure.trace import Simulation, Trace

PathKind = Literal["recorded", "simulated", "route"]
Shape = Literal["body", "terminal"]
DOT_TIMEOUT = 60  # seconds; a diagram of this size takes well under one


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    shape: Shape = "body"


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str
    kind: PathKind


@dataclass(frozen=True)
class Graph:
    name: str
    title: str
    description: str  # how to read it, for screen readers and legends
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


def _node_id(name: str) -> str:
    # Mermaid reserves `end`; a prefix keeps every id clear of keywords in both languages.
    return "n_" + re.sub(r"[^a-z0-9_]", "_", name.lower())


def _body_node(body: str) -> Node:
    return Node(_node_id(body), label(body))


OPENING_NODE = Node(_node_id(OPENING), "a statement opens the case", "terminal")


# -- Graphs ----------------------------------------------------------------------------------

CASE_LEGEND = ("Boxes are bodies. Solid arrows, labelled recorded, are the hearings of the record in date order, "
               "each with the decision recorded and, in brackets, the one the norms prescribe. Dashed arrows, "
               "labelled simulated, are the steps the norm set takes on its own.")
PROCEDURE_LEGEND = ("Boxes are bodies, each with the number of decision rules that apply there. Arrows are route "
                    "rules: which body takes the case up next, and when.")
RECORD_END = "record_end"
SIMULATION_ENDINGS = {"end": "a route rule ends the case", "no-route": "no rule sends the case further"}  # with steps
SIMULATION_END = "simulation_end"


def _fate_words(case: Case) -> str:
    return f"fate: {label(case.fate.party_status)}, {ARREST_WORDS[case.fate.arrested]}"


def case_pathway(case: Case, trace: Trace | None = None, simulation: Simulation | None = None) -> Graph:
    """The recorded hearings as solid edges between bodies (with what `trace`'s norm set prescribed at
    each), and the steps of `simulation` as dashed edges."""
    nodes: dict[str, Node] = {OPENING: OPENING_NODE}
    edges: list[Edge] = []
    steps = {s.hearing: s for s in trace.steps} if trace else {}
    previous = OPENING
    for n, hearing in enumerate(case.hearings(), start=1):
        nodes.setdefault(hearing.body, _body_node(hearing.body))
        text = f"recorded {n}, {hearing.date}: {decision_words(hearing.decision, hearing.also)}"
        step = steps.get(hearing.id)
        if step is not None and step.norm_set is not None:
            text += f" (norms: {outcome_words(step.prescribed, 'no rule decides')})"
        edges.append(Edge(nodes[previous].id, nodes[hearing.body].id, text, "recorded"))
        previous = hearing.body
    if case.hearings():
        nodes[RECORD_END] = Node(_node_id(RECORD_END), _fate_words(case), "terminal")
        edges.append(Edge(nodes[previous].id, nodes[RECORD_END].id, "recorded: the record ends", "recorded"))
    if simulation is not None:
        previous = OPENING
        for simulated in simulation.steps:
            nodes.setdefault(simulated.body, _body_node(simulated.body))
            decided = simulated.words() or "no rule decides"
            edges.append(Edge(nodes[previous].id, nodes[simulated.body].id, f"simulated {simulated.n}: {decided}",
                              "simulated"))
            previous = simulated.body
        if simulation.steps:
            ending = SIMULATION_ENDINGS[simulation.ended]
            nodes[SIMULATION_END] = Node(_node_id(SIMULATION_END), f"simulation: {ending}", "terminal")
            edges.append(Edge(nodes[previous].id, nodes[SIMULATION_END].id, f"simulated: {ending}", "simulated"))
    name = f"{case.id}-{trace.norm_set}" if trace else case.id
    title = f"Pathway of the case {case.id}" + (f" under {trace.norm_set}" if trace else "")
    return Graph(name, title, CASE_LEGEND, tuple(nodes.values()), tuple(edges))


PATHS_LEGEND = ("A tree of the lawful paths: each box is a body at one step, with the decision taken there; "
                "branches are the choices the norms leave (an optional route, the accused's appeal, an end of a "
                "range). Every arrow is labelled with the paths it belongs to. Arrows on the record's path are "
                "solid, thick and labelled 'record'; the others are dashed.")


def lawful_tree(case: Case, simulation: Simulation) -> Graph:
    """The lawful paths of `simulation` as a tree from the start, the record's path drawn distinctly."""
    lawful = simulation.lawful
    start = Node(_node_id("start"), f"start: {lawful.start_reason}" if lawful else "no lawful path", "terminal")
    nodes: dict[tuple[object, ...], Node] = {(): start}
    members: dict[tuple[tuple[object, ...], tuple[object, ...]], list[str]] = {}
    recorded: set[tuple[tuple[object, ...], tuple[object, ...]]] = set()
    for path in lawful.paths if lawful else []:
        prefix: tuple[object, ...] = ()
        for step in path.steps:
            here = (*prefix, (step.body, step.decision, step.on_appeal))
            decided = label(step.decision) if step.decision else "no rule decides"
            nodes.setdefault(here, Node(_node_id(f"t{len(nodes)}"), f"{step.n}. {label(step.body)}: {decided}"))
            members.setdefault((prefix, here), []).append(path.id)
            if path.recorded:
                recorded.add((prefix, here))
            prefix = here
        end = (*prefix, ("end", path.id))
        final = label(path.final) if path.final else "no decision"
        how = "the case ends" if path.ended == "end" else "no rule sends it further"
        nodes[end] = Node(_node_id(f"t{len(nodes)}"), f"{path.id}{' (the record)' if path.recorded else ''}: "
                          f"{how}; final {final}", "terminal")
        members[(prefix, end)] = [path.id]
        if path.recorded:
            recorded.add((prefix, end))
    edges = [Edge(nodes[a].id, nodes[b].id, ("record, " if (a, b) in recorded else "") + ", ".join(ids),
                  "recorded" if (a, b) in recorded else "simulated") for (a, b), ids in members.items()]
    return Graph(f"{case.id}-{simulation.norm_set}-paths", f"Lawful paths of the case {case.id} under "
                 f"{simulation.norm_set}", PATHS_LEGEND, tuple(nodes.values()), tuple(edges))


def procedure_graph(normset: NormSet) -> Graph:
    """The bodies of a norm set, and its route rules as edges from one body to the next."""
    counts = {b: 0 for b in procedure_bodies(normset)}
    for rule in normset.decision_rules:
        for body in rule.rule.at:
            counts[body] = counts.get(body, 0) + 1
    nodes: dict[str, Node] = {}
    steps = route_steps(normset)
    if any(s.source == OPENING for s in steps):
        nodes[OPENING] = OPENING_NODE
    for body, count in counts.items():
        rules = f"{count} decision rule{'s' if count != 1 else ''}" if count else "no decision rule"
        nodes[body] = Node(_node_id(body), f"{label(body)} ({rules})")
    if any(s.target == END for s in steps):
        nodes[END] = Node(_node_id(END), "the case ends", "terminal")
    edges = [Edge(nodes[s.source].id, nodes[s.target].id, f"{s.rule.id}: when {s.conditions}", "route")
             for s in steps]
    return Graph(normset.id, f"Procedure of the norm set {normset.id}", PROCEDURE_LEGEND, tuple(nodes.values()),
                 tuple(edges))


# -- Mermaid ---------------------------------------------------------------------------------

def _plain(text: str) -> str:
    """One line with its control characters made visible: neither Graphviz nor Mermaid accepts them in a
    label, and the escape must come before each language's own (DOT reads a backslash as one)."""
    return " ".join(visible(text).split())


def _mermaid_text(text: str) -> str:
    text = _plain(text).replace("#", "#35;").replace('"', "#quot;").replace("`", "'")
    return text.replace("|", "#124;").replace("<", "#lt;").replace(">", "#gt;")


MERMAID_ARROWS = {"recorded": "-->", "simulated": "-.->", "route": "-->"}


def mermaid(graph: Graph) -> str:
    lines = ["flowchart LR", f"  accTitle: {_mermaid_text(graph.title)}",
             f"  accDescr: {_mermaid_text(graph.description)}"]
    for node in graph.nodes:
        text = _mermaid_text(node.label)
        lines.append(f'  {node.id}(["{text}"])' if node.shape == "terminal" else f'  {node.id}["{text}"]')
    for edge in graph.edges:
        lines.append(f'  {edge.source} {MERMAID_ARROWS[edge.kind]}|"{_mermaid_text(edge.label)}"| {edge.target}')
    return "\n".join(lines) + "\n"


def mermaid_markdown(graph: Graph) -> str:
    return f"```mermaid\n{mermaid(graph)}```\n"


# -- Graphviz --------------------------------------------------------------------------------

def _dot_text(text: str, width: int = 32) -> str:
    lines = textwrap.wrap(_plain(text), width, break_on_hyphens=False) or [""]
    escaped = [line.replace("\\", "\\\\").replace('"', '\\"') for line in lines]
    return '"' + "\\n".join(escaped) + '"'


DOT_STYLES = {"recorded": "solid", "simulated": "dashed", "route": "solid"}


def dot(graph: Graph) -> str:
    lines = [f"digraph {_dot_text(graph.name, 200)} {{",
             f"  label={_dot_text(graph.title, 200)}; labelloc=t; rankdir=LR;",
             '  node [shape=box, style=rounded, fontname="Helvetica", fontsize=11];',
             '  edge [fontname="Helvetica", fontsize=9];']
    for node in graph.nodes:
        shape = ", shape=oval" if node.shape == "terminal" else ""
        lines.append(f"  {node.id} [label={_dot_text(node.label, 24)}{shape}];")
    for edge in graph.edges:
        width = ", penwidth=2" if edge.kind == "recorded" else ""
        lines.append(f"  {edge.source} -> {edge.target} [label={_dot_text(edge.label)}, "
                     f"style={DOT_STYLES[edge.kind]}{width}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def graphviz_available() -> bool:
    return shutil.which("dot") is not None


_PROLOG = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


_ID = re.compile(r'\bid="([^"]*)"')


_DOCUMENT = re.compile(r"(?=<\?xml\b)")
_PAGED = re.compile(r'id="page\d+,\d+_(graph\d+)"')


def _drawn(program: str, dot_source: str) -> str:
    """One graph drawn by `dot`, its prolog and comments removed."""
    result = subprocess.run([program, "-Tsvg"], input=dot_source, capture_output=True, text=True,
                            timeout=DOT_TIMEOUT, check=False)
    if result.returncode != 0:
        raise UsageError(f"dot rejected the diagram: {result.stderr.strip()}")
    return _COMMENT.sub("", _PROLOG.sub("", result.stdout, count=1)).strip()


def draw_all(dot_sources: list[str]) -> dict[str, str]:
    """Several graphs drawn by one `dot` process (starting one costs far more than drawing a small graph),
    keyed by their DOT source, for `svg`'s `drawn`; empty without Graphviz. Where the one process fails or
    its output does not split into one document a graph, each graph is drawn on its own, so that a faulty one
    is named as `svg` names it."""
    program = shutil.which("dot")
    unique = list(dict.fromkeys(dot_sources))
    if program is None or not unique:
        return {}
    result = subprocess.run([program, "-Tsvg"], input="\n".join(unique), capture_output=True, text=True,
                            timeout=DOT_TIMEOUT * len(unique), check=False)
    documents = [d for d in _DOCUMENT.split(result.stdout) if d.strip()]
    if result.returncode != 0 or len(documents) != len(unique):
        return {source: _drawn(program, source) for source in unique}
    # in one run Graphviz names the group of every graph after the first page0,1_graph0, not graph0
    return {source: _PAGED.sub(r'id="\1"', _COMMENT.sub("", _PROLOG.sub("", document, count=1)).strip())
            for source, document in zip(unique, documents, strict=True)}


def svg(dot_source: str, description: str, prefix: str, drawn: dict[str, str] | None = None) -> str | None:
    """Inline SVG drawn by Graphviz (taken from `drawn`, from `draw_all`, when it holds the graph), or None when
    `dot` is not installed. Raises on a DOT syntax error.

    Graphviz names its elements graph0, node1...; `prefix` keeps them unique on a page with several drawings.
    """
    drawing = (drawn or {}).get(dot_source)
    if drawing is None:
        program = shutil.which("dot")
        if program is None:
            return None
        drawing = _drawn(program, dot_source)
    drawing = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', drawing)
    accessible = description.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return drawing.replace("<svg", f'<svg role="img" aria-label="{accessible}"', 1)


DiagramFormat = Literal["mermaid", "markdown", "dot", "svg"]


def render(graph: Graph, format: DiagramFormat) -> str:
    """A diagram as Mermaid, as Mermaid inside Markdown, as DOT, or as SVG (UsageError without Graphviz)."""
    if format == "mermaid":
        return mermaid(graph)
    if format == "markdown":
        return f"# {graph.title}\n\n{graph.description}\n\n{mermaid_markdown(graph)}"
    if format == "dot":
        return dot(graph)
    drawing = svg(dot(graph), f"{graph.title}. {graph.description}", graph.name)
    if drawing is None:
        raise UsageError("--format svg needs Graphviz's `dot` (apt-get install graphviz); "
                         "use --format dot or mermaid without it")
    return drawing + "\n"
