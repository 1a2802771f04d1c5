"""An explanation as Markdown: a case told step by step with its pathway drawn (`explain_markdown`) and a norm
set's procedure (`procedure_markdown`), from a `run_model.Run` and a norm set; the words come from `narrative`."""

from __future__ import annotations

from case_procedure import diagram
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
)
from case_procedure.norms import NormSet
from case_procedure.procedure import procedure_bodies, route_steps, rule_order
from case_procedure.render import NO_CELL, code, md_text, outcome_words, span_warning, table
from case_procedure.run_model import Consideration, Run
from case_procedure.trace import VERDICT_WORDS, Judged, Step


def _judged_markdown(judged: Judged) -> list[str]:
    out = []
    for j in judged.judgments:
        remedy = f" Required instead: {md_text(j.remedy)}." if j.remedy else ""
        sources = "; ".join(md_text(s.citation) for s in j.rule.source)
        out.append(f"  - **The norms:** {md_text(VERDICT_WORDS[j.verdict])} by {code(judged.norm_set)} "
                   f"({code(j.rule.id)}): {md_text(j.rule.statement)}{remedy} Source: {sources}.")
    if judged.period_note():
        out.append(f"  - **Not in force:** {md_text(str(judged.period_note()))}.")
    return out



def _step_markdown(run: Run, n: int, step: Step, hearing: Hearing) -> list[str]:
    normset = run.norm_sets[hearing.id]
    out = [f"### Hearing {n}: {md_text(step.date)}, {label(step.body)}", "", md_text(step.summary), ""]
    if span_warning(step):
        out += [f"*{md_text(span_warning(step) or '')}*", ""]
    out.append(f"- **The record shows:** {md_text(outcome_words(step.recorded, 'no decision recorded'))}")
    if step.prescribed is None:
        reason = "no norm set was in force on this date" if normset is None else f"no rule of `{normset.id}` applies"
        out.append(f"- **The norms prescribe:** nothing ({reason})")
    else:
        out.append(f"- **The norms prescribe:** {md_text(step.prescribed.words())}, under `{step.norm_set}`")
    if step.period_note():
        out.append(f"- **Not in force:** {md_text(str(step.period_note()))}.")
    if step.prescribed is not None:
        p = step.prescribed
        out.append(f"- **Rule** `{p.rule.id}` ({p.rule.reading}): {md_text(p.rule.statement)}")
        out += [f"- **Source:** {md_text(s.citation)}" for s in p.rule.source]
        out.append("- **Because:**")
        out += [f"  - {md_text(f.description)}" for f in p.matched]
        if p.overridden:
            out.append("- **Set aside:** " + ", ".join(f"`{r}`" for r in p.overridden))
    out.append(f"- **Verdict:** {step.agreement}: {AGREEMENT_WORDS[step.agreement]}")
    out.append(f"- **Record source:** {md_text('; '.join(source_words(run.case, hearing.source)))}")
    if hearing.id in run.why_not:
        out += ["", *_why_not_markdown(run.why_not[hearing.id], normset)]
    return out


def _why_not_markdown(items: list[Consideration], normset: NormSet | None) -> list[str]:
    if normset is None:
        return ["No norm set was in force, so no rule was considered."]
    rows = [[code(i.rule.id), i.rule.rule.describe_outcome(), i.verdict, i.reason] for i in items]
    return [f"Rules of `{normset.id}` considered:", "", *table(["rule", "outcome", "verdict", "why"], rows)]


def explain_markdown(run: Run, step: int | None = None) -> str:
    case, trace = run.case, run.trace
    out = [f"# {md_text(case.title)}", "", f"Case `{case.id}`. {md_text(header_words(run))}", ""]
    if step is None:
        out += [md_text(case.summary), "", "## The hearings at a glance", ""]
        rows = []
        for n, s in enumerate(trace.steps, start=1):
            rows.append([str(n), s.date, label(s.body),
                         outcome_words(s.recorded, "none recorded"), outcome_words(s.prescribed, "nothing"),
                         code(s.prescribed.rule.id) if s.prescribed else NO_CELL, s.agreement])
        out += table(["#", "date", "body", "recorded", "prescribed", "rule", "agreement"], rows) if rows else \
            ["The record holds no hearing of the accused: there is nothing to judge."]
        if case.background:
            out += ["", f"## {BACKGROUND_HEADING}", ""]
            out += [_entry_markdown(case, e) for e in background(case)]
        out += ["", "## The record, step by step", ""]
    judged = {j.entry: j for j in trace.judgments}
    for event, numbered in entries(run, step):
        if numbered:
            out += ["", *_step_markdown(run, *numbered, event), ""]  # type: ignore[arg-type]
        else:
            out.append(_entry_markdown(case, event))
            if event.id in judged:
                out += _judged_markdown(judged[event.id])
    if step is None:
        out += ["", "## Where the norms and the record diverge", ""]
        diverging = divergence(trace)
        out += [f"- {md_text(sentence)}" for sentence in diverging]
        if not diverging:
            out.append(NOWHERE if trace.steps else "Nowhere.")
        sentences = simulation_sentences(run.simulation)
        if sentences and run.simulation is not None:
            out += ["", f"## {SIMULATION_HEADING}", "",
                    md_text(SIMULATION_INTRO.format(norm_set=run.simulation.norm_set)), ""]
            out += [f"- {md_text(sentence)}" for sentence in sentences]
        out += ["", f"**Fate.** {md_text(case.fate.summary)}"]
    return tidy("\n".join(out))


def _entry_markdown(case: Case, event: Event) -> str:
    return f"- **{md_text(str(event.date))}.** {md_text(marked(event, event_sentence(case, event)))} " \
        f"{md_text(event.summary)}"


def tidy(markdown: str) -> str:
    """At most one blank line in a row, and a list item never directly after a paragraph line."""
    lines: list[str] = []
    for line in markdown.split("\n"):
        if line == "" and (not lines or lines[-1] == ""):
            continue
        lines.append(line)
    return "\n".join(lines).strip("\n") + "\n"



def pathway_markdown(run: Run) -> str:
    """The case's pathway (recorded and simulated) as a Mermaid block, with its description."""
    graph = diagram.case_pathway(run.case, run.trace, run.simulation)
    return (f"## The pathway\n\n{md_text(graph.description)}\n\n{diagram.mermaid_markdown(graph)}")



def procedure_markdown(normset: NormSet) -> str:
    out = [f"# {md_text(normset.title)}", "",
           f"Norm set `{normset.id}`, kind `{normset.kind}`, in force {in_force_words(normset)}"
           + (f"; extends `{normset.extends}`." if normset.extends else "."), "", md_text(normset.summary), "",
           "## The bodies", ""]
    out += table(["body", "what it is"], [[label(b), BODIES[b].definition if b in BODIES else ""]
                                          for b in procedure_bodies(normset)])
    out += ["", "## The order of steps", ""]
    steps = route_steps(normset)
    out += table(["from", "to", "when", "rule"], [[place(s.source), place(s.target), s.conditions,
                                                    code(s.rule.id)] for s in steps]) if steps else \
        ["This norm set has no route rules: it says what bodies decide, not where a case goes next."]
    out += ["", "## Who can decide what", ""]
    out += table(["body", "may decide", "statement", "source"], [list(p) for p in powers(normset)]) \
        if normset.powers else ["This norm set states no powers."]
    out += ["", "## The rules in order", ""]
    for n, rule in enumerate(rule_order(normset), start=1):
        out += [f"### {n}. `{rule.id}`", "",
                f"**{md_text(rule.rule.describe_outcome())}** ({rule.rule.reading}). {md_text(rule.rule.statement)}",
                "", f"- When: {md_text(rule_conditions(rule))}"]
        if rule.rule.overrides:
            out.append("- Takes precedence over: " + ", ".join(f"`{r}`" for r in rule.rule.overrides))
        out.append(f"- Source: {md_text(citations(rule.sources))}")
        if rule.rule.note:
            out.append(f"- Note: {md_text(rule.rule.note)}")
        out.append("")
    if normset.provisions:
        out += ["## Provisions of the documents", ""]
        out += table(["provision", "status", "how", "source"], [
            [p.text, p.status, ", ".join([*p.rules, *p.powers]) if p.status == "encoded" else (p.reason or ""),
             citations(s)]
            for p, s in normset.provisions])
        out.append("")
    out += ["## Sources of the norm set as a whole", ""] + [f"- {md_text(s.cite())}" for s in normset.sources]
    return tidy("\n".join(out))

