"""Comparing norm sets on one case: each recorded hearing and the simulated path, side by side."""

from __future__ import annotations

from case_procedure.case import Case
from case_procedure.engine import Engine
from case_procedure.replay import RuleBook, replay
from case_procedure.simulate import simulate
from case_procedure.trace import Comparison, FinalRow, HearingRow, Trace

__all__ = ["Comparison", "FinalRow", "HearingRow", "compare"]


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
