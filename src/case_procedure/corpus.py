"""Loading case files: one YAML file per case under `cases/`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from case_procedure.case import Case, reference_problems
from case_procedure.errors import InputError, Problem, read_every
from case_procedure.files import write_text
from case_procedure.migrate import NotMechanical, upgrade, upgrade_text, version
from case_procedure.yamlfile import LineMap, parse_yaml, problem_at, read_text, read_yaml, validated

CASES_DIR = Path("cases")
CENSUS_NAME = "census.yaml"  # the census of the book's cases (see `census`) lives beside the case files


def load_case(path: Path) -> Case:
    """Read, validate and cross-check one case file, or raise InputError naming file, line and field. A file of
    format 1 is read as format 2 (`Case.read_from_format` says so)."""
    return _checked(path, *read_yaml(path))


def _checked(path: Path, data: Any, lines: LineMap) -> Case:
    old = isinstance(data, dict) and version(data) == 1
    case = validated(path, upgrade(data) if old else data, lines, Case)
    case.read_from_format = 1 if old else case.format
    found = [(loc, message) for loc, message in reference_problems(case)]
    if case.id != path.stem:
        found.insert(0, (("id",), f"case id {case.id!r} must match the file name {path.stem!r}"))
    if found:
        raise InputError([problem_at(path, lines, loc, message) for loc, message in found])
    return case


def case_files(directory: Path = CASES_DIR) -> list[Path]:
    if not directory.is_dir():
        raise InputError([Problem(directory, None, "", "no such folder of case files")])
    return sorted((p for p in directory.glob("*.yaml") if p.name != CENSUS_NAME),
                  key=lambda p: p.stem)  # by id: "mironov" before "mironov-serp"


def load_cases(paths: list[Path]) -> list[Case]:
    """Load every file, collecting the problems of all of them before failing."""
    return read_every(load_case, paths)


def upgraded_files(paths: list[Path]) -> list[tuple[Path, str | None]]:
    """Each file's text upgraded to format 2 and checked, or None for a file already of format 2; InputError
    listing the problems of every file, before anything is written."""
    results: list[tuple[Path, str | None]] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            text = read_text(path)
            data, lines = parse_yaml(path, text)
            if not isinstance(data, dict) or version(data) != 1:
                _checked(path, data, lines)
                results.append((path, None))
                continue
            new = upgrade_text(text, data, lines)
            _checked(path, *parse_yaml(path, new))
            results.append((path, new))
        except NotMechanical as exc:
            problems.append(Problem(path, None, "", f"cannot be upgraded line by line: {exc}"))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return results


def format_notices(cases: list[Case], paths: list[Path]) -> list[str]:
    """One line for each case read from an older format."""
    return [f"{path}: format 1, read as format 2; `case-procedure migrate {path}` upgrades the file"
            for case, path in zip(cases, paths, strict=True) if case.read_from_format != case.format]


def dump_case(case: Case) -> str:
    """Write a case back to YAML; loading the result gives the same case."""
    data = case.model_dump(mode="json", exclude_defaults=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def migrated(paths: list[Path], to_stdout: bool = False) -> Iterator[str]:
    """Upgrade case files of format 1 (every one upgraded and checked before any is rewritten), yielding
    what to print: a line per file, or with `to_stdout` the upgraded texts instead of rewriting the files."""
    for path, text in upgraded_files(paths):
        if text is None:
            yield f"{path}: already format 2\n"
        elif to_stdout:
            yield text
        else:
            write_text(path, text)
            yield f"{path}: upgraded to format 2\n"
