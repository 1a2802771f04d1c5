"""Judgments: what a norm set says of the record's entries other than hearings.

A hearing is replayed (replay.py); a dismissal of the accused, the accused's arrest, or an appeal by or for the
accused is *judged*: the norm set's `judgments` (norms.Judgment) say whether the norm forbade it, required it,
allowed it, or leaves it without remedy, and what was to be done instead ("rehired within one month"). The facts
of a judged entry are built here, in Python, as one `entry` fact and the `accused` fact at its date, so that each
pattern tests a single fact; the engine finds the judgments that apply, and `overrides` sets some aside. Two that
are left with different verdicts raise `RuleConflict`, as two decision rules do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from case_procedure import clock
from case_procedure import situation as situations
from case_procedure.case import Appeal, Arrest, Case, Dismissal, Event, Hearing
from case_procedure.codebook import label
from case_procedure.compiler import CompiledRuleset, Firing
from case_procedure.dates import HistDate
from case_procedure.engine import Engine
from case_procedure.errors import RuleConflict
from case_procedure.norms import NormSet, ResolvedJudgment
from case_procedure.situation import CLOSENESS, Fact, Value
from case_procedure.trace import EntryJudgment, Judged, MatchedFact, OutsidePeriod, rule_ref

JudgedEvent = Dismissal | Arrest | Appeal


def judged_entries(case: Case) -> list[JudgedEvent]:
    """The record's entries a judgment may weigh: the accused's dismissals and arrests, and the appeals lodged by
    or for the accused."""
    return [e for e in case.record
            if isinstance(e, (Dismissal, Arrest)) and e.person == case.accused
            or isinstance(e, Appeal) and e.appellant_for == case.accused]


def _closest_struck(case: Case, entry: Event, before: list[Event], known: list[Event]) -> tuple[str, tuple[str, ...]]:
    """The closest tie of the accused to someone struck (arrested, expelled, sentenced, exiled) certainly before
    the entry: earlier in the record, or in the background dated before it."""
    ties = situations.ties_of(case)
    struck = [(e, who) for e in known if (who := situations.struck_person(e)) in ties
              and (e in before or e.date.latest < entry.date.earliest)]
    closest = min((situations.closeness(ties[who]) for _, who in struck), key=CLOSENESS.index, default="none")
    return closest, tuple(f"{e.type} {e.id} ({e.date}) of {case.people[who].name}" for e, who in struck)


def _appeal_wait(case: Case, appeal: Appeal) -> tuple[bool, int, int, str]:
    """Whether the appeal was answered, and the days it waited: to its answer, or unanswered to the record's
    last entry (0 when it is the last entry itself)."""
    wait = next((w for w in clock.waits(case, "appeal") if w.entry is appeal), None)
    if wait is None:
        return False, 0, 0, "the appeal is the record's last entry: no wait can be measured"
    low, high = clock.elapsed(appeal.date, wait.until.date)
    to = f"its answer, {wait.until.type} {wait.until.id}" if wait.answer else \
        f"the record's last entry, {wait.until.type} {wait.until.id}, with no answer"
    return wait.answer is not None, low, high, f"from the appeal ({appeal.date}) to {to} ({wait.until.date})"


def entry_fact(case: Case, entry: JudgedEvent, before: list[Event], known: list[Event]) -> Fact:
    """The judged entry as one fact: its kind, the accused's standing then, and what an appeal waited."""
    heard = any(isinstance(e, Hearing) and e.subject == case.accused for e in before)
    tie, tie_because = _closest_struck(case, entry, before, known)
    attributes: dict[str, Value] = {
        "type": entry.type, "by": "not_stated", "accused_expelled": clock.standing_expulsion(case, before) is not None,
        "after_hearing": heard, "tie_struck": tie, "grounds_family": "none", "by_accused": False,
        "by_relative": False, "answered": False, "waited_min_days": 0, "waited_max_days": 0}
    because: dict[str, tuple[str, ...]] = {"tie_struck": tie_because} if tie_because else {}
    standing = "expelled from the Party by then" if attributes["accused_expelled"] else "not expelled by then"
    if isinstance(entry, Dismissal):
        attributes["by"] = entry.by or "not_stated"
        attributes["grounds_family"] = situations.only_family({situations.ground_family(g) for g in entry.grounds})
        grounds = ", ".join(label(g) for g in entry.grounds) or "none given"
        what = (f"{case.people[entry.person].name} dismissed ({entry.date}; post: {entry.post}); {standing}; "
                f"grounds of the dismissal: {grounds}")
    elif isinstance(entry, Arrest):
        attributes["by"] = entry.by
        when = "after a party body had heard the case" if heard else "before any party body had heard the case"
        what = f"{case.people[entry.person].name} arrested ({entry.date}), {when}"
    else:
        answered, low, high, wait_because = _appeal_wait(case, entry)
        kind = situations.ties_of(case).get(entry.person)
        relative = kind is not None and kind != "romantic" and situations.closeness(kind) in ("close", "distant")
        attributes.update({"by_accused": entry.person == case.accused, "by_relative": relative,
                           "answered": answered, "waited_min_days": low, "waited_max_days": high})
        because.update({"waited_min_days": (wait_because,), "waited_max_days": (wait_because,)})
        who = case.people[entry.person].name
        behalf = "" if entry.person == case.accused else f" for {case.people[case.accused].name}"
        wait = str(low) if low == high else f"{low} to {high}"
        fate = f"answered after {wait} days" if answered else f"no answer in the record after {wait} days"
        what = f"appeal by {who}{behalf} ({entry.date}), {standing}; {fate}"
    return Fact("entry", "entry", attributes, what, (entry.id,), because)


def entry_facts(case: Case, entry: JudgedEvent) -> list[Fact]:
    """What a judgment sees of an entry: the entry, and the accused as the record stood just before it."""
    position = case.record.index(entry)
    before = case.record[:position]
    known = [*(e for e in case.background if e.date.may_precede(entry.date)), *before]
    return [entry_fact(case, entry, before, known), situations.accused_fact(case, known)]


@dataclass(frozen=True)
class Verdicts:
    """The judgments that apply to an entry after `overrides`, and those set aside."""

    applying: tuple[tuple[ResolvedJudgment, Firing], ...]
    overridden: tuple[str, ...]


def resolve(normset: NormSet, firings: list[Firing], where: str) -> Verdicts:
    """Set aside the judgments another applying one overrides; the rest must agree on the verdict."""
    by_id = {j.id: j for j in normset.judgments}
    fired = {f.rule_id: f for f in firings}
    overridden = {target for rule_id in fired for target in by_id[rule_id].judgment.overrides if target in fired}
    left = [(by_id[i], fired[i]) for i in sorted(fired) if i not in overridden]
    verdicts = {j.judgment.verdict for j, _ in left}
    if len(verdicts) > 1:
        first, second = (next(j for j, _ in left if j.judgment.verdict == v) for v in sorted(verdicts)[:2])
        raise RuleConflict(f"judgments {first.id!r} ({first.judgment.verdict}) and {second.id!r} "
                           f"({second.judgment.verdict}) both apply {where}, with no declared precedence")
    return Verdicts(tuple(left), tuple(sorted(overridden)))


def judge(case: Case, entry: JudgedEvent, normset: NormSet, compiled: CompiledRuleset, engine: Engine,
          outside: OutsidePeriod) -> Judged:
    """What one norm set says of one entry."""
    facts = entry_facts(case, entry)
    by_id = {f.id: f for f in facts}
    where = f"at {entry.type} {entry.id!r} of case {case.id!r} ({entry.date})"
    found = resolve(normset, engine.run(compiled, f"{case.id}/{entry.id}", [f.engine_fact() for f in facts]),
                    where)
    judgments = [EntryJudgment(rule=rule_ref(j), verdict=j.judgment.verdict,
                               remedy=j.judgment.remedy.words() if j.judgment.remedy else None,
                               matched=[MatchedFact.of(by_id[i]) for i in firing.matched])
                 for j, firing in found.applying]
    return Judged(entry=entry.id, type=entry.type, date=str(entry.date), summary=entry.summary,
                  norm_set=normset.id, outside_period=outside, norm_set_period=normset.in_force.words(),
                  judgments=judgments, overridden=list(found.overridden))


def judge_record(case: Case, judged_by: Callable[[HistDate], tuple[NormSet | None, OutsidePeriod]],
                 compiled: Callable[[NormSet], CompiledRuleset], engine: Engine) -> list[Judged]:
    """Every judged entry of the record, under the norm set that judges its date (the one named, or with `auto`
    the one in force); entries no judgment of that norm set applies to are left out."""
    found = []
    for entry in judged_entries(case):
        normset, outside = judged_by(entry.date)
        if normset is None or not normset.judgments:
            continue
        judged = judge(case, entry, normset, compiled(normset), engine, outside)
        if judged.judgments:
            found.append(judged)
    return found
