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
from case_procedure.render import NO_CELL, WIDTH, Markup, code, md_text, table, wrap
from case_procedure.replay import RuleBook, replay
from case_procedure.sensitivity_model import NOTHING, ChangeRef, Prescription, prescribed_words
from case_procedure.simulate import simulate
from case_procedure.situation import Value
from case_procedure.trace import Frozen, Simulation, Trace

__all__ = ["NOTHING", "REMOVED", "ChangeRef", "Prescription", "WhatIf", "as_markdown", "as_text", "compare_runs",
           "prescribed_words"]

REMOVED = "the hearing is not in the changed case"


class FactChange(Frozen):
    """A fact the rules see differently at a hearing; `attribute` is empty for a fact that appears or goes."""

    fact: str
    attribute: str
    before: Value | None
    after: Value | None


class WhatIfStep(Frozen):
    hearing: str
    body: str
    date: str
    changed_date: str  # the hearing's date in the changed case (the same unless a change moved it)
    recorded: str | None
    original: Prescription
    changed: Prescription
    differs: bool  # what is prescribed differs
    facts: list[FactChange]  # what the rules see differently here


class SimulatedSide(Frozen):
    original_path: list[str]  # each simulated step as "body: decision"
    changed_path: list[str]
    original_final: str | None
    changed_final: str | None
    differs: bool


class WhatIf(Frozen):
    """The original case and the changed one under one norm set, side by side."""

    case: str
    title: str
    norm_set: str
    changes: list[ChangeRef]
    steps: list[WhatIfStep]
    differs: bool  # some hearing's prescription differs
    simulation: SimulatedSide
    original: Trace
    changed: Trace
    original_simulation: Simulation
    changed_simulation: Simulation


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


# -- Text and Markdown ------------------------------------------------------------------------------

def _rule_words(p: Prescription) -> str:
    return f"{p.words} ({p.rule.id})" if p.rule else p.words


def fact_words(change: FactChange) -> str:
    if not change.attribute:
        shown = f"new: {change.after}" if change.before is None else f"gone: {change.before}"
        return f"{change.fact}: {shown}"
    return f"{change.fact}.{change.attribute}: {_value(change.before)} -> {_value(change.after)}"


def _value(value: Value | None) -> str:
    if value is None or isinstance(value, bool):
        return {True: "true", False: "false", None: "none"}[value]
    return str(value)


def as_text(w: WhatIf) -> str:
    lines = wrap(f"{w.title} ({w.case})", "")
    lines += wrap(f"What if, under {w.norm_set}. A * marks what the changes alter.", "")
    lines.append("Changes:")
    for c in w.changes:
        lines += wrap(c.argument, "       ", "   --set ")
    lines.append("=" * WIDTH)
    for n, step in enumerate(w.steps, start=1):
        head = f"{n}. {step.date}  {label(step.body)}"
        tag = "[differs]" if step.differs else "[same]"
        lines.append(f"{head}{tag:>{WIDTH - len(head)}}" if len(head) + len(tag) < WIDTH else f"{head} {tag}")
        if step.changed_date and step.changed_date != step.date:
            lines += wrap(f"moved to {step.changed_date}", " " * 17, "   date:         ")
        lines += wrap(label(step.recorded) if step.recorded else "none recorded", " " * 17, "   recorded:     ")
        lines += wrap(_rule_words(step.original), " " * 17, "   as recorded:  ")
        lines += wrap(_rule_words(step.changed), " " * 17, f" {'*' if step.differs else ' '} changed:      ")
        if step.differs and step.changed.rule:
            lines += wrap(step.changed.rule.statement, " " * 17)
            for source in step.changed.rule.source:
                lines += wrap(source.citation, " " * 17, "   source:       ")
        if step.facts:
            lines.append("   the rules see differently:")
            for f in step.facts:
                lines += wrap(fact_words(f), "       ", "     - ")
        lines.append("")
    sim = w.simulation
    lines.append(f"Simulated path{' [differs]' if sim.differs else ''}:")
    lines += wrap(" -> ".join(sim.original_path) or "no simulated step", "     ", "   as recorded: ")
    lines += wrap(" -> ".join(sim.changed_path) or "no simulated step", "     ",
                  f" {'*' if sim.differs else ' '} changed:     ")
    return "\n".join(lines) + "\n"


def as_markdown(w: WhatIf) -> str:
    def marked(p: Prescription, differs: bool) -> Markup:
        text = md_text(p.words)
        text = f"**{text}**" if differs else text
        return Markup(f"{text} ({code(p.rule.id)})" if p.rule else text)

    rows: list[list[object]] = []
    for n, step in enumerate(w.steps, start=1):
        facts = "; ".join(fact_words(f) for f in step.facts)
        rows.append([n, step.date if step.changed_date in (step.date, "") else f"{step.date} -> {step.changed_date}",
                     label(step.body), label(step.recorded) if step.recorded else "none recorded",
                     marked(step.original, False), marked(step.changed, step.differs), facts or NO_CELL])
    out = [f"# {md_text(w.title)}", "", f"Case {code(w.case)}: what if, under {code(w.norm_set)}. "
           "**Bold** marks what the changes alter.", "", "Changes:", ""]
    out += [f"- `--set` {md_text(c.argument)}" for c in w.changes]
    out += ["", *table(["#", "date", "body", "recorded", "as recorded", "changed", "the rules see differently"],
                       rows), ""]
    sim = w.simulation
    out += ["## Simulated path", "", f"- As recorded: {md_text(' -> '.join(sim.original_path) or 'no simulated step')}",
            f"- Changed: {'**' if sim.differs else ''}{md_text(' -> '.join(sim.changed_path) or 'no simulated step')}"
            f"{'**' if sim.differs else ''}", ""]
    return "\n".join(out)
