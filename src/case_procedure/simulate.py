"""Simulation: how a case would have run under a norm set, routed by its rules rather than the record.

The simulation starts from what was known at one recorded hearing (the first, unless
another is chosen): the charges, ties, conduct and statements the situation builder
derives there. The route rules say which body takes the case up at its opening; at each
body the decision rules decide, and the route rules, given that outcome, send the case
on (up for ratification, to a general meeting, on appeal) or end it. The accused's own
choices, such as appealing, are taken from the record. A case that comes back to a body
in the same standing, or runs past `MAX_STEPS`, is a loop in the rules: `RouteLoop`
names the route rules that make it.
"""

from __future__ import annotations

from dataclasses import dataclass

from case_procedure import situation as situations
from case_procedure.case import Case, Hearing
from case_procedure.engine import Engine
from case_procedure.errors import RouteLoop, UsageError
from case_procedure.norms import END, NormSet
from case_procedure.paths import MAX_STEPS, lawful_paths, start_of
from case_procedure.replay import (
    Resolution,
    RuleBook,
    decide,
    decision_fields,
    outside_period,
    route,
)
from case_procedure.situation import OPENING, Decided
from case_procedure.trace import Ending, SimStep, Simulation, rule_ref


@dataclass(frozen=True)
class _Standing:
    """What a body taking up the case would find; a repeat of it means the rules go round in a circle."""

    body: str
    expelled: bool
    on_appeal: bool
    latest: str | None


def _is_appeal_route(resolution: Resolution | None) -> bool:
    """The route rule sends the case on because the accused appeals."""
    return resolution is not None and any(
        p.fact == "outcome" and p.tests().get("appeals") is True for p in resolution.rule.rule.when)


def _starting_hearing(case: Case, start: str | None) -> Hearing | None:
    """The hearing whose facts the simulation starts from: the first, the one named, or for an appeal named
    the hearing before it (the lawful paths then start at the body appealed to)."""
    hearings = case.hearings()
    if start is None:
        return hearings[0] if hearings else None
    found = next((h for h in hearings if h.id == start), None)
    if found is None:
        begin = start_of(case, start)  # an appeal, or KeyError naming the hearings and appeals
        assert begin is not None
        found = hearings[begin.hearing]
    return found


def _loop(normset: NormSet, case: Case, routes: list[str], reason: str) -> RouteLoop:
    return RouteLoop(f"{normset.file.as_posix()}: {reason} when case {case.id!r} is simulated; "
                     f"route rules involved: {', '.join(dict.fromkeys(routes))}")


def simulate(case: Case, norm_set: str, book: RuleBook, engine: Engine, start: str | None = None,
             paths: bool = False) -> Simulation:
    """Route the case through the bodies under one norm set (or `auto`: the one in force at the start); with
    `paths`, also every lawful path (`paths.lawful_paths`)."""
    hearing = _starting_hearing(case, start)
    recorded_final = next((h.decision for h in reversed(case.hearings()) if h.decision), None)
    if hearing is None:
        return Simulation(case=case.id, title=case.title, norm_set=norm_set, start=None, opening_rule=None, steps=[],
                          final=None, recorded_final=recorded_final, ended="no-hearing")
    normset = book.for_hearing(norm_set, hearing)[0]
    if normset is None:  # `auto`, and no norm set was in force at the starting hearing
        return Simulation(case=case.id, title=case.title, norm_set=norm_set, start=hearing.id, opening_rule=None,
                          steps=[], final=None, recorded_final=recorded_final, ended="no-norm-set")
    base = book.situation(case, hearing, normset)
    appeals = situations.appeals_in_record(case)
    sid = f"{case.id}/simulate"
    at_opening = situations.at_step(base, OPENING, [], False, False)
    opening = route(normset, at_opening, situations.outcome_fact(None, appeals),
                    book, engine, sid, f"at the opening of case {case.id!r}")
    body = str(opening.rule.rule.route) if opening else hearing.body  # no entry route: start where the record does
    decided: list[Decided] = []
    expelled = on_appeal = False
    seen: dict[_Standing, int] = {}
    routes = [opening.rule.id] if opening else []
    steps: list[SimStep] = []
    ended: Ending = "end"
    while body != END:
        standing = _Standing(body, expelled, on_appeal, decided[-1].decision if decided else None)
        if standing in seen:
            raise _loop(normset, case, routes[seen[standing]:], f"the case returns to the {body} in the same standing")
        if len(steps) == MAX_STEPS:
            raise _loop(normset, case, routes, f"the case runs past {MAX_STEPS} steps")
        seen[standing] = len(routes)
        n = len(steps) + 1
        where = f"at step {n} ({body}) of the simulation of case {case.id!r}"
        situation = situations.at_step(base, body, decided, expelled, on_appeal)
        chosen = decide(normset, situation, book, engine, sid, where)
        decision = chosen.decision if chosen else None
        onward = route(normset, situation, situations.outcome_fact(decision, appeals), book, engine, sid,
                       f"after {where}")
        steps.append(SimStep(n=n, body=body, **decision_fields(chosen, situation), on_appeal=on_appeal,
                             route=str(onward.rule.rule.route) if onward else None,
                             route_rule=rule_ref(onward.rule) if onward else None, date=str(hearing.date),
                             outside_period=outside_period(normset, hearing.date)))
        if decision:
            decided.append(Decided(body, decision, f"simulated step {n}", f"step-{n}"))
            expelled = situations.expelled_after(expelled, decision)
        if onward is None:
            ended = "no-route"
            break
        routes.append(onward.rule.id)
        on_appeal = _is_appeal_route(onward)
        body = str(onward.rule.rule.route)
    final = next((s.decision for s in reversed(steps) if s.decision), None)
    return Simulation(case=case.id, title=case.title, norm_set=normset.id, start=hearing.id,
                      opening_rule=rule_ref(opening.rule) if opening else None, steps=steps, final=final,
                      recorded_final=recorded_final, ended=ended, norm_set_period=normset.in_force.words(),
                      lawful=lawful_paths(case, normset, book, engine, start) if paths else None)


def simulate_from(case: Case, norm_set: str, book: RuleBook, engine: Engine, start: str | None = None,
                  paths: bool = False) -> Simulation:
    """`simulate` from the hearing or appeal `--from` names; UsageError (`--from: ...`) when the case has none
    such."""
    try:
        _starting_hearing(case, start)
    except KeyError as exc:
        raise UsageError(f"--from: {exc.args[0]}") from None
    return simulate(case, norm_set, book, engine, start, paths)
