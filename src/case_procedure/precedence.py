"""Precedence: from the rules that apply at a step to the one outcome the norm set prescribes.

`resolve` is the one precedence function: replay, simulation, the rule tests, the
differential test and `explain --why-not` all call it. It depends on no order of rules
in the files: every choice below is by rule id or by severity.

Three kinds of decision rule take part (see docs/rule-format.md):

- a *ground rule* has a `charge` pattern and prescribes for each charge fact that
  pattern matched (the charges it *covers*);
- a *cap* bounds what ground rules prescribe for the charges it covers, and never
  prescribes alone: a charge that only a cap covers contributes nothing;
- a *standing rule* has no `charge` pattern (an arrest, a refusal to renounce, a
  ratification, an appeal; and every route rule); it prescribes for the step.

An `overrides` sets its target aside at the whole step, except between two rules over
charges (ground rules or caps) that cover a charge in common: there it decides between
them on the charges both cover, and the target still prescribes (or bounds) for its other
charges. Between a cap and another rule over charges that share no charge, an override has
no effect: a rule over one charge never lifts the cap of another. (A cap may override
standing rules only: it bounds ground rules, never sets them aside.) Each charge then gets the
range of the ground rules left covering it, clipped by its caps; the gravest charge
decides (`Range.key`), unless a fired `combination` rule, met by distinct charges,
prescribes something graver. The standing rules left must prescribe the same as that
composed outcome. Two rules left with different outcomes where one must be chosen
raise `RuleConflict`, naming both (and the charge, where they disagree on one).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import Literal, NamedTuple

from case_procedure.codebook import DECISIONS, severity
from case_procedure.compiler import Firing
from case_procedure.errors import RuleConflict
from case_procedure.norms import NormSet, Range, ResolvedRule

MILDEST = min((d for d, term in DECISIONS.items() if term.severity is not None), key=severity)

# prescribed: decides; concurring: prescribes the same; overridden: set aside by `overrides`; capping: a cap that
# applies; capped: a ground rule whose range a cap lowered on the deciding charge; outweighed: a ground rule over a
# lesser charge (or a combination no graver than the gravest charge)
Verdict = Literal["prescribed", "concurring", "overridden", "capping", "capped", "outweighed"]


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    by: str | None  # the rule the verdict refers to: the overriding, capping or deciding rule


@dataclass(frozen=True)
class ChargeOutcome:
    """What the norm set prescribes for one charge fact."""

    charge: str  # the id of the charge fact
    penalty_rules: tuple[str, ...]  # the ground rules left covering it (they prescribe the same)
    caps: tuple[str, ...]  # the caps that lowered its range
    range: Range
    also: tuple[str, ...]

    @property
    def reported_rule(self) -> str:
        """The rule that answers for the charge's range: the cap when one lowered it."""
        return (self.caps or self.penalty_rules)[0]


@dataclass(frozen=True)
class Resolution:
    """The outcome of a step after precedence and composition."""

    rule: ResolvedRule  # the rule reported as deciding
    range: Range | None  # None for a route
    also: tuple[str, ...]
    matched: tuple[str, ...]  # the facts the reported rule matched
    concurring: tuple[str, ...]
    overridden: tuple[str, ...]
    capping: tuple[str, ...]
    per_charge: tuple[ChargeOutcome, ...]
    deciding_charge: str | None  # the charge whose range decided, if one did
    uncovered: tuple[str, ...]  # charges only a cap covered: they contribute nothing
    combination: str | None  # the combination rule that decided, if one did
    verdicts: dict[str, Judgement]  # every rule that applied

    @property
    def decision(self) -> str | None:
        """The decision prescribed: the typical one of the range (None where the norm gives only a range)."""
        return self.range.typical if self.range else None


def covered_charges(rule: ResolvedRule, firing: Firing) -> frozenset[str]:
    """The charge facts the rule's charge patterns matched."""
    return frozenset(fact for i in rule.rule.charge_patterns for fact in firing.facts_of(i))


def _distinct_charges(rule: ResolvedRule, firing: Firing) -> bool:
    """Whether distinct charges meet the rule's charge patterns, one each."""
    choices = [firing.facts_of(i) for i in rule.rule.charge_patterns]
    return any(len(set(chosen)) == len(chosen) for chosen in product(*choices))


def clip(penalty: Range, caps: list[ResolvedRule]) -> tuple[Range, tuple[str, ...]]:
    """A range under the caps of its charge, and the caps that lowered it. A ceiling lowers the range and never
    becomes a sentence: where it falls below the penalty's floor, the floor is the decision the cap names as
    typical, or else the mildest of the ladder (the norm then says only what is not to be given)."""
    lowering = sorted((c for c in caps if c.rule.cap and severity(c.rule.cap.at_most) < severity(penalty.at_most)),
                      key=lambda c: (severity(c.rule.cap.at_most) if c.rule.cap else 0, c.id))
    if not lowering:
        return penalty, ()
    binding = lowering[0].rule.cap
    assert binding is not None
    ceiling = severity(binding.at_most)
    at_least = penalty.at_least if severity(penalty.at_least) <= ceiling else binding.typical or MILDEST
    if penalty.typical and severity(penalty.typical) <= ceiling:
        typical: str | None = penalty.typical
    elif binding.typical and severity(at_least) <= severity(binding.typical) <= ceiling:
        typical = binding.typical
    else:
        typical = None
    return Range(at_least=at_least, at_most=binding.at_most, typical=typical), tuple(c.id for c in lowering)


def _conflict(normset: NormSet, first: ResolvedRule, second: ResolvedRule, where: str, charge: str | None = None,
              ) -> RuleConflict:
    about = f" to charge {charge!r}" if charge else ""
    return RuleConflict(
        f"{normset.file.as_posix()}: rules {first.id!r} ({first.rule.describe_outcome()}) and {second.id!r} "
        f"({second.rule.describe_outcome()}) both apply{about} {where} and neither overrides the other; "
        "declare precedence with `overrides:`")


@dataclass(frozen=True)
class _Applying:
    """The rules that fired, sorted by kind, with what each covers and what set each aside."""

    rules: dict[str, ResolvedRule]
    firings: dict[str, Firing]
    covers: dict[str, frozenset[str]]  # ground rules and caps -> the charges they cover
    set_aside: dict[str, str]  # rule -> the first (by id) rule that sets it aside at the whole step
    set_aside_for: dict[tuple[str, str], str]  # (ground rule, charge) -> the ground rule that sets it aside there

    def left_for(self, rule_id: str, charge: str) -> bool:
        return rule_id not in self.set_aside and (rule_id, charge) not in self.set_aside_for

    def overridden_by(self, rule_id: str) -> str | None:
        """The rule that sets this one aside wherever it applies, if one does."""
        if rule_id in self.set_aside:
            return self.set_aside[rule_id]
        covered = self.covers.get(rule_id, frozenset())
        if covered and all((rule_id, c) in self.set_aside_for for c in covered):
            return min(self.set_aside_for[rule_id, c] for c in covered)
        return None


def _applying(normset: NormSet, firings: list[Firing]) -> _Applying:
    by_id = {f.rule_id: f for f in firings}  # one firing per rule
    rules = {r: normset.rule(r) for r in sorted(by_id)}
    covers = {r: covered_charges(rule, by_id[r]) for r, rule in rules.items() if rule.rule.charge_patterns
              and not rule.rule.is_route}
    set_aside: dict[str, str] = {}
    set_aside_for: dict[tuple[str, str], str] = {}
    for r, rule in rules.items():
        for target in (t for t in rule.rule.overrides if t in rules):
            pair = (rule.rule, rules[target].rule)
            over_charges = all(x.is_ground or x.is_cap for x in pair)
            shared = covers[r] & covers[target] if over_charges else frozenset()
            for charge in shared:
                set_aside_for.setdefault((target, charge), r)
            # between a cap and a rule over charges, precedence holds only on the charges both cover: a rule
            # over one charge setting aside the cap of another would make a mixed charge graver than either
            if not shared and not (over_charges and any(x.is_cap for x in pair)):
                set_aside.setdefault(target, r)
    return _Applying(rules, by_id, covers, set_aside, set_aside_for)


def _per_charge(normset: NormSet, applying: _Applying, where: str) -> tuple[list[ChargeOutcome], list[str]]:
    grounds = [r for r in applying.rules.values() if r.rule.is_ground and not r.rule.combination]
    caps = [r for r in applying.rules.values() if r.rule.is_cap and r.id not in applying.set_aside]
    charges = sorted({c for r in (*grounds, *caps) for c in applying.covers[r.id]})
    outcomes, uncovered = [], []
    for charge in charges:
        penalties = [g for g in grounds if charge in applying.covers[g.id] and applying.left_for(g.id, charge)]
        if not penalties:
            uncovered.append(charge)
            continue
        distinct = {g.rule.outcome: g for g in penalties}
        if len(distinct) > 1:
            first, second = list(distinct.values())[:2]
            raise _conflict(normset, first, second, where, charge)
        penalty = penalties[0]
        assert penalty.rule.range is not None
        capped, lowering = clip(penalty.rule.range, [c for c in caps if charge in applying.covers[c.id]
                                                     and applying.left_for(c.id, charge)])
        outcomes.append(ChargeOutcome(charge, tuple(g.id for g in penalties), lowering, capped,
                                      tuple(penalty.rule.also)))
    return outcomes, uncovered


class _Candidate(NamedTuple):
    """A range that may decide the step: a charge's, or a combination rule's."""

    range: Range
    also: tuple[str, ...]
    rule: str  # the rule that answers for it
    charge: ChargeOutcome | None  # None for a combination rule


def _graver_combinations(applying: _Applying, gravest: tuple[int, int, int] | None) -> list[_Candidate]:
    """The combination rules met by distinct charges that prescribe more than the gravest charge."""
    found = []
    for rule in applying.rules.values():
        prescribed = rule.rule.range
        if (rule.rule.combination and prescribed is not None and rule.id not in applying.set_aside
                and _distinct_charges(rule, applying.firings[rule.id])
                and (gravest is None or prescribed.key() > gravest)):
            found.append(_Candidate(prescribed, tuple(rule.rule.also), rule.id, None))
    return found


def _gravest(normset: NormSet, applying: _Applying, candidates: list[_Candidate], where: str) -> list[_Candidate]:
    """The gravest candidates, which must agree. Equally grave ranges with the same bounds do; the one that
    names a typical decision says more than one that names none."""
    top = max(c.range.key() for c in candidates)
    gravest = sorted((c for c in candidates if c.range.key() == top), key=lambda c: c.range.typical is None)
    first = gravest[0]
    for other in gravest[1:]:
        if ((other.range.at_least, other.range.at_most, other.also) != (first.range.at_least, first.range.at_most,
                                                                         first.also)
                or other.range.typical not in (None, first.range.typical)):
            raise _conflict(normset, applying.rules[first.rule], applying.rules[other.rule], where)
    return [c for c in gravest if (c.range, c.also) == (first.range, first.also)]


def resolve(normset: NormSet, firings: list[Firing], where: str) -> Resolution | None:
    """What the rules that fired prescribe, after precedence and composition; None when nothing is prescribed.

    `where` names the step for a `RuleConflict`."""
    applying = _applying(normset, firings)
    per_charge, uncovered = _per_charge(normset, applying, where)
    charges = [_Candidate(o.range, o.also, o.reported_rule, o) for o in per_charge]
    combinations = _graver_combinations(applying, max((c.range.key() for c in charges), default=None))
    candidates = combinations or charges  # a graver combination takes the place of the gravest ground
    deciding = _gravest(normset, applying, candidates, where) if candidates else []
    standing = [r for r in applying.rules.values()
                if (r.rule.is_route or not r.rule.charge_patterns) and r.id not in applying.set_aside]
    distinct = {r.rule.outcome: r for r in standing}
    if len(distinct) > 1:
        first, second = list(distinct.values())[:2]
        raise _conflict(normset, first, second, where)
    if deciding and standing and (standing[0].rule.range, tuple(standing[0].rule.also)) != deciding[0][:2]:
        raise _conflict(normset, standing[0], applying.rules[deciding[0].rule], where)
    if not deciding and not standing:
        return None
    answering = sorted({*(r.id for r in standing), *(c.rule for c in deciding)})
    reported = applying.rules[answering[0]]
    deciding_charge = next((c.charge for c in deciding if c.charge is not None), None)
    verdicts = _verdicts(applying, answering, deciding_charge)
    return Resolution(
        rule=reported, range=deciding[0].range if deciding else reported.rule.range,
        also=deciding[0].also if deciding else tuple(reported.rule.also),
        matched=applying.firings[reported.id].matched, concurring=tuple(answering[1:]),
        overridden=tuple(r for r, j in verdicts.items() if j.verdict == "overridden"),
        capping=tuple(r for r in applying.rules if applying.rules[r].rule.is_cap
                      and verdicts[r].verdict != "overridden"),
        per_charge=tuple(per_charge), deciding_charge=deciding_charge.charge if deciding_charge else None,
        uncovered=tuple(uncovered), combination=next((c.rule for c in deciding if c.charge is None), None),
        verdicts=verdicts)


def _verdicts(applying: _Applying, answering: list[str], deciding: ChargeOutcome | None) -> dict[str, Judgement]:
    reported = answering[0]
    verdicts: dict[str, Judgement] = {}
    for r, rule in applying.rules.items():
        overrider = applying.overridden_by(r)
        if r == reported:
            verdicts[r] = Judgement("prescribed", None)
        elif r in answering:
            verdicts[r] = Judgement("concurring", reported)
        elif overrider is not None:
            verdicts[r] = Judgement("overridden", overrider)
        elif rule.rule.is_cap:
            verdicts[r] = Judgement("capping", None)
        elif deciding is not None and deciding.caps and r in deciding.penalty_rules:
            verdicts[r] = Judgement("capped", deciding.caps[0])
        else:
            verdicts[r] = Judgement("outweighed", reported)
    return verdicts


def verdicts(normset: NormSet, firings: list[Firing], where: str) -> dict[str, Judgement]:
    """The verdict on every rule that applied at a step, also where nothing is prescribed (rules may apply and
    prescribe nothing: caps over charges no rule penalizes, rules set aside)."""
    resolution = resolve(normset, firings, where)
    if resolution is not None:
        return resolution.verdicts
    applying = _applying(normset, firings)
    return {r: Judgement("overridden", applying.overridden_by(r)) if applying.overridden_by(r)
            else Judgement("capping", None) for r in applying.rules}
