"""Traces as text for an 80-column terminal, and as Markdown for notes and teaching."""

from __future__ import annotations

import textwrap

from case_procedure.codebook import label
from case_procedure.trace import Step, Trace

WIDTH = 80
NO_HEARING = "The record holds no hearing of the accused: there is nothing to replay."


def _label(term: str | None) -> str:
    return label(term) if term else "none recorded"


def _decision(decision: str | None, also: list[str]) -> str:
    return " + ".join(_label(d) for d in [decision, *also]) if decision else "none recorded"


def _wrap(text: str, indent: str, first: str | None = None) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=first if first is not None else indent,
                         subsequent_indent=indent, break_on_hyphens=False) or [indent.rstrip()]


def _step_text(number: int, step: Step) -> list[str]:
    head = f"{number}. {step.date}  {_label(step.body)}"
    tag = f"[{step.agreement}]"
    lines = [f"{head}{tag:>{WIDTH - len(head)}}" if len(head) + len(tag) < WIDTH else f"{head} {tag}"]
    lines += _wrap(step.summary, "     ")
    if step.norm_set and step.norm_set_uncertain:
        lines += _wrap(f"(dated {step.date}: part of this span falls outside {step.norm_set}, "
                       "which was in force for most of it)", "     ")
    recorded = _decision(step.recorded.decision, step.recorded.also) if step.recorded else "none recorded"
    lines += _wrap(recorded, " " * 17, "   recorded:     ")
    if step.prescribed is None:
        reason = "no norm set was in force on this date" if step.norm_set is None else "no rule applies"
        lines += _wrap(f"nothing ({reason})", " " * 17, "   prescribed:   ")
        return lines
    rule = step.prescribed.rule
    lines += _wrap(_decision(step.prescribed.decision, step.prescribed.also), " " * 17, "   prescribed:   ")
    lines += _wrap(f"{rule.id} ({rule.reading})", " " * 17, "   by rule:      ")
    lines += _wrap(rule.statement, " " * 17)
    for source in rule.source:
        lines += _wrap(source.citation, " " * 17, "   source:       ")
    lines.append("   because:")
    for fact in step.prescribed.matched:
        lines += _wrap(fact.description, "       ", "     - ")
    if step.prescribed.overridden:
        lines += _wrap(", ".join(step.prescribed.overridden), " " * 17, "   set aside:    ")
    return lines


def as_text(trace: Trace) -> str:
    lines = _wrap(f"{trace.title} ({trace.case})", "")
    lines.append(f"Norm set: {trace.norm_set}")
    lines.append("=" * WIDTH)
    if not trace.steps:
        lines += [NO_HEARING, ""]
    for number, step in enumerate(trace.steps, start=1):
        lines += _step_text(number, step)
        lines.append("")
    if trace.steps:
        counts = ", ".join(f"{n} {word}" for word, n in trace.outcome.agreements.items())
        lines += _wrap(f"Outcome: the record ends with {_label(trace.outcome.recorded)}; the norm set prescribes "
                       f"{_label(trace.outcome.prescribed)} at the last hearing ({counts}).", "")
    lines += _wrap(f"Fate: {trace.outcome.fate}", "")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def as_markdown(trace: Trace) -> str:
    out = [f"# {trace.title}", "", f"Case `{trace.case}` replayed under `{trace.norm_set}`.", "",
           "| # | date | body | recorded | prescribed | rule | agreement |",
           "|---|---|---|---|---|---|---|"]
    for n, step in enumerate(trace.steps, start=1):
        recorded = _decision(step.recorded.decision, step.recorded.also) if step.recorded else "none recorded"
        prescribed = _decision(step.prescribed.decision, step.prescribed.also) if step.prescribed else "-"
        rule = f"`{step.prescribed.rule.id}`" if step.prescribed else "-"
        out.append(f"| {n} | {step.date} | {_label(step.body)} | {recorded} | {prescribed} | {rule} | "
                   f"{step.agreement} |")
    if not trace.steps:
        out += ["", NO_HEARING]
    for n, step in enumerate(trace.steps, start=1):
        out += ["", f"## {n}. {step.date}, {_label(step.body)}", "", _cell(step.summary), ""]
        if step.prescribed is None:
            out.append("No rule of the norm set applies." if step.norm_set else "No norm set was in force.")
            continue
        rule = step.prescribed.rule
        out += [f"**Rule `{rule.id}`** ({rule.reading}): {_cell(rule.statement)}", ""]
        out += [f"- Source: {s.citation}" for s in rule.source]
        out += ["- Because:"] + [f"  - {_cell(f.description)}" for f in step.prescribed.matched]
    out += ["", f"**Fate.** {_cell(trace.outcome.fate)}", ""]
    return "\n".join(out)
