"""Traces as text for an 80-column terminal, and as Markdown for notes and teaching.

Text from a case or rule file is shown with its control characters made visible (`safe_text`)
before it is folded into lines, and in Markdown every such field goes through `md_text` (or
`cell`, in a table), which escapes HTML and the characters that would start markup.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

from case_procedure.codebook import label
from case_procedure.diff import NormSetDiff
from case_procedure.safe_text import visible
from case_procedure.trace import (
    VERDICT_WORDS,
    Comparison,
    Judged,
    LawfulPath,
    LawfulPaths,
    Prescribed,
    Recorded,
    Simulation,
    Step,
    Trace,
)

WIDTH = 80
NO_HEARING = "The record holds no hearing of the accused: there is nothing to replay."


def _label(term: str | None) -> str:
    return label(term) if term else "none recorded"


def _decision(decision: str | None, also: list[str]) -> str:
    return decision_words(decision, also) if decision else "none recorded"


def join_words(words: list[str], last: str = "or") -> str:
    """`a`, `a or b`, `a, b or c` (`last`: the word before the last item)."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


def decision_words(decision: str | None, also: list[str] | tuple[str, ...] = ()) -> str:
    return " + ".join(label(d) for d in [decision, *also]) if decision else "no decision recorded"


def outcome_words(outcome: Prescribed | Recorded | None, none: str) -> str:
    """The decision a step prescribes or records, or `none` when it has none."""
    if isinstance(outcome, Prescribed):
        return outcome.words()
    return decision_words(outcome.decision, outcome.also) if outcome else none


ARREST_WORDS = {True: "arrested", False: "not arrested", None: "arrest not stated"}  # by `Fate.arrested`


def results(found: list[Any], format: str, text: Callable[[Any], str], markdown: Callable[[Any], str]) -> str:
    """One result per case (a trace, a simulation, a comparison...): JSON (an object for one case, a list for
    several), text or Markdown."""
    if format == "json":
        if len(found) == 1:
            one: str = found[0].to_json()
            return one
        return json.dumps([r.model_dump(mode="json") for r in found], indent=2, ensure_ascii=False) + "\n"
    render = text if format == "text" else markdown
    return "\n".join(render(r) for r in found)


def wrap(text: str, indent: str, first: str | None = None) -> list[str]:
    # made visible first: textwrap would turn \r, \v and \f into spaces, silently
    return textwrap.wrap(visible(text), WIDTH, initial_indent=first if first is not None else indent,
                         subsequent_indent=indent, break_on_hyphens=False) or [indent.rstrip()]


def span_warning(step: Step) -> str | None:
    """Said wherever a step is shown: the hearing's date span reaches beyond the norm set judging it."""
    if step.norm_set and step.norm_set_uncertain:
        return f"dated {step.date}: part of this span falls outside {step.norm_set}, which was in force for most of it"
    return None


def _step_text(number: int, step: Step) -> list[str]:
    head = f"{number}. {step.date}  {_label(step.body)}"
    tag = f"[{step.agreement}]"
    lines = [f"{head}{tag:>{WIDTH - len(head)}}" if len(head) + len(tag) < WIDTH else f"{head} {tag}"]
    lines += wrap(step.summary, "     ")
    if span_warning(step):
        lines += wrap(f"({span_warning(step)})", "     ")
    elif step.period_note():
        lines += wrap(f"({step.period_note()})", "     ")
    recorded = _decision(step.recorded.decision, step.recorded.also) if step.recorded else "none recorded"
    lines += wrap(recorded, " " * 17, "   recorded:     ")
    if step.beyond_powers:
        lines += wrap(f"({', '.join(_label(d) for d in step.beyond_powers)}: beyond the powers this norm set gives "
                       f"the {_label(step.body)})", " " * 17)
    if step.prescribed is None:
        reason = "no norm set was in force on this date" if step.norm_set is None else "no rule applies"
        lines += wrap(f"nothing ({reason})", " " * 17, "   prescribed:   ")
        return lines
    rule = step.prescribed.rule
    lines += wrap(step.prescribed.words(), " " * 17, "   prescribed:   ")
    lines += wrap(f"{rule.id} ({rule.reading})", " " * 17, "   by rule:      ")
    lines += wrap(rule.statement, " " * 17)
    for source in rule.source:
        lines += wrap(source.citation, " " * 17, "   source:       ")
    lines.append("   because:")
    for fact in step.prescribed.matched:
        lines += wrap(fact.description, "       ", "     - ")
    if step.prescribed.overridden:
        lines += wrap(", ".join(step.prescribed.overridden), " " * 17, "   set aside:    ")
    if step.prescribed.next_body:
        lines += wrap(f"{_next(step.prescribed.next_body)} ({step.prescribed.route_rule})", " " * 17,
                       "   then:         ")
    return lines


def _next(route: str | None) -> str:
    if route is None:
        return "no rule sends the case further"
    return "the case ends" if route == "end" else f"to the {label(route)}"


def _judged_text(judged: Judged) -> list[str]:
    """An entry other than a hearing and what the norm set's judgments say of it."""
    lines = wrap(f"{judged.summary}", "     ", f"{judged.type.capitalize()} {judged.entry} ({judged.date}): ")
    period = judged.period_note()
    if period:
        lines += wrap(f"{period}.", " " * 17, "   NOT IN FORCE: ")
    for j in judged.judgments:
        lines += wrap(f"{VERDICT_WORDS[j.verdict]} by {judged.norm_set}", " " * 17, "   judged:       ")
        lines += wrap(f"{j.rule.id} ({j.rule.reading})", " " * 17, "   by judgment:  ")
        lines += wrap(j.rule.statement, " " * 17)
        if j.remedy:
            lines += wrap(j.remedy, " " * 17, "   required:     ")
        for source in j.rule.source:
            lines += wrap(source.citation, " " * 17, "   source:       ")
        lines.append("   because:")
        for fact in j.matched:
            lines += wrap(fact.description, "       ", "     - ")
    return lines


def as_text(trace: Trace) -> str:
    lines = wrap(f"{trace.title} ({trace.case})", "")
    lines.append(f"Norm set: {trace.norm_set}")
    lines.append("=" * WIDTH)
    if not trace.steps:
        lines += [NO_HEARING, ""]
    for number, step in enumerate(trace.steps, start=1):
        lines += _step_text(number, step)
        lines.append("")
    if trace.steps:
        counts = ", ".join(f"{n} {word}" for word, n in trace.outcome.agreements.items())
        lines += wrap(f"Outcome: the record ends with {_label(trace.outcome.recorded)}; the norm set prescribes "
                       f"{_label(trace.outcome.prescribed)} at the last hearing ({counts}).", "")
    for check in trace.deadlines:
        lines += wrap(f"{check.words()}.", "     ", "Deadline: ")
    for judged in trace.judgments:
        lines += _judged_text(judged)
    lines += wrap(f"Fate: {trace.outcome.fate}", "")
    return "\n".join(lines) + "\n"


_MARKUP = re.compile(r"([\\*_`\[\]<>&|#~])")
# where the text would start a list item (`- `, `+ `, `1. `, `1) `), a rule or a heading underline (`---`, `===`)
_BLOCK_START = re.compile(r"^(\d+(?=[.)]( |$))|(?=[-+]( |$))|(?=[-=][-= ]*$))")


def md_text(text: str) -> str:
    """Text from a file as Markdown: one paragraph (one table cell), control characters made visible,
    HTML and every character that could start markup escaped, so that it renders as the file wrote it."""
    flat = " ".join(visible(text).split())  # made visible first: split() would swallow \x1c-\x1f and \x85
    return _BLOCK_START.sub(r"\1\\", _MARKUP.sub(r"\\\1", flat))


class Markup(str):
    """Markdown this program composed around escaped text or ids (a code span, say): `cell` keeps it."""


def code(name: str) -> Markup:
    """An id as a code span (ids are `[a-z0-9_.-]` by their file formats, so nothing in one ends the span)."""
    return Markup(f"`{name}`")


NO_CELL = Markup("-")  # a table cell with nothing to show


def cell(value: object) -> str:
    """A Markdown table cell: `md_text` of the value, or a `Markup` as it is."""
    return value if isinstance(value, Markup) else md_text(str(value))


def table(header: list[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """A Markdown table; the header is the program's own words, each cell goes through `cell`."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]


PERIOD_MARKS = {"no": "", "partly": " (partly in force)", "wholly": " (not in force)"}


def as_markdown(trace: Trace) -> str:
    rows = []
    for n, step in enumerate(trace.steps, start=1):
        recorded = _decision(step.recorded.decision, step.recorded.also) if step.recorded else "none recorded"
        prescribed = step.prescribed.words() if step.prescribed else NO_CELL
        rule = code(step.prescribed.rule.id) if step.prescribed else NO_CELL
        rows.append([n, step.date, _label(step.body), recorded, prescribed, rule,
                     step.agreement + PERIOD_MARKS[step.outside_period]])
    out = [f"# {md_text(trace.title)}", "", f"Case {code(trace.case)} replayed under {code(trace.norm_set)}.", "",
           *table(["#", "date", "body", "recorded", "prescribed", "rule", "agreement"], rows)]
    if not trace.steps:
        out += ["", NO_HEARING]
    for n, step in enumerate(trace.steps, start=1):
        out += ["", f"## {n}. {md_text(step.date)}, {_label(step.body)}", "", md_text(step.summary), ""]
        if step.period_note():
            out += [f"**Not in force.** {md_text(str(step.period_note()))}.", ""]
        if step.prescribed is None:
            out.append("No rule of the norm set applies." if step.norm_set else "No norm set was in force.")
            continue
        ref = step.prescribed.rule
        out += [f"**Rule {code(ref.id)}** ({ref.reading}): {md_text(ref.statement)}", ""]
        out += [f"- Source: {md_text(s.citation)}" for s in ref.source]
        out += ["- Because:"] + [f"  - {md_text(f.description)}" for f in step.prescribed.matched]
    if trace.deadlines:
        out += ["", "## Deadlines", ""]
        out += [f"- {code(c.deadline)}: {md_text(c.words())}." for c in trace.deadlines]
    if trace.judgments:
        out += ["", "## Other entries judged", ""]
        for judged in trace.judgments:
            out += _judged_markdown(judged)
    out += ["", f"**Fate.** {md_text(trace.outcome.fate)}", ""]
    return "\n".join(out)


def _judged_markdown(judged: Judged) -> list[str]:
    out = [f"- {md_text(judged.type.capitalize())} {code(judged.entry)} ({md_text(judged.date)}): "
           f"{md_text(judged.summary)}"]
    if judged.period_note():
        out.append(f"  - **Not in force.** {md_text(str(judged.period_note()))}.")
    for j in judged.judgments:
        remedy = f" Required instead: {md_text(j.remedy)}." if j.remedy else ""
        out.append(f"  - **{md_text(VERDICT_WORDS[j.verdict].capitalize())}** by {code(judged.norm_set)}, "
                   f"judgment {code(j.rule.id)} ({j.rule.reading}): {md_text(j.rule.statement)}{remedy}")
        out += [f"    - Source: {md_text(s.citation)}" for s in j.rule.source]
        out += [f"    - Because: {md_text(f.description)}" for f in j.matched]
    return out


# -- Simulations ------------------------------------------------------------------------------

SIM_WITHOUT_STEPS = {
    "no-hearing": "The record holds no hearing of the accused: there is nothing to start a simulation from.",
    "no-norm-set": "No norm set was in force when the case opened: name one with --rules to simulate it.",
}


def _sim_intro(sim: Simulation) -> str:
    if sim.ended in SIM_WITHOUT_STEPS:
        return SIM_WITHOUT_STEPS[sim.ended]
    start = f"Starting from the facts known at hearing {sim.start}"
    if sim.opening_rule and not sim.steps:
        return f"{start}, the rules end the case at its opening (rule {sim.opening_rule.id})."
    if sim.opening_rule:
        return f"{start}, the case opens at the {_label(sim.steps[0].body)} (rule {sim.opening_rule.id})."
    return f"{start}; no rule says where a case opens, so it opens where the record does."


def _sim_ending(sim: Simulation) -> str:
    if sim.ended in SIM_WITHOUT_STEPS:
        return ""
    how = "a route rule closes it" if sim.ended == "end" else "no rule sends it further"
    return (f"Outcome: the simulation ends with {_label(sim.final)} ({how}); the record ends with "
            f"{_label(sim.recorded_final)}.")


def simulation_as_text(sim: Simulation) -> str:
    lines = wrap(f"{sim.title} ({sim.case})", "")
    lines += [f"Simulated under: {sim.norm_set}", "=" * WIDTH]
    lines += wrap(_sim_intro(sim), "")
    lines.append("")
    for step in sim.steps:
        appeal = " (on appeal)" if step.on_appeal else ""
        lines.append(f"{step.n}. {_label(step.body)}{appeal}")
        if sim.period_note(step):
            lines += wrap(f"({sim.period_note(step)})", "     ")
        if step.rule is None:
            lines += wrap("nothing (no rule of the norm set decides here)", " " * 17, "   decides:      ")
        else:
            lines += wrap(step.words() or "", " " * 17, "   decides:      ")
            lines += wrap(f"{step.rule.id} ({step.rule.reading}): {step.rule.statement}", " " * 17,
                           "   by rule:      ")
            for fact in step.matched:
                lines += wrap(fact.description, "       ", "     - ")
        route = f" ({step.route_rule.id})" if step.route_rule else ""
        lines += wrap(_next(step.route) + route, " " * 17, "   then:         ")
        lines.append("")
    lines += wrap(_sim_ending(sim), "")
    if sim.lawful is not None:
        lines += ["", *_lawful_text(sim.norm_set, sim.lawful, sim.recorded_final)]
    return "\n".join(lines) + "\n"


def _path_words(path: LawfulPath) -> str:
    steps = [f"{_label(s.body)}{' (on appeal)' if s.on_appeal else ''}: "
             f"{_label(s.decision) if s.decision else 'nothing'}" for s in path.steps]
    return " -> ".join(steps) + (" -> end" if path.ended == "end" else " (no rule sends it further)")


def _branch_words(path: LawfulPath) -> list[str]:
    return [f"step {s.n}: {b.choice}" + (f" ({b.rule})" if b.rule else "") for s in path.steps for b in s.branches]


def lawful_outcomes(norm_set: str, lawful: LawfulPaths, recorded: str | None) -> str:
    """'under norms-1938 the lawful outcomes of this case were X or Y; the record shows Z'."""
    outcomes = [_label(o) if o else "no decision" for o in lawful.outcomes]
    told = " or ".join(outcomes) if len(outcomes) < 3 else ", ".join(outcomes[:-1]) + " or " + outcomes[-1]
    return (f"Under {norm_set} the lawful outcomes of this case were {told or 'none'}; the record shows "
            f"{_label(recorded) if recorded else 'no decision'}.")


def _lawful_text(norm_set: str, lawful: LawfulPaths, recorded: str | None) -> list[str]:
    lines = [f"Lawful paths under {norm_set} ({len(lawful.paths)})", "-" * WIDTH]
    lines += wrap(f"They start at the {_label(lawful.start_body)}: {lawful.start_reason}.", "")
    if lawful.message:
        lines += wrap(f"Bound reached: {lawful.message}.", "")
    for path in lawful.paths:
        mark = "* " if path.recorded else "  "
        lines += wrap(_path_words(path) + (" [the record]" if path.recorded else ""), "       ",
                      f"{mark}{path.id + ':':<5}")
        for words in _branch_words(path):
            lines += wrap(words, "         ", "       - ")
    lines += wrap("The record: " + " -> ".join(lawful.recorded) + ".", "")
    if _lawful_period_note(norm_set, lawful):
        lines += wrap(f"({_lawful_period_note(norm_set, lawful)}.)", "")
    if lawful.recorded_path:
        lines += wrap(f"The record follows lawful path {lawful.recorded_path} (marked *).", "")
    elif lawful.departure:
        lines += wrap(f"The record left the lawful paths at step {lawful.departure.step}: "
                      f"{lawful.departure.words}.", "")
    lines += wrap(lawful_outcomes(norm_set, lawful, recorded), "")
    return lines


def _lawful_summary(norm_set: str, lawful: LawfulPaths, recorded: str | None) -> str:
    """The lawful outcomes under one norm set and where the record stands among the paths, in one sentence."""
    where = f"the record follows path {lawful.recorded_path}" if lawful.recorded_path else (
        f"the record left them at step {lawful.departure.step} (rule {lawful.departure.rule})" if lawful.departure
        else "the record is not among the paths listed")
    return f"{lawful_outcomes(norm_set, lawful, recorded)[:-1]} ({len(lawful.paths)} paths; {where})."


def _lawful_period_note(norm_set: str, lawful: LawfulPaths) -> str | None:
    """The steps of the lawful paths taken at dates the norm set was not in force, said once."""
    out = sorted({(s.n, s.date) for p in lawful.paths for s in p.steps if s.outside_period != "no"})
    if not out:
        return None
    dates = ", ".join(dict.fromkeys(str(d) for _, d in out))
    return (f"{norm_set} was not in force, or not wholly, at the dates these paths take their facts from ({dates}; "
            f"steps {', '.join(str(n) for n in dict.fromkeys(n for n, _ in out))}): they are counterfactual")


def _lawful_markdown(norm_set: str, lawful: LawfulPaths, recorded: str | None) -> list[str]:
    out = [f"## Lawful paths under {code(norm_set)} ({len(lawful.paths)})", "",
           md_text(f"They start at the {_label(lawful.start_body)}: {lawful.start_reason}."), ""]
    if lawful.message:
        out += [f"**Bound reached:** {md_text(lawful.message)}.", ""]
    rows: list[list[object]] = [[Markup(f"**{path.id}** (the record)") if path.recorded else path.id, _path_words(path),
             "; ".join(_branch_words(path)) or NO_CELL, _label(path.final) if path.final else "nothing"]
            for path in lawful.paths]
    out += [*table(["path", "steps", "choices (rule)", "final"], rows), ""]
    out += [md_text("The record: " + " -> ".join(lawful.recorded) + "."), ""]
    if _lawful_period_note(norm_set, lawful):
        out += [f"**Not in force.** {md_text(str(_lawful_period_note(norm_set, lawful)))}.", ""]
    if lawful.recorded_path:
        out += [f"The record follows lawful path **{lawful.recorded_path}**.", ""]
    elif lawful.departure:
        out += [md_text(f"The record left the lawful paths at step {lawful.departure.step}: "
                        f"{lawful.departure.words}."), ""]
    out += [md_text(lawful_outcomes(norm_set, lawful, recorded)), ""]
    return out


def simulation_as_markdown(sim: Simulation) -> str:
    out = [f"# {md_text(sim.title)}", "", f"Case {code(sim.case)} simulated under {code(sim.norm_set)}.", "",
           md_text(_sim_intro(sim)), ""]
    if sim.steps:
        rows = [[step.n, _label(step.body) + (" (on appeal)" if step.on_appeal else ""),
                 step.words() if step.rule else "nothing",
                 code(step.rule.id) if step.rule else NO_CELL, _next(step.route)] for step in sim.steps]
        out += [*table(["#", "body", "decides", "rule", "then"], rows), ""]
        out += [f"- Step {s.n}: {md_text(str(sim.period_note(s)))}." for s in sim.steps if sim.period_note(s)]
        out += [""] if any(sim.period_note(s) for s in sim.steps) else []
    out += [md_text(_sim_ending(sim)), ""]
    if sim.lawful is not None:
        out += _lawful_markdown(sim.norm_set, sim.lawful, sim.recorded_final)
    return "\n".join(out)


# -- Comparisons --------------------------------------------------------------------------------

def _path(sim: Simulation) -> str:
    if not sim.steps:
        return "no simulated step"
    parts = [f"{_label(s.body)}: {s.words() or 'nothing'}" for s in sim.steps]
    note = next((sim.period_note(s) for s in sim.steps if sim.period_note(s)), None)
    return " -> ".join(parts) + f" ({'end' if sim.ended == 'end' else 'stops'})" + (f" ({note})" if note else "")


def _marked(value: str | None, first: str | None) -> str:
    return ("* " if value != first else "  ") + (_label(value) if value else "no rule")


def comparison_as_text(cmp: Comparison) -> str:
    width = max(len(n) for n in cmp.norm_sets) + 3
    lines = wrap(f"{cmp.title} ({cmp.case})", "")
    lines += wrap(f"Compared under: {', '.join(cmp.norm_sets)}. A * marks a decision that differs from "
                   f"{cmp.norm_sets[0]}.", "")
    lines.append("=" * WIDTH)
    if not cmp.hearings:
        lines += [NO_HEARING, ""]
    for n, row in enumerate(cmp.hearings, start=1):
        head = f"{n}. {row.date}  {_label(row.body)}"
        tag = "[differs]" if row.differs else "[same]"
        lines.append(f"{head}{tag:>{WIDTH - len(head)}}" if len(head) + len(tag) < WIDTH else f"{head} {tag}")
        lines.append(f"   {'recorded:':<{width}}  {_label(row.recorded)}")
        first = row.words[cmp.norm_sets[0]]
        for name in cmp.norm_sets:
            rule = f" ({row.rules[name]})" if row.rules[name] else ""
            period = PERIOD_MARKS[row.outside_period.get(name, "no")]
            lines += wrap(f"{_marked(row.words[name], first)}{rule}{period}", " " * (width + 5),
                           f"   {name + ':':<{width}}")
        lines.append("")
    lines.append("Simulated paths:")
    for name in cmp.norm_sets:
        lines += wrap(_path(cmp.simulations[name]), "     ", f"   {name}: ")
    lines.append("")
    lawful = [(name, cmp.simulations[name].lawful) for name in cmp.norm_sets]
    if any(paths for _, paths in lawful):
        lines.append("Lawful paths:")
        for name, paths in lawful:
            if paths is not None:
                lines += wrap(_lawful_summary(name, paths, cmp.final.recorded), "     ", "   - ")
        lines.append("")
    final = cmp.final
    lines.append(f"Final outcome{' [differs]' if final.differs else ''}:")
    lines.append(f"   {'recorded:':<{width}}  {_label(final.recorded)}")
    for name in cmp.norm_sets:
        lines += wrap(f"replay {_marked(final.replayed[name], final.replayed[cmp.norm_sets[0]])}; simulation "
                       f"{_marked(final.simulated[name], final.simulated[cmp.norm_sets[0]])}",
                       " " * (width + 5), f"   {name + ':':<{width}}")
    return "\n".join(lines) + "\n"


def comparison_as_markdown(cmp: Comparison) -> str:
    names = cmp.norm_sets

    def decided(value: str | None, first: str | None, rule: str | None = None, period: str = "no") -> Markup:
        text = md_text(_label(value) if value else "no rule")
        text = f"**{text}**" if value != first else text
        return Markup((f"{text} ({code(rule)})" if rule else text) + PERIOD_MARKS[period])

    rows: list[list[object]] = []
    for n, row in enumerate(cmp.hearings, start=1):
        first = row.words[names[0]]
        rows.append([n, row.date, _label(row.body), _label(row.recorded),
                     *(decided(row.words[x], first, row.rules[x], row.outside_period.get(x, "no")) for x in names)])
    final = cmp.final
    rows.append(["final (replay)", "", "", _label(final.recorded),
                 *(decided(final.replayed[x], final.replayed[names[0]]) for x in names)])
    rows.append(["final (simulation)", "", "", "",
                 *(decided(final.simulated[x], final.simulated[names[0]]) for x in names)])
    out = [f"# {md_text(cmp.title)}", "", f"Case {code(cmp.case)} compared under {', '.join(map(code, names))}. "
           f"**Bold** marks a decision that differs from {code(names[0])}.", "",
           *table(["#", "date", "body", "recorded", *names], rows)]
    out += ["", "## Simulated paths", ""]
    out += [f"- {code(name)}: {md_text(_path(cmp.simulations[name]))}" for name in names]
    lawful = [(name, cmp.simulations[name].lawful) for name in names]
    if any(paths for _, paths in lawful):
        out += ["", "## Lawful paths", ""]
        out += [f"- {md_text(_lawful_summary(name, paths, cmp.final.recorded))}" for name, paths in lawful
                if paths is not None]
    out.append("")
    return "\n".join(out)


# -- Norm set differences ------------------------------------------------------------------------

_CHANGE_WORDS = {"added": "Added", "replaced": "Replaced", "removed": "Removed"}


def diff_as_text(d: NormSetDiff) -> str:
    relation = "written as a change of" if d.extends else "compared with"
    lines = wrap(f"{d.new} {relation} {d.old}: {len(d.changes)} changes, {d.unchanged} rules unchanged.", "")
    lines.append("=" * WIDTH)
    for change in d.changes:
        kind = " (judgment)" if change.kind == "judgment" else ""
        lines.append(f"{_CHANGE_WORDS[change.change]}: {change.id}{kind}")
        lines += wrap(change.statement, "   ")
        outcome = f"{change.before} -> {change.outcome}" if change.before else change.outcome
        lines += wrap(outcome, " " * 14, "   outcome:   ")
        if change.changed:
            lines += wrap("; ".join(change.changed), " " * 14, "   changed:   ")
        for source in change.sources:
            lines += wrap(source, " " * 14, "   source:    ")
        if change.provisions:
            lines += wrap(", ".join(change.provisions), " " * 14, "   encodes:   ")
        lines.append("")
    if d.provisions:
        lines.append(f"Provisions of {d.new}:")
        for provision in d.provisions:
            encoded = ", ".join([*provision.rules, *provision.powers, *provision.deadlines, *provision.judgments])
            how = f"encoded by {encoded}" if provision.status == "encoded" else f"out of scope: {provision.reason}"
            lines += wrap(f"{provision.id}: {provision.text} ({how})", "     ", "   - ")
    return "\n".join(lines) + "\n"


def diff_as_markdown(d: NormSetDiff) -> str:
    relation = "written as a change of" if d.extends else "compared with"
    rows = [[c.change, Markup(code(c.id) + (" (judgment)" if c.kind == "judgment" else "")), c.statement,
             f"{c.before} → {c.outcome}" if c.before else c.outcome,
             "; ".join(c.changed) or NO_CELL, "; ".join(c.sources)] for c in d.changes]
    out = [f"# {code(d.new)} {relation} {code(d.old)}", "", f"{len(d.changes)} changes; {d.unchanged} rules unchanged.",
           "", *table(["change", "rule", "statement", "outcome", "what changed", "source"], rows)]
    if d.provisions:
        rows = [[code(p.id), p.text, p.status.replace("_", " "),
                 Markup(", ".join(map(code, [*p.rules, *p.powers, *p.deadlines, *p.judgments])))
                 if p.status == "encoded" else p.reason or ""]
                for p in d.provisions]
        out += ["", f"## Provisions of {code(d.new)}", "",
                *table(["provision", "text", "status", "rules or reason"], rows)]
    out.append("")
    return "\n".join(out)
