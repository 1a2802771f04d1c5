"""Rule tests as data: small situations with the outcome a norm set must give (`rules/tests/*.yaml`).

Like OpenFisca's YAML tests, each file names a norm set and lists situations: the body,
a few facts (attributes left out take the catalogue's neutral value; values that follow
from another, such as a ground's family, are derived), and the expected decision (or
range) or route with the rule that must produce it; a situation on an `entry` other than
a hearing (a dismissal, an arrest, an appeal) expects the `verdict` of a judgment instead.
pytest runs every situation as a test, and `case-procedure check` lists the rules that no
situation exercises.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Union

from pydantic import ConfigDict, Field

from case_procedure import codebook, judgments
from case_procedure.case import Strict
from case_procedure.codebook import Body, Decision
from case_procedure.compiler import DECISIONS, JUDGMENTS, ROUTES
from case_procedure.condition import Scalar
from case_procedure.engine import Engine
from case_procedure.errors import InputError, Problem, RuleConflict
from case_procedure.norms import Key, NormSet, Pattern, Range, RuleId, Verdict, pattern_problems
from case_procedure.precedence import Resolution, resolve
from case_procedure.replay import RuleBook
from case_procedure.scalars import Flag
from case_procedure.situation import (
    CATALOGUE,
    ENTRY_FACTS,
    OPENING,
    Fact,
    JudgedEntry,
    charge_fact,
    charges_summary,
    closeness,
    counted,
    derived_closeness,
    ground_family,
    outcome_fact,
    reviewed_fact,
)
from case_procedure.yamlfile import Loc, load_model, problem_at

EXAMPLES_DIR = Path("rules/tests")
NONE = "none"


class GivenFact(Strict):
    """`{fact: tie, closeness: close, other_arrested: true}`: one fact, its attributes as plain values."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, Scalar] = Field(init=False)

    fact: str

    def given(self) -> dict[str, Scalar]:
        return dict(self.__pydantic_extra__ or {})


class GivenOutcome(Strict):
    decision: Union[Decision, Literal["none"]] = NONE
    appeals: Flag = False


class Expect(Strict):
    verdict: Union[Verdict, Literal["none"], None] = Field(default=None, description="The verdict a judgment must "
                                                           "give (a situation on an `entry`)")
    decision: Union[Decision, Literal["none"], None] = None
    range: Range | None = Field(default=None, description="The range that must be prescribed; with `decision`, "
                                "also its typical decision")
    route: Union[Body, Literal["end"], None] = None
    rule: RuleId | None = Field(default=None, description="The rule that must produce it (not with `none`)")


class Example(Strict):
    name: str = Field(min_length=1)
    body: Union[Body, Literal["opening"], None] = Field(default=None, description="The body hearing the case")
    entry: JudgedEntry | None = Field(default=None, description="Or the entry judged: dismissal, arrest, appeal")
    facts: list[GivenFact] = []
    outcome: GivenOutcome | None = Field(default=None, description="The step's decision, for a route test")
    expect: Expect


class ExampleFile(Strict):
    norm_set: Key
    situations: list[Example] = Field(min_length=1)


@dataclass(frozen=True)
class LoadedExamples:
    spec: ExampleFile
    path: Path


@dataclass(frozen=True)
class Result:
    example: Example
    path: Path
    got: str  # "decision: reprimand (n38.x)", "route: end (base.y)", "decision: none", or with the range shown
    expected: str
    decided_by: tuple[str, ...]  # the rule that produced the outcome, and the rule over charges a cap bounded

    @property
    def passed(self) -> bool:
        return self.got == self.expected


# -- Loading -------------------------------------------------------------------------------

def _given_problems(given: GivenFact, loc: Loc) -> list[tuple[Loc, str]]:
    """A given fact is checked as a pattern of plain values would be: facts, attributes and terms."""
    return pattern_problems(Pattern(fact=given.fact, **given.given()), loc)


def _example_problems(spec: ExampleFile, path: Path, norm_sets: dict[str, NormSet]) -> list[tuple[Loc, str]]:
    if spec.norm_set not in norm_sets:
        return [(("norm_set",), f"no norm set {spec.norm_set!r} in the rules folder")]
    problems: list[tuple[Loc, str]] = []
    if spec.norm_set != path.stem:
        problems.append((("norm_set",), f"the tests of norm set {spec.norm_set!r} belong in {spec.norm_set}.yaml"))
    normset = norm_sets[spec.norm_set]
    rules = {r.id for r in normset.rules}
    for i, example in enumerate(spec.situations):
        loc: Loc = ("situations", i)
        for j, given in enumerate(example.facts):
            problems += _given_problems(given, (*loc, "facts", j))
        expect = example.expect
        if (example.body is None) == (example.entry is None):
            problems.append(((*loc, "body"), "give the `body` hearing the case, or the `entry` judged"))
            continue
        if example.entry is not None:
            problems += _judgment_problems(example, {j.id for j in normset.judgments}, spec.norm_set, loc)
            continue
        if expect.verdict is not None:
            problems.append(((*loc, "expect", "verdict"), "a verdict is expected of a situation on an `entry`"))
        if (expect.decision is None and expect.range is None) == (expect.route is None):
            problems.append(((*loc, "expect"), "expect either a `decision` (or `none`) or a `range`, or a `route`"))
        if expect.decision == NONE and expect.range is not None:
            problems.append(((*loc, "expect", "range"), "`none` prescribes no range"))
        if expect.rule and expect.rule not in rules:
            problems.append(((*loc, "expect", "rule"), f"no rule {expect.rule!r} in norm set {spec.norm_set!r}"))
        if expect.decision == NONE and expect.rule:
            problems.append(((*loc, "expect", "rule"), "no rule produces `none`"))
        if (expect.decision not in (None, NONE) or expect.range) and not expect.rule:
            problems.append(((*loc, "expect", "rule"), "name the rule that must produce the decision"))
        if expect.route is not None and not expect.rule:
            problems.append(((*loc, "expect", "rule"), "name the rule that must produce the route"))
        if example.body == OPENING and expect.decision is not None:
            problems.append(((*loc, "body"), "nothing is decided at the opening; expect a route"))
    return problems


def _judgment_problems(example: Example, judgments: set[str], norm_set: str, loc: Loc) -> list[tuple[Loc, str]]:
    expect = example.expect
    problems: list[tuple[Loc, str]] = []
    if expect.verdict is None or expect.decision or expect.range or expect.route:
        problems.append(((*loc, "expect"), "a situation on an `entry` expects a `verdict` (or `none`), nothing else"))
    if expect.rule and expect.rule not in judgments:
        problems.append(((*loc, "expect", "rule"), f"no judgment {expect.rule!r} in norm set {norm_set!r}"))
    if expect.verdict not in (None, NONE) and not expect.rule:
        problems.append(((*loc, "expect", "rule"), "name the judgment that must give the verdict"))
    if expect.verdict == NONE and expect.rule:
        problems.append(((*loc, "expect", "rule"), "no judgment gives `none`"))
    problems += [((*loc, "facts", j, "fact"), f"a judgment sees only {', '.join(ENTRY_FACTS)}, not {g.fact!r}")
                 for j, g in enumerate(example.facts) if g.fact not in ENTRY_FACTS]
    return problems


def load_examples(norm_sets: dict[str, NormSet], directory: Path = EXAMPLES_DIR) -> list[LoadedExamples]:
    """Load every rule test file, or raise InputError listing every problem with its line."""
    if not directory.is_dir():
        return []
    problems: list[Problem] = []
    loaded = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            spec, lines = load_model(path, ExampleFile)
        except InputError as exc:
            problems += exc.problems
            continue
        found = _example_problems(spec, path, norm_sets)
        problems += [problem_at(path, lines, loc, message) for loc, message in found]
        if not found:
            loaded.append(LoadedExamples(spec, path))
    if problems:
        raise InputError(problems)
    return loaded


# -- Running ---------------------------------------------------------------------------------

def _derived(kind: str, given: dict[str, Scalar]) -> dict[str, Scalar]:
    """Attributes that follow from given ones, so that a test need not repeat them (a charge's status and
    target follow from the other facts: see `example_facts`)."""
    if kind == "charge" and "ground" in given:
        return {"family": ground_family(str(given["ground"]))}
    if kind == "tie":
        derived: dict[str, Scalar] = {}
        if "tie_kind" in given:
            contact = ("contact given",) if given.get("in_contact") else ()
            derived["closeness"] = derived_closeness(str(given["tie_kind"]), contact, bool(given.get("broke_off")))[0]
            derived["kind_closeness"] = closeness(str(given["tie_kind"]))
        if given.get("other_arrested") or given.get("other_expelled"):
            derived["enemy_before"] = "certain"
        return derived
    if kind == "clock" and "min_days" in given:  # a wait given as one number is certain: both ends agree
        return {"max_days": given["min_days"]}
    if kind == "conduct" and given.get("toward_arrested"):
        return {"toward_struck": True}
    if kind == "prior_decision" and "decision" in given:
        return {"severity": codebook.severity(str(given["decision"]))}
    return {}


def _fact(kind: str, n: int, given: dict[str, Scalar]) -> Fact:
    attributes = {name: a.default for name, a in CATALOGUE[kind].items()}
    attributes.update(_derived(kind, given))
    attributes.update(given)
    return Fact(kind if n == 0 else f"{kind}-{n}", kind, attributes, f"given {kind}")


def entry_example_facts(example: Example) -> list[Fact]:
    """The facts of a test situation on an entry: the entry of its kind, and the accused."""
    given = {kind: g for kind, g in ((g.fact, g.given()) for g in example.facts)}
    return [_fact("entry", 0, {**given.get("entry", {}), "type": str(example.entry)}),
            _fact("accused", 0, given.get("accused", {}))]


def run_judgment_example(example: Example, path: Path, normset: NormSet, book: RuleBook, engine: Engine) -> Result:
    facts = entry_example_facts(example)
    where = f"in test situation {example.name!r} ({path.as_posix()})"
    try:
        found = judgments.resolve(normset, engine.run(book.compiled(normset, JUDGMENTS), f"test:{path.stem}",
                                                      [f.engine_fact() for f in facts]), where)
    except RuleConflict as exc:
        return Result(example, path, f"conflict: {exc}", _expected(example), ())
    ids = [j.id for j, _ in found.applying]
    if not ids:
        return Result(example, path, f"verdict: {NONE}", _expected(example), ())
    shown = example.expect.rule if example.expect.rule in ids else ids[0]
    verdict = found.applying[0][0].judgment.verdict
    return Result(example, path, f"verdict: {verdict} ({shown})", _expected(example), tuple(ids))


def example_facts(example: Example, basis: str = "trust") -> list[Fact]:
    """The facts of a test situation: the hearing at its body, the given facts, each charge's status and target
    derived from the other facts as the situation builder derives them, and the charge summary over the charges
    the norm set's `basis` counts."""
    given = [(g.fact, g.given()) for g in example.facts]
    hearing = {"body": example.body or "", **next((g for kind, g in given if kind == "hearing"), {})}
    pairs = [(_fact(kind, n, g), g) for n, (kind, g) in enumerate(given, start=1) if kind != "hearing"]
    facts = [_fact("hearing", 0, hearing), *(f for f, _ in pairs)]
    if not any(kind == "accused" for kind, _ in given):  # every real situation has its accused
        facts.append(_fact("accused", 0, {}))
    charges = {f.id: _with_findings(f, g, facts, basis) for f, g in pairs if f.kind == "charge"}
    facts = [charges.get(f.id, f) for f in facts]
    if not any(kind == "charges" for kind, _ in given):
        facts.append(charges_summary([f for f in facts if f.kind == "charge"]))
    if not any(kind == "reviewed" for kind, _ in given):  # a test's charges stand for the expulsion reviewed
        facts.append(reviewed_fact([f for f in facts if f.kind == "charge"]))
    return facts


def _with_findings(charge: Fact, given: dict[str, Scalar], facts: list[Fact], basis: str) -> Fact:
    """A given charge with the status and target the other given facts imply and whether the norm set counts
    it, unless the test gives them."""
    accused = next(f for f in facts if f.kind == "accused")
    derived = charge_fact(charge.id, str(charge.attributes["ground"]), [f for f in facts if f.kind == "tie"],
                          [f for f in facts if f.kind == "conduct"], accused,
                          denunciations=[f for f in facts if f.kind == "denunciation"])
    derived = Fact(charge.id, "charge", {**derived.attributes, **given}, charge.description)
    return counted([derived], basis)[0][0] if "counted" not in given else derived


def run_example(example: Example, path: Path, normset: NormSet, book: RuleBook, engine: Engine) -> Result:
    if example.entry is not None:
        return run_judgment_example(example, path, normset, book, engine)
    facts = example_facts(example, normset.charge_basis)
    is_route = example.expect.route is not None
    if is_route:
        given = example.outcome or GivenOutcome()
        facts.append(outcome_fact(None if given.decision == NONE else given.decision, given.appeals))
    where = f"in test situation {example.name!r} ({path.as_posix()})"
    ruleset = book.compiled(normset, ROUTES if is_route else DECISIONS)
    try:
        resolution = resolve(normset, engine.run(ruleset, f"test:{path.stem}", [f.engine_fact() for f in facts]),
                             where)
    except RuleConflict as exc:
        return Result(example, path, f"conflict: {exc}", _expected(example), ())
    if resolution is None:
        return Result(example, path, f"{'route' if is_route else 'decision'}: {NONE}", _expected(example), ())
    rule = resolution.rule.rule
    if is_route:
        got = f"route: {rule.route} ({rule.id})"
    else:
        shown = resolution.range if example.expect.range else None
        got = _decision_text(resolution.decision, shown, rule.id)
    return Result(example, path, got, _expected(example), _exercised(resolution))


def _exercised(resolution: Resolution) -> tuple[str, ...]:
    """The rule that produced the outcome and, where a cap answers for it, the rules over charges it bounded."""
    bounded = next((o.penalty_rules for o in resolution.per_charge if o.charge == resolution.deciding_charge), ())
    return (resolution.rule.id, *bounded)


def _decision_text(decision: str | None, prescribed: Range | None, rule: str | None) -> str:
    shown = f" in {prescribed.at_least}..{prescribed.at_most} typically {prescribed.typical or NONE}" if prescribed \
        else ""
    return f"decision: {decision or NONE}{shown} ({rule})"


def _expected(example: Example) -> str:
    expect = example.expect
    if expect.verdict is not None:
        return f"verdict: {expect.verdict}" + (f" ({expect.rule})" if expect.rule else "")
    if expect.route is not None:
        return f"route: {expect.route} ({expect.rule})"
    if expect.decision == NONE:
        return f"decision: {NONE}"
    decision = expect.decision or (expect.range.typical if expect.range else None)
    return _decision_text(decision, expect.range, expect.rule)


def run_all(loaded: list[LoadedExamples], book: RuleBook, engine: Engine) -> list[Result]:
    return [run_example(example, item.path, book.norm_sets[item.spec.norm_set], book, engine)
            for item in loaded for example in item.spec.situations]


def unexercised(norm_sets: dict[str, NormSet], results: list[Result]) -> dict[str, list[str]]:
    """For each norm set, the rules of its own file that no test situation of any norm set made decide.

    An inherited rule counts as exercised when a test of the norm set that defines it exercises it."""
    fired = {rule for r in results for rule in r.decided_by}
    own = {n.id: [*(r.id for r in n.rules if r.file == n.file), *(j.id for j in n.judgments if j.file == n.file)]
           for n in norm_sets.values()}
    return {name: sorted(set(ids) - fired) for name, ids in sorted(own.items()) if set(ids) - fired}

