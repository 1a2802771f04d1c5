"""The workspace: where the cases and norm sets come from, and the one loader every command and the API use.

`read` is the command line's way in (the folders of `--cases` and `--rules-dir`, the cases named, notices
told as they arise); `load` the API's. Both give a `Workspace`: the cases, the norm sets, and the one
rule book and engine that every command runs them with.

Where to read (first that applies):
- `--cases` / `--rules-dir` (the API's `cases=` / `rules=`), when given;
- a project folder: the current folder or the nearest parent holding both `cases/` and `rules/` (a clone
  of this repository, or a historian's own project laid out the same way);
- the bundled corpus and norm sets: in an installed package `case_procedure/data/`, in a source
  checkout the repository's own `cases/` and `rules/` (one copy of the data in git).

A case named on the command line is a path to a case file, or the id of a case of the corpus in use
(`somov` for `cases/somov.yaml`).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import case_procedure
from case_procedure import corpus, outputs
from case_procedure.case import Case
from case_procedure.engine import DurableEngine
from case_procedure.errors import InputError, Problem, UsageError
from case_procedure.files import unreadable
from case_procedure.norms import NormSet, load_norm_sets
from case_procedure.replay import AUTO, RuleBook

CASES, RULES = "cases", "rules"


@dataclass(frozen=True)
class Places:
    """The folder of case files and the folder of norm set files, and where they were found."""

    cases: Path
    rules: Path
    origin: str  # "given", "project" or "bundled"

    @property
    def rule_tests(self) -> Path:
        return self.rules / "tests"

    def case_files(self) -> list[Path]:
        """The corpus: every case file of the cases folder."""
        return corpus.case_files(self.cases)

    def case_path(self, name: str | Path) -> Path:
        """A case file named by path, or by the id of a case of the corpus in use."""
        path = Path(name)
        if path.suffix or len(path.parts) != 1 or path.exists():
            return path
        candidate = self.cases / f"{path.name}.yaml"
        return candidate if candidate.is_file() else path

    def unknown_case(self, path: Path) -> str:
        """Why a named case cannot be read: a missing file, or an id the corpus does not hold (with the
        nearest ids)."""
        if path.suffix or len(path.parts) != 1:
            return "no such file"
        try:
            ids = [p.stem for p in self.case_files()]
        except InputError:
            ids = []
        near = difflib.get_close_matches(path.name, ids, n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(near)}?" if near else ""
        return f"no such file, nor a case id of the corpus in {self.cases}{hint}"


def bundled_root() -> Path:
    """The folder holding the bundled `cases/` and `rules/`: the package's data, or the source checkout."""
    package = Path(case_procedure.__file__).resolve().parent
    installed = package / "data"
    if (installed / RULES).is_dir():
        return installed
    return package.parents[1]  # src/case_procedure -> the repository


def project_root(start: Path) -> Path | None:
    """The nearest folder, `start` or a parent, holding both `cases/` and `rules/`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CASES).is_dir() and (folder / RULES).is_dir():
            return folder
    return None


def locate(cases: Path | None = None, rules: Path | None = None, start: Path | None = None) -> Places:
    """Where the cases and norm sets are read from (see the module's docstring)."""
    here = Path.cwd() if start is None else start
    if cases is not None and rules is not None:
        return Places(cases, rules, "given")
    found = project_root(here)
    origin = "project" if found is not None else "bundled"
    root = found if found is not None else bundled_root()
    if found is not None:
        root = Path(os.path.relpath(found))  # messages name `cases/somov.yaml` or `../cases/somov.yaml`
    return Places(cases if cases is not None else root / CASES, rules if rules is not None else root / RULES,
                  "given" if cases is not None or rules is not None else origin)


@dataclass
class Workspace:
    """Cases and norm sets loaded and checked, with the rule book and the engine to run them."""

    places: Places
    cases: list[Case]
    paths: list[Path]  # the file of each case, in the same order
    norm_sets: dict[str, NormSet]
    _engine: DurableEngine | None = field(default=None, repr=False)

    @cached_property
    def book(self) -> RuleBook:
        return RuleBook(self.norm_sets)

    @property
    def engine(self) -> DurableEngine:
        if self._engine is None:
            self._engine = DurableEngine()
        return self._engine

    def notices(self) -> list[str]:
        """One line for each case read from an older format."""
        return corpus.format_notices(self.cases, self.paths)

    def case(self, case_id: str) -> Case:
        for case in self.cases:
            if case.id == case_id:
                return case
        near = difflib.get_close_matches(case_id, [c.id for c in self.cases], n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(near)}?" if near else ""
        raise KeyError(f"no case {case_id!r} in {self.places.cases}{hint}")

    def known(self, name: str, option: str = "--rules", auto: bool = True) -> str:
        """`name`, when it is a norm set of the workspace (or, where allowed, `auto`); else UsageError naming
        the option and the known norm sets."""
        choices = [*self.norm_sets, AUTO] if auto else list(self.norm_sets)
        if name not in choices:
            raise UsageError(f"{option}: no norm set {name!r}; known: {', '.join(choices)}")
        return name

    def norm_set(self, name: str, option: str) -> NormSet:
        """The norm set named by an option or argument; UsageError naming the known ones."""
        return self.norm_sets[self.known(name, option, auto=False)]


def input_places(loaded: Workspace) -> outputs.Reads:
    """What a command over the workspace reads, and so never writes over."""
    return outputs.Reads({loaded.places.cases: "the folder of case files (--cases)",
                          loaded.places.rules: "the folder of norm set files (--rules-dir)"}, loaded.paths)


def read(cases: Path | None, rules_dir: Path | None, named: list[Path] | None = None, rules: bool = True,
         notify: Callable[[str], None] = lambda line: None) -> Workspace:
    """The command line's loader: the cases named (None: the corpus; [] none) from the folders given or found,
    and with `rules` every norm set. The census that `cases/*.yaml` also names is left out, and `notify` told
    so before anything is read; it is told afterwards of each case read from an older format."""
    places = locate(cases, rules_dir)
    if named is not None:
        named, census = without_census(named)
        for path in census:
            notify(f"{path}: the census of the book's cases, not a case file; left out")
    loaded = load(places, named, rules)
    for notice in loaded.notices():
        notify(notice)
    return loaded


def of_rules(rules_dir: Path | None) -> Workspace:
    """The norm sets of a folder (None: the one found, see `locate`) with their rule book and engine, and no
    cases."""
    return read(None, rules_dir, named=[])


def without_census(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """The case files named, and apart the census among them (a shell's `cases/*.yaml` names it too);
    InputError when the census is all that is named."""
    census = [p for p in paths if Path(p).name == corpus.CENSUS_NAME]
    rest = [p for p in paths if Path(p).name != corpus.CENSUS_NAME]
    if census and not rest:
        raise InputError([Problem(p, None, "", "is the census of the book's cases, not a case file") for p in census])
    return rest, census


def load(places: Places, named: list[str] | list[Path] | None = None, rules: bool = True) -> Workspace:
    """Load the cases named (paths or corpus ids; None: the whole corpus) and, with `rules`, every norm set;
    InputError listing every problem of every file before any work starts."""
    problems: list[Problem] = []
    if named is None:
        paths = places.case_files()
    else:
        paths = [places.case_path(n) for n in named]
    readable: list[Path] = []
    for path in paths:
        reason = _not_a_regular_file(path)
        if reason == "no such file":
            reason = places.unknown_case(path)
        if reason is None:
            readable.append(path)
        else:
            problems.append(Problem(path, None, "", reason))
    cases: list[Case] = []
    norm_sets: dict[str, NormSet] = {}
    try:
        cases = corpus.load_cases(readable)
    except InputError as exc:
        problems += exc.problems
    if rules:
        try:
            norm_sets = load_norm_sets(places.rules)
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return Workspace(places, cases, readable, norm_sets)


def _not_a_regular_file(path: Path) -> str | None:
    """Why a case file cannot be read (told by stat), or None."""
    try:
        return unreadable(path)
    except OSError:
        return None  # reading it will say why
