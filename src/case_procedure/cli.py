"""Command line: a thin typer layer over plain functions.

Each command reads its options, loads the workspace through `workspace.read` (the one loader), calls the
functions that do the work and prints the text they return. It words no error: whatever goes wrong is
raised (`InputError` for a bad file, `UsageError` for an option naming nothing known) and told once, by
`guard`, as `file:line: field: message` or the option's message, exit 2. Every command validates its input
first and prints nothing until all the work is done, so a bad file gives no partial output.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from case_procedure import census as censuses
from case_procedure import corpus, outputs, progress, render, schemas, workspace
from case_procedure import run as runs
from case_procedure.compare import compare
from case_procedure.diff import NormSetDiff, diff
from case_procedure.errors import UsageError
from case_procedure.explain import explain_case, explain_procedure
from case_procedure.guard import GuardedGroup
from case_procedure.listing import case_filters, cases_table, facts_text, norm_sets_text
from case_procedure.norms import NormSet
from case_procedure.outputs import CASEBOOK
from case_procedure.replay import AUTO
from case_procedure.replay import replay as replay_case
from case_procedure.safe_text import visible
from case_procedure.simulate import simulate_from
from case_procedure.workspace import input_places

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None, cls=GuardedGroup,
                  pretty_exceptions_enable=False)


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


CasesFolder = Annotated[Path | None, typer.Option("--cases", help="Folder of case files (default: cases/ of the "
                                                  "current folder or the nearest parent holding cases/ and rules/, "
                                                  "else the bundled corpus)")]
RulesFolder = Annotated[Path | None, typer.Option("--rules-dir", help="Folder of norm set files (default: rules/ "
                                                  "beside that cases/, else the bundled norm sets)")]
CaseFiles = Annotated[list[Path], typer.Argument(metavar="CASE...", help="Case files, or ids of cases of the corpus "
                                                 "(somov)")]
FormatOption = Annotated[Format, typer.Option("--format", help="text, json or markdown")]
Force = Annotated[bool, typer.Option("--force", help="Also replace a folder or file at --out that this command did "
                                     "not write (never an input, the current folder or a repository)")]
Jobs = Annotated[int, typer.Option("--jobs", min=1, help="Worker processes, at most the number of CPUs (results do "
                                   "not depend on it)")]


@app.callback()
def main() -> None:
    """Replay party disciplinary cases of 1930s Moscow factories under declarative norm sets."""


def _echo(text: str = "", nl: bool = True, err: bool = False) -> None:
    """Print command output; the control characters a file may hold are shown escaped, never sent."""
    typer.echo(visible(text), nl=nl, err=err)


def _notice(line: str) -> None:
    _echo(line, err=True)


def _load(cases: Path | None, rules_dir: Path | None, named: list[Path] | None = None,
          rules: bool = True) -> workspace.Workspace:
    """The cases named (None: the corpus) and the norm sets, every problem of every file raised first."""
    return workspace.read(cases, rules_dir, named, rules, notify=_notice)


def _jobs(jobs: int) -> int:
    """`--jobs`, at most the number of CPUs (saying so when capped)."""
    from case_procedure import parallel

    capped, note = parallel.capped(jobs)
    if note:
        _notice(note)
    return capped


@app.command()
def check(
    files: Annotated[list[Path] | None, typer.Argument(metavar="[CASE...]", help="Case files to check (default: "
                                                       "all)")] = None,
    cases: CasesFolder = None,
    rules_dir: RulesFolder = None,
) -> None:
    """Validate case files and every rule file, then examine the rules: overlapping rules with different
    outcomes and no precedence, failing rule tests (rules/tests), rules no test exercises.

    Exit 0 when all is sound, 1 when the files are valid but the rules have overlaps or failing tests,
    2 when a file is malformed."""
    from case_procedure import checks  # imported on use: a cold `replay` need not load it

    in_corpus = workspace.locate(cases, rules_dir).case_files()
    checked = checks.check(_load(cases, rules_dir, files or None), in_corpus)
    for line in checked.lines():
        _echo(line)
    if not checked.findings.sound:
        raise typer.Exit(1)


@app.command("cases")
def list_cases(
    cases: CasesFolder = None,
    factory: Annotated[str | None, typer.Option("--factory", metavar="TERM", help="Only the cases of this factory "
                                                "(a factory term, such as dinamo)")] = None,
    chapter: Annotated[str | None, typer.Option("--chapter", metavar="CH", help="Only the cases of this chapter "
                                                "(1-5, introduction or conclusion): their census entry's, else "
                                                "their first source's")] = None,
) -> None:
    """List the corpus: factory, years, number of hearings and fate of each case."""
    factory, chapter = case_filters(factory, chapter)
    listed = _load(cases, None, rules=False)
    census = censuses.read_census(listed.places.cases) if chapter is not None else None
    _echo(cases_table(listed.cases, factory, chapter, census[0] if census else None), nl=False)


rules_app = typer.Typer(add_completion=False, rich_markup_mode=None, invoke_without_command=True,
                        help="List the norm sets and their rules; `rules diff A B` shows what B changes in A.")
app.add_typer(rules_app, name="rules")


@rules_app.callback()
def list_rules(ctx: typer.Context, rules_dir: RulesFolder = None) -> None:
    """List the norm sets and their rules."""
    if ctx.invoked_subcommand is not None:
        return
    _echo(norm_sets_text(workspace.of_rules(rules_dir).norm_sets), nl=False)


@rules_app.command("diff")
def rules_diff(
    old: Annotated[str, typer.Argument(help="The earlier norm set")],
    new: Annotated[str, typer.Argument(help="The later norm set")],
    format: FormatOption = Format.text,
    rules_dir: RulesFolder = None,
) -> None:
    """What NEW changes in OLD: rules added, replaced and removed, each with its source."""
    loaded = workspace.of_rules(rules_dir)
    result = diff(loaded.norm_set(old, "OLD"), loaded.norm_set(new, "NEW"))
    renderers = {Format.json: NormSetDiff.to_json, Format.text: render.diff_as_text,
                 Format.markdown: render.diff_as_markdown}
    _echo(renderers[format](result), nl=False)


@app.command()
def facts() -> None:
    """List the facts a rule can test, with their attributes and allowed values."""
    _echo(facts_text(), nl=False)


@app.command()
def replay(
    case_files: CaseFiles,
    rules: Annotated[str, typer.Option("--rules", help=f"Norm set id, or '{AUTO}' for the one in force at each "
                                       "hearing")],
    format: FormatOption = Format.text,
    cases: CasesFolder = None,
    rules_dir: RulesFolder = None,
) -> None:
    """Replay each recorded hearing: the decision the norm set prescribes beside the recorded one."""
    loaded = _load(cases, rules_dir, case_files)
    rules = loaded.known(rules)
    traces = [replay_case(case, rules, loaded.book, loaded.engine) for case in loaded.cases]
    _echo(render.results(traces, format.value, render.as_text, render.as_markdown), nl=False)


@app.command("simulate")
def simulate_command(
    case_files: CaseFiles,
    rules: Annotated[str, typer.Option("--rules", help=f"Norm set id, or '{AUTO}' for the one in force at the "
                                       "start")],
    start: Annotated[str | None, typer.Option("--from", help="Start from this hearing or appeal (default: the first "
                                              "hearing)")] = None,
    format: FormatOption = Format.text,
    cases: CasesFolder = None,
    rules_dir: RulesFolder = None,
) -> None:
    """Let the norm set's rules route each case from its opening: which body hears it, what it decides,
    where it goes next, until the rules end it."""
    loaded = _load(cases, rules_dir, case_files)
    rules = loaded.known(rules)
    sims = [simulate_from(case, rules, loaded.book, loaded.engine, start, paths=True) for case in loaded.cases]
    _echo(render.results(sims, format.value, render.simulation_as_text, render.simulation_as_markdown), nl=False)


@app.command("compare")
def compare_command(
    case_files: CaseFiles,
    rules: Annotated[list[str], typer.Option("--rules", help="A norm set id; give two or more")],
    format: FormatOption = Format.text,
    cases: CasesFolder = None,
    rules_dir: RulesFolder = None,
) -> None:
    """Each recorded hearing, the simulated path and the final outcome under several norm sets, side by side."""
    loaded = _load(cases, rules_dir, case_files)
    if len(rules) < 2:
        raise UsageError("--rules: give at least two norm sets to compare")
    names = [loaded.known(name, auto=False) for name in rules]
    results = [compare(case, names, loaded.book, loaded.engine) for case in loaded.cases]
    _echo(render.results(results, format.value, render.comparison_as_text, render.comparison_as_markdown), nl=False)


def _case_or_procedure(case_file: Path | None, procedure: str | None, rules_dir: Path | None) -> Path | NormSet:
    """The case file given, or the norm set named by --procedure (exactly one of them)."""
    if procedure is not None and case_file is None:
        return workspace.of_rules(rules_dir).norm_set(procedure, "--procedure")
    if case_file is None or procedure is not None:
        raise UsageError("give a CASE file, or --procedure NORMSET")
    return case_file


@app.command()
def explain(
    case_file: Annotated[Path | None, typer.Argument(metavar="[CASE]", help="The case file (or case id) to "
                                                     "explain")] = None,
    rules: Annotated[str, typer.Option("--rules", help=f"Norm set id, or '{AUTO}' for the one in force at each "
                                       "hearing")] = AUTO,
    procedure: Annotated[str | None, typer.Option("--procedure", metavar="NORMSET", help="Explain a norm set's "
                                                  "procedure")] = None,
    step: Annotated[int | None, typer.Option("--step", help="Only the Nth hearing of the accused")] = None,
    why_not: Annotated[bool, typer.Option("--why-not", help="Also every rule considered, and the condition it "
                                          "failed")] = False,
    format: Annotated[Format, typer.Option("--format", help="text or markdown")] = Format.text,
    cases: CasesFolder = None,
    rules_dir: RulesFolder = None,
) -> None:
    """Tell a case step by step in plain English (or, with --procedure, present a norm set for a lesson)."""
    if format is Format.json:
        raise UsageError("--format: explain writes text or markdown")
    chosen = _case_or_procedure(case_file, procedure, rules_dir)
    if isinstance(chosen, NormSet):
        _echo(explain_procedure(chosen, format.value), nl=False)
        return
    loaded = _load(cases, rules_dir, [chosen])
    rules = loaded.known(rules)
    run = runs.run_case(loaded.cases[0], rules, loaded.book, loaded.engine, why_not=why_not)
    _echo(explain_case(run, format.value, step), nl=False)


class DiagramFormat(str, Enum):
    mermaid = "mermaid"
    markdown = "markdown"
    dot = "dot"
    svg = "svg"


@app.command("diagram")
def diagram_command(
    case_file: Annotated[Path | None, typer.Argument(metavar="[CASE]", help="The case (file or id) whose pathway "
                                                     "to draw")] = None,
    rules: Annotated[str, typer.Option("--rules", help=f"Norm set id, or '{AUTO}': the replay and simulation "
                                       "shown")] = AUTO,
    procedure: Annotated[str | None, typer.Option("--procedure", metavar="NORMSET", help="Draw a norm set's "
                                                  "procedure")] = None,
    paths: Annotated[bool, typer.Option("--paths", help="Draw the tree of the case's lawful paths instead")] = False,
    format: Annotated[DiagramFormat, typer.Option("--format", help="mermaid, markdown, dot or svg")] =
    DiagramFormat.mermaid,
    cases: CasesFolder = None,
    rules_dir: RulesFolder = None,
) -> None:
    """Draw a case's pathway (recorded path solid, simulated path dashed) or a norm set's procedure."""
    from case_procedure import diagram  # imported on use, like checks

    chosen = _case_or_procedure(case_file, procedure, rules_dir)
    if isinstance(chosen, NormSet):
        graph = diagram.procedure_graph(chosen)
    else:
        loaded = _load(cases, rules_dir, [chosen])
        rules = loaded.known(rules)
        run = runs.run_case(loaded.cases[0], rules, loaded.book, loaded.engine, paths=paths)
        graph = diagram.lawful_tree(run.case, run.simulated()) if paths else \
            diagram.case_pathway(run.case, run.trace, run.simulation)
    _echo(diagram.render(graph, format.value), nl=False)


@app.command()
def casebook(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the site to: a new or empty folder, or the "
                                      "casebook's own earlier output, replaced as a whole on success")],
    cases: CasesFolder = None,
    rules_dir: RulesFolder = None,
    force: Force = False,
) -> None:
    """Build the casebook: a static site of every case and norm set that works opened from disk.

    The site carries a marker file (.case-procedure-output) listing what it holds; --out replaces
    only such a folder, or an empty one, unless --force is given."""
    loaded = _load(cases, rules_dir)
    census = censuses.read_census(loaded.places.cases)
    outputs.check(out, CASEBOOK, input_places(loaded), force)
    from case_procedure import casebook as casebooks  # imported on use, like checks

    with progress.shown("casebook") as shown:
        corpus_runs = runs.corpus_runs(loaded.cases, loaded.book, loaded.engine, progress=shown)
        count = casebooks.build(out, corpus_runs, loaded.book.norm_sets, progress=shown,
                                census=census[0] if census else None)
    _echo(casebooks.summary(count, out))


@app.command("report")
def report_command(
    cases: CasesFolder = None,
    rules_dir: RulesFolder = None,
    format: FormatOption = Format.text,
    jobs: Jobs = 1,
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file (replaced in one step) instead of "
                                             "stdout: a new file or an earlier report")] = None,
    force: Force = False,
    summary: Annotated[bool, typer.Option("--summary", help="Print only the agreement of each norm set with the "
                                          "record (with --out, the whole report still goes to the file)")] = False,
) -> None:
    """Every case under every norm set: agreement with the record by period and body, the recorded expulsions
    the 1938 norms would not have produced, and the rules each case exercises.

    --out replaces an existing file only when it is an earlier report (it begins as a report does, in any
    format), unless --force is given."""
    from case_procedure import report as reporting  # imported here: it spawns workers, other commands never do

    loaded = _load(cases, rules_dir)  # every problem of every file is reported before any work starts
    if out is not None:
        outputs.check(out, reporting.WRITES, input_places(loaded), force)
    jobs = _jobs(jobs)
    with progress.shown("report") as shown:
        report = reporting.build(loaded.cases, loaded.norm_sets, loaded.places.rules, jobs, shown,
                                 loaded.book, loaded.engine)
    _echo(reporting.emitted(report, format.value, out, summary), nl=False)


class ExportFormat(str, Enum):
    sqlite = "sqlite"
    csv = "csv"
    jsonl = "jsonl"


@app.command("export")
def export_command(
    format: Annotated[ExportFormat, typer.Option("--format", help="sqlite (a database for Datasette), csv (a "
                                                 "Frictionless Data Package) or jsonl (one file per table)")],
    out: Annotated[Path, typer.Option("--out", help="sqlite: the database file (NAME.metadata.json is written "
                                      "beside it); csv, jsonl: a new or empty folder, or an earlier export")],
    cases: CasesFolder = None,
    rules_dir: RulesFolder = None,
    force: Force = False,
) -> None:
    """Export the corpus, the norm sets and every hearing replayed under every norm set as tables
    (docs/data.md describes them)."""
    from case_procedure import export  # imported on use, like checks

    loaded = _load(cases, rules_dir)
    for target, writes in export.targets(out, format.value):
        outputs.check(target, writes, input_places(loaded), force)
    with progress.shown("export") as shown:
        rows = export.tables(loaded, shown)
    _echo(export.summary(rows, export.write(out, format.value, rows)))


@app.command()
def migrate(
    case_files: Annotated[list[Path], typer.Argument(metavar="CASE...", help="Case files to upgrade")],
    stdout: Annotated[bool, typer.Option("--stdout", help="Print the upgraded files instead of rewriting "
                                         "them")] = False,
) -> None:
    """Upgrade case files of format 1 to format 2, keeping their comments and layout; files already of
    format 2 are left alone. Every file is upgraded and checked before any is rewritten."""
    for text in corpus.migrated(case_files, stdout):
        _echo(text, nl=False)


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
    format: FormatOption = Format.text,
    cases: CasesFolder = None,
    rules_dir: RulesFolder = None,
) -> None:
    """Replay and simulate a case as recorded and with some of its facts changed, side by side.

    The changed case is validated as a case file is: a change that makes it invalid is an error
    naming the change (exit 2)."""
    from case_procedure import patch, whatif, whatif_text

    patch.require_changes(patch_file, changes)
    loaded = _load(cases, rules_dir, [case_file])
    rules = loaded.known(rules)
    changed, made = patch.changed_file(loaded.paths[0], patch_file, changes)
    result = whatif.compare_runs(loaded.cases[0], changed, made, rules, loaded.book, loaded.engine)
    _echo(render.results([result], format.value, whatif_text.as_text, whatif_text.as_markdown), nl=False)


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
    format: FormatOption = Format.text,
    cases: CasesFolder = None,
    rules_dir: RulesFolder = None,
) -> None:
    """For each hearing, the smallest changes of the facts after which the norm set prescribes something else
    (single changes, then with --depth 2 pairs), each replayed in full, with the rule that would then decide;
    and the facts that change nothing. With --rules all: under which norm sets the accused keeps the party
    card, and what would have had to differ under the others."""
    from case_procedure import sensitivity, sensitivity_text, variation

    loaded = _load(cases, rules_dir, [case_file])
    if rules != sensitivity.ALL:
        rules = loaded.known(rules)
    variations = variation.load_variations(variations_file or variation.VARIATIONS_FILE)
    jobs = _jobs(jobs)
    with progress.shown("sensitivity") as shown:
        result = sensitivity.sensitivity_jobs(loaded.cases[0], rules, depth, loaded.book, loaded.engine, variations,
                                              loaded.places.rules, jobs, shown)
    _echo(render.results([result], format.value, sensitivity_text.as_text, sensitivity_text.as_markdown), nl=False)


@app.command()
def schema(name: Annotated[SchemaName, typer.Argument(help="case, rules, trace, whatif or sensitivity")]) -> None:
    """Print the JSON Schema of a file format."""
    _echo(schemas.schema_text(name.value), nl=False)
