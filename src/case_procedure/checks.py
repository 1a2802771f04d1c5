"""What `case-procedure check` finds: every file error first (`check` raises them), then in the rules
overlaps, idle caps, failing and missing rule tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from case_procedure import census as censuses
from case_procedure.engine import Engine
from case_procedure.errors import InputError
from case_procedure.examples import Result, load_examples, run_all, unexercised
from case_procedure.norms import NormSet, case_reference_problems
from case_procedure.overlap import Overlap, idle_caps, overlaps
from case_procedure.replay import RuleBook
from case_procedure.workspace import Workspace


@dataclass(frozen=True)
class RuleFindings:
    overlaps: list[Overlap]
    results: list[Result]
    unexercised: dict[str, list[str]]  # norm set -> rules of its own file no test situation exercises
    idle_caps: list[str] = field(default_factory=list)  # caps that bound no rule over charges

    @property
    def failed(self) -> list[Result]:
        return [r for r in self.results if not r.passed]

    @property
    def sound(self) -> bool:
        return not self.overlaps and not self.failed and not self.idle_caps

    def lines(self) -> list[str]:
        out = [f"overlap: {o}" for o in self.overlaps]
        out += [f"idle cap: {c}" for c in self.idle_caps]
        out += [f"{r.path.as_posix()}: test situation {r.example.name!r}: expected {r.expected}, got {r.got}"
                for r in self.failed]
        out += [f"untested: {name}: {', '.join(ids)}" for name, ids in self.unexercised.items()]
        return out


def examine_rules(norm_sets: dict[str, NormSet], tests_dir: Path, book: RuleBook, engine: Engine) -> RuleFindings:
    """Overlaps, rule test results and untested rules; raises InputError for a malformed test file."""
    loaded = load_examples(norm_sets, tests_dir)
    results = run_all(loaded, book, engine)
    found = [o for n in norm_sets.values() for o in overlaps(n)]
    idle = [c for n in norm_sets.values() for c in idle_caps(n)]
    return RuleFindings(found, results, unexercised(norm_sets, results), idle)


@dataclass(frozen=True)
class Checked:
    """A workspace found valid, and what examining its rules found."""

    loaded: Workspace
    findings: RuleFindings
    census: censuses.Census | None

    def lines(self) -> list[str]:
        norm_sets, findings = self.loaded.norm_sets, self.findings
        rules = sum(len(n.rules) for n in norm_sets.values())
        count = len(self.loaded.cases)
        case_files = "1 case file" if count == 1 else f"{count} case files"
        out = [f"{case_files} and {len(norm_sets)} norm sets ({rules} rules) are valid; "
               f"{len(findings.results)} rule test situations run, {len(findings.failed)} failed; "
               f"{len(findings.overlaps)} unsettled overlaps"]
        if self.census is not None:
            out.append(censuses.summary(self.census))
        return out + findings.lines()


def check(loaded: Workspace, in_corpus: list[Path]) -> Checked:
    """The checks beyond reading each file: references of the rules to cases of the corpus (`in_corpus`), the
    census against the corpus, the rule tests; InputError listing the problems found."""
    places = loaded.places
    census = None
    try:
        problems = case_reference_problems(loaded.norm_sets, {p.stem for p in in_corpus})
        census = censuses.read_census(places.cases)
        if census is not None:
            problems += censuses.corpus_problems(*census, censuses.census_path(places.cases), in_corpus,
                                                 {c.id: c.accused for c in loaded.cases})
        findings = examine_rules(loaded.norm_sets, places.rule_tests, loaded.book, loaded.engine)
    except InputError as exc:
        problems = exc.problems  # a malformed census or rule test file: its problems alone, as ever
    if problems:
        raise InputError(problems)
    return Checked(loaded, findings, census[0] if census is not None else None)
