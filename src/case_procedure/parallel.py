"""Bulk work over several processes (`--jobs N`), each with an engine of its own.

durable-rules keeps its rulesets in C state that belongs to one process: an engine
must never cross a fork, and a ruleset name cannot be registered twice on one host.
Workers therefore come from the 'forkserver' context (a clean server process forks
them, so no engine of the caller is ever copied; 'spawn' where forkserver does not
exist), and each loads its own workspace of norm sets (rule book and engine) on first use.

Results come back in the order of the tasks, whatever the number of jobs, so that
`--jobs 4` prints exactly what `--jobs 1` prints.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

from case_procedure import workspace as workspaces
from case_procedure.engine import DurableEngine
from case_procedure.progress import Progress, Tick, silent
from case_procedure.replay import RuleBook

Task = TypeVar("Task")
Result = TypeVar("Result")

_WORKSPACES: dict[Path, workspaces.Workspace] = {}


def workspace(rules_dir: Path) -> tuple[RuleBook, DurableEngine]:
    """This process's rule book and engine for a folder of norm sets, loaded once per process."""
    key = rules_dir.resolve()
    if key not in _WORKSPACES:
        _WORKSPACES[key] = workspaces.of_rules(rules_dir)
    return _WORKSPACES[key].book, _WORKSPACES[key].engine


def cpus() -> int:
    return os.cpu_count() or 1


def capped(jobs: int) -> tuple[int, str | None]:
    """`jobs` at most the number of CPUs (more processes only compete for them), and a note when capped."""
    if jobs <= cpus():
        return jobs, None
    return cpus(), f"--jobs {jobs}: capped at {cpus()}, the number of CPUs"


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["case_procedure.report", "case_procedure.synthetic"])
        return context
    return multiprocessing.get_context("spawn")


def run(function: Callable[[Task], Result], tasks: Sequence[Task], jobs: int, progress: Progress = silent,
        stage: str = "task", names: Sequence[str] = ()) -> list[Result]:
    """`[function(t) for t in tasks]`, over `jobs` worker processes when jobs > 1, ticking `progress` as each
    result arrives (in order; `names[i]` names task i).

    `function` must be a module-level function (workers import it by name).
    """
    def ticked(results: Iterable[Result]) -> list[Result]:
        done = []
        for n, result in enumerate(results, start=1):
            done.append(result)
            progress(Tick(stage, n, len(tasks), names[n - 1] if n <= len(names) else str(n)))
        return done

    if jobs <= 1 or len(tasks) <= 1:
        return ticked(function(task) for task in tasks)
    with _context().Pool(min(jobs, cpus(), len(tasks))) as pool:
        return ticked(pool.imap(function, tasks, chunksize=1))
