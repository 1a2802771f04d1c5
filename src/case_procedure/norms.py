"""The rule file format: norm sets, their rules, and how one norm set extends another.

A norm set is a YAML file under `rules/`. It may `extend` another norm set and then
add rules, `replace` rules of the base by id, and `remove` them, as an OpenFisca
reform changes a baseline. A rule says, in data and never in code: at which bodies it
applies, the facts of the situation it needs (see `situation.CATALOGUE`), the decision
it prescribes, which rules it overrides, and the source of the norm.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from case_procedure.case import Text
from case_procedure.codebook import Body, Decision
from case_procedure.errors import InputError, Problem
from case_procedure.situation import CATALOGUE
from case_procedure.sources import Source
from case_procedure.yamlfile import LineMap, Loc, load_model, problem_at

RuleId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=80)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64)]
Scalar = Union[bool, int, str]
RULES_DIR = Path("rules")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)


class Not(Strict):
    not_: Scalar = Field(alias="not")


class AtLeast(Strict):
    at_least: int


class AtMost(Strict):
    at_most: int


Test = Union[Scalar, list[Scalar], Not, AtLeast, AtMost]


class Pattern(BaseModel):
    """Tests on one fact: `{fact: tie, closeness: close, other_arrested: true}`.

    A value may be a single value, a list (any of them), `{not: v}`, `{at_least: n}` or `{at_most: n}`.
    """

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, Test] = Field(init=False)

    fact: str = Field(description="A fact kind of the situation catalogue")

    def tests(self) -> dict[str, Test]:
        return dict(self.__pydantic_extra__ or {})


class Rule(Strict):
    id: RuleId
    statement: Text = Field(description="The norm in plain English; never a person or a case")
    reading: Literal["stated", "practice", "inferred"] = Field(
        description="stated: the book states the norm; practice: the book reports it as what bodies did; "
        "inferred: our generalization from the book's cases")
    at: list[Body] = Field(min_length=1, description="Bodies at which the rule applies")
    when: list[Pattern] = Field(default=[], description="Facts that must all be present")
    decide: Decision
    also: list[Decision] = []
    next_body: Body | None = None
    overrides: list[RuleId] = Field(default=[], description="Rules this one takes precedence over")
    source: list[Key] = Field(min_length=1)
    note: Text | None = None


class InForce(Strict):
    from_: dt.date = Field(alias="from")
    until: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        return self.from_ <= day and (self.until is None or day <= self.until)

    def days_within(self, low: dt.date, high: dt.date) -> int:
        """How many days of the span low..high (inclusive) fall while the norm set is in force."""
        start, end = max(low, self.from_), min(high, self.until or high)
        return max(0, (end - start).days + 1)


class NormSetFile(Strict):
    id: Key
    title: Text
    summary: Text
    in_force: InForce
    sources: dict[Key, Source] = Field(min_length=1)
    cites: list[Key] = Field(min_length=1, description="The sources of the norm set as a whole")
    extends: Key | None = None
    rules: list[Rule] = Field(default=[], description="Rules added (or, without `extends`, all rules)")
    replace: list[Rule] = Field(default=[], description="Rules of the base norm set replaced, matched by id")
    remove: list[RuleId] = Field(default=[], description="Ids of rules of the base norm set dropped")


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
class NormSet:
    id: str
    title: str
    summary: str
    in_force: InForce
    sources: tuple[Source, ...]
    rules: tuple[ResolvedRule, ...]
    file: Path
    extends: str | None

    def rule(self, rule_id: str) -> ResolvedRule:
        return next(r for r in self.rules if r.id == rule_id)





def _literals(test: Test) -> list[Scalar]:
    """The values a test compares with."""
    if isinstance(test, list):
        return test
    if isinstance(test, Not):
        return [test.not_]
    if isinstance(test, AtLeast):
        return [test.at_least]
    if isinstance(test, AtMost):
        return [test.at_most]
    return [test]


def _pattern_problems(pattern: Pattern, loc: Loc) -> list[tuple[Loc, str]]:
    attributes = CATALOGUE.get(pattern.fact)
    if attributes is None:
        return [((*loc, "fact"), f"no fact {pattern.fact!r} in the situation; known: {', '.join(CATALOGUE)}")]
    problems: list[tuple[Loc, str]] = []
    for name, test in pattern.tests().items():
        attribute = attributes.get(name)
        if attribute is None:
            problems.append(((*loc, name), f"fact {pattern.fact!r} has no attribute {name!r}; "
                             f"known: {', '.join(attributes)}"))
            continue
        values = _literals(test)
        if isinstance(test, (AtLeast, AtMost)) and attribute.kind is not int:
            problems.append(((*loc, name), f"{name!r} is not a number; use a value or a list"))
            continue
        for value in values:
            if attribute.kind is bool and not isinstance(value, bool):
                problems.append(((*loc, name), f"{name!r} is true or false, not {value!r}"))
            elif attribute.kind is int and (isinstance(value, bool) or not isinstance(value, int)):
                problems.append(((*loc, name), f"{name!r} is a number, not {value!r}"))
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
            for j, key in enumerate(rule.source):
                if key not in spec.sources:
                    problems.append(((part, i, "source", j), f"no source {key!r} in `sources`"))
            for j, pattern in enumerate(rule.when):
                problems += _pattern_problems(pattern, (part, i, "when", j))
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
    if spec.extends:
        if spec.extends in chain:
            problem(("extends",), f"norm sets extend each other in a circle: {' -> '.join((*chain, spec.extends))}")
            return None
        if spec.extends not in loaded:
            if spec.extends not in broken:  # a base that failed to load has reported its own problems
                problem(("extends",), f"no norm set {spec.extends!r} in the rules folder")
            return None
        base = _resolve(spec.extends, loaded, done, (*chain, name), problems, broken)
        if base is None:
            return None
        rules = {r.id: r for r in base.rules}
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
    for part in ("rules", "replace"):
        for i, rule in enumerate(getattr(spec, part)):
            for j, target in enumerate(rule.overrides):
                if target not in rules:
                    problem((part, i, "overrides", j), f"no rule {target!r} in norm set {name!r}")
    cycle = _override_cycle(list(rules.values()))
    if cycle:
        problem(("rules",), f"rules override each other in a circle: {' -> '.join(cycle)}")
    normset = NormSet(spec.id, spec.title, spec.summary, spec.in_force,
                      tuple(spec.sources[k] for k in spec.cites if k in spec.sources),
                      tuple(sorted(rules.values(), key=lambda r: r.id)), path, spec.extends)
    done[name] = normset
    return normset


def _override_cycle(rules: list[ResolvedRule]) -> list[str] | None:
    edges = {r.id: list(r.rule.overrides) for r in rules}

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return [*path[path.index(node):], node]
        for target in edges.get(node, []):
            found = visit(target, [*path, node])
            if found:
                return found
        return None

    for start in sorted(edges):
        found = visit(start, [])
        if found:
            return found
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
