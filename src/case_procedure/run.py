"""The one computation behind the views: a case run under a norm set, and the corpus run for the casebook.

`run_case` replays the case, simulates it (with its lawful paths when asked) and, when asked, finds at each
hearing the rules considered and the condition each failed (`whynot`); the result, a `run_model.Run`, holds
everything `explain`, `diagram` and `casebook` show, and they only read it. `corpus_runs` runs every case of
the casebook under `auto` and every norm set it shows, with the sensitivity of each hearing (depth 1) and
the corpus's most deciding facts. The command line (and `api`) call these and hand the result to a view.
"""

from __future__ import annotations

from case_procedure.case import Case
from case_procedure.engine import Engine
from case_procedure.errors import RuleConflict
from case_procedure.progress import Progress, Tick, silent
from case_procedure.replay import AUTO, RuleBook, replay, situation_at
from case_procedure.run_model import CaseRuns, Consideration, CorpusRuns, Run, replay_sets
from case_procedure.sensitivity import ALL, flipped, hearing_runs, weights
from case_procedure.sensitivity_model import NormSetRun
from case_procedure.simulate import simulate
from case_procedure.variation import Variation, load_variations
from case_procedure.whynot import considerations

__all__ = ["CaseRuns", "CorpusRuns", "Run", "corpus_runs", "replay_sets", "run_case"]


def run_case(case: Case, norm_set: str, book: RuleBook, engine: Engine, why_not: bool = False,
             keep_going: bool = False, paths: bool = False) -> Run:
    """Replay and simulate the case under a norm set (or `auto`); `why_not` also finds the rules considered at
    each hearing, `paths` the simulation's lawful paths, and `keep_going` records a conflict in the simulation
    instead of raising it."""
    trace = replay(case, norm_set, book, engine)
    applied = {h.id: book.for_hearing(norm_set, h)[0] for h in case.hearings()}
    reasons: dict[str, list[Consideration]] = {}
    if why_not:
        for hearing in case.hearings():
            normset = applied[hearing.id]
            reasons[hearing.id] = (considerations(situation_at(case, hearing, normset), normset,
                                                  book.compiled(normset),
                                                  f"at hearing {hearing.id!r} of case {case.id!r} ({hearing.date})")
                                   if normset else [])
    try:
        simulation, error = simulate(case, norm_set, book, engine, paths=paths), None
    except RuleConflict as exc:
        if not keep_going:
            raise
        simulation, error = None, str(exc)
    named = None if norm_set == AUTO else book.norm_sets[norm_set]
    return Run(case, trace, applied, reasons, simulation, error, named)


def _sensitivity_runs(case: Case, rules: str, book: RuleBook, engine: Engine,
                      variations: list[Variation]) -> list[NormSetRun]:
    """The case's sensitivity runs (depth 1); none where the rules conflict on the case (the replay says so)."""
    try:
        return hearing_runs(case, rules, 1, book, engine, variations)
    except RuleConflict:
        return []


def case_runs(case: Case, book: RuleBook, engine: Engine, variations: list[Variation]) -> CaseRuns:
    """A case under `auto` and every norm set the casebook replays, with the rules considered at each hearing,
    and its sensitivity runs."""
    keys = [AUTO, *(n.id for n in replay_sets(book.norm_sets))]
    found = {r.norm_set: r for rules in (ALL, AUTO) for r in _sensitivity_runs(case, rules, book, engine,
                                                                            variations)}
    runs = {key: run_case(case, key, book, engine, why_not=True, keep_going=True) for key in keys}
    return CaseRuns(case, runs, found)


def corpus_runs(cases: list[Case], book: RuleBook, engine: Engine, progress: Progress = silent) -> CorpusRuns:
    """Every case run for the casebook (a tick per case), and the corpus view of what decides outcomes."""
    variations = load_variations()
    done = []
    for i, case in enumerate(cases, start=1):
        progress(Tick("case", i, len(cases), case.id))
        done.append(case_runs(case, book, engine, variations))
    flips = [{n: flipped(r) for n, r in c.sensitivity.items() if n != AUTO} for c in done]
    hearings = {n: sum(len(case.hearings()) for case in cases) for n in book.norm_sets}
    return CorpusRuns(done, weights(flips, hearings, variations))
