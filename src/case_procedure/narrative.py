"""The words of an explanation, shared by its text and Markdown renderers (`explain_text`, `explain_markdown`).

A sentence for each entry of the record and the background (who wrote what to whom, which body heard the
case, who was arrested), a rule's conditions, citations, the simulated path told step by step, where the norms
and the record diverge, and a norm set's powers. Everything here reads a case, a norm set or a `Run`; nothing
runs the rules.
"""

from __future__ import annotations

from collections.abc import Iterator

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
from case_procedure.codebook import label
from case_procedure.norms import END, NormSet, ResolvedRule
from case_procedure.procedure import body_rank, pattern_words
from case_procedure.render import decision_words, outcome_words
from case_procedure.render import join_words as _join
from case_procedure.run_model import Run
from case_procedure.sources import Source
from case_procedure.trace import Simulation, Step, Trace

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


def the(body: str) -> str:
    return f"the {label(body)}"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _by(body: str | None) -> str:
    return f" by {the(body)}" if body else ""


def _bodies(bodies: list[str]) -> str:
    return _join([the(b) for b in bodies], "and")


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
        return f"{_sentence(the(event.body))} heard the case of {name(event.subject)}{decided}."
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
        return (f"{name(event.person)}, for {the(event.on_behalf_of)}, admonished {the(event.at)}{aimed}; "
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
    who = person_name(case, event.author) if event.author else the(event.from_body or "")
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
    at = _join([the(b) if b != situations.OPENING else "the opening of the case" for b in rule.rule.at])
    needs = "; ".join(pattern_words(p) for p in rule.rule.when) or "nothing more"
    return f"at {at}; needs {needs}"


# -- Text and Markdown helpers ----------------------------------------------------------------

def citations(sources: tuple[Source, ...] | list[Source]) -> str:
    return "; ".join(s.cite() for s in sources) or "no source given"


def simulation_sentences(simulation: Simulation | None) -> list[str]:
    """The simulated path, one sentence a step, and how it ends."""
    if simulation is None or not simulation.steps:
        return []
    sentences = []
    for s in simulation.steps:
        decided = f"decides {s.words()} (rule {s.rule.id})" if s.rule else "decides nothing"
        onward = {None: "no rule sends the case further", END: "the case ends there"}.get(
            s.route, f"the case goes to {the(s.route or '')}")
        appeal = " on appeal" if s.on_appeal else ""
        note = simulation.period_note(s)
        sentences.append(f"{_sentence(the(s.body))}{appeal} {decided}; {onward}." + (f" ({note}.)" if note else ""))
    final = decision_words(simulation.final) if simulation.final else "no decision"
    recorded = decision_words(simulation.recorded_final) if simulation.recorded_final else "no decision"
    sentences.append(f"The rules end with {final}; the record ends with {recorded}.")
    return sentences


SIMULATION_HEADING = "If the norms alone had routed the case"
SIMULATION_INTRO = ("Starting from what was known at the first hearing, the route rules of {norm_set} say which "
                    "body takes the case up and where it goes after each decision (case-procedure simulate).")


def entries(run: Run, only: int | None) -> Iterator[tuple[Event, tuple[int, Step] | None]]:
    """The record's entries in order, each hearing of the accused with its number and replayed step; with
    `only`, just that hearing."""
    steps = {s.hearing: (n, s) for n, s in enumerate(run.trace.steps, start=1)}
    for event in run.case.record:
        numbered = steps.get(event.id)
        if only is None or (numbered is not None and numbered[0] == only):
            yield event, numbered


def background(case: Case) -> list[Event]:
    """The background in date order (earliest possible date, then latest; the file's order otherwise)."""
    return sorted(case.background, key=lambda e: (e.date.earliest, e.date.latest))


NOWHERE = "Nowhere: every decided hearing agrees with the norms."
BACKGROUND_HEADING = "Background: what bears on the case beside its record"


def divergence(trace: Trace) -> list[str]:
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



def header_words(run: Run) -> str:
    if run.normset is None:
        return "Each hearing is judged by the norm set in force for most of its date span."
    return f"Judged by {run.normset.title} ({run.normset.id})."


# -- explain --procedure NORMSET ---------------------------------------------------------------

def place(name: str) -> str:
    return {situations.OPENING: "the opening of the case", END: "the end of the case"}.get(name, the(name))


def in_force_words(normset: NormSet) -> str:
    return f"{normset.in_force.from_} to {normset.in_force.until or 'open'}"


def powers(normset: NormSet) -> list[tuple[str, str, str, str]]:
    """(body, decisions, statement, sources) per power."""
    powers = sorted(normset.powers, key=lambda p: (body_rank(p.power.body), p.power.id))
    return [(label(p.power.body), _join([label(d) for d in p.power.may], "and"), p.power.statement,
             citations(p.sources)) for p in powers]

