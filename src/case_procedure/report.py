"""The corpus report: every norm set beside the record, the expulsions the 1938 norms would not have produced,
and which rules the corpus exercises.

Every case is replayed (along its record) and simulated (routed by the rules) under
every norm set found. The figures are gathered in one `Report` model: `--format json`
prints it, and the text and Markdown forms print the same figures from it.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from case_procedure import outputs, parallel
from case_procedure.case import Case
from case_procedure.codebook import BODY_ORDER
from case_procedure.engine import Engine
from case_procedure.errors import RuleConflict
from case_procedure.files import write_text
from case_procedure.norms import END, NormSet
from case_procedure.progress import Progress, silent
from case_procedure.render import PERIOD_MARKS, WIDTH, cell, code, lawful_outcomes, md_text, table, wrap
from case_procedure.replay import RuleBook
from case_procedure.replay import replay as replay_case
from case_procedure.safe_text import visible
from case_procedure.sensitivity import NormSetWeights, flip_counts, weights
from case_procedure.simulate import simulate
from case_procedure.situation import EXPELLING
from case_procedure.trace import AGREEMENTS, VERDICT_WORDS, Frozen, Simulation, Step
from case_procedure.variation import load_variations

NORMS_1938 = "norms-1938"
NO_PERIOD = "none"  # a hearing dated when no norm set of kind `norms` was in force


# -- The report model (the JSON form) -----------------------------------------------------

class Counts(Frozen):
    """Hearings by agreement of the prescribed decision with the recorded one."""

    key: str  # a norm set id (the period), a body id, or "all"
    agree: int
    harsher: int
    milder: int
    no_rule: int
    unrecorded: int
    total: int

    def figures(self) -> tuple[int, ...]:
        return self.agree, self.harsher, self.milder, self.no_rule, self.unrecorded, self.total


class Agreement(Frozen):
    norm_set: str
    kind: str
    overall: Counts
    by_period: list[Counts]  # the period: the norm set of kind `norms` in force at the hearing's date
    by_body: list[Counts]


class LostExpulsion(Frozen):
    """A recorded expulsion that the 1938 norms would not have produced."""

    case: str
    hearing: str
    date: str
    body: str
    period: str
    recorded: str
    prescribed: str | None  # None: no rule of the norm set applies
    rule: str | None


class Expulsions(Frozen):
    norm_set: str
    available: bool  # the norm set exists in the rules folder
    recorded: int  # recorded expulsions in the corpus
    not_produced: list[LostExpulsion]


class RuleUse(Frozen):
    rule: str
    route: bool  # a route rule (else a decision rule)
    replay: list[str]  # cases on which it fires when replayed along the record
    simulation: list[str]  # cases on which it fires when simulated


class Coverage(Frozen):
    norm_set: str
    rules: list[RuleUse]
    unexercised: list[str]  # rules no case exercises, in replay or simulation

    @property
    def exercised(self) -> int:
        return len(self.rules) - len(self.unexercised)


class Failure(Frozen):
    norm_set: str
    case: str
    mode: str  # "replay" or "simulate"
    message: str


class NormSetInfo(Frozen):
    id: str
    kind: str
    title: str
    in_force: str
    rules: int


class PracticeRule(Frozen):
    """A rule of a practice set's own file set beside the record of the hearings of its period."""

    rule: str
    route: bool
    general: bool  # the book reports the practice in general terms, with no case of the corpus behind it
    drawn_from: list[str]  # the cases the rule says it is drawn from
    fits: list[str]  # cases where it decided (or concurred in deciding) a hearing of the period and the record agrees
    contradicts: list[str]  # ... and the record disagrees (for a route rule: the case went on elsewhere)


class PracticeSet(Frozen):
    """A practice set and the norms of its period, each replayed on the hearings of that period."""

    norm_set: str
    period: str  # the norm set of kind `norms` in force when the practice set comes into force, or "none"
    norms: Counts  # the period's hearings under the period's norms
    practice: Counts  # the same hearings under the practice set
    rules: list[PracticeRule]


class LawfulCase(Frozen):
    """A case whose recorded outcome is not among the outcomes the norm set's lawful paths reach."""

    case: str
    outcomes: list[str | None]  # the distinct final decisions of the lawful paths (None: no rule decides)
    recorded: str | None  # the last decision the record shows
    words: str  # "Under norms-1938 the lawful outcomes of this case were X or Y; the record shows Z."


class LawfulOutcomes(Frozen):
    """Under one norm set, how the record's outcomes stand among the lawful paths (`simulate`, paths.py)."""

    norm_set: str
    cases: int  # cases the lawful paths were found for
    recorded_among: int  # cases whose recorded final decision is one of the lawful outcomes
    on_a_path: int  # cases whose record follows one of the lawful paths step by step
    undecided: int  # cases on none of whose lawful paths a rule of the norm set decides anything
    outside: list[LawfulCase]  # the cases, among the others, whose recorded outcome no lawful path reaches


class JudgedRow(Frozen):
    """An entry other than a hearing that a judgment of the norm set weighed (`judgments.py`)."""

    case: str
    entry: str
    type: str
    date: str
    verdict: str
    rule: str
    outside_period: str  # whether the norm set was in force at the entry's date: no, partly, wholly


class Report(Frozen):
    cases: int
    hearings: int  # recorded hearings of the accused, in all cases
    norm_sets: list[NormSetInfo]
    agreement: list[Agreement]
    expulsions: Expulsions
    coverage: list[Coverage]
    failures: list[Failure]
    practice: list[PracticeSet] = []
    deciding_facts: list[NormSetWeights] = []  # per norm set: how many prescribed decisions each fact can flip
    lawful: list[LawfulOutcomes] = []  # per norm set: the record's outcomes among the lawful paths
    judgments: dict[str, list[JudgedRow]] = {}  # norm set -> the dismissals, arrests and appeals its judgments weigh


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


# -- Text and Markdown --------------------------------------------------------------------

COLUMNS = ("agree", "harsher", "milder", "no-rule", "unrec.", "total")
LABEL = 22


def _header() -> str:
    return f"  {'':<{LABEL}}" + "".join(f"{c:>8}" for c in COLUMNS)


def _row(label: str, figures: tuple[int, ...]) -> str:
    return f"  {label:<{LABEL}}" + "".join(f"{n:>8}" for n in figures)


def summary(report: Report) -> str:
    """The agreement of each norm set with the record over all hearings, one row a norm set."""
    lines = [f"Agreement with the record: {report.cases} cases, {report.hearings} hearings of the accused, "
             "each replayed under each norm set", _header()]
    lines += [_row(item.norm_set, item.overall.figures()) for item in report.agreement]
    return "\n".join(lines) + "\n"


def _norm_set_line(info: NormSetInfo) -> str:
    return f"{info.id} ({info.kind}; in force {info.in_force}; {info.rules} rules)"


def as_text(report: Report) -> str:
    infos = {n.id: n for n in report.norm_sets}
    lines = [f"Corpus report: {report.cases} cases, {report.hearings} hearings of the accused, "
             f"{len(report.norm_sets)} norm sets", "=" * WIDTH, "", "AGREEMENT WITH THE RECORD"]
    lines += wrap("Each recorded hearing replayed under each norm set; the period is the norm set in force "
                   "at the hearing's date.", "")
    for item in report.agreement:
        lines += ["", _norm_set_line(infos[item.norm_set]), _header()]
        lines.append(_row("all hearings", item.overall.figures()))
        lines.append("  by period")
        lines += [_row(c.key, c.figures()) for c in item.by_period]
        lines.append("  by body")
        lines += [_row(c.key, c.figures()) for c in item.by_body]
    expulsions = report.expulsions
    lines += ["", "RECORDED EXPULSIONS THE 1938 NORMS WOULD NOT HAVE PRODUCED"]
    if not expulsions.available:
        lines.append(f"  no norm set {expulsions.norm_set!r} in the rules folder")
    else:
        lines.append(f"  {len(expulsions.not_produced)} of {expulsions.recorded} recorded expulsions "
                     f"(replayed under {expulsions.norm_set})")
        for lost in expulsions.not_produced:
            lines += wrap(f"{lost.case}/{lost.hearing}, {lost.date}, {lost.body} (period {lost.period})", "      ",
                           "  - ")
            prescribed = f"{lost.prescribed} by rule {lost.rule}" if lost.prescribed else "nothing (no rule applies)"
            lines += wrap(f"recorded {lost.recorded}; prescribed {prescribed}", "      ")
    lines += ["", "RULE COVERAGE"]
    lines += wrap("Cases on which each rule fires, replayed along the record and simulated.", "")
    for cover in report.coverage:
        lines += ["", f"{cover.norm_set}: {cover.exercised} of {len(cover.rules)} rules exercised"]
        for use in cover.rules:
            if use.replay or use.simulation:
                lines += wrap(f"{use.rule}{' (route)' if use.route else ''}", "      ", "  ")
                if use.replay:
                    lines += wrap(f"replay ({len(use.replay)}): {', '.join(use.replay)}", "        ", "      ")
                if use.simulation:
                    lines += wrap(f"simulation ({len(use.simulation)}): {', '.join(use.simulation)}", "        ",
                                   "      ")
        if cover.unexercised:
            lines += wrap(f"not exercised ({len(cover.unexercised)}): {', '.join(cover.unexercised)}", "    ", "  ")
    lines += _practice_text(report.practice)
    lines += _lawful_text(report)
    lines += _judged_text(report)
    lines += _deciding_text(report)
    if report.failures:
        lines += ["", f"FAILURES ({len(report.failures)})"]
        for failure in report.failures:
            lines += wrap(f"{failure.norm_set}, {failure.case}, {failure.mode}: {failure.message}", "      ", "  - ")
    return "\n".join(lines) + "\n"


PRACTICE_INTRO = ("Each practice set beside the norms of its period, both replayed on the hearings of that period. "
                  "For each rule of the practice set's own file: the cases it is drawn from, and the cases where it "
                  "decided a hearing of the period, alone or concurring with the deciding rule, and the record agrees "
                  "(fits) or disagrees (contradicts); a route "
                  "rule fits where the accused's next recorded hearing is at the body it names, or, for `end`, where "
                  "none follows. A case can do both, at different hearings.")


def _cases(cases: list[str]) -> str:
    return f"({len(cases)}) {', '.join(cases) or '-'}"


def _drawn_from(rule: PracticeRule) -> str:
    if rule.drawn_from:
        return ", ".join(rule.drawn_from)
    return "no case: the book reports it in general terms" if rule.general else "-"


def _practice_text(practice: list[PracticeSet]) -> list[str]:
    if not practice:
        return []
    lines = ["", "PRACTICE RULES AGAINST THE RECORD", *wrap(PRACTICE_INTRO, "")]
    for item in practice:
        lines += ["", f"{item.norm_set} (period {item.period})",
                  f"    {'':<{LABEL - 2}}" + "".join(f"{c:>8}" for c in COLUMNS)]
        # indented past the agreement tables' rows, so that the two kinds of row are told apart
        lines += [f"    {c.key if c is item.norms else item.norm_set:<{LABEL - 2}}" + "".join(f"{n:>8}" for n in
                                                                                         c.figures())
                  for c in (item.norms, item.practice)]
        for rule in item.rules:
            lines += wrap(f"{rule.rule}{' (route)' if rule.route else ''}", "      ", "  ")
            lines += wrap(f"drawn from: {_drawn_from(rule)}", "        ", "      ")
            lines += wrap(f"fits {_cases(rule.fits)}", "        ", "      ")
            lines += wrap(f"contradicts {_cases(rule.contradicts)}", "        ", "      ")
    return lines


def _practice_markdown(practice: list[PracticeSet]) -> list[str]:
    if not practice:
        return []
    out = ["", "## Practice rules against the record", "", PRACTICE_INTRO]
    for item in practice:
        out += ["", f"### {item.norm_set} (period {item.period})", "",
                "| norm set | agree | harsher | milder | no-rule | unrecorded | total |",
                "|---|---:|---:|---:|---:|---:|---:|"]
        out += [f"| `{name}` | " + " | ".join(str(n) for n in c.figures()) + " |"
                for name, c in ((item.period, item.norms), (item.norm_set, item.practice))]
        out += ["", "| rule | drawn from | fits | contradicts |", "|---|---|---|---|"]
        out += [f"| `{r.rule}`{' (route)' if r.route else ''} | {_drawn_from(r)} | {_cases(r.fits)} | "
                f"{_cases(r.contradicts)} |" for r in item.rules]
    return out


def _table(rows: list[Counts], first: str) -> list[str]:
    out = [f"| {first} | agree | harsher | milder | no-rule | unrecorded | total |",
           "|---|---:|---:|---:|---:|---:|---:|"]
    return out + [f"| {c.key} | " + " | ".join(str(n) for n in c.figures()) + " |" for c in rows]


def as_markdown(report: Report) -> str:
    infos = {n.id: n for n in report.norm_sets}
    out = ["# Corpus report", "", f"{report.cases} cases, {report.hearings} hearings of the accused, "
           f"{len(report.norm_sets)} norm sets.", "", "## Agreement with the record", "",
           "Each recorded hearing replayed under each norm set; the period is the norm set in force at the "
           "hearing's date."]
    for item in report.agreement:
        out += ["", f"### {_norm_set_line(infos[item.norm_set])}", ""]
        out += _table([item.overall, *item.by_period], "period") + [""] + _table(item.by_body, "body")
    expulsions = report.expulsions
    out += ["", "## Recorded expulsions the 1938 norms would not have produced", ""]
    if not expulsions.available:
        out.append(f"No norm set `{expulsions.norm_set}` in the rules folder.")
    else:
        out += [f"{len(expulsions.not_produced)} of {expulsions.recorded} recorded expulsions (replayed under "
                f"`{expulsions.norm_set}`).", "", "| case | hearing | date | body | period | recorded | prescribed "
                "| rule |", "|---|---|---|---|---|---|---|---|"]
        out += [f"| {x.case} | {x.hearing} | {cell(x.date)} | {x.body} | {x.period} | {x.recorded} | "
                f"{x.prescribed or '-'} | {f'`{x.rule}`' if x.rule else '-'} |" for x in expulsions.not_produced]
    out += ["", "## Rule coverage"]
    for cover in report.coverage:
        out += ["", f"### {cover.norm_set}", "", f"{cover.exercised} of {len(cover.rules)} rules exercised.", "",
                "| rule | replay | simulation |", "|---|---|---|"]
        out += [f"| `{u.rule}`{' (route)' if u.route else ''} | {len(u.replay)}: {', '.join(u.replay) or '-'} | "
                f"{len(u.simulation)}: {', '.join(u.simulation) or '-'} |" for u in cover.rules]
        if cover.unexercised:
            out += ["", f"Not exercised ({len(cover.unexercised)}): " + ", ".join(f"`{r}`" for r in cover.unexercised)]
    out += _practice_markdown(report.practice)
    out += _lawful_markdown(report)
    out += _judged_markdown(report)
    out += _deciding_markdown(report)
    if report.failures:
        out += ["", "## Failures", ""]
        out += [f"- {f.norm_set}, {f.case}, {f.mode}: {md_text(f.message)}" for f in report.failures]
    return "\n".join(out) + "\n"


LAWFUL = ("The lawful paths of each case under each norm set (`simulate`): from a start that follows the record, "
          "every route the norms leave open, each end of a range that changes the route, the accused's appeal or "
          "not. For each norm set: how many cases end, in the record, with an outcome some lawful path reaches, "
          "how many follow a lawful path step by step, on how many no rule of the set decides anything, and the "
          "other cases, whose recorded outcome no lawful path reaches.")


def _lawful_text(report: Report) -> list[str]:
    lines = ["", "THE RECORD AMONG THE LAWFUL PATHS", *wrap(LAWFUL.replace("`", ""), "")]
    for item in report.lawful:
        lines += ["", *wrap(f"{item.norm_set}: the recorded outcome is a lawful one in {item.recorded_among} of "
                            f"{item.cases} cases; the record follows a lawful path in {item.on_a_path}; no rule "
                            f"decides on any path in {item.undecided}", "  ")]
        for case in item.outside:
            lines += wrap(f"{case.case}: {case.words}", "      ", "  - ")
    return lines


def _lawful_markdown(report: Report) -> list[str]:
    out = ["", "## The record among the lawful paths", "", LAWFUL, "", "| norm set | cases | recorded outcome "
           "lawful | record on a lawful path | no rule decides |", "|---|---:|---:|---:|---:|"]
    out += [f"| `{item.norm_set}` | {item.cases} | {item.recorded_among} | {item.on_a_path} | {item.undecided} |"
            for item in report.lawful]
    for item in report.lawful:
        if item.outside:
            out += ["", f"### Outside the lawful outcomes of {item.norm_set}", ""]
            out += [f"- `{c.case}`: {md_text(c.words)}" for c in item.outside]
    return out


JUDGED = ("The record's entries other than hearings (the accused's dismissals and arrests, appeals by or for the "
          "accused) that a judgment of each norm set weighs, with its verdict; 'not in force' marks an entry dated "
          "when that norm set was not, or not wholly, in force.")


def _judged_text(report: Report) -> list[str]:
    if not report.judgments:
        return []
    lines = ["", "DISMISSALS, ARRESTS AND APPEALS JUDGED", *wrap(JUDGED, "")]
    for norm_set, rows in report.judgments.items():
        lines += ["", f"{norm_set} ({len(rows)})"]
        for row in rows:
            lines += wrap(f"{row.case}/{row.entry} ({row.type}, {row.date}): {VERDICT_WORDS[row.verdict]} by "
                          f"{row.rule}{PERIOD_MARKS[row.outside_period]}", "      ", "  - ")
    return lines


def _judged_markdown(report: Report) -> list[str]:
    if not report.judgments:
        return []
    out = ["", "## Dismissals, arrests and appeals judged", "", JUDGED]
    for norm_set, rows in report.judgments.items():
        out += ["", f"### {norm_set}", ""]
        out += table(["case", "entry", "date", "verdict", "judgment"],
                     [[code(r.case), code(r.entry), r.date, VERDICT_WORDS[r.verdict] + PERIOD_MARKS[r.outside_period],
                       code(r.rule)] for r in rows])
    return out


DECIDING = ("Facts that most often decide outcomes: for each fact that `sensitivity` varies, the prescribed "
            "decisions (hearings of all cases) that some single change of it alters, each replayed in full.")


def _deciding_text(report: Report) -> list[str]:
    lines = ["", "FACTS THAT MOST OFTEN DECIDE OUTCOMES", *wrap(DECIDING.replace("`", ""), "")]
    for item in report.deciding_facts:
        lines += ["", f"{item.norm_set} ({item.hearings} hearings)", f"  {'fact':<{LABEL}}{'flips':>8}{'cases':>8}"]
        lines += [f"  {f.variation:<{LABEL}}{f.flips:>8}{f.cases:>8}" for f in item.facts] or ["  no change alters "
                                                                                               "any decision"]
    return lines


def _deciding_markdown(report: Report) -> list[str]:
    out = ["", "## Facts that most often decide outcomes", "", DECIDING]
    for item in report.deciding_facts:
        out += ["", f"### {item.norm_set}", "", f"{item.hearings} hearings.", "", "| fact | what varies | flips | "
                "cases |", "|---|---|---:|---:|"]
        out += [f"| `{f.variation}` | {md_text(f.about)} | {f.flips} | {f.cases} |" for f in item.facts]
    return out


def render(report: Report, format: str) -> str:
    return {"json": Report.to_json, "text": as_text, "markdown": as_markdown}[format](report)


_BEGINNINGS = (re.compile(r"Corpus report: \d+ cases, \d+ hearings of the accused"),
               re.compile(r"# Corpus report\n\n\d+ cases, \d+ hearings of the accused"),
               re.compile(r'\{\n  "cases": \d+,\n  "hearings": \d+,\n  "norm_sets": \['))


def emitted(report: Report, format: str, out: Path | None = None, summary_only: bool = False) -> str:
    """Write the report to `out` when given (replaced in one step); what to print: the summary alone, or the
    report when it goes to no file."""
    if out is not None:
        write_text(out, visible(render(report, format)))
    if summary_only:
        return summary(report)
    return render(report, format) if out is None else ""


def is_report(head: str) -> bool:
    """Whether a file beginning with `head` is a report this command wrote, in any of its formats
    (`report --out` replaces such a file without --force)."""
    return any(beginning.match(head) for beginning in _BEGINNINGS)


WRITES = outputs.Writes("report", folder=False, example="out/report.md", recognise=is_report)
