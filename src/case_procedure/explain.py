"""Explaining a case and a procedure in plain English, for the terminal and as Markdown.

`explain_case` tells a case step by step: who wrote what to whom and when, which body
heard it, what the norm set prescribed and why (the rule's statement, the facts that
satisfied it, its source), what the record shows, and where the two diverge.
`considerations` answers "why not": for one hearing, every decision rule of the norm set
with its verdict, and for those that did not apply the first condition that failed,
found by evaluating the rule's compiled patterns with the same evaluator the oracle
engine uses. `explain_procedure` presents a norm set for a lesson.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from case_procedure import situation as situations
from case_procedure.case import (
    Admonition,
    Appeal,
    Arrest,
    Case,
    ConductEntry,
    Death,
    Dismissal,
    Event,
    Exile,
    Expulsion,
    Hearing,
    Rehabilitation,
    Reinstatement,
    Release,
    Sentence,
    Statement,
)
from case_procedure.codebook import BODIES, label
from case_procedure.compiler import CompiledRuleset, compile_norm_set, compile_pattern
from case_procedure.engine import Engine, PythonEngine, holds
from case_procedure.errors import RuleConflict, UsageError
from case_procedure.norms import END, NormSet, Pattern, ResolvedRule
from case_procedure.precedence import Judgement, verdicts
from case_procedure.procedure import FACT_WORDS, body_rank, pattern_words, procedure_bodies, route_steps, rule_order
from case_procedure.procedure import value_words as _value
from case_procedure.render import (
    NO_CELL,
    WIDTH,
    code,
    decision_words,
    md_text,
    outcome_words,
    span_warning,
    table,
    wrap,
)
from case_procedure.render import join_words as _join
from case_procedure.replay import AUTO, RuleBook, replay, situation_at
from case_procedure.simulate import simulate
from case_procedure.sources import Source
from case_procedure.trace import VERDICT_WORDS, Judged, Simulation, Step, Trace

Format = Literal["text", "markdown"]

# -- Words for events --------------------------------------------------------------------

STATEMENT_WORDS = {  # kind -> (the statement, how it is tied to the people it is about)
    "self_report": ("a statement", "reporting on"),
    "denunciation": ("a denunciation", "of"),
    "preemptive": ("a pre-emptive statement", "distancing its author from"),
    "appeal": ("an appeal", "on behalf of"),
    "information": ("information", "about"),
}
NEWSPAPER_WORDS = {"denunciation": "an article attacking", "appeal": "an article taking up the case of",
                   "information": "an article about"}
POSSESSIVE = {"female": "her", "male": "his"}
CERTAINTY_WORDS = {"inferred": " (our inference: the book implies it)",
                   "contested": " (the book's readings disagree)"}

AGREEMENT_WORDS = {
    "agree": "the norms and the record agree",
    "harsher": "the norms are harsher than the record",
    "milder": "the norms are milder than the record",
    "no-rule": "no rule of the norm set decides this hearing",
    "unrecorded": "the record shows no decision to compare with",
}


def _the(body: str) -> str:
    return f"the {label(body)}"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _by(body: str | None) -> str:
    return f" by {_the(body)}" if body else ""


def _bodies(bodies: list[str]) -> str:
    return _join([_the(b) for b in bodies], "and")


def person_name(case: Case, person: str | None) -> str:
    return case.people[person].name if person and person in case.people else (person or "someone")


def event_sentence(case: Case, event: Event) -> str:
    """One plain sentence for an entry of the record or the background."""
    def name(person: str) -> str:
        return person_name(case, person)

    if isinstance(event, Statement):
        return statement_sentence(case, event)
    if isinstance(event, Hearing):
        decided = f" and decided: {decision_words(event.decision, event.also)}" if event.decision else \
            "; the record shows no decision"
        return f"{_sentence(_the(event.body))} heard the case of {name(event.subject)}{decided}."
    if isinstance(event, Arrest):
        return f"{name(event.person)} was arrested{_by(event.by)}."
    if isinstance(event, Expulsion):
        return f"{name(event.person)} was expelled from the Party{_by(event.by)}."
    if isinstance(event, Sentence):
        return f"{name(event.person)} was sentenced{_by(event.by)}: {event.sentence}."
    if isinstance(event, Death):
        return f"{name(event.person)} was executed." if event.executed else f"{name(event.person)} died."
    if isinstance(event, Exile):
        return f"{name(event.person)} was exiled."
    if isinstance(event, Dismissal):
        grounds = f", on grounds of {_join([label(g) for g in event.grounds], 'and')}" if event.grounds else ""
        return f"{name(event.person)} was dismissed from the post of {event.post}{_by(event.by)}{grounds}."
    if isinstance(event, Appeal):
        behalf = f" on behalf of {name(event.on_behalf_of)}" if event.on_behalf_of else ""
        return f"{name(event.person)} appealed{behalf} to {_bodies(list(event.to))}."
    if isinstance(event, Reinstatement):
        return f"{name(event.person)} was reinstated in the Party{_by(event.by)}."
    if isinstance(event, Release):
        return f"{name(event.person)} was released from {event.released_from}{_by(event.by)}."
    if isinstance(event, Admonition):
        aimed = f", rebuking {_join([name(s) for s in event.subjects], 'and')}" if event.subjects else ""
        return (f"{name(event.person)}, for {_the(event.on_behalf_of)}, admonished {_the(event.at)}{aimed}; "
                "no decision was taken.")
    if isinstance(event, Rehabilitation):
        return f"{name(event.person)} was rehabilitated{_by(event.by)}."
    if isinstance(event, ConductEntry):
        toward = f" toward {name(event.toward)}" if event.toward else ""
        return f"{name(event.person)}: {label(event.conduct)}{toward}."
    return event.summary


def statement_sentence(case: Case, event: Statement) -> str:
    """Who made the statement, how (written, by word of mouth, printed), what it is and whom it concerns; the
    author is named once, and a statement about one's own situation says so."""
    who = person_name(case, event.author) if event.author else _the(event.from_body or "")
    others = [person_name(case, s) for s in event.subjects if s != event.author]
    own = not others
    noun, link = STATEMENT_WORDS.get(event.kind, (f"a statement ({label(event.kind)})", "about"))
    to = f" to {_bodies(list(event.to))}" if event.to else ""
    if event.from_body == "factory_newspaper" and not event.author:
        what = f"{NEWSPAPER_WORDS.get(event.kind, 'an article about')} {_join(others, 'and')}"
        return _sentence(f"{who} printed {what}{to}.")
    if own:
        sex = case.people[event.author].sex if event.author in case.people else ""
        about = f"on {POSSESSIVE.get(sex, 'their')} own situation" if event.kind != "appeal" else \
            f"in {POSSESSIVE.get(sex, 'their')} own case"
        noun = noun if event.kind != "self_report" else "a statement"
        link = ""
    else:
        about = _join(others, "and")
    verb = "made" if event.oral else ("passed on" if event.kind == "information" else "wrote")
    noun = f"an oral {noun.split(' ', 1)[1]}" if event.oral and noun.startswith(("a ", "an ")) else noun
    return _sentence(f"{who} {verb} {noun} {link + ' ' if link else ''}{about}{to}.")


def marked(event: Event, sentence: str) -> str:
    """The sentence with its certainty said, where the entry is our inference or the book's readings disagree."""
    words = CERTAINTY_WORDS.get(str(event.certainty), "")
    return f"{sentence[:-1]}{words}." if words and sentence.endswith(".") else sentence + words


def source_words(case: Case, keys: list[str]) -> list[str]:
    return [case.sources[k].cite() for k in keys if k in case.sources]


# -- Words for rule conditions (their vocabulary: procedure.py) ---------------------------------

def rule_conditions(rule: ResolvedRule) -> str:
    at = _join([_the(b) if b != situations.OPENING else "the opening of the case" for b in rule.rule.at])
    needs = "; ".join(pattern_words(p) for p in rule.rule.when) or "nothing more"
    return f"at {at}; needs {needs}"


# -- Why not --------------------------------------------------------------------------------

Verdict = Literal["prescribed", "concurring", "overridden", "capping", "capped", "outweighed", "not applicable"]


@dataclass(frozen=True)
class Consideration:
    """One decision rule considered at a hearing, and what became of it."""

    rule: ResolvedRule
    verdict: Verdict
    reason: str  # for rules that did not apply: the first condition that failed, in plain words
    failed_pattern: int | None = None  # index into rule.when (-1: the body), for rules that did not apply


def _why_pattern_fails(pattern: Pattern, facts: list[situations.Fact]) -> str:
    wanted = pattern_words(pattern)
    kind = FACT_WORDS.get(pattern.fact, label(pattern.fact))
    if not facts:
        plural = kind if kind.endswith("s") or " " in kind else f"{kind}s"
        return f"needs {wanted}; the situation has no {plural}"
    misses = []
    shown = 3
    for fact in facts:
        engine_fact = fact.engine_fact()
        for name, test in sorted(pattern.tests().items()):
            if not holds(compile_pattern(pattern.fact, {name: test}), engine_fact):
                actual = _value(engine_fact.get(name, "unknown"))
                misses.append(f"{label(name)} is {actual} ({fact.description})")
                break
    more = f"; and {len(misses) - shown} more" if len(misses) > shown else ""
    return f"needs {wanted}; none qualifies: {'; '.join(misses[:shown])}{more}"


def considerations(situation: situations.Situation, normset: NormSet,
                   ruleset: CompiledRuleset | None = None, where: str = "at this hearing") -> list[Consideration]:
    """Every decision rule of the norm set at one hearing, with its verdict and, if it failed, why.

    The verdicts of the rules that applied come from `precedence.verdicts`, the function replay decides by (a
    conflict raises the same `RuleConflict`); only why the others did not apply is found here. `ruleset` is the
    norm set's compiled decision rules (`RuleBook.compiled`), compiled here if not given."""
    ruleset = ruleset or compile_norm_set(normset)
    facts = [f.engine_fact() for f in situation.facts]
    judged = verdicts(normset, PythonEngine().run(ruleset, "explain", facts), where)
    result = []
    for rule in normset.decision_rules:
        if rule.id in judged:
            result.append(Consideration(rule, judged[rule.id].verdict, _verdict_reason(judged[rule.id])))
            continue
        for n, name in enumerate(ruleset.pattern_names[rule.id]):
            condition = ruleset.definition[name]["all"][0]["m"]
            if any(holds(condition, f) for f in facts):
                continue
            if n == 0:
                body = next(str(f.attributes["body"]) for f in situation.facts if f.kind == "hearing")
                result.append(Consideration(rule, "not applicable", f"applies only at "
                                            f"{_join([_the(b) for b in rule.rule.at])}; this hearing is before "
                                            f"{_the(body)}", -1))
            else:
                pattern = rule.rule.when[n - 1]
                kind_facts = [f for f in situation.facts if f.kind == pattern.fact]
                result.append(Consideration(rule, "not applicable", _why_pattern_fails(pattern, kind_facts), n - 1))
            break
    return result


def _verdict_reason(judgement: Judgement) -> str:
    by = judgement.by
    return {
        "prescribed": "applies and decides",
        "concurring": f"applies and agrees with {by}",
        "overridden": f"applies, but {by} takes precedence",
        "capping": "applies and bounds what is prescribed for the charges it matches",
        "capped": f"applies; {by} bounds its range",
        "outweighed": f"applies to a lesser charge; {by} decides",
    }[judgement.verdict]


# -- Text and Markdown helpers ----------------------------------------------------------------

def citations(sources: tuple[Source, ...] | list[Source]) -> str:
    return "; ".join(s.cite() for s in sources) or "no source given"


# -- explain CASE ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Told:
    """Everything the explanation of one case needs, computed once."""

    case: Case
    trace: Trace
    norm_sets: dict[str, NormSet | None]  # hearing id -> the norm set applied there
    why_not: dict[str, list[Consideration]]  # hearing id -> considerations (only when asked)
    simulation: Simulation | None  # the path the norm set's rules alone would have taken
    simulation_error: str | None = None  # with `keep_going`: the route loop or rule conflict that stopped it


def tell(case: Case, norm_set: str, book: RuleBook, engine: Engine, why_not: bool = False,
         keep_going: bool = False) -> Told:
    """Replay and simulate the case; `keep_going` records a conflict in the simulation instead of raising it."""
    trace = replay(case, norm_set, book, engine)
    applied = {h.id: book.for_hearing(norm_set, h)[0] for h in case.hearings()}
    reasons = {}
    if why_not:
        for hearing in case.hearings():
            normset = applied[hearing.id]
            reasons[hearing.id] = (considerations(situation_at(case, hearing, normset), normset,
                                                  book.compiled(normset),
                                                  f"at hearing {hearing.id!r} of case {case.id!r} ({hearing.date})")
                                   if normset else [])
    try:
        simulation, error = simulate(case, norm_set, book, engine), None
    except RuleConflict as exc:
        if not keep_going:
            raise
        simulation, error = None, str(exc)
    return Told(case, trace, applied, reasons, simulation, error)


def simulation_sentences(simulation: Simulation | None) -> list[str]:
    """The simulated path, one sentence a step, and how it ends."""
    if simulation is None or not simulation.steps:
        return []
    sentences = []
    for s in simulation.steps:
        decided = f"decides {s.words()} (rule {s.rule.id})" if s.rule else "decides nothing"
        onward = {None: "no rule sends the case further", END: "the case ends there"}.get(
            s.route, f"the case goes to {_the(s.route or '')}")
        appeal = " on appeal" if s.on_appeal else ""
        note = simulation.period_note(s)
        sentences.append(f"{_sentence(_the(s.body))}{appeal} {decided}; {onward}." + (f" ({note}.)" if note else ""))
    final = decision_words(simulation.final) if simulation.final else "no decision"
    recorded = decision_words(simulation.recorded_final) if simulation.recorded_final else "no decision"
    sentences.append(f"The rules end with {final}; the record ends with {recorded}.")
    return sentences


SIMULATION_HEADING = "If the norms alone had routed the case"
SIMULATION_INTRO = ("Starting from what was known at the first hearing, the route rules of {norm_set} say which "
                    "body takes the case up and where it goes after each decision (case-procedure simulate).")


def _step_lines_text(told: Told, n: int, step: Step, hearing: Hearing) -> list[str]:
    case = told.case
    lines = wrap(f"Hearing {n}: {step.date}, {_the(step.body)}", "")
    lines += wrap(step.summary, "    ")
    if span_warning(step):
        lines += wrap(f"({span_warning(step)})", "    ")
    lines += wrap(outcome_words(step.recorded, "no decision recorded"), " " * 20, "  The record shows: ")
    normset = told.norm_sets[hearing.id]
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
    if hearing.id in told.why_not:
        lines += _why_not_text(told.why_not[hearing.id], normset)
    return lines


def _why_not_text(items: list[Consideration], normset: NormSet | None) -> list[str]:
    if normset is None:
        return ["  Why not: no norm set was in force, so no rule was considered."]
    lines = [f"  Rules of {normset.id} considered ({len(items)}):"]
    for item in items:
        lines += wrap(f"{item.rule.id} -> {item.rule.rule.describe_outcome()}: {item.verdict}; {item.reason}",
                       "      ", "    - ")
    return lines


def _entries(told: Told, only: int | None) -> Iterator[tuple[Event, tuple[int, Step] | None]]:
    """The record's entries in order, each hearing of the accused with its number and replayed step; with
    `only`, just that hearing."""
    steps = {s.hearing: (n, s) for n, s in enumerate(told.trace.steps, start=1)}
    for event in told.case.record:
        numbered = steps.get(event.id)
        if only is None or (numbered is not None and numbered[0] == only):
            yield event, numbered


DATE_COLUMN = 11


def _entry_text(case: Case, event: Event) -> list[str]:
    """An entry under its date; a date wider than the column stands on a line of its own."""
    text = f"{marked(event, event_sentence(case, event))} {event.summary}"
    date = str(event.date)
    if len(date) < DATE_COLUMN:
        return wrap(text, " " * DATE_COLUMN, f"{date:<{DATE_COLUMN}}")
    return [date, *wrap(text, " " * DATE_COLUMN, " " * DATE_COLUMN)]


def _record_text(told: Told, only: int | None) -> list[str]:
    lines: list[str] = []
    judged = {j.entry: j for j in told.trace.judgments}
    for event, numbered in _entries(told, only):
        if numbered:
            lines += [""] + _step_lines_text(told, *numbered, event)  # type: ignore[arg-type]
        else:
            lines += _entry_text(told.case, event)
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


def background(case: Case) -> list[Event]:
    """The background in date order (earliest possible date, then latest; the file's order otherwise)."""
    return sorted(case.background, key=lambda e: (e.date.earliest, e.date.latest))


def _background_text(case: Case) -> list[str]:
    lines: list[str] = []
    for event in background(case):
        lines += _entry_text(case, event)
    return lines


_NOWHERE = "Nowhere: every decided hearing agrees with the norms."
BACKGROUND_HEADING = "Background: what bears on the case beside its record"


def _divergence(trace: Trace) -> list[str]:
    """A sentence for each hearing where the norms and the record diverge, and for each entry of the record the
    norms forbade."""
    hearings = [f"Hearing {n} ({s.date}, {label(s.body)}): the norms prescribe "
                f"{outcome_words(s.prescribed, 'nothing')}, the record shows {outcome_words(s.recorded, 'nothing')} "
                f"({s.agreement})." for n, s in enumerate(trace.steps, start=1) if diverges(s)]
    entries = [f"The {j.type} of {j.date} ({j.entry}): {j.words()}." for j in trace.judgments
               if any(v.verdict == "forbidden" for v in j.judgments)]
    return hearings + entries


def diverges(step: Step) -> bool:
    """The norms and the record part: one is harsher, or the record decided where no rule does (a hearing at
    which neither prescribed nor recorded anything does not diverge)."""
    return step.agreement in ("harsher", "milder") or (step.agreement == "no-rule" and step.recorded is not None)


def _header_words(told: Told, book: RuleBook) -> str:
    name = told.trace.norm_set
    if name == AUTO:
        return "Each hearing is judged by the norm set in force for most of its date span."
    normset = book.norm_sets[name]
    return f"Judged by {normset.title} ({normset.id})."


def explain_text(told: Told, book: RuleBook, step: int | None = None) -> str:
    case, trace = told.case, told.trace
    lines = wrap(f"{case.title} ({case.id})", "")
    lines.append("=" * WIDTH)
    lines += wrap(_header_words(told, book), "")
    if step is None:
        lines += [""] + wrap(case.summary, "")
        if case.background:
            lines += ["", BACKGROUND_HEADING, "-" * len(BACKGROUND_HEADING), *_background_text(case)]
        lines += ["", "The record, step by step", "-" * 25]
    lines += _record_text(told, step)
    if not trace.steps:
        lines += ["", "The record holds no hearing of the accused: there is nothing to judge."]
    if step is None:
        lines += ["", "Where the norms and the record diverge", "-" * 38]
        diverging = _divergence(trace)
        for sentence in diverging:
            lines += wrap(sentence, "    ", "  - ")
        if not diverging:
            lines += wrap(_NOWHERE if trace.steps else "Nowhere.", "")
        sentences = simulation_sentences(told.simulation)
        if sentences and told.simulation is not None:
            lines += ["", SIMULATION_HEADING, "-" * len(SIMULATION_HEADING)]
            lines += wrap(SIMULATION_INTRO.format(norm_set=told.simulation.norm_set), "")
            for sentence in sentences:
                lines += wrap(sentence, "    ", "  - ")
        lines += [""] + wrap(f"Fate: {case.fate.summary}", "")
    return "\n".join(lines) + "\n"


def _step_markdown(told: Told, n: int, step: Step, hearing: Hearing) -> list[str]:
    normset = told.norm_sets[hearing.id]
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
    out.append(f"- **Record source:** {md_text('; '.join(source_words(told.case, hearing.source)))}")
    if hearing.id in told.why_not:
        out += ["", *_why_not_markdown(told.why_not[hearing.id], normset)]
    return out


def _why_not_markdown(items: list[Consideration], normset: NormSet | None) -> list[str]:
    if normset is None:
        return ["No norm set was in force, so no rule was considered."]
    rows = [[code(i.rule.id), i.rule.rule.describe_outcome(), i.verdict, i.reason] for i in items]
    return [f"Rules of `{normset.id}` considered:", "", *table(["rule", "outcome", "verdict", "why"], rows)]


def explain_markdown(told: Told, book: RuleBook, step: int | None = None) -> str:
    case, trace = told.case, told.trace
    out = [f"# {md_text(case.title)}", "", f"Case `{case.id}`. {md_text(_header_words(told, book))}", ""]
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
    for event, numbered in _entries(told, step):
        if numbered:
            out += ["", *_step_markdown(told, *numbered, event), ""]  # type: ignore[arg-type]
        else:
            out.append(_entry_markdown(case, event))
            if event.id in judged:
                out += _judged_markdown(judged[event.id])
    if step is None:
        out += ["", "## Where the norms and the record diverge", ""]
        diverging = _divergence(trace)
        out += [f"- {md_text(sentence)}" for sentence in diverging]
        if not diverging:
            out.append(_NOWHERE if trace.steps else "Nowhere.")
        sentences = simulation_sentences(told.simulation)
        if sentences and told.simulation is not None:
            out += ["", f"## {SIMULATION_HEADING}", "",
                    md_text(SIMULATION_INTRO.format(norm_set=told.simulation.norm_set)), ""]
            out += [f"- {md_text(sentence)}" for sentence in sentences]
        out += ["", f"**Fate.** {md_text(case.fate.summary)}"]
    return _tidy("\n".join(out))


def _entry_markdown(case: Case, event: Event) -> str:
    return f"- **{md_text(str(event.date))}.** {md_text(marked(event, event_sentence(case, event)))} " \
        f"{md_text(event.summary)}"


def _tidy(markdown: str) -> str:
    """At most one blank line in a row, and a list item never directly after a paragraph line."""
    lines: list[str] = []
    for line in markdown.split("\n"):
        if line == "" and (not lines or lines[-1] == ""):
            continue
        lines.append(line)
    return "\n".join(lines).strip("\n") + "\n"


def explain_case(case: Case, norm_set: str, book: RuleBook, engine: Engine, format: Format = "text",
                 step: int | None = None, why_not: bool = False) -> str:
    """The case told step by step under a norm set (or `auto`); `step` limits it to one hearing."""
    told = tell(case, norm_set, book, engine, why_not)
    if step is not None and not 1 <= step <= len(told.trace.steps):
        raise UsageError(f"--step: case {case.id!r} has {len(told.trace.steps)} hearing(s) of the accused; "
                         f"choose 1 to {len(told.trace.steps)}" if told.trace.steps else
                         f"--step: case {case.id!r} has no hearing of the accused")
    if format != "markdown":
        return explain_text(told, book, step)
    text = explain_markdown(told, book, step)
    if step is None and case.hearings():
        text += "\n" + _pathway_markdown(told)
    return text


def _pathway_markdown(told: Told) -> str:
    from case_procedure import diagram  # imported here: diagram builds on this module's words

    graph = diagram.case_pathway(told.case, told.trace, told.simulation)
    return (f"## The pathway\n\n{md_text(graph.description)}\n\n{diagram.mermaid_markdown(graph)}")


# -- explain --procedure NORMSET ---------------------------------------------------------------

def place(name: str) -> str:
    return {situations.OPENING: "the opening of the case", END: "the end of the case"}.get(name, _the(name))


def _in_force(normset: NormSet) -> str:
    return f"{normset.in_force.from_} to {normset.in_force.until or 'open'}"


def _powers(normset: NormSet) -> list[tuple[str, str, str, str]]:
    """(body, decisions, statement, sources) per power."""
    powers = sorted(normset.powers, key=lambda p: (body_rank(p.power.body), p.power.id))
    return [(label(p.power.body), _join([label(d) for d in p.power.may], "and"), p.power.statement,
             citations(p.sources)) for p in powers]


def procedure_text(normset: NormSet) -> str:
    lines = wrap(f"{normset.title} ({normset.id})", "")
    lines.append("=" * WIDTH)
    lines += wrap(f"Kind: {normset.kind}. In force {_in_force(normset)}."
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
    for body, may, statement, cited in _powers(normset):
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


def procedure_markdown(normset: NormSet) -> str:
    out = [f"# {md_text(normset.title)}", "",
           f"Norm set `{normset.id}`, kind `{normset.kind}`, in force {_in_force(normset)}"
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
    out += table(["body", "may decide", "statement", "source"], [list(p) for p in _powers(normset)]) \
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
    return _tidy("\n".join(out))


def explain_procedure(normset: NormSet, format: Format = "text") -> str:
    return procedure_markdown(normset) if format == "markdown" else procedure_text(normset)
