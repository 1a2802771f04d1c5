"""An explanation for the terminal: a case told step by step (`explain_text`) and a norm set's procedure
(`procedure_text`), from a `run_model.Run` and a norm set; the words come from `narrative`."""

from __future__ import annotations

from case_procedure.case import Case, Event, Hearing
from case_procedure.codebook import BODIES, label
from case_procedure.narrative import (
    AGREEMENT_WORDS,
    BACKGROUND_HEADING,
    NOWHERE,
    SIMULATION_HEADING,
    SIMULATION_INTRO,
    background,
    citations,
    divergence,
    entries,
    event_sentence,
    header_words,
    in_force_words,
    marked,
    place,
    powers,
    rule_conditions,
    simulation_sentences,
    source_words,
    the,
)
from case_procedure.norms import NormSet
from case_procedure.procedure import procedure_bodies, route_steps, rule_order
from case_procedure.render import WIDTH, outcome_words, span_warning, wrap
from case_procedure.run_model import Consideration, Run
from case_procedure.trace import VERDICT_WORDS, Judged, Step


def _step_lines_text(run: Run, n: int, step: Step, hearing: Hearing) -> list[str]:
    case = run.case
    lines = wrap(f"Hearing {n}: {step.date}, {the(step.body)}", "")
    lines += wrap(step.summary, "    ")
    if span_warning(step):
        lines += wrap(f"({span_warning(step)})", "    ")
    lines += wrap(outcome_words(step.recorded, "no decision recorded"), " " * 20, "  The record shows: ")
    normset = run.norm_sets[hearing.id]
    if step.prescribed is None:
        reason = "no norm set was in force on this date" if normset is None else \
            f"no rule of {normset.id} applies"
        lines += wrap(f"nothing ({reason})", " " * 20, "  The norms:        ")
    else:
        lines += wrap(f"{step.prescribed.words()}, under {step.norm_set}", " " * 20, "  The norms:        ")
    if step.period_note():
        lines += wrap(f"{step.period_note()}.", " " * 20, "  Not in force:     ")
    if step.prescribed is not None:
        p = step.prescribed
        lines += wrap(f"{p.rule.id} ({p.rule.reading}): {p.rule.statement}", " " * 20, "  Rule:             ")
        for source in p.rule.source:
            lines += wrap(source.citation, " " * 20, "  Source:           ")
        lines.append("  Because:")
        for fact in p.matched:
            lines += wrap(fact.description, "      ", "    - ")
        if p.overridden:
            lines += wrap(", ".join(p.overridden), " " * 20, "  Set aside:        ")
    lines += wrap(f"{step.agreement}: {AGREEMENT_WORDS[step.agreement]}", " " * 20, "  Verdict:          ")
    lines += wrap("; ".join(source_words(case, hearing.source)), " " * 20, "  Record source:    ")
    if hearing.id in run.why_not:
        lines += _why_not_text(run.why_not[hearing.id], normset)
    return lines


def _why_not_text(items: list[Consideration], normset: NormSet | None) -> list[str]:
    if normset is None:
        return ["  Why not: no norm set was in force, so no rule was considered."]
    lines = [f"  Rules of {normset.id} considered ({len(items)}):"]
    for item in items:
        lines += wrap(f"{item.rule.id} -> {item.rule.rule.describe_outcome()}: {item.verdict}; {item.reason}",
                       "      ", "    - ")
    return lines


DATE_COLUMN = 11


def _entry_text(case: Case, event: Event) -> list[str]:
    """An entry under its date; a date wider than the column stands on a line of its own."""
    text = f"{marked(event, event_sentence(case, event))} {event.summary}"
    date = str(event.date)
    if len(date) < DATE_COLUMN:
        return wrap(text, " " * DATE_COLUMN, f"{date:<{DATE_COLUMN}}")
    return [date, *wrap(text, " " * DATE_COLUMN, " " * DATE_COLUMN)]


def _record_text(run: Run, only: int | None) -> list[str]:
    lines: list[str] = []
    judged = {j.entry: j for j in run.trace.judgments}
    for event, numbered in entries(run, only):
        if numbered:
            lines += [""] + _step_lines_text(run, *numbered, event)  # type: ignore[arg-type]
        else:
            lines += _entry_text(run.case, event)
            if event.id in judged:
                lines += _judged_lines_text(judged[event.id])
    return lines


def _judged_lines_text(judged: Judged) -> list[str]:
    """Under an entry other than a hearing, what the norm set's judgments say of it."""
    lines: list[str] = []
    for j in judged.judgments:
        lines += wrap(f"{VERDICT_WORDS[j.verdict]} by {judged.norm_set} ({j.rule.id}): {j.rule.statement}",
                      " " * 20, "  The norms:        ")
        if j.remedy:
            lines += wrap(j.remedy, " " * 20, "  Required instead: ")
        for source in j.rule.source:
            lines += wrap(source.citation, " " * 20, "  Source:           ")
    if judged.period_note():
        lines += wrap(f"{judged.period_note()}.", " " * 20, "  Not in force:     ")
    return lines



def _background_text(case: Case) -> list[str]:
    lines: list[str] = []
    for event in background(case):
        lines += _entry_text(case, event)
    return lines



def explain_text(run: Run, step: int | None = None) -> str:
    case, trace = run.case, run.trace
    lines = wrap(f"{case.title} ({case.id})", "")
    lines.append("=" * WIDTH)
    lines += wrap(header_words(run), "")
    if step is None:
        lines += [""] + wrap(case.summary, "")
        if case.background:
            lines += ["", BACKGROUND_HEADING, "-" * len(BACKGROUND_HEADING), *_background_text(case)]
        lines += ["", "The record, step by step", "-" * 25]
    lines += _record_text(run, step)
    if not trace.steps:
        lines += ["", "The record holds no hearing of the accused: there is nothing to judge."]
    if step is None:
        lines += ["", "Where the norms and the record diverge", "-" * 38]
        diverging = divergence(trace)
        for sentence in diverging:
            lines += wrap(sentence, "    ", "  - ")
        if not diverging:
            lines += wrap(NOWHERE if trace.steps else "Nowhere.", "")
        sentences = simulation_sentences(run.simulation)
        if sentences and run.simulation is not None:
            lines += ["", SIMULATION_HEADING, "-" * len(SIMULATION_HEADING)]
            lines += wrap(SIMULATION_INTRO.format(norm_set=run.simulation.norm_set), "")
            for sentence in sentences:
                lines += wrap(sentence, "    ", "  - ")
        lines += [""] + wrap(f"Fate: {case.fate.summary}", "")
    return "\n".join(lines) + "\n"



def procedure_text(normset: NormSet) -> str:
    lines = wrap(f"{normset.title} ({normset.id})", "")
    lines.append("=" * WIDTH)
    lines += wrap(f"Kind: {normset.kind}. In force {in_force_words(normset)}."
                   + (f" Extends {normset.extends}." if normset.extends else ""), "")
    lines += [""] + wrap(normset.summary, "")
    lines += ["", "The bodies", "-" * 10]
    for body in procedure_bodies(normset):
        term = BODIES.get(body)
        lines += wrap(f"{label(body)}: {term.definition if term else ''}", "    ", "  - ")
    lines += ["", "The order of steps", "-" * 18]
    steps = route_steps(normset)
    for s in steps:
        lines += wrap(f"From {place(s.source)} to {place(s.target)} when {s.conditions} [{s.rule.id}]",
                       "    ", "  - ")
    if not steps:
        lines += wrap("This norm set has no route rules: it says what bodies decide, not where a case goes next.", "")
    lines += ["", "Who can decide what", "-" * 19]
    for body, may, statement, cited in powers(normset):
        lines += wrap(f"{body} may decide {may}. {statement} Source: {cited}", "    ", "  - ")
    if not normset.powers:
        lines += wrap("This norm set states no powers.", "")
    lines += ["", "The rules in order", "-" * 18]
    for n, rule in enumerate(rule_order(normset), start=1):
        lines += [""] + wrap(f"{n}. {rule.id} ({rule.rule.reading}) -> {rule.rule.describe_outcome()}", "")
        lines += wrap(rule.rule.statement, "     ")
        lines += wrap(rule_conditions(rule), "     ", "     When: ")
        if rule.rule.overrides:
            lines += wrap(", ".join(rule.rule.overrides), "     ", "     Takes precedence over: ")
        lines += wrap(citations(rule.sources), "     ", "     Source: ")
    if normset.provisions:
        lines += ["", "Provisions of the documents", "-" * 27]
        for provision, sources in normset.provisions:
            encoded = ", ".join([*provision.rules, *provision.powers])
            how = f"encoded by {encoded}" if provision.status == "encoded" else f"out of scope: {provision.reason}"
            lines += wrap(f"{provision.text} ({how}; source: {citations(sources)})", "    ", "  - ")
    lines += ["", "Sources of the norm set as a whole", "-" * 34]
    lines += [line for s in normset.sources for line in wrap(s.cite(), "    ", "  - ")]
    return "\n".join(lines) + "\n"

