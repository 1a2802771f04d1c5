"""Sensitivity: the smallest changes of a case's facts that change what a norm set prescribes.

The changes tried are those the variations declare (`variation.py`, `variations.yaml`). For each
hearing of the accused the search reports every single change after which the norm set prescribes
something else, then (with depth 2) every pair of changes that does so while neither change does
alone: so no reported change set holds a smaller one that changes the same hearing. Each change
set is applied to the case's data, validated as a case file is, and the case replayed in full;
nothing is inferred from the rules without replaying. Change sets are ordered by size, then by
the sum of their costs (how far a historian would find them from the record), then as the
variations are listed. Each flip names the rule that would then decide, with its sources.

Across norm sets (`--rules all`) the search also simulates the case: the accused keeps the party
card under a norm set when the simulation does not end with the accused expelled; for the norm
sets under which the card is lost it reports the smallest change sets after which it is kept.

`case-procedure sensitivity --format json` prints one `Sensitivity`; its JSON Schema is
`case-procedure schema sensitivity`. Keys may be added, never renamed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from pydantic import ValidationError

from case_procedure import situation as situations
from case_procedure.case import Case, reference_problems
from case_procedure.engine import Engine
from case_procedure.errors import RuleConflict
from case_procedure.patch import PathError, changed_data
from case_procedure.progress import Progress, Tick, silent
from case_procedure.replay import AUTO, RuleBook, replay_steps
from case_procedure.sensitivity_model import (
    CardOutcome,
    FactWeight,
    Flip,
    HearingSensitivity,
    NormSetRun,
    NormSetWeights,
    Sensitivity,
    VariationInfo,
    VariedFact,
)
from case_procedure.simulate import simulate
from case_procedure.trace import Simulation, Step
from case_procedure.variation import Candidate, Variation, candidates
from case_procedure.whatif import NOTHING, ChangeRef, Prescription, prescribed_words

__all__ = ["ALL", "CardOutcome", "FactWeight", "Flip", "HearingSensitivity", "NormSetRun", "NormSetWeights",
           "Sensitivity", "VariationInfo", "VariedFact", "flip_counts", "flipped",
           "kept_card", "sensitivity", "sensitivity_jobs", "weights"]

ALL = "all"
DEPTHS = (1, 2)


# -- Replaying changed cases --------------------------------------------------------------------

Keys = tuple[str, ...]
CONFLICT = "conflict"


@dataclass
class Explorer:
    """The changed cases of one case, each validated once and replayed (and simulated) once per norm set."""

    case: Case
    book: RuleBook
    engine: Engine
    found: list[Candidate]
    data: dict[str, Any] = field(default_factory=dict)
    _cases: dict[Keys, Case | None] = field(default_factory=dict)
    _steps: dict[tuple[Keys, str], list[Step] | str] = field(default_factory=dict)
    _sims: dict[tuple[Keys, str], Simulation | None] = field(default_factory=dict)
    _pairs: dict[Keys, list[Keys]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.data = self.case.model_dump(mode="json", by_alias=True)
        self.by_key = {c.key: c for c in self.found}
        self._cases[()] = self.case

    def variant(self, keys: Keys) -> Case | None:
        """The case with the changes applied and validated as a case file is; None if it is not a valid case."""
        if keys not in self._cases:
            changes = [c for k in keys for c in self.by_key[k].changes]
            try:
                changed = Case.model_validate(changed_data(self.data, changes)[0])
                self._cases[keys] = None if reference_problems(changed) else changed
            except (PathError, ValidationError):
                self._cases[keys] = None
        return self._cases[keys]

    def steps(self, keys: Keys, norm_set: str) -> list[Step] | str:
        """The replayed steps of the changed case, or CONFLICT where its rules conflict."""
        if (keys, norm_set) not in self._steps:
            case = self.variant(keys)
            assert case is not None
            try:
                self._steps[keys, norm_set] = replay_steps(case, norm_set, self.book, self.engine)
            except RuleConflict:
                self._steps[keys, norm_set] = CONFLICT
        return self._steps[keys, norm_set]

    def simulation(self, keys: Keys, norm_set: str) -> Simulation | None:
        if (keys, norm_set) not in self._sims:
            case = self.variant(keys)
            assert case is not None
            try:
                self._sims[keys, norm_set] = simulate(case, norm_set, self.book, self.engine)
            except RuleConflict:  # a route loop is one too
                self._sims[keys, norm_set] = None
        return self._sims[keys, norm_set]

    def varied(self, keys: Keys) -> list[VariedFact]:
        return [VariedFact(variation=c.variation, key=c.key, says=c.says, cost=c.cost,
                           changes=[ChangeRef.of(x) for x in c.changes]) for c in (self.by_key[k] for k in keys)]

    def cost(self, keys: Keys) -> int:
        return sum(self.by_key[k].cost for k in keys)

    def pairs(self, singles: list[Keys]) -> list[Keys]:
        """Pairs of valid single changes that vary different facts and together still make a valid case (two
        changes may each be valid and clash: one removes an entry the other changes)."""
        key = tuple(k[0] for k in singles)
        if key not in self._pairs:
            self._pairs[key] = [(a[0], b[0]) for a, b in combinations(singles, 2)
                                if self.by_key[a[0]].exclusive != self.by_key[b[0]].exclusive
                                and self.variant((a[0], b[0])) is not None]
        return self._pairs[key]


def kept_card(sim: Simulation | None) -> bool | None:
    """Whether the simulated case ends with the accused still in the Party."""
    if sim is None or not sim.steps:
        return None
    expelled = False
    for step in sim.steps:
        if step.decision:
            expelled = situations.expelled_after(expelled, step.decision)
    return not expelled


def _order(explorer: Explorer, found: list[Keys]) -> list[Keys]:
    rank = {c.key: n for n, c in enumerate(explorer.found)}
    return sorted(found, key=lambda k: (len(k), explorer.cost(k), [rank[x] for x in k]))


def _flips_at(explorer: Explorer, norm_set: str, index: int, base: str, singles: list[Keys],
              depth: int) -> tuple[list[Keys], list[Keys]]:
    """The minimal change sets that change what hearing `index` prescribes, and those under which rules conflict."""
    def words(keys: Keys) -> str:
        steps = explorer.steps(keys, norm_set)
        return CONFLICT if isinstance(steps, str) else prescribed_words(steps[index])

    flipping = [k for k in singles if words(k) != base]
    if depth == 2:
        alone = {k[0] for k in flipping}
        flipping += [p for p in explorer.pairs(singles) if not set(p) & alone and words(p) != base]
    conflicts = [k for k in flipping if words(k) == CONFLICT]
    return _order(explorer, [k for k in flipping if words(k) != CONFLICT]), conflicts


def run_norm_set(explorer: Explorer, norm_set: str, depth: int, variations: list[Variation]) -> NormSetRun:
    """Every hearing's minimal flips under one norm set (or `auto`)."""
    base = explorer.steps((), norm_set)
    if isinstance(base, str):
        raise RuleConflict(f"the rules of {norm_set} conflict on case {explorer.case.id!r} as recorded")
    singles: list[Keys] = [(c.key,) for c in explorer.found if explorer.variant((c.key,)) is not None]
    invalid = [c.key for c in explorer.found if (c.key,) not in singles]
    tried = {explorer.by_key[k[0]].variation for k in singles}
    hearings = []
    changing: set[str] = set()
    for index, step in enumerate(base):
        flips, conflicts = _flips_at(explorer, norm_set, index, prescribed_words(step), singles, depth)
        moved = {explorer.by_key[k].variation for keys in flips if len(keys) == 1 for k in keys}
        changing |= moved | {explorer.by_key[k].variation for keys in conflicts if len(keys) == 1 for k in keys}
        then = []
        for keys in flips:
            steps = explorer.steps(keys, norm_set)
            assert not isinstance(steps, str)
            then.append(Flip(size=len(keys), cost=explorer.cost(keys), changes=explorer.varied(keys),
                             then=Prescription.of(steps[index])))
        hearings.append(HearingSensitivity(
            hearing=step.hearing, date=step.date, body=step.body,
            recorded=step.recorded.decision if step.recorded else None, prescribed=Prescription.of(step),
            flips=then, unchanged_by=[v.id for v in variations if v.id in tried and v.id not in moved],
            conflicts=["+".join(k) for k in conflicts]))
    tried_sets = len(singles) + (len(explorer.pairs(singles)) if depth == 2 else 0)
    return NormSetRun(norm_set=norm_set, tried=tried_sets, invalid=invalid, hearings=hearings,
                      changes_nothing=[v.id for v in variations if v.id in tried and v.id not in changing])


def card_outcome(explorer: Explorer, norm_set: str, depth: int) -> CardOutcome:
    """The party card under a norm set, and where it is lost the smallest change sets that keep it."""
    base = explorer.simulation((), norm_set)
    kept = kept_card(base)
    if kept is not False:
        return CardOutcome(norm_set=norm_set, kept=kept, final=base.final if base else None)
    singles: list[Keys] = [(c.key,) for c in explorer.found if explorer.variant((c.key,)) is not None]
    keeping = [k for k in singles if kept_card(explorer.simulation(k, norm_set))]
    if depth == 2:
        alone = {k[0] for k in keeping}
        keeping += [p for p in explorer.pairs(singles) if not set(p) & alone
                    and kept_card(explorer.simulation(p, norm_set))]
    flips = []
    for keys in _order(explorer, keeping):
        sim = explorer.simulation(keys, norm_set)
        assert sim is not None
        last = next((s for s in reversed(sim.steps) if s.decision), None)
        then = Prescription(words=(last.words() or NOTHING) if last else NOTHING, decision=sim.final,
                            rule=last.rule if last else None, norm_set=sim.norm_set, agreement="unrecorded")
        flips.append(Flip(size=len(keys), cost=explorer.cost(keys), changes=explorer.varied(keys), then=then))
    return CardOutcome(norm_set=norm_set, kept=False, final=base.final if base else None, keep_if=flips)


def explorer_for(case: Case, rules: str, book: RuleBook, engine: Engine, variations: list[Variation]) -> Explorer:
    """The changes the variations make of a case; hearings move across norm-set boundaries only with `auto`."""
    return Explorer(case, book, engine, candidates(case, variations, book.norm_sets, dated=rules == AUTO))


def _norm_sets(rules: str, book: RuleBook) -> list[str]:
    return list(book.norm_sets) if rules == ALL else [rules]


def hearing_runs(case: Case, rules: str, depth: int, book: RuleBook, engine: Engine,
                 variations: list[Variation]) -> list[NormSetRun]:
    """What would have changed each hearing, under one norm set, `auto` or `all`, without the party card's
    simulations (the casebook's panels need only these)."""
    explorer = explorer_for(case, rules, book, engine, variations)
    with book.remembering_situations():
        return [run_norm_set(explorer, name, depth, variations) for name in _norm_sets(rules, book)]


def sensitivity(case: Case, rules: str, depth: int, book: RuleBook, engine: Engine,
                variations: list[Variation], progress: Progress = silent) -> Sensitivity:
    """The sensitivity of one case under one norm set, `auto`, or `all` (with the party card under each)."""
    explorer = explorer_for(case, rules, book, engine, variations)
    names = _norm_sets(rules, book)
    runs: list[NormSetRun] = []
    card: list[CardOutcome] = []
    with book.remembering_situations():
        for n, name in enumerate(names, start=1):
            runs.append(run_norm_set(explorer, name, depth, variations))
            if rules == ALL:
                card.append(card_outcome(explorer, name, depth))
            progress(Tick("norm set", n, len(names), name))
    return assemble(case, rules, depth, variations, runs, card)


def assemble(case: Case, rules: str, depth: int, variations: list[Variation], runs: list[NormSetRun],
             card: list[CardOutcome]) -> Sensitivity:
    return Sensitivity(case=case.id, title=case.title, rules=rules, depth=depth,
                       variations=[VariationInfo(id=v.id, about=v.about, cost=v.cost) for v in variations],
                       runs=runs, card=card)


# -- Several processes ------------------------------------------------------------------------------

def _in_worker(task: tuple[Case, Any, str, str, int, list[Variation]]) -> tuple[NormSetRun, CardOutcome | None]:
    """One norm set's run (and party card, with `all`) in a worker process with its own engine."""
    from case_procedure import parallel

    case, rules_dir, rules, norm_set, depth, variations = task
    book, engine = parallel.workspace(rules_dir)
    explorer = explorer_for(case, rules, book, engine, variations)
    with book.remembering_situations():
        card = card_outcome(explorer, norm_set, depth) if rules == ALL else None
        return run_norm_set(explorer, norm_set, depth, variations), card


def sensitivity_jobs(case: Case, rules: str, depth: int, book: RuleBook, engine: Engine,
                     variations: list[Variation], rules_dir: Any, jobs: int,
                     progress: Progress = silent) -> Sensitivity:
    """`sensitivity`, with the norm sets of `all` spread over `jobs` processes (the result does not depend on it)."""
    names = _norm_sets(rules, book)
    if jobs <= 1 or len(names) <= 1:
        return sensitivity(case, rules, depth, book, engine, variations, progress)
    from case_procedure import parallel

    results = parallel.run(_in_worker, [(case, rules_dir, rules, n, depth, variations) for n in names], jobs,
                           progress, "norm set", names)
    return assemble(case, rules, depth, variations, [r for r, _ in results],
                    [c for _, c in results if c is not None])


def _case_in_worker(task: tuple[Case, Any, str, int, list[Variation]]) -> Sensitivity:
    from case_procedure import parallel

    case, rules_dir, rules, depth, variations = task
    book, engine = parallel.workspace(rules_dir)
    return sensitivity(case, rules, depth, book, engine, variations)


def corpus_sensitivity(cases: list[Case], rules: str, depth: int, rules_dir: Any, jobs: int,
                       variations: list[Variation]) -> list[Sensitivity]:
    """Every case's sensitivity, one case per task over `jobs` processes (the results do not depend on it)."""
    from case_procedure import parallel

    return parallel.run(_case_in_worker, [(c, rules_dir, rules, depth, variations) for c in cases], jobs)


# -- The corpus view -------------------------------------------------------------------------------

def flip_counts(case: Case, book: RuleBook, engine: Engine, variations: list[Variation]) -> dict[str, dict[str, int]]:
    """norm set -> variation -> how many of the case's hearings some single change of the variation flips."""
    explorer = explorer_for(case, ALL, book, engine, variations)
    runs = []
    with book.remembering_situations():
        for norm_set in book.norm_sets:
            try:
                runs.append(run_norm_set(explorer, norm_set, 1, variations))
            except RuleConflict:  # the case as recorded conflicts: the report names it among its failures
                continue
    return {run.norm_set: flipped(run) for run in runs}


def flipped(run: NormSetRun) -> dict[str, int]:
    """variation -> how many hearings of the run some single change of it flips."""
    counts: dict[str, int] = {}
    for hearing in run.hearings:
        for v in {f.changes[0].variation for f in hearing.flips if f.size == 1}:
            counts[v] = counts.get(v, 0) + 1
    return counts


def weights(per_case: list[dict[str, dict[str, int]]], hearings: dict[str, int],
            variations: list[Variation]) -> list[NormSetWeights]:
    """The corpus view: per norm set, the variations by how many prescribed decisions they can flip."""
    out = []
    for norm_set, count in hearings.items():
        facts = []
        for v in variations:
            flips = [c.get(norm_set, {}).get(v.id, 0) for c in per_case]
            if sum(flips):
                facts.append(FactWeight(variation=v.id, about=v.about, flips=sum(flips),
                                        cases=sum(1 for f in flips if f)))
        facts.sort(key=lambda f: (-f.flips, -f.cases, f.variation))
        out.append(NormSetWeights(norm_set=norm_set, hearings=count, facts=facts))
    return out
