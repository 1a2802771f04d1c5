"""The rule file format: norm sets, their rules, and how one norm set extends another.

A norm set is a YAML file under `rules/`. It may `extend` another norm set and then
add rules, `replace` rules of the base by id, and `remove` them, as an OpenFisca
reform changes a baseline. A rule says, in data and never in code: at which bodies it
applies, the facts of the situation it needs (see `situation.CATALOGUE`), the decision
it prescribes, which rules it overrides, and the source of the norm.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, StringConstraints, Tag

from case_procedure.case import Strict
from case_procedure.codebook import Body, Decision, label, severity
from case_procedure.condition import Condition, Test, conditions
from case_procedure.dates import Day
from case_procedure.errors import InputError, Problem
from case_procedure.scalars import AsWritten, Flag, Text, Whole
from case_procedure.situation import CATALOGUE, ENTRY_FACTS, ENTRY_ONLY, OPENING, ROUTE_FACTS, JudgedEntry
from case_procedure.sources import Source
from case_procedure.yamlfile import LineMap, Loc, load_model, problem_at

RuleId = Annotated[str, AsWritten, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=80)]
Key = Annotated[str, AsWritten, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64)]
RULES_DIR = Path("rules")
MAX_EXTENDS = 16  # how long a chain of `extends` may be
MAX_RULES = 500  # rules in one file; the largest norm set has 35


class Pattern(BaseModel):
    """Tests on one fact: `{fact: tie, closeness: close, other_arrested: true}`.

    A value may be a single value, a list (any of them), `{not: v}`, `{at_least: n}` or `{at_most: n}`.
    """

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, Test] = Field(init=False)

    fact: str = Field(description="A fact kind of the situation catalogue")

    def tests(self) -> dict[str, Test]:
        return dict(self.__pydantic_extra__ or {})

    def conditions(self) -> list[Condition]:
        """The tests normalised, in attribute order (condition.py)."""
        return conditions(self.tests())


class Range(Strict):
    """A range on the severity ladder: `{at_least: reprimand, at_most: expulsion, typical: expulsion}`."""

    model_config = ConfigDict(**Strict.model_config, frozen=True)  # ranges are compared and collected in sets
    at_least: Decision
    at_most: Decision = Field(description="A bound on the severity ladder; it need not be in the body's powers")
    typical: Decision | None = Field(default=None, description="The decision the book reports as usual, if it "
                                     "gives one")

    @classmethod
    def point(cls, decision: str) -> "Range":
        return cls(at_least=decision, at_most=decision, typical=decision)

    @property
    def is_point(self) -> bool:
        return self.at_least == self.at_most == self.typical

    def key(self) -> tuple[int, int, int]:
        """How grave the range is, for choosing the gravest of several: its ceiling, then its typical (or
        floor), then its floor."""
        return (severity(self.at_most), severity(self.typical or self.at_least), severity(self.at_least))

    def ordering_problem(self) -> str | None:
        low, high = severity(self.at_least), severity(self.at_most)
        if low > high:
            return f"at_least {self.at_least} is graver than at_most {self.at_most}"
        if self.typical is not None and not low <= severity(self.typical) <= high:
            return f"typical {self.typical} lies outside {self.at_least}..{self.at_most}"
        return None

    def describe(self) -> str:
        """'reprimand to expulsion (typically expulsion)', or the one decision of a point."""
        if self.is_point:
            return label(self.at_least)
        typical = f" (typically {label(self.typical)})" if self.typical else ""
        return f"{label(self.at_least)} to {label(self.at_most)}{typical}"


def _outcome_form(value: object) -> str:
    return "range" if isinstance(value, (dict, Range)) else "decision"


# a decision, or a range; the discriminator keeps a misspelt decision's message to the decision alone
Outcome = Annotated[Union[Annotated[Decision, Tag("decision")], Annotated[Range, Tag("range")]],
                    Discriminator(_outcome_form)]


class Cap(Strict):
    """A ceiling on what other rules prescribe for the charges a cap rule matches."""

    at_most: Decision = Field(description="The gravest decision left open; a bound on the severity ladder")
    typical: Decision | None = Field(default=None, description="The decision the book reports instead, where the "
                                     "ceiling cuts off the usual one")


END = "end"
NormSetKind = Literal["norms", "practice", "base"]


CHARGE = "charge"  # the fact kind a ground rule or a cap tests: one per charge


class Rule(Strict):
    """A decision rule (`decide`), a cap (`cap`) or a route rule (`route`); see docs/rule-format.md."""

    id: RuleId
    statement: Text = Field(description="The norm in plain English; never a person or a case")
    reading: Literal["stated", "practice", "inferred"] = Field(
        description="stated: the book states the norm; practice: the book reports it as what bodies did; "
        "inferred: our generalization from the book's cases")
    at: list[Union[Body, Literal["opening"]]] = Field(
        min_length=1, description="Bodies at which the rule applies; route rules may also apply at the `opening`")
    when: list[Pattern] = Field(default=[], description="Facts that must all be present")
    decide: Outcome | None = Field(
        default=None, description="The decision prescribed (a decision rule), or a range "
        "`{at_least, at_most, typical}` on the severity ladder")
    cap: Cap | None = Field(default=None, description="A ceiling on what other rules prescribe for the charges this "
                            "rule's `charge` patterns match (a cap rule); it never prescribes alone")
    combination: Flag = Field(default=False, description="A ground rule whose charge patterns must be met by distinct "
                              "charges: it states that the combination is graver than its gravest ground")
    also: list[Decision] = []
    route: Union[Body, Literal["end"], None] = Field(
        default=None, description="The body that takes the case up next, or `end` (a route rule)")
    overrides: list[RuleId] = Field(default=[], description="Rules this one takes precedence over")
    optional: Flag = Field(default=False, description="A route the norm permits but does not require: the lawful "
                           "paths follow it and also the route the other rules give without it")
    drawn_from: list[Key] = Field(default=[], description="Cases a practice rule is drawn from")
    general: Flag = Field(default=False, description="A practice the book reports in general terms, with no case "
                          "of the corpus behind it; its source says where")
    source: list[Key] = Field(min_length=1)
    note: Text | None = None

    @property
    def is_route(self) -> bool:
        return self.route is not None

    @property
    def is_cap(self) -> bool:
        return self.cap is not None

    @property
    def charge_patterns(self) -> tuple[int, ...]:
        """The indices in `when` of the patterns on a charge."""
        return tuple(i for i, p in enumerate(self.when) if p.fact == CHARGE)

    @property
    def is_ground(self) -> bool:
        """A decision rule over charges: it prescribes for each charge its charge patterns match."""
        return self.decide is not None and bool(self.charge_patterns)

    @property
    def range(self) -> Range | None:
        """What a decision rule prescribes, as a range (a point for a single decision)."""
        if self.decide is None:
            return None
        return self.decide if isinstance(self.decide, Range) else Range.point(self.decide)

    @property
    def outcome(self) -> tuple[object, ...]:
        """What the rule prescribes, for comparing two rules."""
        if self.route is not None:
            return (self.route,)
        if self.cap is not None:
            return ("cap", self.cap.at_most, self.cap.typical)
        assert self.range is not None
        return (self.range.at_least, self.range.at_most, self.range.typical, *self.also)

    def describe_outcome(self) -> str:
        if self.route is not None:
            return "the case ends" if self.route == END else f"goes to the {label(self.route)}"
        if self.cap is not None:
            return f"at most {label(self.cap.at_most)}"
        assert self.range is not None
        return " + ".join([self.range.describe(), *(label(d) for d in self.also)])


class Power(Strict):
    """What one body may decide."""

    id: RuleId
    body: Body
    may: list[Decision] = Field(min_length=1)
    statement: Text
    source: list[Key] = Field(min_length=1)


class Within(Strict):
    """A time limit: calendar months and days."""

    months: Whole = Field(default=0, ge=0, le=120)
    days: Whole = Field(default=0, ge=0, le=3650)

    def words(self) -> str:
        parts = [f"{n} {unit}{'s' * (n != 1)}" for n, unit in ((self.months, "month"), (self.days, "day")) if n]
        return " and ".join(parts) or "0 days"


class Deadline(Strict):
    """A time limit the norms set on what follows an entry of the record (see clock.py): an appeal answered,
    an expulsion undone, a statement heard."""

    id: RuleId
    statement: Text = Field(description="The time limit in plain English; never a person or a case")
    since: Literal["appeal", "expulsion", "statement"] = Field(
        description="appeal: the accused's appeal, answered by a hearing of the accused or a reinstatement; "
        "expulsion: an expulsion, answered by a reinstatement; statement: the first statement about the accused, "
        "answered by the accused's first hearing after it")
    within: Within
    source: list[Key] = Field(min_length=1)
    note: Text | None = None


# What a judgment says of an entry of the record: the norm forbade it, required it, allowed it, or (an appeal) gives
# it no remedy
Verdict = Literal["forbidden", "required", "permitted", "no_remedy"]


class Remedy(Strict):
    """What the norm requires where it forbade what happened: `{statement: rehired, within: {months: 1}}`."""

    statement: Text = Field(description="What is to be done, in plain English")
    within: Within | None = Field(default=None, description="The time limit the norm gives for it, if any")

    def words(self) -> str:
        return f"{self.statement} within {self.within.words()}" if self.within else self.statement


class Judgment(Strict):
    """A rule on an entry of the record other than a hearing (see docs/rule-format.md): the accused's dismissal or
    arrest, or an appeal by or for the accused. It tests the facts of that entry (`situation.ENTRY_FACTS`) and
    says whether the norm forbade, required or allowed it, or (an appeal) leaves it without remedy."""

    id: RuleId
    statement: Text = Field(description="The norm in plain English; never a person or a case")
    reading: Literal["stated", "practice", "inferred"]
    entries: list[JudgedEntry] = Field(min_length=1, description="The kinds of entry judged: dismissal, arrest, "
                                       "appeal")
    when: list[Pattern] = Field(default=[], description="Facts of the entry that must all be present")
    verdict: Verdict
    remedy: Remedy | None = Field(default=None, description="What the norm requires instead, where it forbade it")
    overrides: list[RuleId] = Field(default=[], description="Judgments this one takes precedence over")
    source: list[Key] = Field(min_length=1)
    note: Text | None = None


class Provision(Strict):
    """A provision of the documents behind a norm set: encoded by rules, or out of scope with the reason."""

    id: RuleId
    text: Text
    status: Literal["encoded", "out_of_scope"]
    rules: list[RuleId] = Field(default=[], description="The rules encoding it (status encoded)")
    powers: list[RuleId] = Field(default=[], description="The powers encoding it (status encoded)")
    deadlines: list[RuleId] = Field(default=[], description="The deadlines encoding it (status encoded)")
    judgments: list[RuleId] = Field(default=[], description="The judgments encoding it (status encoded)")
    reason: Text | None = Field(default=None, description="Why it is not encoded (status out_of_scope)")
    source: list[Key] = Field(min_length=1)
    note: Text | None = None


class InForce(Strict):
    from_: Day = Field(alias="from")
    until: Day | None = None

    def days_within(self, low: dt.date, high: dt.date) -> int:
        """How many days of the span low..high (inclusive) fall while the norm set is in force."""
        start, end = max(low, self.from_), min(high, self.until or high)
        return max(0, (end - start).days + 1)

    def words(self) -> str:
        """'1938-01-20 to 1939-03-09', or 'from 1939-03-10' for a period left open."""
        return f"{self.from_} to {self.until}" if self.until else f"from {self.from_}"


class NormSetFile(Strict):
    id: Key
    title: Text
    summary: Text
    kind: NormSetKind = Field(default="norms", description="norms: what the Party laid down; practice: what "
                              "bodies observably did; base: what held across periods")
    in_force: InForce
    sources: dict[Key, Source] = Field(min_length=1)
    cites: list[Key] = Field(min_length=1, description="The sources of the norm set as a whole")
    extends: Key | None = None
    charges: Literal["trust", "record"] | None = Field(
        default=None, description="Which formal charges the rules see: every one as the body laid it (trust), or "
        "only those the record supports (record); inherited through `extends`, else trust")
    rules: list[Rule] = Field(default=[], max_length=MAX_RULES,
                              description="Rules added (or, without `extends`, all rules)")
    replace: list[Rule] = Field(default=[], max_length=MAX_RULES,
                                description="Rules of the base norm set replaced, matched by id")
    remove: list[RuleId] = Field(default=[], description="Ids of rules of the base norm set dropped")
    powers: list[Power] = Field(default=[], description="Who may decide what; inherited and extended")
    deadlines: list[Deadline] = Field(default=[], description="Time limits the record is checked against; "
                                      "inherited and extended")
    judgments: list[Judgment] = Field(default=[], max_length=MAX_RULES, description="Rules on entries other than "
                                      "hearings (dismissals, arrests, appeals); inherited, and replaced by id")
    provisions: list[Provision] = Field(default=[], description="Every provision: encoded or out of scope")


# -- Resolved norm sets --------------------------------------------------------------------

@dataclass(frozen=True)
class ResolvedRule:
    rule: Rule
    sources: tuple[Source, ...]
    file: Path

    @property
    def id(self) -> str:
        return self.rule.id


@dataclass(frozen=True)
class ResolvedPower:
    power: Power
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class ResolvedDeadline:
    deadline: Deadline
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class ResolvedJudgment:
    judgment: Judgment
    sources: tuple[Source, ...]
    file: Path

    @property
    def id(self) -> str:
        return self.judgment.id

    @property
    def rule(self) -> Judgment:
        """The judgment as written, under the name a resolved rule gives its rule (`trace.rule_ref` reads both)."""
        return self.judgment


@dataclass(frozen=True)
class NormSet:
    id: str
    title: str
    summary: str
    kind: str
    in_force: InForce
    sources: tuple[Source, ...]
    rules: tuple[ResolvedRule, ...]
    file: Path
    extends: str | None
    powers: tuple[ResolvedPower, ...] = ()
    provisions: tuple[tuple[Provision, tuple[Source, ...]], ...] = ()
    # the file as written and its line map, to locate later findings (a `drawn_from` naming no case)
    spec: NormSetFile | None = field(default=None, compare=False, repr=False)
    lines: LineMap | None = field(default=None, compare=False, repr=False)
    charge_basis: str = "trust"  # which formal charges its rules see: all (`trust`), or the supported (`record`)
    deadlines: tuple[ResolvedDeadline, ...] = ()
    judgments: tuple[ResolvedJudgment, ...] = ()

    @cached_property
    def _by_id(self) -> dict[str, ResolvedRule]:
        return {r.id: r for r in self.rules}

    def rule(self, rule_id: str) -> ResolvedRule:
        return self._by_id[rule_id]

    @cached_property
    def decision_rules(self) -> tuple[ResolvedRule, ...]:
        return tuple(r for r in self.rules if not r.rule.is_route)

    @cached_property
    def route_rules(self) -> tuple[ResolvedRule, ...]:
        return tuple(r for r in self.rules if r.rule.is_route)

    def may_decide(self, body: str) -> set[str] | None:
        """The decisions a body may take, or None when the norm set says nothing of its powers."""
        entries = [p.power for p in self.powers if p.power.body == body]
        return {d for p in entries for d in p.may} if entries else None


# Counts and ranks in a situation are small; durable-rules clips integers beyond 64 bits (so `at_most:
# 2**63 - 1` would hold of 2**63), and a tighter bound keeps every literal far from that edge.
RULE_NUMBER_LIMIT = 1_000_000


def pattern_problems(pattern: Pattern, loc: Loc) -> list[tuple[Loc, str]]:
    attributes = CATALOGUE.get(pattern.fact)
    if attributes is None:
        return [((*loc, "fact"), f"no fact {pattern.fact!r} in the situation; known: {', '.join(CATALOGUE)}")]
    problems: list[tuple[Loc, str]] = []
    for condition in pattern.conditions():
        name = condition.attribute
        attribute = attributes.get(name)
        if attribute is None:
            problems.append(((*loc, name), f"fact {pattern.fact!r} has no attribute {name!r}; "
                             f"known: {', '.join(attributes)}"))
            continue
        if condition.is_bound and attribute.kind is not int:
            problems.append(((*loc, name), f"{name!r} is not a number; use a value or a list"))
            continue
        for value in condition.values:
            if attribute.kind is bool and not isinstance(value, bool):
                problems.append(((*loc, name), f"{name!r} is true or false, not {value!r}"))
            elif attribute.kind is int and (isinstance(value, bool) or not isinstance(value, int)):
                problems.append(((*loc, name), f"{name!r} is a number, not {value!r}"))
            elif attribute.kind is int and isinstance(value, int) and abs(value) > RULE_NUMBER_LIMIT:
                problems.append(((*loc, name), f"{value} is out of range: a rule compares numbers between "
                                 f"{-RULE_NUMBER_LIMIT:,} and {RULE_NUMBER_LIMIT:,}"))
            elif attribute.kind is str and (not isinstance(value, str) or value not in (attribute.values or ())):
                problems.append(((*loc, name), f"unknown term {value!r} for {pattern.fact}.{name}; "
                                 f"known: {', '.join(attribute.values or ())}"))
    return problems


def file_problems(spec: NormSetFile, path: Path) -> list[tuple[Loc, str]]:
    """Problems visible in one file alone: sources, facts, dates, duplicate ids."""
    problems: list[tuple[Loc, str]] = []
    if spec.id != path.stem:
        problems.append((("id",), f"norm set id {spec.id!r} must match the file name {path.stem!r}"))
    if spec.in_force.until and spec.in_force.until < spec.in_force.from_:
        problems.append((("in_force", "until"), "the norm set ends before it comes into force"))
    for i, key in enumerate(spec.cites):
        if key not in spec.sources:
            problems.append((("cites", i), f"no source {key!r} in `sources`"))
    if spec.extends is None and (spec.replace or spec.remove):
        problems.append((("replace" if spec.replace else "remove",), "only a norm set that extends another "
                         "can replace or remove rules"))
    seen: set[str] = set()
    for part in ("rules", "replace"):
        for i, rule in enumerate(getattr(spec, part)):
            if rule.id in seen:
                problems.append(((part, i, "id"), f"rule id {rule.id!r} is used twice"))
            seen.add(rule.id)
            problems += _source_problems(rule.source, spec, (part, i))
            problems += _rule_shape_problems(rule, spec.kind, (part, i))
            for j, pattern in enumerate(rule.when):
                problems += pattern_problems(pattern, (part, i, "when", j))
                if pattern.fact in ROUTE_FACTS and not rule.is_route:
                    problems.append(((part, i, "when", j, "fact"), f"only a route rule can test the "
                                     f"{pattern.fact!r} fact: it exists once the step has decided"))
                if pattern.fact in ENTRY_ONLY:
                    problems.append(((part, i, "when", j, "fact"), f"only a judgment can test the {pattern.fact!r} "
                                     "fact: it describes an entry other than a hearing"))
    for i, judgment in enumerate(spec.judgments):
        loc = ("judgments", i)
        for j, pattern in enumerate(judgment.when):
            problems += pattern_problems(pattern, (*loc, "when", j))
            if pattern.fact in CATALOGUE and pattern.fact not in ENTRY_FACTS:
                problems.append(((*loc, "when", j, "fact"), f"a judgment tests the facts of the entry it judges "
                                 f"({', '.join(ENTRY_FACTS)}), not {pattern.fact!r}"))
        if judgment.remedy is not None and judgment.verdict != "forbidden":
            problems.append(((*loc, "remedy"), "a remedy says what is to be done instead of what a norm forbade; "
                             f"this judgment's verdict is {judgment.verdict}"))
    for part in ("powers", "provisions", "deadlines", "judgments"):
        ids: set[str] = set()
        for i, item in enumerate(getattr(spec, part)):
            if item.id in ids:
                problems.append(((part, i, "id"), f"id {item.id!r} is used twice"))
            ids.add(item.id)
            problems += _source_problems(item.source, spec, (part, i))
    for i, deadline in enumerate(spec.deadlines):
        if not (deadline.within.months or deadline.within.days):
            problems.append((("deadlines", i, "within"), "a deadline gives months or days, at least one"))
    for i, provision in enumerate(spec.provisions):
        if provision.status == "encoded" and not (provision.rules or provision.powers or provision.deadlines
                                                  or provision.judgments):
            problems.append((("provisions", i, "rules"), "an encoded provision names the rules, powers, "
                             "deadlines or judgments that encode it"))
        if provision.status == "out_of_scope" and not provision.reason:
            problems.append((("provisions", i, "reason"), "a provision out of scope gives the reason"))
    return problems


def _source_problems(keys: list[str], spec: NormSetFile, loc: Loc) -> list[tuple[Loc, str]]:
    return [((*loc, "source", j), f"no source {key!r} in `sources`")
            for j, key in enumerate(keys) if key not in spec.sources]


def _rule_shape_problems(rule: Rule, kind: str, loc: Loc) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []
    if sum(x is not None for x in (rule.decide, rule.cap, rule.route)) != 1:
        problems.append(((*loc, "decide"), "a rule has exactly one of `decide` (a decision), `cap` (a ceiling) or "
                         "`route` (the next body)"))
    if rule.also and rule.decide is None:
        problems.append(((*loc, "also"), "`also` adds to a decision; a route rule or a cap has none"))
    ordering = rule.range.ordering_problem() if rule.range else None
    if ordering:
        problems.append(((*loc, "decide"), f"the range is out of order on the severity ladder: {ordering}"))
    if rule.cap is not None and rule.cap.typical and severity(rule.cap.typical) > severity(rule.cap.at_most):
        problems.append(((*loc, "cap", "typical"), f"typical {rule.cap.typical} is graver than the cap's at_most "
                         f"{rule.cap.at_most}"))
    if rule.cap is not None and not rule.charge_patterns:
        problems.append(((*loc, "cap"), "a cap bounds what is prescribed for charges; it needs a `charge` pattern"))
    if rule.combination and (rule.decide is None or len(rule.charge_patterns) < 2):
        problems.append(((*loc, "combination"), "a combination rule decides, and has at least two `charge` "
                         "patterns, met by distinct charges"))
    if rule.optional and not rule.is_route:
        problems.append(((*loc, "optional"), "only a route can be optional: a decision rule that may not apply is "
                         "a range (`decide: {at_least, at_most}`)"))
    if OPENING in rule.at and not rule.is_route:
        problems.append(((*loc, "at"), "only a route rule applies at the `opening`, before any body has decided"))
    if kind == "practice" and rule.reading == "practice" and not rule.drawn_from and not rule.general:
        problems.append(((*loc, "drawn_from"), "a practice rule names the cases it is drawn from, or says with "
                         "`general: true` that the book reports it in general terms"))
    return problems


@dataclass
class _Loaded:
    spec: NormSetFile
    path: Path
    lines: LineMap


def _resolve(name: str, loaded: dict[str, _Loaded], done: dict[str, NormSet], chain: tuple[str, ...],
             problems: list[Problem], broken: set[str]) -> NormSet | None:
    if name in done:
        return done[name]
    item = loaded[name]
    spec, path = item.spec, item.path

    def problem(loc: Loc, message: str) -> None:
        problems.append(problem_at(path, item.lines, loc, message))

    def own(rule: Rule) -> ResolvedRule:
        return ResolvedRule(rule, tuple(spec.sources[k] for k in rule.source if k in spec.sources), path)

    rules: dict[str, ResolvedRule] = {}
    powers: dict[str, ResolvedPower] = {}
    deadlines: dict[str, ResolvedDeadline] = {}
    judgments: dict[str, ResolvedJudgment] = {}
    base: NormSet | None = None
    if spec.extends:
        if spec.extends in chain or spec.extends == name:
            members = (*chain[chain.index(spec.extends):], name) if spec.extends in chain else (name,)
            if name == min(members):  # one message per circle, in the file of its first member
                start = members.index(name)
                circle = (*members[start:], *members[:start], name)
                problem(("extends",), f"norm sets extend each other in a circle: {' -> '.join(circle)}")
            return None
        if _extends_depth(name, loaded) > MAX_EXTENDS:  # checked before the recursion below can go deep
            problem(("extends",), f"norm sets extend one another more than {MAX_EXTENDS} deep; the rules folder "
                    "needs at most three")
            return None
        if spec.extends not in loaded:
            if spec.extends not in broken:  # a base that failed to load has reported its own problems
                problem(("extends",), f"no norm set {spec.extends!r} in the rules folder")
            return None
        base = _resolve(spec.extends, loaded, done, (*chain, name), problems, broken)
        if base is None:
            return None
        rules = {r.id: r for r in base.rules}
        powers = {p.power.id: p for p in base.powers}
        deadlines = {d.deadline.id: d for d in base.deadlines}
        judgments = {j.id: j for j in base.judgments}
    for i, rule_id in enumerate(spec.remove):
        if rules.pop(rule_id, None) is None:
            problem(("remove", i), f"the base norm set has no rule {rule_id!r} to remove")
    for i, rule in enumerate(spec.replace):
        if rule.id not in rules:
            problem(("replace", i, "id"), f"the base norm set has no rule {rule.id!r} to replace")
        rules[rule.id] = own(rule)
    for i, rule in enumerate(spec.rules):
        if rule.id in rules:
            problem(("rules", i, "id"), f"rule {rule.id!r} is already in the base norm set; use `replace`")
        rules[rule.id] = own(rule)
    for power in spec.powers:
        powers[power.id] = ResolvedPower(power, tuple(spec.sources[k] for k in power.source))
    for deadline in spec.deadlines:
        deadlines[deadline.id] = ResolvedDeadline(deadline, tuple(spec.sources[k] for k in deadline.source))
    for judgment in spec.judgments:
        judgments[judgment.id] = ResolvedJudgment(judgment, tuple(spec.sources[k] for k in judgment.source), path)
    normset = NormSet(spec.id, spec.title, spec.summary, spec.kind, spec.in_force,
                      tuple(spec.sources[k] for k in spec.cites if k in spec.sources),
                      tuple(sorted(rules.values(), key=lambda r: r.id)), path, spec.extends,
                      tuple(sorted(powers.values(), key=lambda p: p.power.id)),
                      tuple((p, tuple(spec.sources[k] for k in p.source)) for p in spec.provisions),
                      spec, item.lines, spec.charges or (base.charge_basis if base else "trust"),
                      tuple(sorted(deadlines.values(), key=lambda d: d.deadline.id)),
                      tuple(sorted(judgments.values(), key=lambda j: j.id)))
    for loc, message in _reference_problems(spec, normset):
        problem(loc, message)
    cycle = _override_cycle({r.id: list(r.rule.overrides) for r in rules.values()})
    if cycle:
        problem(("rules",), f"rules override each other in a circle: {' -> '.join(cycle)}")
    cycle = _override_cycle({j.id: list(j.judgment.overrides) for j in judgments.values()})
    if cycle:
        problem(("judgments",), f"judgments override each other in a circle: {' -> '.join(cycle)}")
    done[name] = normset
    return normset


def _extends_depth(name: str, loaded: dict[str, _Loaded]) -> int:
    """How many norm sets `name` rests on, counted up to MAX_EXTENDS + 1 (a circle ends the count: it is
    reported as a circle)."""
    depth, seen, current = 0, {name}, loaded[name].spec.extends
    while current in loaded and current not in seen and depth <= MAX_EXTENDS:
        seen.add(current)
        depth, current = depth + 1, loaded[current].spec.extends
    return depth


def _reference_problems(spec: NormSetFile, normset: NormSet) -> list[tuple[Loc, str]]:
    """Ids that must name rules of the resolved norm set, and decisions beyond a body's powers."""
    ids = {r.id for r in normset.rules}
    problems: list[tuple[Loc, str]] = []
    for part in ("rules", "replace"):
        for i, rule in enumerate(getattr(spec, part)):
            problems += [((part, i, "overrides", j), f"no rule {target!r} in norm set {spec.id!r}")
                         for j, target in enumerate(rule.overrides) if target not in ids]
    powers = {p.power.id for p in normset.powers}
    deadline_ids = {d.deadline.id for d in normset.deadlines}
    judgment_ids = {j.id for j in normset.judgments}
    for i, judgment in enumerate(spec.judgments):
        problems += [(("judgments", i, "overrides", j), f"no judgment {target!r} in norm set {spec.id!r}")
                     for j, target in enumerate(judgment.overrides) if target not in judgment_ids]
    for i, provision in enumerate(spec.provisions):
        problems += [(("provisions", i, "rules", j), f"no rule {target!r} in norm set {spec.id!r}")
                     for j, target in enumerate(provision.rules) if target not in ids]
        problems += [(("provisions", i, "powers", j), f"no power {target!r} in norm set {spec.id!r}")
                     for j, target in enumerate(provision.powers) if target not in powers]
        problems += [(("provisions", i, "deadlines", j), f"no deadline {target!r} in norm set {spec.id!r}")
                     for j, target in enumerate(provision.deadlines) if target not in deadline_ids]
        problems += [(("provisions", i, "judgments", j), f"no judgment {target!r} in norm set {spec.id!r}")
                     for j, target in enumerate(provision.judgments) if target not in judgment_ids]
    own = {r.id: (part, i) for part in ("rules", "replace") for i, r in enumerate(getattr(spec, part))}
    for resolved in normset.decision_rules:
        rule = resolved.rule
        if rule.is_cap:
            problems += [((*own[rule.id], "overrides", j) if rule.id in own else ("rules",),
                          f"cap {rule.id!r} overrides {target!r}, a rule over charges: a cap bounds such rules "
                          "and never sets them aside")
                         for j, target in enumerate(rule.overrides)
                         if target in ids and normset.rule(target).rule.is_ground]
        if rule.range is None:
            continue
        prescribed = [rule.range.at_least, *([rule.range.typical] if rule.range.typical else []), *rule.also]
        for body in rule.at:
            allowed = normset.may_decide(body)
            beyond = [d for d in dict.fromkeys(prescribed) if allowed is not None and d not in allowed]
            if beyond:
                where = (*own[rule.id], "decide") if rule.id in own else ("powers",)
                problems.append((where, f"rule {rule.id!r} prescribes {', '.join(map(str, beyond))} at the "
                                 f"{label(body)}, beyond that body's powers in norm set {spec.id!r}"))
    return problems


def _override_cycle(edges: dict[str, list[str]]) -> list[str] | None:
    """A circle of `overrides` (rule id -> the ids it overrides), or None. Iterative depth-first search that
    visits each rule once: a walk without memory of finished rules takes exponential time on layered precedence,
    and a recursive one overflows the stack on a long chain."""
    finished: set[str] = set()
    for start in sorted(edges):
        if start in finished:
            continue
        path, on_path, pending = [start], {start}, [iter(edges[start])]
        while pending:
            target = next(pending[-1], None)
            if target is None:
                finished.add(path[-1])
                on_path.discard(path.pop())
                pending.pop()
            elif target in on_path:
                return [*path[path.index(target):], target]
            elif target in edges and target not in finished:
                path.append(target)
                on_path.add(target)
                pending.append(iter(edges[target]))
    return None


def load_norm_sets(directory: Path = RULES_DIR) -> dict[str, NormSet]:
    """Load and resolve every norm set in a folder, or raise InputError listing every problem."""
    if not directory.is_dir():
        raise InputError([Problem(directory, None, "", "no such folder of norm set files")])
    problems: list[Problem] = []
    loaded: dict[str, _Loaded] = {}
    broken: set[str] = set()
    for path in sorted(directory.glob("*.yaml")):
        try:
            spec, lines = load_model(path, NormSetFile)
        except InputError as exc:
            problems += exc.problems
            broken.add(path.stem)
            continue
        found = file_problems(spec, path)
        problems += [problem_at(path, lines, loc, message) for loc, message in found]
        if found:
            broken.add(path.stem)
        else:
            loaded[spec.id] = _Loaded(spec, path, lines)
    if not loaded and not problems:
        problems.append(Problem(directory, None, "", "no norm set files (*.yaml) in this folder"))
    done: dict[str, NormSet] = {}
    for name in sorted(loaded):
        _resolve(name, loaded, done, (), problems, broken)
    if problems:
        raise InputError(problems)
    return done


def case_reference_problems(norm_sets: dict[str, NormSet], case_ids: set[str]) -> list[Problem]:
    """`drawn_from` entries that name no case of the corpus, located in their norm set files."""
    problems: list[Problem] = []
    for normset in sorted(norm_sets.values(), key=lambda n: n.file):
        assert normset.spec is not None and normset.lines is not None  # set by load_norm_sets
        for part in ("rules", "replace"):
            for i, rule in enumerate(getattr(normset.spec, part)):
                problems += [problem_at(normset.file, normset.lines, (part, i, "drawn_from", j),
                                        f"no case {case!r} in the corpus")
                             for j, case in enumerate(rule.drawn_from) if case not in case_ids]
    return problems
