"""The corpus report: every norm set beside the record, the expulsions the 1938 norms would not have produced,
and which rules the corpus exercises.

Every case is replayed (along its record) and simulated (routed by the rules) under
every norm set found. The figures are gathered in one `Report` model: `--format json`
prints it, and the text and Markdown forms print the same figures from it.

Three modules, one job each: the model (`report_model`), the computation (here: `run_case` per case, in
worker processes with --jobs, `gather` of the figures and `build`, both together) and the renderers
(`report_text`: `as_text`, `as_markdown`, `summary`, `render`, `emitted`). The model and the renderers are
named here too, for callers of `report.build`, `report.render` and `report.summary`.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from case_procedure import parallel
from case_procedure.case import Case
from case_procedure.codebook import BODY_ORDER
from case_procedure.engine import Engine
from case_procedure.errors import RuleConflict
from case_procedure.norms import END, NormSet
from case_procedure.progress import Progress, silent
from case_procedure.render import lawful_outcomes
from case_procedure.replay import RuleBook
from case_procedure.replay import replay as replay_case
from case_procedure.report_model import (
    NO_PERIOD,
    NORMS_1938,
    Agreement,
    Counts,
    Coverage,
    Expulsions,
    Failure,
    JudgedRow,
    LawfulCase,
    LawfulOutcomes,
    LostExpulsion,
    NormSetInfo,
    PracticeRule,
    PracticeSet,
    Report,
    RuleUse,
)
from case_procedure.report_text import WRITES, as_markdown, as_text, emitted, is_report, render, summary
from case_procedure.sensitivity import flip_counts, weights
from case_procedure.simulate import simulate
from case_procedure.situation import EXPELLING
from case_procedure.trace import AGREEMENTS, Simulation, Step
from case_procedure.variation import load_variations

__all__ = ["NO_PERIOD", "NORMS_1938", "WRITES", "Agreement", "CaseRun", "Counts", "Coverage", "Expulsions", "Failure",
           "JudgedRow", "LawfulCase", "LawfulOutcomes", "LostExpulsion", "NormSetInfo", "PracticeRule", "PracticeSet",
           "Report", "RuleUse", "StepRecord", "as_markdown", "as_text", "build", "emitted", "gather", "is_report",
           "render", "run_case", "summary"]

# -- Work per case (runs in worker processes with --jobs) -----------------------------------

@dataclass(frozen=True)
class StepRecord:
    hearing: str
    date: str
    body: str
    period: str
    agreement: str
    recorded: str | None
    expelled: bool  # the recorded decision expels the accused
    prescribed: str | None
    prescribes_expulsion: bool
    rule: str | None
    fired: tuple[str, ...]  # the decision rules that applied, and the route rule
    deciding: tuple[str, ...] = ()  # the rule that decided and the rules concurring with it
    route_rule: str | None = None  # the route rule that sent the case on after the prescribed decision
    next_body: str | None = None  # where it sent it: a body, or "end"
    recorded_next: str = END  # the body of the accused's next recorded hearing, or "end" after the last


@dataclass(frozen=True)
class CaseRun:
    case: str
    norm_set: str
    steps: tuple[StepRecord, ...] = ()
    simulated: tuple[str, ...] = ()  # the rules that fired in the simulation
    failures: tuple[tuple[str, str], ...] = ()  # (mode, message)
    flips: tuple[tuple[str, int], ...] = ()  # variation -> hearings some single change of it flips (sensitivity)
    lawful: LawfulCase | None = None  # the lawful outcomes, with the recorded one (None: the simulation failed)
    on_a_path: bool = False  # the record follows one of the lawful paths
    judged: tuple[JudgedRow, ...] = ()


def _expels(decision: str | None, also: list[str]) -> bool:
    return decision in EXPELLING or "expulsion" in also


def _step_record(step: Step, period: str, recorded_next: str) -> StepRecord:
    prescribed = step.prescribed
    fired: tuple[str, ...] = ()
    if prescribed is not None:
        fired = (prescribed.rule.id, *prescribed.concurring, *prescribed.overridden)
        fired += (prescribed.route_rule,) if prescribed.route_rule else ()
    recorded = step.recorded
    return StepRecord(
        hearing=step.hearing, date=step.date, body=step.body, period=period, agreement=step.agreement,
        recorded=recorded.decision if recorded else None,
        expelled=bool(recorded and _expels(recorded.decision, recorded.also)),
        prescribed=prescribed.decision if prescribed else None,
        # a range that reaches expulsion produces one: the record's expulsion then lies within the norm
        prescribes_expulsion=bool(prescribed and _expels(prescribed.range.at_most if prescribed.range
                                                         else prescribed.decision, prescribed.also)),
        rule=prescribed.rule.id if prescribed else None, fired=fired,
        deciding=(prescribed.rule.id, *prescribed.concurring) if prescribed else (),
        route_rule=prescribed.route_rule if prescribed else None,
        next_body=prescribed.next_body if prescribed else None, recorded_next=recorded_next)


def _simulated_rules(simulation: Simulation) -> tuple[str, ...]:
    fired = [simulation.opening_rule.id] if simulation.opening_rule else []
    for step in simulation.steps:
        fired += [step.rule.id] if step.rule else []
        fired += [*step.concurring, *step.overridden]
        fired += [step.route_rule.id] if step.route_rule else []
    return tuple(sorted(set(fired)))


def run_case(case: Case, book: RuleBook, engine: Engine) -> list[CaseRun]:
    """Replay and simulate one case under every norm set; a rule conflict is a failure of that run only."""
    periods = {}
    for hearing in case.hearings():
        normset, _ = book.in_force(hearing)
        periods[hearing.id] = normset.id if normset else NO_PERIOD
    runs = []
    for norm_set in sorted(book.norm_sets):
        failures: list[tuple[str, str]] = []
        steps: tuple[StepRecord, ...] = ()
        simulated: tuple[str, ...] = ()
        judged: tuple[JudgedRow, ...] = ()
        lawful, on_a_path = None, False
        try:
            trace = replay_case(case, norm_set, book, engine)
            bodies = [s.body for s in trace.steps]
            following = [*bodies[1:], END] if bodies else []
            steps = tuple(_step_record(s, periods[s.hearing], after)
                          for s, after in zip(trace.steps, following, strict=True))
            judged = tuple(JudgedRow(case=case.id, entry=j.entry, type=j.type, date=j.date, verdict=v.verdict,
                                     rule=v.rule.id, outside_period=j.outside_period)
                           for j in trace.judgments for v in j.judgments)
        except RuleConflict as exc:
            failures.append(("replay", str(exc)))
        try:
            simulation = simulate(case, norm_set, book, engine, paths=True)
            simulated = _simulated_rules(simulation)
            lawful, on_a_path = _lawful_case(case.id, simulation), bool(simulation.lawful and
                                                                          simulation.lawful.recorded_path)
        except RuleConflict as exc:  # also a loop in the routes (RouteLoop)
            failures.append(("simulate", str(exc)))
        runs.append(CaseRun(case.id, norm_set, steps, simulated, tuple(failures), lawful=lawful,
                            on_a_path=on_a_path, judged=judged))
    flips = flip_counts(case, book, engine, load_variations())
    return [dataclasses.replace(r, flips=tuple(sorted(flips.get(r.norm_set, {}).items()))) for r in runs]


def _lawful_case(case: str, simulation: Simulation) -> LawfulCase | None:
    if simulation.lawful is None:
        return None
    lawful = simulation.lawful
    return LawfulCase(case=case, outcomes=list(lawful.outcomes), recorded=simulation.recorded_final,
                      words=lawful_outcomes(simulation.norm_set, lawful, simulation.recorded_final))


def _lawful_outcomes(norm_set: str, runs: list[CaseRun]) -> LawfulOutcomes:
    found = [r.lawful for r in runs if r.lawful is not None]
    undecided = [c for c in found if not any(c.outcomes)]
    outside = [c for c in found if any(c.outcomes) and c.recorded not in c.outcomes]
    return LawfulOutcomes(norm_set=norm_set, cases=len(found),
                          recorded_among=sum(c.recorded in c.outcomes for c in found),
                          on_a_path=sum(r.on_a_path for r in runs if r.lawful is not None), undecided=len(undecided),
                          outside=outside)


def _run_in_worker(task: tuple[Case, Path]) -> list[CaseRun]:
    case, rules_dir = task
    book, engine = parallel.workspace(rules_dir)
    return run_case(case, book, engine)


# -- Gathering the figures --------------------------------------------------------------------

@dataclass
class _Tally:
    counts: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, key: str, agreement: str) -> None:
        self.counts.setdefault(key, Counter())[agreement] += 1

    def rows(self, order: list[str]) -> list[Counts]:
        keys = [k for k in order if k in self.counts] + sorted(k for k in self.counts if k not in order)
        return [_counts(k, self.counts[k]) for k in keys]


def _counts(key: str, counter: Counter[str]) -> Counts:
    figures = {a.replace("-", "_"): counter.get(a, 0) for a in AGREEMENTS}
    return Counts(key=key, total=sum(counter.values()), **figures)


def _chronological(book: RuleBook) -> list[str]:
    return sorted(book.norm_sets, key=lambda n: (book.norm_sets[n].in_force.from_, n))


def _in_force(book: RuleBook, norm_set: str) -> str:
    period = book.norm_sets[norm_set].in_force
    return f"{period.from_} to {period.until or 'open'}"


def gather(runs: list[CaseRun], book: RuleBook, cases: int) -> Report:
    """The report's figures from the runs of every case under every norm set."""
    by_norm_set: dict[str, list[CaseRun]] = {}
    for run in runs:
        by_norm_set.setdefault(run.norm_set, []).append(run)
    periods = sorted((n for n in book.norm_sets.values() if n.kind == "norms"), key=lambda n: n.in_force.from_)
    period_order = [n.id for n in periods] + [NO_PERIOD]
    body_order = list(BODY_ORDER)
    chronological = _chronological(book)
    agreement, coverage, failures = [], [], []
    for norm_set in chronological:
        normset = book.norm_sets[norm_set]
        overall, by_period, by_body = Counter[str](), _Tally(), _Tally()
        replayed: dict[str, set[str]] = {r.id: set() for r in normset.rules}
        simulated: dict[str, set[str]] = {r.id: set() for r in normset.rules}
        for run in by_norm_set.get(norm_set, []):
            for step in run.steps:
                overall[step.agreement] += 1
                by_period.add(step.period, step.agreement)
                by_body.add(step.body, step.agreement)
                for rule in step.fired:
                    replayed.setdefault(rule, set()).add(run.case)
            for rule in run.simulated:
                simulated.setdefault(rule, set()).add(run.case)
            failures += [Failure(norm_set=norm_set, case=run.case, mode=mode, message=message)
                         for mode, message in run.failures]
        agreement.append(Agreement(norm_set=norm_set, kind=normset.kind, overall=_counts("all", overall),
                                   by_period=by_period.rows(period_order), by_body=by_body.rows(body_order)))
        route_rules = {r.id for r in normset.route_rules}
        uses = [RuleUse(rule=r, route=r in route_rules, replay=sorted(replayed[r]), simulation=sorted(simulated[r]))
                for r in sorted(replayed)]
        coverage.append(Coverage(norm_set=norm_set, rules=uses,
                                 unexercised=[u.rule for u in uses if not u.replay and not u.simulation]))
    return Report(
        cases=cases,
        hearings=len({(r.case, s.hearing) for r in runs for s in r.steps}),
        norm_sets=[NormSetInfo(id=n, kind=book.norm_sets[n].kind, title=book.norm_sets[n].title,
                               in_force=_in_force(book, n), rules=len(book.norm_sets[n].rules))
                   for n in chronological],
        agreement=agreement, expulsions=_expulsions(by_norm_set.get(NORMS_1938, []), NORMS_1938 in book.norm_sets),
        coverage=coverage, failures=failures,
        practice=[_practice(book.norm_sets[n], by_norm_set.get(n, []), book, agreement)
                  for n in chronological if book.norm_sets[n].kind == "practice"],
        deciding_facts=weights([{r.norm_set: dict(r.flips) for r in runs if r.case == case}
                                for case in dict.fromkeys(r.case for r in runs)],
                               {n: sum(len(r.steps) for r in by_norm_set.get(n, [])) for n in chronological},
                               load_variations()),
        lawful=[_lawful_outcomes(n, by_norm_set.get(n, [])) for n in chronological],
        judgments={n: [row for r in by_norm_set.get(n, []) for row in r.judged] for n in chronological
                   if any(r.judged for r in by_norm_set.get(n, []))})



def _period_of(normset: NormSet, book: RuleBook) -> str:
    """The norm set of kind `norms` in force on the day a norm set comes into force, or NO_PERIOD."""
    day = normset.in_force.from_
    norms = [book.norm_sets[n] for n in _chronological(book) if book.norm_sets[n].kind == "norms"]
    return next((n.id for n in norms
                 if n.in_force.from_ <= day and (n.in_force.until is None or day <= n.in_force.until)), NO_PERIOD)


def _practice(normset: NormSet, runs: list[CaseRun], book: RuleBook, agreement: list[Agreement]) -> PracticeSet:
    period = _period_of(normset, book)
    rows = {(a.norm_set, c.key): c for a in agreement for c in a.by_period}
    none = _counts(period, Counter())
    fits: dict[str, set[str]] = {}
    contradicts: dict[str, set[str]] = {}
    for run in runs:
        for step in run.steps:
            if step.period != period:
                continue
            for rule in step.deciding if step.agreement in ("agree", "harsher", "milder") else ():
                (fits if step.agreement == "agree" else contradicts).setdefault(rule, set()).add(run.case)
            if step.route_rule is not None:
                kept = step.next_body == step.recorded_next
                (fits if kept else contradicts).setdefault(step.route_rule, set()).add(run.case)
    own = [r for r in normset.rules if r.file == normset.file]  # the rules its own file adds or replaces
    rules = [PracticeRule(rule=r.id, route=r.rule.is_route, general=r.rule.general, drawn_from=list(r.rule.drawn_from),
                          fits=sorted(fits.get(r.id, ())), contradicts=sorted(contradicts.get(r.id, ())))
             for r in own]
    return PracticeSet(norm_set=normset.id, period=period, norms=rows.get((period, period), none),
                       practice=rows.get((normset.id, period), none), rules=rules)


def _expulsions(runs: list[CaseRun], available: bool) -> Expulsions:
    recorded, lost = 0, []
    for run in runs:
        for step in run.steps:
            if not step.expelled:
                continue
            recorded += 1
            if not step.prescribes_expulsion:
                lost.append(LostExpulsion(case=run.case, hearing=step.hearing, date=step.date, body=step.body,
                                          period=step.period, recorded=step.recorded or "", prescribed=step.prescribed,
                                          rule=step.rule))
    return Expulsions(norm_set=NORMS_1938, available=available, recorded=recorded, not_produced=lost)


def build(cases: list[Case], norm_sets: dict[str, NormSet], rules_dir: Path, jobs: int = 1,
          progress: Progress = silent, book: RuleBook | None = None, engine: Engine | None = None) -> Report:
    """Replay and simulate every case under every norm set (over `jobs` processes) and gather the report.

    `norm_sets` are those loaded from `rules_dir`, run with `book` and `engine` (the workspace's; by default
    this process's own for the folder, as a worker's); worker processes, which need an engine of their own,
    load theirs from the folder. Results do not depend on `jobs`.
    """
    if book is None or engine is None:
        book, engine = parallel.workspace(rules_dir)
    names = [case.id for case in cases]
    if jobs <= 1:
        per_case = parallel.run(partial(run_case, book=book, engine=engine), cases, 1, progress, "case", names)
    else:
        per_case = parallel.run(_run_in_worker, [(case, rules_dir) for case in cases], jobs, progress, "case", names)
    return gather([run for runs in per_case for run in runs], book, len(cases))


