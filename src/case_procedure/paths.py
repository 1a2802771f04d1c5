"""The lawful paths of a case: every way a norm set lets it run, not one.

The norms leave choices. A route rule marked `optional` is one a body may take or leave (a party
committee may send a case to the general meeting): a path follows it, another follows what the other
route rules give without it. The accused may appeal or not: where the route rules part on that, both
paths are followed. A decision given as a range may be taken at either end: where an end sends the case
elsewhere than the typical decision does, that end is followed too. Everything else is decided by the
rules, as in `simulate.simulate`.

The start follows the record: the body the first statement about the accused went to (the party body it
was addressed to; else the body of the starting hearing), or with `--from` the body of the hearing or
appeal named. While a path keeps to the record's bodies, each step takes the facts known at the
record's hearing at that point (its date); once a path leaves the record, it keeps the last facts it had.

The search is depth-first, with the typical decision (the mildest end of a range that names none) and
the route the rules give first, so that `p1` is the path the rules give when nobody chooses. Paths are
deduplicated by their steps and bounded by
`MAX_PATHS`; a path that returns to a body in the same standing, or runs past `MAX_STEPS`, is a loop in
the rules (`RouteLoop`), as in the single simulation. The record's path is marked where it is one of
them; where it is not, `Departure` names the step at which the record left them and the rule it left.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from case_procedure import situation as situations
from case_procedure.case import Appeal, Case, Hearing, Statement
from case_procedure.codebook import LADDER, label, severity
from case_procedure.compiler import DECISIONS, ROUTES, Firing
from case_procedure.engine import Engine
from case_procedure.errors import RouteLoop
from case_procedure.norms import END, NormSet
from case_procedure.precedence import Resolution, resolve
from case_procedure.replay import RuleBook, decision_range, outside_period, situation_at
from case_procedure.situation import Decided, Situation
from case_procedure.trace import Branch, Departure, LawfulPath, LawfulPaths, PathStep

MAX_PATHS = 64
MAX_STEPS = 12  # steps of one path (and of the single simulation) before the route rules count as a loop


@dataclass(frozen=True)
class Start:
    body: str
    reason: str
    hearing: int  # index into the accused's hearings of the hearing whose facts the first step takes
    on_appeal: bool = False


@dataclass(frozen=True)
class _State:
    body: str
    steps: tuple[PathStep, ...]
    decided: tuple[Decided, ...]
    expelled: bool
    on_appeal: bool
    hearing: int  # index of the recorded hearing whose facts the next step takes
    follows: bool  # the path has kept to the record's bodies so far
    seen: frozenset[tuple[str, bool, bool, str | None]] = field(default_factory=frozenset)


@dataclass(frozen=True)
class _Option:
    """One way a step can end: a decision, the accused's choice, the route the rules then give."""

    decision: str | None
    appeals: bool
    without: tuple[str, ...]
    route: Resolution | None
    branches: tuple[Branch, ...]


def start_of(case: Case, start: str | None) -> Start | None:
    """Where the lawful paths begin, following the record (see the module docstring); None without a hearing.
    `start` names a hearing of the accused or an appeal by the accused; KeyError for anything else."""
    hearings = case.hearings()
    if not hearings:
        return None
    if start is None:
        first = next((e for e in case.record if isinstance(e, Statement) and case.accused in e.subjects
                      and e.kind != "appeal"), None)
        addressed = [b for b in (first.to if first else []) if b in LADDER]
        if first is not None and addressed and case.record.index(first) < case.record.index(hearings[0]):
            return Start(addressed[0], f"the first statement ({first.id}) went to the {label(addressed[0])}", 0)
        return Start(hearings[0].body, f"the record's first hearing ({hearings[0].id}) is at the "
                     f"{label(hearings[0].body)}", 0)
    found = next((i for i, h in enumerate(hearings) if h.id == start), None)
    if found is not None:
        return Start(hearings[found].body, f"from hearing {start}", found)
    appeal = next((e for e in case.record
                   if isinstance(e, Appeal) and e.id == start and e.appellant_for == case.accused), None)
    if appeal is None:
        choices = [*(h.id for h in hearings), *(e.id for e in case.record if isinstance(e, Appeal))]
        raise KeyError(f"case {case.id!r} has no hearing of the accused or appeal with id {start!r}; "
                       f"its hearings and appeals: {', '.join(choices)}")
    before = [i for i, h in enumerate(hearings) if case.record.index(h) < case.record.index(appeal)]
    if not before:
        raise KeyError(f"appeal {start!r} of case {case.id!r} comes before any hearing: nothing to appeal against")
    body = next((b for b in appeal.to if b in LADDER), None)
    if body is None:
        raise KeyError(f"appeal {start!r} of case {case.id!r} went to no party body ({', '.join(appeal.to)})")
    return Start(body, f"from appeal {start} to the {label(body)}", before[-1], on_appeal=True)


def _firings(normset: NormSet, book: RuleBook, engine: Engine, part: str, facts: list[situations.Fact],
             sid: str) -> list[Firing]:
    return engine.run(book.compiled(normset, part), sid, [f.engine_fact() for f in facts])


def _routes(normset: NormSet, firings: list[Firing], where: str) -> list[tuple[tuple[str, ...], Resolution | None]]:
    """The route the rules give, then, for each optional route rule that won, the route without it."""
    found: list[tuple[tuple[str, ...], Resolution | None]] = []
    without: tuple[str, ...] = ()
    while True:
        chosen = resolve(normset, [f for f in firings if f.rule_id not in without], where)
        found.append((without, chosen))
        if chosen is None or not chosen.rule.rule.optional:
            return found
        without = (*without, chosen.rule.id)


def _route_key(option: _Option) -> tuple[str | None, str | None]:
    return (str(option.route.rule.rule.route) if option.route else None, option.route.rule.id if option.route
            else None)


def _options(normset: NormSet, situation: Situation, chosen: Resolution | None, book: RuleBook, engine: Engine,
             sid: str, where: str) -> list[_Option]:
    """Every lawful way the step can end, the typical decision and the required route first."""
    decisions: list[tuple[str | None, Branch | None]] = [(chosen.decision if chosen else None, None)]
    rng = chosen.range if chosen else None
    if chosen is not None and rng is not None and not rng.is_point:
        primary = str(rng.typical or rng.at_least)
        ends = (("the mildest end", str(rng.at_least)), ("the gravest end", str(rng.at_most)))
        decisions = [(primary, None)]
        decisions += [(end, Branch(kind="range_end", choice=f"{which} of the range: {label(end)}",
                                   rule=chosen.rule.id)) for which, end in ends if end != primary]
    options: list[_Option] = []
    primary_routes: set[tuple[str | None, str | None]] = set()
    for decision, end in decisions:
        found: list[_Option] = []
        for appeals in (False, True):
            outcome = situations.outcome_fact(decision, appeals)
            firings = _firings(normset, book, engine, ROUTES, [*situation.facts, outcome], sid)
            for without, route in _routes(normset, firings, f"after {where}"):
                branches = [b for b in (end,) if b is not None]
                branches += [Branch(kind="route_alternative", choice=f"the optional route to the "
                                    f"{label(str(normset.rule(r).rule.route))} not taken", rule=r) for r in without]
                if route is not None and route.rule.rule.optional:
                    branches.append(Branch(kind="route_alternative", choice=f"the optional route to the "
                                           f"{label(str(route.rule.rule.route))} taken", rule=route.rule.id))
                found.append(_Option(decision, appeals, without, route, tuple(branches)))
        parted = {_route_key(o) for o in found if not o.appeals} != {_route_key(o) for o in found if o.appeals}
        kept = [o for o in found if parted or not o.appeals]
        if parted:
            kept = [_Option(o.decision, o.appeals, o.without, o.route, (*o.branches, Branch(
                kind="appeal", choice="the accused appeals" if o.appeals else "the accused does not appeal",
                rule=o.route.rule.id if o.route else None))) for o in kept]
        keys = {_route_key(o) for o in kept}
        if end is None:
            primary_routes = keys
        elif keys <= primary_routes:
            continue  # this end of the range sends the case where the typical decision does: no branch
        options += kept
    seen: set[tuple[object, ...]] = set()
    unique = []
    for o in options:
        key = (o.decision, o.appeals, _route_key(o))
        if key not in seen:
            seen.add(key)
            unique.append(o)
    return unique


def _hearing_facts(case: Case, normset: NormSet, cache: dict[int, Situation], index: int) -> Situation:
    if index not in cache:
        cache[index] = situation_at(case, case.hearings()[index], normset)
    return cache[index]


def explore(case: Case, normset: NormSet, book: RuleBook, engine: Engine, start: Start,
            bound: int = MAX_PATHS) -> tuple[list[LawfulPath], bool]:
    """The lawful paths from `start`, at most `bound`, and whether the bound cut the search short."""
    hearings = case.hearings()
    cache: dict[int, Situation] = {}
    sid = f"{case.id}/paths"
    stack: list[_State | LawfulPath] = [
        _State(start.body, (), (), _expelled_at(case, hearings[start.hearing], start.on_appeal), start.on_appeal,
               start.hearing, True)]
    done: list[LawfulPath] = []
    signatures: set[tuple[object, ...]] = set()
    while stack:
        state = stack.pop()
        if isinstance(state, LawfulPath):  # a finished path, taken off the stack in the order of the search
            signature = tuple((s.body, s.decision, s.route) for s in state.steps)
            if signature not in signatures:
                signatures.add(signature)
                done.append(state)
                if len(done) == bound:
                    return done, any(isinstance(s, _State) or s not in done for s in stack)
            continue
        n = len(state.steps) + 1
        standing = (state.body, state.expelled, state.on_appeal, state.decided[-1].decision if state.decided else None)
        if standing in state.seen or n > MAX_STEPS:
            routes = [s.route_rule for s in state.steps if s.route_rule]
            how = f"returns to the {state.body} in the same standing" if standing in state.seen else \
                f"runs past {MAX_STEPS} steps"
            raise RouteLoop(f"{normset.file.as_posix()}: the case {how} on a lawful path of case {case.id!r}; "
                            f"route rules involved: {', '.join(dict.fromkeys(routes))}")
        hearing = hearings[state.hearing]
        base = _hearing_facts(case, normset, cache, state.hearing)
        situation = situations.at_step(base, state.body, list(state.decided), state.expelled, state.on_appeal)
        where = f"at step {n} ({state.body}) of a lawful path of case {case.id!r}"
        chosen = resolve(normset, _firings(normset, book, engine, DECISIONS, list(situation.facts), sid), where)
        children: list[_State | LawfulPath] = []
        for option in _options(normset, situation, chosen, book, engine, sid, where):
            route = str(option.route.rule.rule.route) if option.route else None
            step = PathStep(n=n, body=state.body, hearing=hearing.id, date=str(hearing.date),
                            on_appeal=state.on_appeal, expelled=state.expelled, decision=option.decision,
                            range=decision_range(chosen.range) if chosen else None,
                            rule=chosen.rule.id if chosen else None, appeals=option.appeals,
                            without=list(option.without), route=route,
                            route_rule=option.route.rule.id if option.route else None,
                            branches=list(option.branches), outside_period=outside_period(normset, hearing.date))
            steps = (*state.steps, step)
            if route is None or route == END:
                children.append(_finished(steps, "end" if route == END else "no-route"))
                continue
            decided = (*state.decided, Decided(state.body, option.decision, f"lawful step {n}", f"step-{n}")) \
                if option.decision else state.decided
            following = (state.follows and state.hearing + 1 < len(hearings)
                         and hearings[state.hearing + 1].body == route)
            children.append(_State(route, steps, decided,
                                   situations.expelled_after(state.expelled, option.decision) if option.decision
                                   else state.expelled, _appeal_route(option), state.hearing + 1 if following
                                   else state.hearing, following, state.seen | {standing}))
        stack += reversed(children)  # depth-first, the first option first
    return done, False


def _appeal_route(option: _Option) -> bool:
    return option.route is not None and any(p.fact == "outcome" and p.tests().get("appeals") is True
                                            for p in option.route.rule.rule.when)


def _expelled_at(case: Case, hearing: Hearing, on_appeal: bool) -> bool:
    """Whether the accused stands expelled when the first body takes the case up: as the start hearing opens,
    or, on an appeal, after the hearing appealed against decided."""
    opening = bool(situations.build(case, hearing).fact("hearing").attributes["accused_expelled"])
    if on_appeal and hearing.decision:
        return situations.expelled_after(opening, hearing.decision)
    return opening


def _finished(steps: tuple[PathStep, ...], ended: str) -> LawfulPath:
    final = next((s.decision for s in reversed(steps) if s.decision), None)
    return LawfulPath(id="", steps=list(steps), final=final, ended=ended, recorded=False)  # type: ignore[arg-type]


# -- The record against the paths -----------------------------------------------------------

def _agrees(step: PathStep, hearing: Hearing) -> bool:
    """The recorded hearing is this step: the same body, and a decision the step allows (an unrecorded one is
    no departure)."""
    if step.body != hearing.body:
        return False
    if hearing.decision is None:
        return True
    if step.range is None:
        return False
    return severity(step.range.at_least) <= severity(hearing.decision) <= severity(step.range.at_most)


def _matched(path: LawfulPath, record: list[Hearing]) -> int:
    """How many of the record's hearings the path follows from the start."""
    n = 0
    while n < min(len(path.steps), len(record)) and _agrees(path.steps[n], record[n]):
        n += 1
    return n


def is_record(path: LawfulPath, record: list[Hearing]) -> bool:
    return len(path.steps) == len(record) and _matched(path, record) == len(record)


def departure(paths: list[LawfulPath], record: list[Hearing]) -> Departure | None:
    """Where the record left every lawful path; None when one of them is the record's."""
    if not paths or any(is_record(p, record) for p in paths):
        return None
    reach = max(_matched(p, record) for p in paths)
    nearest = next(p for p in paths if _matched(p, record) == reach)
    if reach == len(record):  # the record stops where the rules go on
        step = nearest.steps[reach - 1] if reach else None
        onward = f"to the {label(step.route)}" if step and step.route not in (None, END) else "further"
        return Departure(hearing=None, step=reach + 1, rule=step.route_rule if step else None,
                         words=f"the record ends after hearing {reach} where the rules send the case {onward} "
                               f"(rule {step.route_rule if step else None})")
    hearing = record[reach]
    recorded = label(hearing.decision) if hearing.decision else "no recorded decision"
    at_body = next((p.steps[reach] for p in paths if _matched(p, record) == reach and len(p.steps) > reach
                    and p.steps[reach].body == hearing.body), None)
    if at_body is not None:
        allowed = at_body.range.words() if at_body.range else "nothing (no rule decides there)"
        return Departure(hearing=hearing.id, step=reach + 1, rule=at_body.rule,
                         words=f"at hearing {hearing.id} the {label(hearing.body)} decided {recorded}; the rules "
                               f"allow {allowed}" + (f" (rule {at_body.rule})" if at_body.rule else ""))
    if reach == 0:
        first = nearest.steps[0]
        return Departure(hearing=hearing.id, step=1, rule=None,
                         words=f"the record's first hearing is at the {label(hearing.body)}; the paths begin at the "
                               f"{label(first.body)}")
    before = nearest.steps[reach - 1]
    where = "end the case" if before.route in (None, END) else f"send the case to the {label(before.route)}"
    return Departure(hearing=hearing.id, step=reach + 1, rule=before.route_rule,
                     words=f"after hearing {record[reach - 1].id} the record goes to the {label(hearing.body)} "
                           f"({hearing.id}); the rules {where}" + (f" (rule {before.route_rule})"
                                                                   if before.route_rule else ""))


def lawful_paths(case: Case, normset: NormSet, book: RuleBook, engine: Engine, start: str | None = None,
                 bound: int = MAX_PATHS) -> LawfulPaths | None:
    """Every lawful path of the case under one norm set, from a start that follows the record; None without a
    hearing to start from."""
    begin = start_of(case, start)
    if begin is None:
        return None
    found, truncated = explore(case, normset, book, engine, begin, bound)
    record = case.hearings()[begin.hearing:]
    paths = [p.model_copy(update={"id": f"p{i}", "recorded": is_record(p, record)}) for i, p in enumerate(found, 1)]
    recorded_path = next((p.id for p in paths if p.recorded), None)
    message = (f"the norms leave more than {bound} lawful paths; the first {bound} found are listed"
               if truncated else None)
    return LawfulPaths(start_body=begin.body, start_reason=begin.reason, paths=paths,
                       outcomes=list(dict.fromkeys(p.final for p in paths)), bound=bound, truncated=truncated,
                       message=message, recorded_path=recorded_path,
                       departure=None if truncated and recorded_path is None else departure(paths, record),
                       recorded=[f"{label(h.body)}: {label(h.decision) if h.decision else 'no recorded decision'}"
                                 for h in record])
