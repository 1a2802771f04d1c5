"""Loading case files: one YAML file per case under `cases/`."""

from __future__ import annotations

from pathlib import Path

import yaml

from case_procedure.case import Case, reference_problems
from case_procedure.errors import InputError, Problem
from case_procedure.yamlfile import load_model, problem_at

CASES_DIR = Path("cases")


def load_case(path: Path) -> Case:
    """Read, validate and cross-check one case file, or raise InputError naming file, line and field."""
    case, lines = load_model(path, Case)
    found = [(loc, message) for loc, message in reference_problems(case)]
    if case.id != path.stem:
        found.insert(0, (("id",), f"case id {case.id!r} must match the file name {path.stem!r}"))
    if found:
        raise InputError([problem_at(path, lines, loc, message) for loc, message in found])
    return case


def case_files(directory: Path = CASES_DIR) -> list[Path]:
    if not directory.is_dir():
        raise InputError([Problem(directory, None, "", "no such folder of case files")])
    return sorted(directory.glob("*.yaml"))


def load_cases(paths: list[Path]) -> list[Case]:
    """Load every file, collecting the problems of all of them before failing."""
    cases: list[Case] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            cases.append(load_case(path))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return cases


def dump_case(case: Case) -> str:
    """Write a case back to YAML; loading the result gives the same case."""
    data = case.model_dump(mode="json", exclude_defaults=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
