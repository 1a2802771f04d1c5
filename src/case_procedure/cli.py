"""Command line: a thin typer layer over plain functions.

Every command validates its input first and prints nothing until all the work is
done, so a bad file gives a message naming file, line and field, exit code 2, and no
partial output.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Callable, NoReturn

import typer
from pydantic import BaseModel

from case_procedure import census as censuses
from case_procedure import corpus, files, outputs, progress, workspace
from case_procedure.case import Case
from case_procedure.codebook import FACTORIES, label
from case_procedure.compare import compare
from case_procedure.diff import NormSetDiff, diff
from case_procedure.errors import InputError, Problem
from case_procedure.explain import explain_case, explain_procedure
from case_procedure.guard import GuardedGroup
from case_procedure.norms import NormSet, NormSetFile, case_reference_problems, load_norm_sets
from case_procedure.render import (
    as_markdown,
    as_text,
    comparison_as_markdown,
    comparison_as_text,
    diff_as_markdown,
    diff_as_text,
    simulation_as_markdown,
    simulation_as_text,
)
from case_procedure.replay import AUTO
from case_procedure.replay import replay as replay_case
from case_procedure.safe_text import visible
from case_procedure.simulate import simulate
from case_procedure.situation import CATALOGUE, ROUTE_FACTS
from case_procedure.sources import SECTIONS, chapter_value
from case_procedure.trace import Trace

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None, cls=GuardedGroup,
                  pretty_exceptions_enable=False)

CasesOption = typer.Option(None, "--cases", help="Folder of case files (default: cases/ of the current folder or "
                           "the nearest parent holding cases/ and rules/, else the bundled corpus)")
RulesDirOption = typer.Option(None, "--rules-dir", help="Folder of norm set files (default: rules/ beside that "
                              "cases/, else the bundled norm sets)")
CaseArguments = typer.Argument(..., metavar="CASE...", help="Case files, or ids of cases of the corpus (somov)")


class Format(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


class SchemaName(str, Enum):
    case = "case"
    rules = "rules"
    trace = "trace"
    whatif = "whatif"
    sensitivity = "sensitivity"


@app.callback()
def main() -> None:
    """Replay party disciplinary cases of 1930s Moscow factories under declarative norm sets."""


def _echo(text: str = "", nl: bool = True, err: bool = False) -> None:
    """Print command output; the control characters a file may hold are shown escaped, never sent."""
    typer.echo(visible(text), nl=nl, err=err)


def _fail(problems: list[Problem] | str, code: int = 2) -> NoReturn:
    for line in [problems] if isinstance(problems, str) else problems:
        _echo(str(line), err=True)
    raise typer.Exit(code)


def _workspace(cases: Path | None, rules_dir: Path | None, named: list[Path] | None = None,
               rules: bool = True) -> workspace.Workspace:
    """The cases named (None: the corpus) and the norm sets, every problem of every file reported first."""
    named = None if named is None else _without_census(named)
    try:
        loaded = workspace.load(workspace.locate(cases, rules_dir), named, rules)
    except InputError as exc:
        _fail(exc.problems)
    for notice in loaded.notices():
        _echo(notice, err=True)
    return loaded


def _without_census(paths: list[Path]) -> list[Path]:
    """The case files given, leaving out (and saying so) the census that `cases/*.yaml` also names."""
    census = [p for p in paths if Path(p).name == corpus.CENSUS_NAME]
    rest = [p for p in paths if Path(p).name != corpus.CENSUS_NAME]
    if census and not rest:
        _fail([Problem(p, None, "", "is the census of the book's cases, not a case file") for p in census])
    for path in census:
        _echo(f"{path}: the census of the book's cases, not a case file; left out", err=True)
    return rest


@app.command()
def check(
    files: list[Path] = typer.Argument(None, metavar="[CASE...]", help="Case files to check (default: all)"),
    cases: Path = CasesOption,
    rules_dir: Path = RulesDirOption,
) -> None:
    """Validate case files and every rule file, then examine the rules: overlapping rules with different
    outcomes and no precedence, failing rule tests (rules/tests), rules no test exercises.

    Exit 0 when all is sound, 1 when the files are valid but the rules have overlaps or failing tests,
    2 when a file is malformed."""
    places = workspace.locate(cases, rules_dir)
    try:
        in_corpus = places.case_files()
    except InputError as exc:
        _fail(exc.problems)
    loaded = _workspace(cases, rules_dir, files or None)
    norm_sets = loaded.norm_sets
    census = None
    try:
        problems = case_reference_problems(norm_sets, {p.stem for p in in_corpus})
        census = censuses.read_census(places.cases)
        if census is not None:
            problems += censuses.corpus_problems(*census, censuses.census_path(places.cases), in_corpus,
                                                 {c.id: c.accused for c in loaded.cases})
        from case_procedure.checks import examine_rules  # imported on use: a cold `replay` need not load it

        findings = examine_rules(norm_sets, places.rule_tests, loaded.engine)
    except InputError as exc:
        problems = exc.problems
    if problems:
        _fail(problems)
    rules = sum(len(n.rules) for n in norm_sets.values())
    case_files = "1 case file" if len(loaded.cases) == 1 else f"{len(loaded.cases)} case files"
    _echo(f"{case_files} and {len(norm_sets)} norm sets ({rules} rules) are valid; "
          f"{len(findings.results)} rule test situations run, {len(findings.failed)} failed; "
          f"{len(findings.overlaps)} unsettled overlaps")
    if census is not None:
        _echo(censuses.summary(census[0]))
    for line in findings.lines():
        _echo(line)
    if not findings.sound:
        raise typer.Exit(1)


@app.command("cases")
def list_cases(
    cases: Path = CasesOption,
    factory: Annotated[str | None, typer.Option("--factory", metavar="TERM", help="Only the cases of this factory "
                                                "(a factory term, such as dinamo)")] = None,
    chapter: Annotated[str | None, typer.Option("--chapter", metavar="CH", help="Only the cases of this chapter "
                                                "(1-5, introduction or conclusion): their census entry's, else "
                                                "their first source's")] = None,
) -> None:
    """List the corpus: factory, years, number of hearings and fate of each case."""
    if factory is not None and factory not in FACTORIES:
        _fail(f"--factory: unknown factory {factory!r}; known: {', '.join(FACTORIES)}")
    try:
        chapter = None if chapter is None else str(chapter_value(chapter))
    except ValueError:
        _fail(f"--chapter: unknown chapter {chapter!r}; known: {', '.join(SECTIONS)}")
    listed = _workspace(cases, None, rules=False)
    try:
        census = censuses.read_census(listed.places.cases) if chapter is not None else None
    except InputError as exc:
        _fail(exc.problems)
    shown = [c for c in listed.cases if (factory is None or c.factory == factory)
             and (chapter is None or censuses.case_chapter(c, census[0] if census else None) == chapter)]
    width = max([len("case"), *(len(c.id) for c in shown)]) + 2  # an id never runs into the factory
    _echo(f"{'case':<{width}}{'factory':<20}{'years':<11}{'hearings':>8}  fate")
    for case in shown:
        first, last = case.years()
        arrested = {True: "arrested", False: "not arrested", None: "arrest not stated"}[case.fate.arrested]
        fate = f"{label(case.fate.party_status)}, {arrested}"
        _echo(f"{case.id:<{width}}{case.factory:<20}{f'{first}-{last}':<11}{len(case.hearings()):>8}  {fate}")


rules_app = typer.Typer(add_completion=False, rich_markup_mode=None, invoke_without_command=True,
                        help="List the norm sets and their rules; `rules diff A B` shows what B changes in A.")
app.add_typer(rules_app, name="rules")


@rules_app.callback()
def list_rules(ctx: typer.Context, rules_dir: Path = RulesDirOption) -> None:
    """List the norm sets and their rules."""
    if ctx.invoked_subcommand is not None:
        return
    norm_sets = _norm_sets(rules_dir)
    for normset in norm_sets.values():
        until = normset.in_force.until or "open"
        base = f", extends {normset.extends}" if normset.extends else ""
        _echo(f"{normset.id}: {normset.title} [{normset.kind}]")
        _echo(f"  in force {normset.in_force.from_} to {until}{base}; {len(normset.rules)} rules")
        for rule in normset.rules:
            at = ", ".join(label(b) for b in rule.rule.at)
            _echo(f"  - {rule.id} -> {rule.rule.describe_outcome()} ({rule.rule.reading}; at {at})")
        _echo("")


@rules_app.command("diff")
def rules_diff(
    old: str = typer.Argument(..., help="The earlier norm set"),
    new: str = typer.Argument(..., help="The later norm set"),
    format: Format = typer.Option(Format.text, "--format", help="text, json or markdown"),
    rules_dir: Path = RulesDirOption,
) -> None:
    """What NEW changes in OLD: rules added, replaced and removed, each with its source."""
    norm_sets = _norm_sets(rules_dir)
    for name, flag in ((old, "OLD"), (new, "NEW")):
        if name not in norm_sets:
            _fail(f"{flag}: no norm set {name!r}; known: {', '.join(norm_sets)}")
    result = diff(norm_sets[old], norm_sets[new])
    renderers = {Format.json: NormSetDiff.to_json, Format.text: diff_as_text, Format.markdown: diff_as_markdown}
    _echo(renderers[format](result), nl=False)


def _norm_sets(rules_dir: Path | None) -> dict[str, NormSet]:
    try:
        return load_norm_sets(workspace.locate(None, rules_dir).rules)
    except InputError as exc:
        _fail(exc.problems)


@app.command()
def facts() -> None:
    """List the facts a rule can test, with their attributes and allowed values."""
    for kind, attributes in CATALOGUE.items():
        only = " (route rules only)" if kind in ROUTE_FACTS else ""
        _echo(f"{kind}{only}")
        for name, attribute in attributes.items():
            values = {bool: "true/false", int: "a number"}.get(attribute.kind) or ", ".join(attribute.values or ())
            _echo(f"  {name}: {attribute.description}")
            _echo(f"      {values}")


@app.command()
def replay(
    case_files: list[Path] = CaseArguments,
    rules: str = typer.Option(..., "--rules", help=f"Norm set id, or '{AUTO}' for the one in force at each hearing"),
    format: Format = typer.Option(Format.text, "--format", help="text, json or markdown"),
    cases: Path = CasesOption,
    rules_dir: Path = RulesDirOption,
) -> None:
    """Replay each recorded hearing: the decision the norm set prescribes beside the recorded one."""
    loaded = _workspace(cases, rules_dir, case_files)
    _known_norm_set(rules, loaded.norm_sets)
    book, engine = loaded.book, loaded.engine
    traces = [replay_case(case, rules, book, engine) for case in loaded.cases]
    _echo(_render(traces, format, as_text, as_markdown), nl=False)


def _render(results: list[Any], format: Format, text: Callable[[Any], str], markdown: Callable[[Any], str]) -> str:
    """One result per case: JSON (an object for one case, a list for several), text or Markdown."""
    if format is Format.json:
        if len(results) == 1:
            one: str = results[0].to_json()
            return one
        return json.dumps([r.model_dump(mode="json") for r in results], indent=2, ensure_ascii=False) + "\n"
    render = text if format is Format.text else markdown
    return "\n".join(render(r) for r in results)


def _known_norm_set(name: str, norm_sets: dict[str, NormSet], option: str = "--rules") -> None:
    if name != AUTO and name not in norm_sets:
        _fail(f"{option}: no norm set {name!r}; known: {', '.join([*norm_sets, AUTO])}")


@app.command("simulate")
def simulate_command(
    case_files: list[Path] = CaseArguments,
    rules: str = typer.Option(..., "--rules", help=f"Norm set id, or '{AUTO}' for the one in force at the start"),
    start: str = typer.Option(None, "--from", help="Start from this hearing or appeal (default: the first hearing)"),
    format: Format = typer.Option(Format.text, "--format", help="text, json or markdown"),
    cases: Path = CasesOption,
    rules_dir: Path = RulesDirOption,
) -> None:
    """Let the norm set's rules route each case from its opening: which body hears it, what it decides,
    where it goes next, until the rules end it."""
    loaded = _workspace(cases, rules_dir, case_files)
    _known_norm_set(rules, loaded.norm_sets)
    book, engine = loaded.book, loaded.engine
    try:
        sims = [simulate(case, rules, book, engine, start, paths=True) for case in loaded.cases]
    except KeyError as exc:
        _fail(f"--from: {exc.args[0]}")
    _echo(_render(sims, format, simulation_as_text, simulation_as_markdown), nl=False)


@app.command("compare")
def compare_command(
    case_files: list[Path] = CaseArguments,
    rules: list[str] = typer.Option(..., "--rules", help="A norm set id; give two or more"),
    format: Format = typer.Option(Format.text, "--format", help="text, json or markdown"),
    cases: Path = CasesOption,
    rules_dir: Path = RulesDirOption,
) -> None:
    """Each recorded hearing, the simulated path and the final outcome under several norm sets, side by side."""
    loaded = _workspace(cases, rules_dir, case_files)
    if len(rules) < 2:
        _fail("--rules: give at least two norm sets to compare")
    for name in rules:
        if name not in loaded.norm_sets:
            _fail(f"--rules: no norm set {name!r}; known: {', '.join(loaded.norm_sets)}")
    book, engine = loaded.book, loaded.engine
    results = [compare(case, list(rules), book, engine) for case in loaded.cases]
    _echo(_render(results, format, comparison_as_text, comparison_as_markdown), nl=False)


def _case_or_procedure(case_file: Path | None, procedure: str | None, rules_dir: Path | None) -> NormSet | None:
    """The norm set named by --procedure, or None when a CASE is given instead (exactly one of them)."""
    if (case_file is None) == (procedure is None):
        _fail("give a CASE file, or --procedure NORMSET")
    if procedure is None:
        return None
    norm_sets = _norm_sets(rules_dir)
    if procedure not in norm_sets:
        _fail(f"--procedure: no norm set {procedure!r}; known: {', '.join(norm_sets)}")
    return norm_sets[procedure]


@app.command()
def explain(
    case_file: Path = typer.Argument(None, metavar="[CASE]", help="The case file (or case id) to explain"),
    rules: str = typer.Option(AUTO, "--rules", help=f"Norm set id, or '{AUTO}' for the one in force at each hearing"),
    procedure: str = typer.Option(None, "--procedure", metavar="NORMSET", help="Explain a norm set's procedure"),
    step: int = typer.Option(None, "--step", help="Only the Nth hearing of the accused"),
    why_not: bool = typer.Option(False, "--why-not", help="Also every rule considered, and the condition it failed"),
    format: Format = typer.Option(Format.text, "--format", help="text or markdown"),
    cases: Path = CasesOption,
    rules_dir: Path = RulesDirOption,
) -> None:
    """Tell a case step by step in plain English (or, with --procedure, present a norm set for a lesson)."""
    if format is Format.json:
        _fail("--format: explain writes text or markdown")
    normset = _case_or_procedure(case_file, procedure, rules_dir)
    if normset is not None:
        _echo(explain_procedure(normset, format.value), nl=False)
        return
    loaded = _workspace(cases, rules_dir, [case_file])
    _known_norm_set(rules, loaded.norm_sets)
    case, book, engine = loaded.cases[0], loaded.book, loaded.engine
    try:
        text = explain_case(case, rules, book, engine, format.value, step, why_not)
    except ValueError as exc:
        _fail(str(exc))
    _echo(text, nl=False)


class DiagramFormat(str, Enum):
    mermaid = "mermaid"
    markdown = "markdown"
    dot = "dot"
    svg = "svg"


@app.command("diagram")
def diagram_command(
    case_file: Path = typer.Argument(None, metavar="[CASE]", help="The case (file or id) whose pathway to draw"),
    rules: str = typer.Option(AUTO, "--rules", help=f"Norm set id, or '{AUTO}': the replay and simulation shown"),
    procedure: str = typer.Option(None, "--procedure", metavar="NORMSET", help="Draw a norm set's procedure"),
    paths: bool = typer.Option(False, "--paths", help="Draw the tree of the case's lawful paths instead"),
    format: DiagramFormat = typer.Option(DiagramFormat.mermaid, "--format", help="mermaid, markdown, dot or svg"),
    cases: Path = CasesOption,
    rules_dir: Path = RulesDirOption,
) -> None:
    """Draw a case's pathway (recorded path solid, simulated path dashed) or a norm set's procedure."""
    from case_procedure import diagram  # imported on use, like checks

    normset = _case_or_procedure(case_file, procedure, rules_dir)
    if normset is not None:
        graph = diagram.procedure_graph(normset)
    else:
        loaded = _workspace(cases, rules_dir, [case_file])
        _known_norm_set(rules, loaded.norm_sets)
        case, book, engine = loaded.cases[0], loaded.book, loaded.engine
        trace = replay_case(case, rules, book, engine)
        simulation = simulate(case, rules, book, engine, paths=paths)
        graph = diagram.lawful_tree(case, simulation) if paths else diagram.case_pathway(case, trace, simulation)
    try:
        text = diagram.render(graph, format.value)
    except ValueError as exc:
        _fail(str(exc))
    _echo(text, nl=False)


ForceOption = typer.Option(False, "--force", help="Also replace a folder or file at --out that this command did not "
                           "write (never an input, the current folder or a repository)")


def input_places(loaded: workspace.Workspace) -> outputs.Reads:
    return outputs.Reads({loaded.places.cases: "the folder of case files (--cases)",
                          loaded.places.rules: "the folder of norm set files (--rules-dir)"}, loaded.paths)


def _check_out(out: Path, writes: outputs.Writes, reads: outputs.Reads, force: bool) -> None:
    try:
        outputs.check(out, writes, reads, force)
    except InputError as exc:
        _fail(exc.problems)


CASEBOOK = outputs.Writes("casebook", folder=True, example="out/casebook")


@app.command()
def casebook(
    out: Path = typer.Option(..., "--out", help="Folder to write the site to: a new or empty folder, or the "
                             "casebook's own earlier output, replaced as a whole on success"),
    cases: Path = CasesOption,
    rules_dir: Path = RulesDirOption,
    force: bool = ForceOption,
) -> None:
    """Build the casebook: a static site of every case and norm set that works opened from disk.

    The site carries a marker file (.case-procedure-output) listing what it holds; --out replaces
    only such a folder, or an empty one, unless --force is given."""
    loaded = _workspace(cases, rules_dir)
    try:
        census = censuses.read_census(loaded.places.cases)
    except InputError as exc:
        _fail(exc.problems)
    _check_out(out, CASEBOOK, input_places(loaded), force)
    from case_procedure.casebook import build as build_casebook  # imported on use, like checks

    with progress.shown("casebook") as shown:
        count = build_casebook(out, loaded.cases, loaded.book, loaded.engine, progress=shown,
                               census=census[0] if census else None)
    _echo(f"casebook: {count} files written; open {out / 'index.html'}")


@app.command("report")
def report_command(
    cases: Path = CasesOption,
    rules_dir: Path = RulesDirOption,
    format: Format = typer.Option(Format.text, "--format", help="text, json or markdown"),
    jobs: int = typer.Option(1, "--jobs", min=1, help="Worker processes, at most the number of CPUs (results do "
                             "not depend on it)"),
    out: Path = typer.Option(None, "--out", help="Write to this file (replaced in one step) instead of stdout: a "
                             "new file or an earlier report"),
    force: bool = ForceOption,
    summary: bool = typer.Option(False, "--summary", help="Print only the agreement of each norm set with the "
                                 "record (with --out, the whole report still goes to the file)"),
) -> None:
    """Every case under every norm set: agreement with the record by period and body, the recorded expulsions
    the 1938 norms would not have produced, and the rules each case exercises.

    --out replaces an existing file only when it is an earlier report (it begins as a report does, in any
    format), unless --force is given."""
    from case_procedure import parallel
    from case_procedure import report as reporting  # imported here: it spawns workers, other commands never do
    from case_procedure.files import write_text

    loaded = _workspace(cases, rules_dir)  # every problem of every file is reported before any work starts
    if out is not None:
        writes = outputs.Writes("report", folder=False, example="out/report.md", recognise=reporting.is_report)
        _check_out(out, writes, input_places(loaded), force)
    jobs, note = parallel.capped(jobs)
    if note:
        _echo(note, err=True)
    with progress.shown("report") as shown:
        report = reporting.build(loaded.cases, loaded.norm_sets, loaded.places.rules, jobs, shown)
    if out is not None:
        write_text(out, visible(reporting.render(report, format.value)))
    if summary:
        _echo(reporting.summary(report), nl=False)
    elif out is None:
        _echo(reporting.render(report, format.value), nl=False)


class ExportFormat(str, Enum):
    sqlite = "sqlite"
    csv = "csv"
    jsonl = "jsonl"


@app.command("export")
def export_command(
    format: ExportFormat = typer.Option(..., "--format", help="sqlite (a database for Datasette), csv (a Frictionless "
                                        "Data Package) or jsonl (one file per table)"),
    out: Path = typer.Option(..., "--out", help="sqlite: the database file (NAME.metadata.json is written beside "
                             "it); csv, jsonl: a new or empty folder, or an earlier export"),
    cases: Path = CasesOption,
    rules_dir: Path = RulesDirOption,
    force: bool = ForceOption,
) -> None:
    """Export the corpus, the norm sets and every hearing replayed under every norm set as tables
    (docs/data.md describes them)."""
    from case_procedure import export  # imported on use, like checks

    loaded = _workspace(cases, rules_dir)
    for target, writes in export.targets(out, format.value):
        _check_out(target, writes, input_places(loaded), force)
    with progress.shown("export") as shown:
        rows = export.tables(loaded, shown)
    written = export.write(out, format.value, rows)
    counts = ", ".join(f"{len(r)} {name}" for name, r in rows.items())
    _echo(f"export: {counts}; written {' and '.join(str(p) for p in written)}")


@app.command()
def migrate(
    case_files: list[Path] = typer.Argument(..., metavar="CASE...", help="Case files to upgrade"),
    stdout: bool = typer.Option(False, "--stdout", help="Print the upgraded files instead of rewriting them"),
) -> None:
    """Upgrade case files of format 1 to format 2, keeping their comments and layout; files already of
    format 2 are left alone. Every file is upgraded and checked before any is rewritten."""
    try:
        results = corpus.upgraded_files(case_files)
    except InputError as exc:
        _fail(exc.problems)
    for path, text in results:
        if text is None:
            _echo(f"{path}: already format 2")
        elif stdout:
            _echo(text, nl=False)
        else:
            files.write_text(path, text)
            _echo(f"{path}: upgraded to format 2")


@app.command("whatif")
def whatif_command(
    case_file: Annotated[Path, typer.Argument(metavar="CASE", help="The case file to change")],
    rules: Annotated[str, typer.Option("--rules", help=f"Norm set id, or '{AUTO}' for the one in force at each "
                                       "hearing")] = AUTO,
    changes: Annotated[list[str], typer.Option("--set", metavar="PATH=VALUE", help="A change: PATH=VALUE sets, "
                                               "PATH+=VALUE appends to a list, PATH-=ITEM removes from one "
                                               "(repeatable)")] = [],  # noqa: B006 - typer reads the default
    patch_file: Annotated[Path | None, typer.Option("--patch", metavar="FILE.yaml", help="A file of changes "
                                                    "(`changes: [{path: ..., set: ...}]`), applied before --set")]
    = None,
    format: Annotated[Format, typer.Option("--format", help="text, json or markdown")] = Format.text,
    cases: Path = CasesOption,
    rules_dir: Path = RulesDirOption,
) -> None:
    """Replay and simulate a case as recorded and with some of its facts changed, side by side.

    The changed case is validated as a case file is: a change that makes it invalid is an error
    naming the change (exit 2)."""
    from case_procedure import patch, whatif
    from case_procedure.yamlfile import read_yaml

    if not changes and patch_file is None:
        _fail("give the changes: --set PATH=VALUE (repeatable) or --patch FILE.yaml")
    loaded = _workspace(cases, rules_dir, [case_file])
    _known_norm_set(rules, loaded.norm_sets)
    case_path = loaded.paths[0]
    given = patch.read_changes(patch_file, changes)
    try:
        data, lines = read_yaml(case_path)
        changed = patch.validate(case_path, patch.file_data(data), lines, given)
    except InputError as exc:
        _fail(exc.problems)
    book, engine = loaded.book, loaded.engine
    result = whatif.compare_runs(loaded.cases[0], changed, [g.change for g in given], rules, book, engine)
    _echo(_render([result], format, whatif.as_text, whatif.as_markdown), nl=False)


@app.command("sensitivity")
def sensitivity_command(
    case_file: Annotated[Path, typer.Argument(metavar="CASE", help="The case file to examine")],
    rules: Annotated[str, typer.Option("--rules", help=f"Norm set id, '{AUTO}' (hearings may then move across "
                                       "norm-set boundaries), or 'all' (also: the party card under each)")],
    depth: Annotated[int, typer.Option("--depth", min=1, max=2, help="1: single changes; 2: also pairs")] = 1,
    jobs: Annotated[int, typer.Option("--jobs", min=1, help="Worker processes for --rules all, at most the number "
                                      "of CPUs (results do not depend on it)")] = 1,
    variations_file: Annotated[Path | None, typer.Option("--variations", help="What may vary (default: the "
                                                         "program's variations.yaml)")] = None,
    format: Annotated[Format, typer.Option("--format", help="text, json or markdown")] = Format.text,
    cases: Path = CasesOption,
    rules_dir: Path = RulesDirOption,
) -> None:
    """For each hearing, the smallest changes of the facts after which the norm set prescribes something else
    (single changes, then with --depth 2 pairs), each replayed in full, with the rule that would then decide;
    and the facts that change nothing. With --rules all: under which norm sets the accused keeps the party
    card, and what would have had to differ under the others."""
    from case_procedure import parallel, sensitivity, variation

    loaded = _workspace(cases, rules_dir, [case_file])
    if rules != sensitivity.ALL:
        _known_norm_set(rules, loaded.norm_sets)
    try:
        variations = variation.load_variations(variations_file or variation.VARIATIONS_FILE)
    except InputError as exc:
        _fail(exc.problems)
    jobs, note = parallel.capped(jobs)
    if note:
        _echo(note, err=True)
    book, engine = loaded.book, loaded.engine
    with progress.shown("sensitivity") as shown:
        result = sensitivity.sensitivity_jobs(loaded.cases[0], rules, depth, book, engine, variations,
                                              loaded.places.rules, jobs, shown)
    _echo(_render([result], format, sensitivity.as_text, sensitivity.as_markdown), nl=False)


def _schema_model(name: SchemaName) -> type[BaseModel]:
    if name is SchemaName.whatif:
        from case_procedure.whatif import WhatIf

        return WhatIf
    if name is SchemaName.sensitivity:
        from case_procedure.sensitivity import Sensitivity

        return Sensitivity
    models: dict[SchemaName, type[BaseModel]] = {SchemaName.case: Case, SchemaName.rules: NormSetFile,
                                                 SchemaName.trace: Trace}
    return models[name]


@app.command()
def schema(name: SchemaName = typer.Argument(..., help="case, rules, trace, whatif or sensitivity")) -> None:
    """Print the JSON Schema of a file format."""
    model = _schema_model(name)
    _echo(json.dumps(model.model_json_schema(by_alias=True), indent=2, ensure_ascii=False))
