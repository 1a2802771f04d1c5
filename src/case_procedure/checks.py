"""What `case-procedure check` finds in the rules beyond file errors: overlaps, idle caps, failing and missing rule
tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from case_procedure.engine import Engine
from case_procedure.examples import Result, load_examples, run_all, unexercised
from case_procedure.norms import NormSet
from case_procedure.overlap import Overlap, idle_caps, overlaps
from case_procedure.replay import RuleBook


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


def examine_rules(norm_sets: dict[str, NormSet], tests_dir: Path, engine: Engine) -> RuleFindings:
    """Overlaps, rule test results and untested rules; raises InputError for a malformed test file."""
    loaded = load_examples(norm_sets, tests_dir)
    results = run_all(loaded, RuleBook(norm_sets), engine)
    found = [o for n in norm_sets.values() for o in overlaps(n)]
    idle = [c for n in norm_sets.values() for c in idle_caps(n)]
    return RuleFindings(found, results, unexercised(norm_sets, results), idle)
