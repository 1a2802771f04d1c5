"""A what-if as text and Markdown: the original and the changed run side by side, what differs marked.

Renders the `WhatIf` that `whatif.compare_runs` computes; it replays nothing.
"""

from __future__ import annotations

from case_procedure.codebook import label
from case_procedure.render import NO_CELL, WIDTH, Markup, code, md_text, table, wrap
from case_procedure.sensitivity_model import FactChange, Prescription, WhatIf
from case_procedure.situation import Value


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
