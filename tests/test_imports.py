"""The package's import graph: no cycles, and the core never reaches a view; and, read the same way, the
one loader, the one ladder and the one error path.

The graph is read from the source with `ast`, so it holds every `case_procedure` import, at module level
and inside functions alike (an import deferred to a function is still a dependency, and a cycle through
one is still a cycle).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import ROOT

PACKAGE = ROOT / "src" / "case_procedure"
NAME = "case_procedure"

# The core: reading and checking the files, the situation, compiling and running the rules, replay and
# simulation, the trace, and what they stand on. None of it may import a view, directly or through others.
CORE = {
    "yamlfile", "scalars", "dates", "sources", "codebook", "errors", "files", "safe_text", "migrate", "case",
    "norms", "corpus", "workspace", "situation", "compiler", "engine", "precedence", "clock", "paths",
    "replay", "simulate", "trace", "compare", "diff", "outputs", "guard", "parallel", "progress", "judgments",
    "condition",
}
# The views: they turn results into text, pages and drawings (procedure: a norm set's procedure in words).
VIEWS = {"explain", "explain_text", "explain_markdown", "narrative", "diagram", "casebook", "report_text", "render",
         "listing", "procedure", "whatif_text", "sensitivity_text"}
# What runs the rules: the engine and its compiler, replay and simulation, and the computations built on them
# (the run of a case for the views, why not, comparison, what-if, sensitivity, the report's figures). The views
# read what these produce (`run_model`, `trace`, `report_model`, `sensitivity_model`) and never import them.
RUNNERS = {"engine", "compiler", "replay", "simulate", "run", "whynot", "compare", "whatif", "sensitivity", "report",
           "paths", "precedence", "judgments", "clock", "parallel", "workspace", "api", "export"}
# The models the views read: data alone, which must not reach what computes it either.
MODELS = {"trace", "run_model", "report_model", "sensitivity_model"}


def imports(path: Path) -> set[str]:
    """The modules of the package that a module imports anywhere in its body."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith(f"{NAME}.")}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == NAME:  # `from case_procedure import corpus, files`
                found |= {a.name for a in node.names if (path.parent / f"{a.name}.py").is_file()}
            elif node.module.startswith(f"{NAME}."):
                found.add(node.module.split(".")[1])
    return found - {path.stem}


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    return {path.stem: imports(path) for path in sorted(package.glob("*.py"))}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every group of modules that import one another in a circle (Tarjan's strongly connected components,
    iteratively), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next((c for c in children if c in graph), None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def reached(graph: dict[str, set[str]], start: str) -> dict[str, str]:
    """Every module `start` imports directly or through others, each with the module that imports it."""
    via: dict[str, str] = {}
    todo = [start]
    while todo:
        module = todo.pop()
        for target in sorted(graph.get(module, ())):
            if target not in via and target != start:
                via[target] = module
                todo.append(target)
    return via


def chain(via: dict[str, str], start: str, target: str) -> str:
    path = [target]
    while path[-1] != start:
        path.append(via[path[-1]])
    return " -> ".join(reversed(path))


GRAPH = import_graph()


def test_the_graph_holds_imports_made_inside_functions() -> None:
    assert "checks" in GRAPH["cli"]  # imported on use by `check`
    assert "diagram" in GRAPH["explain_markdown"]  # the pathway section of a Markdown explanation
    assert "workspace" in GRAPH["cli"] and "corpus" in GRAPH["cli"]  # `from case_procedure import ...`


def test_the_named_modules_exist() -> None:
    assert CORE | VIEWS <= set(GRAPH)


def test_the_cycle_finder_finds_a_cycle_and_only_cycles() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set(), "d": {"a", "c"}}) == []


def test_the_package_has_no_import_cycle() -> None:
    assert cycles(GRAPH) == []


@pytest.mark.parametrize("module", sorted(CORE))
def test_the_core_never_imports_a_view(module: str) -> None:
    via = reached(GRAPH, module)
    assert [chain(via, module, v) for v in sorted(VIEWS & set(via))] == []


@pytest.mark.parametrize("module", sorted(VIEWS | MODELS))
def test_views_and_their_models_never_reach_what_runs_the_rules(module: str) -> None:
    """A view renders a trace, a run or a report computed before it is called: neither it nor anything it
    imports (directly or through others) runs the engine, replays or simulates."""
    via = reached(GRAPH, module)
    assert [chain(via, module, r) for r in sorted(RUNNERS & set(via))] == []


def test_the_explanation_is_split_by_job_and_explain_no_longer_reaches_the_engine() -> None:
    assert {"narrative", "explain_text", "explain_markdown"} <= GRAPH["explain"]
    assert "diagram" in GRAPH["explain_markdown"] and "explain" not in reached(GRAPH, "diagram")
    assert "whynot" in GRAPH["run"] and "engine" in reached(GRAPH, "whynot")


def test_the_view_checks_can_fail() -> None:
    """The checks above see a back edge through another module."""
    graph = {"view": {"words"}, "words": {"replay"}, "replay": {"engine"}, "engine": set()}
    via = reached(graph, "view")
    assert chain(via, "view", "engine") == "view -> words -> replay -> engine"


def test_nothing_imports_the_command_line() -> None:
    assert [m for m, targets in GRAPH.items() if "cli" in targets and m != "__main__"] == []


def _tree(module: str) -> ast.Module:
    return ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))


def _called(name: str) -> list[str]:
    """Where the package calls `name` (a function or class, plain or as an attribute)."""
    found = []
    for module in sorted(GRAPH):
        for node in ast.walk(_tree(module)):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                if called == name:
                    found.append(f"{module}:{node.lineno}")
    return found


@pytest.mark.parametrize("name", ["RuleBook", "DurableEngine", "load_norm_sets"])
def test_only_the_workspace_builds_the_rule_book_the_engine_and_the_norm_sets(name: str) -> None:
    assert [where.split(":")[0] for where in _called(name)] == ["workspace"]


def test_the_ladder_of_bodies_is_defined_once() -> None:
    assigned = [f"{module}.{target.id}" for module in sorted(GRAPH) for node in ast.walk(_tree(module))
                if isinstance(node, ast.Assign) for target in node.targets
                if isinstance(target, ast.Name) and "LADDER" in target.id]
    assert assigned == ["codebook.LADDER"]


def test_the_command_line_catches_no_error() -> None:
    """Errors are raised by the functions the commands call and worded once, by guard.py."""
    handlers = [node.lineno for node in ast.walk(_tree("cli")) if isinstance(node, ast.ExceptHandler)]
    assert handlers == []
