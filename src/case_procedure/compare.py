"""Comparing norm sets on one case: each recorded hearing and the simulated path, side by side."""

from __future__ import annotations

from case_procedure.case import Case
from case_procedure.engine import Engine
from case_procedure.replay import RuleBook, replay
from case_procedure.simulate import simulate
from case_procedure.trace import Frozen, OutsidePeriod, Simulation, Trace


class HearingRow(Frozen):
    hearing: str
    date: str
    body: str
    recorded: str | None
    prescribed: dict[str, str | None]  # norm set -> decision (None: no rule applies)
    rules: dict[str, str | None]  # norm set -> rule id
    differs: bool  # the norm sets prescribe different decisions (or ranges) here
    words: dict[str, str | None] = {}  # norm set -> what it prescribes in words, a range included
    outside_period: dict[str, OutsidePeriod] = {}  # norm set -> whether it was out of force at the hearing's date


class FinalRow(Frozen):
    recorded: str | None
    replayed: dict[str, str | None]  # norm set -> decision prescribed at the last recorded hearing
    simulated: dict[str, str | None]  # norm set -> the simulation's final decision
    differs: bool


class Comparison(Frozen):
    case: str
    title: str
    norm_sets: list[str]
    hearings: list[HearingRow]
    simulations: dict[str, Simulation]
    final: FinalRow


def _differs(values: dict[str, str | None]) -> bool:
    return len(set(values.values())) > 1


def compare(case: Case, norm_sets: list[str], book: RuleBook, engine: Engine) -> Comparison:
    traces: dict[str, Trace] = {n: replay(case, n, book, engine) for n in norm_sets}
    rows = []
    for i, hearing in enumerate(case.hearings()):
        steps = {n: traces[n].steps[i] for n in norm_sets}
        prescribed = {n: s.prescribed.decision if s.prescribed else None for n, s in steps.items()}
        words = {n: s.prescribed.words() if s.prescribed else None for n, s in steps.items()}
        rows.append(HearingRow(hearing=hearing.id, date=str(hearing.date), body=hearing.body,
                               recorded=hearing.decision, prescribed=prescribed,
                               rules={n: s.prescribed.rule.id if s.prescribed else None for n, s in steps.items()},
                               differs=_differs(words), words=words,
                               outside_period={n: s.outside_period for n, s in steps.items()}))
    simulations = {n: simulate(case, n, book, engine, paths=True) for n in norm_sets}
    replayed = {n: traces[n].outcome.prescribed for n in norm_sets}
    simulated = {n: simulations[n].final for n in norm_sets}
    final = FinalRow(recorded=traces[norm_sets[0]].outcome.recorded, replayed=replayed, simulated=simulated,
                     differs=_differs(replayed) or _differs(simulated))
    return Comparison(case=case.id, title=case.title, norm_sets=list(norm_sets), hearings=rows,
                      simulations=simulations, final=final)
