"""Command line: a thin typer layer over plain functions."""

from __future__ import annotations

from pathlib import Path

import typer

from case_procedure.corpus import CASES_DIR, case_files, load_cases
from case_procedure.errors import InputError

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)


@app.callback()
def main() -> None:
    """Replay party disciplinary cases of 1930s Moscow factories under declarative norm sets."""


def fail(exc: InputError) -> None:
    for problem in exc.problems:
        typer.echo(str(problem), err=True)
    raise typer.Exit(2)


@app.command()
def check(cases: Path = typer.Option(CASES_DIR, help="Folder of case files")) -> None:
    """Validate every case file and rule file; exit 0 when all are sound, 2 otherwise."""
    try:
        loaded = load_cases(case_files(cases))
    except InputError as exc:
        fail(exc)
    typer.echo(f"{len(loaded)} case files are valid")
