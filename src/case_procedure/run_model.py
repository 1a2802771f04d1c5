"""What a view shows of one case under one norm set, as data: the run of a case and the rules considered.

`run.run_case` computes a `Run` (the replay's trace, the norm set applied at each hearing, the rules
considered there with the condition each failed, and the simulation with its lawful paths); `explain`,
`diagram` and `casebook` only read it. This module holds the data alone, so a view can name it without
importing what computes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from case_procedure.case import Case
from case_procedure.errors import RuleConflict
from case_procedure.norms import NormSet, ResolvedRule
from case_procedure.sensitivity_model import NormSetRun, NormSetWeights
from case_procedure.trace import Simulation, Trace

Verdict = Literal["prescribed", "concurring", "overridden", "capping", "capped", "outweighed", "not applicable"]


@dataclass(frozen=True)
class Consideration:
    """One decision rule considered at a hearing, and what became of it."""

    rule: ResolvedRule
    verdict: Verdict
    reason: str  # for rules that did not apply: the first condition that failed, in plain words
    failed_pattern: int | None = None  # index into rule.when (-1: the body), for rules that did not apply


@dataclass(frozen=True)
class Run:
    """Everything the views show of one case under one norm set (or `auto`), computed once by `run.run_case`."""

    case: Case
    trace: Trace
    norm_sets: dict[str, NormSet | None]  # hearing id -> the norm set applied there
    why_not: dict[str, list[Consideration]]  # hearing id -> considerations (only when asked)
    simulation: Simulation | None  # the path the norm set's rules alone would have taken
    simulation_error: str | None = None  # with `keep_going`: the route loop or rule conflict that stopped it
    normset: NormSet | None = None  # the norm set named (None for `auto`)

    def simulated(self) -> Simulation:
        """The simulation; only a run made with `keep_going` may lack it, and then raises its conflict here."""
        if self.simulation is None:
            raise RuleConflict(self.simulation_error or "the simulation stopped")
        return self.simulation


@dataclass(frozen=True)
class CaseRuns:
    """A case under every norm set the casebook shows, with what would have changed each hearing."""

    case: Case
    runs: dict[str, Run]  # 'auto' and each norm set replayed -> the run
    sensitivity: dict[str, NormSetRun] = field(default_factory=dict)  # norm set or 'auto' -> its depth-1 run


@dataclass(frozen=True)
class CorpusRuns:
    """Every case of the casebook run, and what most often decides outcomes under each norm set."""

    cases: list[CaseRuns]
    weights: list[NormSetWeights]


def replay_sets(norm_sets: dict[str, NormSet]) -> list[NormSet]:
    """The norm sets the casebook replays a case under: period norms and practice (a base set only underlies
    them), oldest first."""
    return sorted((n for n in norm_sets.values() if n.kind != "base" and n.decision_rules),
                  key=lambda n: (n.kind != "norms", n.in_force.from_, n.id))
