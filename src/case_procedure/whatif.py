"""A what-if: a case replayed and simulated as recorded and with some of its facts changed, side by side.

`compare_runs` replays and simulates the original case and the changed one under the same norm
set (or `auto`), and lines up every hearing of the accused: what each prescribes, by which rule,
whether that differs, and which facts the rules see differently there (the situation builder's
facts, attribute by attribute). `case-procedure whatif --format json` prints one `WhatIf`; its
JSON Schema is `case-procedure schema whatif`. Keys may be added, never renamed.
"""

from __future__ import annotations

from case_procedure import situation as situations
from case_procedure.case import Case, Hearing
from case_procedure.codebook import label
from case_procedure.engine import Engine
from case_procedure.patch import Change
from case_procedure.replay import RuleBook, replay
from case_procedure.sensitivity_model import (
    NOTHING,
    ChangeRef,
    FactChange,
    Prescription,
    SimulatedSide,
    WhatIf,
    WhatIfStep,
    prescribed_words,
)
from case_procedure.simulate import simulate
from case_procedure.trace import Simulation

__all__ = ["NOTHING", "REMOVED", "ChangeRef", "Prescription", "WhatIf", "compare_runs", "prescribed_words"]

REMOVED = "the hearing is not in the changed case"


ENTRY_FACTS = ("conduct", "statement")  # facts numbered in record order: matched by the entry they come from


def _identity(fact: situations.Fact) -> tuple[str, ...]:
    return (fact.kind, *fact.derived_from) if fact.kind in ENTRY_FACTS else (fact.id,)


def _fact_changes(before: situations.Situation, after: situations.Situation) -> list[FactChange]:
    old, new = {_identity(f): f for f in before.facts}, {_identity(f): f for f in after.facts}
    found = []
    for key in dict.fromkeys([*old, *new]):
        if key not in new or key not in old:
            fact = old.get(key) or new[key]
            found.append(FactChange(fact=fact.id, attribute="", before=old[key].description if key in old else None,
                                    after=new[key].description if key in new else None))
            continue
        a, b = old[key].attributes, new[key].attributes
        found += [FactChange(fact=new[key].id, attribute=k, before=a.get(k), after=b.get(k))
                  for k in dict.fromkeys([*a, *b]) if a.get(k) != b.get(k)]
    return found


def _situation(case: Case, hearing: Hearing, norm_set: str | None, book: RuleBook) -> situations.Situation:
    basis = book.norm_sets[norm_set].charge_basis if norm_set else "trust"
    return situations.build(case, hearing, basis)


def _path(sim: Simulation) -> list[str]:
    return [f"{label(s.body)}: {s.words() or NOTHING}" for s in sim.steps]


def compare_runs(original: Case, changed: Case, changes: list[Change], norm_set: str, book: RuleBook,
                 engine: Engine) -> WhatIf:
    """Replay and simulate both cases under `norm_set` and line them up hearing by hearing."""
    before, after = replay(original, norm_set, book, engine), replay(changed, norm_set, book, engine)
    changed_hearings = {h.id: h for h in changed.hearings()}
    after_steps = {s.hearing: s for s in after.steps}
    steps = []
    for hearing, step in zip(original.hearings(), before.steps, strict=True):
        other = after_steps.get(hearing.id)
        if other is None:  # a change removed the hearing
            gone = Prescription(words=REMOVED, decision=None, rule=None, norm_set=None, agreement="no-rule")
            steps.append(WhatIfStep(hearing=hearing.id, body=hearing.body, date=step.date, changed_date="",
                                    recorded=hearing.decision, original=Prescription.of(step), changed=gone,
                                    differs=True, facts=[]))
            continue
        facts = _fact_changes(_situation(original, hearing, step.norm_set, book),
                              _situation(changed, changed_hearings[hearing.id], other.norm_set, book))
        steps.append(WhatIfStep(hearing=hearing.id, body=hearing.body, date=step.date, changed_date=other.date,
                                recorded=hearing.decision, original=Prescription.of(step),
                                changed=Prescription.of(other),
                                differs=prescribed_words(step) != prescribed_words(other), facts=facts))
    sim_before, sim_after = simulate(original, norm_set, book, engine), simulate(changed, norm_set, book, engine)
    side = SimulatedSide(original_path=_path(sim_before), changed_path=_path(sim_after),
                         original_final=sim_before.final, changed_final=sim_after.final,
                         differs=_path(sim_before) != _path(sim_after))
    return WhatIf(case=original.id, title=original.title, norm_set=norm_set, changes=[ChangeRef.of(c) for c in changes],
                  steps=steps, differs=any(s.differs for s in steps), simulation=side, original=before,
                  changed=after, original_simulation=sim_before, changed_simulation=sim_after)
