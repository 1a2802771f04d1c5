"""The Python API, for notebooks and scripts: the results the command line renders, as pydantic models.

    >>> from case_procedure import api
    >>> corpus = api.load()                      # the bundled corpus and norm sets, or your project's
    >>> trace = api.replay(corpus, "somov", "norms-1937")
    >>> rows = api.records(trace)                # pandas.DataFrame(rows)
    >>> print(api.explain(api.run(corpus, "somov", "norms-1938", why_not=True)))

docs/tutorial.md walks through it. Bad files raise `InputError` (its `problems` name file, line and
field, as the command line prints them); an unknown case or norm set raises `KeyError` naming the known ones.
"""

from __future__ import annotations

from pathlib import Path

from case_procedure import workspace
from case_procedure.case import Case
from case_procedure.compare import Comparison
from case_procedure.compare import compare as compare_case
from case_procedure.errors import InputError
from case_procedure.explain import explain_case
from case_procedure.norms import NormSet
from case_procedure.records import records
from case_procedure.replay import AUTO
from case_procedure.replay import replay as replay_case
from case_procedure.report import Report
from case_procedure.report import build as build_report
from case_procedure.run import run_case
from case_procedure.run_model import Run
from case_procedure.simulate import simulate as simulate_case
from case_procedure.trace import Simulation, Trace
from case_procedure.workspace import Workspace

__all__ = ["AUTO", "InputError", "Workspace", "compare", "load", "norm_set", "records", "replay", "report",
           "simulate"]


def load(cases: str | Path | None = None, rules: str | Path | None = None) -> Workspace:
    """The corpus and the norm sets, loaded and checked: from the folders given, else from the nearest folder
    holding `cases/` and `rules/` (the current one or a parent), else the bundled data."""
    places = workspace.locate(Path(cases) if cases is not None else None, Path(rules) if rules is not None else None)
    return workspace.load(places)


def _case(corpus: Workspace, case: str | Case) -> Case:
    return case if isinstance(case, Case) else corpus.case(case)


def norm_set(corpus: Workspace, name: str) -> NormSet:
    if name not in corpus.norm_sets:
        raise KeyError(f"no norm set {name!r}; known: {', '.join(corpus.norm_sets)}")
    return corpus.norm_sets[name]


def _known(corpus: Workspace, name: str) -> str:
    if name != AUTO:
        norm_set(corpus, name)
    return name


def replay(corpus: Workspace, case: str | Case, rules: str = AUTO) -> Trace:
    """Each recorded hearing of the case beside what the norm set prescribes (`rules`: a norm set id, or
    "auto" for the one in force at each hearing)."""
    return replay_case(_case(corpus, case), _known(corpus, rules), corpus.book, corpus.engine)


def simulate(corpus: Workspace, case: str | Case, rules: str = AUTO, start: str | None = None) -> Simulation:
    """The case routed by the norm set's rules from the facts known at hearing `start` (default: the first)."""
    return simulate_case(_case(corpus, case), _known(corpus, rules), corpus.book, corpus.engine, start)


def run(corpus: Workspace, case: str | Case, rules: str = AUTO, why_not: bool = False, paths: bool = False) -> Run:
    """Everything `explain` and `diagram` show of the case: its replay, its simulation (with every lawful path
    when `paths`) and, with `why_not`, every decision rule considered at each hearing and the condition it
    failed."""
    return run_case(_case(corpus, case), _known(corpus, rules), corpus.book, corpus.engine, why_not, paths=paths)


def explain(run: Run, format: str = "text", step: int | None = None) -> str:
    """The run told step by step in plain English (`format`: text or markdown), as `explain` prints it."""
    return explain_case(run, format, step)


def compare(corpus: Workspace, case: str | Case, rules: list[str]) -> Comparison:
    """The case under two or more norm sets, side by side."""
    if len(rules) < 2:
        raise ValueError("give at least two norm sets to compare")
    return compare_case(_case(corpus, case), [_known(corpus, r) for r in rules], corpus.book, corpus.engine)


def report(corpus: Workspace, jobs: int = 1) -> Report:
    """Every case under every norm set: agreement with the record, lost expulsions, rule coverage."""
    return build_report(corpus.cases, corpus.norm_sets, corpus.places.rules, jobs, book=corpus.book,
                        engine=corpus.engine)
