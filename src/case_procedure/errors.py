"""Errors about input files: each names the file, the line and the field."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

Item = TypeVar("Item")
Read = TypeVar("Read")


@dataclass(frozen=True)
class Problem:
    file: Path
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class InputError(Exception):
    """One or more problems in the files a command was given."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class UsageError(ValueError):
    """Options that name nothing known, or that do not go together: the command line prints the message as it
    is and exits 2 (`--rules: no norm set 'x'; known: ...`)."""


class RuleConflict(Exception):
    """Two applicable rules prescribe different decisions and neither overrides the other."""


class RouteLoop(RuleConflict):
    """The route rules send a simulated case round in a circle, or past the step limit."""


class EngineError(Exception):
    """The rules engine failed or reported an error it would otherwise have swallowed."""


def read_every(read: Callable[[Item], Read], items: Iterable[Item]) -> list[Read]:
    """`[read(item) for item in items]`, or one InputError with the problems of every item that failed."""
    done: list[Read] = []
    problems: list[Problem] = []
    for item in items:
        try:
            done.append(read(item))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return done
