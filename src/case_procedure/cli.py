"""Command line: a thin typer layer over plain functions.

Every command validates its input first and prints nothing until all the work is
done, so a bad file gives a message naming file, line and field, exit code 2, and no
partial output.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import NoReturn

import typer

from case_procedure import corpus
from case_procedure.case import Case
from case_procedure.codebook import label
from case_procedure.engine import DurableEngine
from case_procedure.errors import EngineError, InputError, Problem, RuleConflict
from case_procedure.norms import RULES_DIR, NormSet, NormSetFile, load_norm_sets
from case_procedure.render import as_markdown, as_text
from case_procedure.replay import AUTO, RuleBook
from case_procedure.replay import replay as replay_case
from case_procedure.trace import Trace

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None)

CasesOption = typer.Option(corpus.CASES_DIR, "--cases", help="Folder of case files")
RulesDirOption = typer.Option(RULES_DIR, "--rules-dir", help="Folder of norm set files")


class Format(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


class SchemaName(str, Enum):
    case = "case"
    rules = "rules"
    trace = "trace"


@app.callback()
def main() -> None:
    """Replay party disciplinary cases of 1930s Moscow factories under declarative norm sets."""


def _fail(problems: list[Problem] | str, code: int = 2) -> NoReturn:
    for line in [problems] if isinstance(problems, str) else problems:
        typer.echo(str(line), err=True)
    raise typer.Exit(code)


def _load(cases: list[Path], rules_dir: Path) -> tuple[list[Case], dict[str, NormSet]]:
    problems: list[Problem] = []
    loaded: list[Case] = []
    norm_sets: dict[str, NormSet] = {}
    missing = [Problem(p, None, "", "no such file") for p in cases if not p.is_file()]
    try:
        loaded = corpus.load_cases([p for p in cases if p.is_file()])
    except InputError as exc:
        problems += exc.problems
    try:
        norm_sets = load_norm_sets(rules_dir)
    except InputError as exc:
        problems += exc.problems
    if missing or problems:
        _fail([*missing, *problems])
    return loaded, norm_sets


@app.command()
def check(
    files: list[Path] = typer.Argument(None, metavar="[CASE...]", help="Case files to check (default: all)"),
    cases: Path = CasesOption,
    rules_dir: Path = RulesDirOption,
) -> None:
    """Validate case files and every rule file; exit 0 when all are sound, 2 otherwise."""
    try:
        paths = files or corpus.case_files(cases)
    except InputError as exc:
        _fail(exc.problems)
    loaded, norm_sets = _load(paths, rules_dir)
    rules = sum(len(n.rules) for n in norm_sets.values())
    files = "1 case file" if len(loaded) == 1 else f"{len(loaded)} case files"
    typer.echo(f"{files} and {len(norm_sets)} norm sets ({rules} rules) are valid")


@app.command("cases")
def list_cases(cases: Path = CasesOption) -> None:
    """List the corpus: factory, years, number of hearings and fate of each case."""
    try:
        loaded = corpus.load_cases(corpus.case_files(cases))
    except InputError as exc:
        _fail(exc.problems)
    typer.echo(f"{'case':<14}{'factory':<20}{'years':<11}{'hearings':>8}  fate")
    for case in loaded:
        first, last = case.years()
        arrested = {True: "arrested", False: "not arrested", None: "arrest not stated"}[case.fate.arrested]
        fate = f"{label(case.fate.party_status)}, {arrested}"
        typer.echo(f"{case.id:<14}{case.factory:<20}{f'{first}-{last}':<11}{len(case.hearings()):>8}  {fate}")


@app.command("rules")
def list_rules(rules_dir: Path = RulesDirOption) -> None:
    """List the norm sets and their rules."""
    try:
        norm_sets = load_norm_sets(rules_dir)
    except InputError as exc:
        _fail(exc.problems)
    for normset in norm_sets.values():
        until = normset.in_force.until or "open"
        base = f", extends {normset.extends}" if normset.extends else ""
        typer.echo(f"{normset.id}: {normset.title}")
        typer.echo(f"  in force {normset.in_force.from_} to {until}{base}; {len(normset.rules)} rules")
        for rule in normset.rules:
            at = ", ".join(label(b) for b in rule.rule.at)
            typer.echo(f"  - {rule.id} -> {rule.rule.decide} ({rule.rule.reading}; at {at})")
        typer.echo("")


@app.command()
def replay(
    case_files: list[Path] = typer.Argument(..., metavar="CASE...", help="Case files to replay"),
    rules: str = typer.Option(..., "--rules", help=f"Norm set id, or '{AUTO}' for the one in force at each hearing"),
    format: Format = typer.Option(Format.text, "--format", help="text, json or markdown"),
    rules_dir: Path = RulesDirOption,
) -> None:
    """Replay each recorded hearing: the decision the norm set prescribes beside the recorded one."""
    cases, norm_sets = _load(case_files, rules_dir)
    if rules != AUTO and rules not in norm_sets:
        _fail(f"--rules: no norm set {rules!r}; known: {', '.join([*norm_sets, AUTO])}")
    book, engine = RuleBook(norm_sets), DurableEngine()
    try:
        traces = [replay_case(case, rules, book, engine) for case in cases]
    except RuleConflict as exc:
        _fail(str(exc))
    except EngineError as exc:
        _fail(f"engine error: {exc}", code=3)
    typer.echo(_format(traces, format), nl=False)


def _format(traces: list[Trace], format: Format) -> str:
    if format is Format.json:
        if len(traces) == 1:
            return traces[0].to_json()
        return json.dumps([t.model_dump(mode="json") for t in traces], indent=2, ensure_ascii=False) + "\n"
    render = as_text if format is Format.text else as_markdown
    return "\n".join(render(t) for t in traces)


@app.command()
def schema(name: SchemaName = typer.Argument(..., help="case, rules or trace")) -> None:
    """Print the JSON Schema of a file format."""
    model = {SchemaName.case: Case, SchemaName.rules: NormSetFile, SchemaName.trace: Trace}[name]
    typer.echo(json.dumps(model.model_json_schema(by_alias=True), indent=2, ensure_ascii=False))
