"""Explaining a case and a procedure in plain English, for the terminal and as Markdown.

`explain_case` tells a case step by step from a `run_model.Run` (computed by `run.run_case`, which also
finds, with `why_not`, every decision rule considered at each hearing and the condition it failed): who
wrote what to whom and when, which body heard it, what the norm set prescribed and why (the rule's
statement, the facts that satisfied it, its source), what the record shows, and where the two diverge.
`explain_procedure` presents a norm set for a lesson. The words are `narrative`'s; the two renderers are
`explain_text` and `explain_markdown`. Nothing here runs the rules.
"""

from __future__ import annotations

from typing import Literal

from case_procedure.errors import UsageError
from case_procedure.explain_markdown import explain_markdown, pathway_markdown, procedure_markdown
from case_procedure.explain_text import explain_text, procedure_text
from case_procedure.narrative import (
    AGREEMENT_WORDS,
    SIMULATION_HEADING,
    citations,
    diverges,
    event_sentence,
    marked,
    person_name,
    place,
    rule_conditions,
    statement_sentence,
)
from case_procedure.norms import NormSet
from case_procedure.procedure import pattern_words, rule_order
from case_procedure.render import table
from case_procedure.run_model import Consideration, Run

__all__ = ["AGREEMENT_WORDS", "SIMULATION_HEADING", "Consideration", "Format", "Run", "citations", "diverges",
           "event_sentence", "explain_case", "explain_procedure", "marked", "pattern_words", "person_name", "place",
           "rule_conditions", "rule_order", "statement_sentence", "table"]

Format = Literal["text", "markdown"]


def explain_case(run: Run, format: Format | str = "text", step: int | None = None) -> str:
    """The case of `run` told step by step under its norm set (or `auto`); `step` limits it to one hearing.
    The rules considered are told where the run holds them (`run.run_case(..., why_not=True)`)."""
    case, steps = run.case, run.trace.steps
    if step is not None and not 1 <= step <= len(steps):
        raise UsageError(f"--step: case {case.id!r} has {len(steps)} hearing(s) of the accused; "
                         f"choose 1 to {len(steps)}" if steps else
                         f"--step: case {case.id!r} has no hearing of the accused")
    if format != "markdown":
        return explain_text(run, step)
    text = explain_markdown(run, step)
    if step is None and case.hearings():
        text += "\n" + pathway_markdown(run)
    return text


def explain_procedure(normset: NormSet, format: Format | str = "text") -> str:
    return procedure_markdown(normset) if format == "markdown" else procedure_text(normset)
