"""Static overlap analysis, as DMN tools check a decision table before it is used.

Two rules of a norm set overlap when some situation could make both apply: they share
a body, and their patterns on the facts a situation holds once (the hearing, the
accused, the charge summary, the outcome) can be met together. An overlap between
rules with different outcomes and no `overrides` between them would stop a replay with
a conflict; `case-procedure check` lists every such pair before any case is replayed.

Ranges and caps (see `precedence`) narrow what can conflict: two rules over charges
conflict only on a charge both cover (or when their outcomes are equally grave and
the gravest must be chosen between them); a cap never conflicts with a rule over
charges, which it bounds, nor with another cap; a cap conflicts with a standing rule
whose outcome reaches above the cap's ceiling, since the composed outcome it bounds
can then never be the standing rule's.

The analysis treats each attribute as a finite set of values and intersects them. Facts
a situation may hold many times (charges, ties, statements...) are each satisfiable on
their own, except where the charge summary rules them out. It may report a pair that
no real case could meet (it cannot see every dependency between facts), never miss one.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any

from case_procedure import codebook
from case_procedure.norms import NormSet, Pattern, ResolvedRule
from case_procedure.situation import CATALOGUE

SINGLE_FACTS = ("hearing", "accused", "charges", "outcome")
COUNTS = range(0, 64)  # the domain of numeric attributes: counts and severity ranks
Space = dict[str, frozenset[Any]]  # an attribute's values: terms, numbers or truth values


@dataclass(frozen=True)
class Overlap:
    normset: NormSet
    first: ResolvedRule
    second: ResolvedRule
    bodies: tuple[str, ...]

    def __str__(self) -> str:
        a, b = self.first.rule, self.second.rule
        where = ", ".join(codebook.label(x) if x in codebook.BODIES else x for x in self.bodies)
        return (f"{self.normset.file.as_posix()}: rules {a.id!r} ({a.describe_outcome()}) and {b.id!r} "
                f"({b.describe_outcome()}) can apply together at {where} and neither overrides the other")


def _domain(fact: str, name: str) -> frozenset[Any]:
    attribute = CATALOGUE[fact][name]
    if attribute.kind is bool:
        return frozenset((True, False))
    if attribute.kind is int:
        return frozenset(COUNTS)
    return frozenset(attribute.values or ())


def _meet(patterns: list[Pattern]) -> Space | None:
    """The values each attribute may take when one fact meets every pattern; None if none can."""
    space: Space = {}
    for pattern in patterns:
        for condition in pattern.conditions():
            name = condition.attribute
            allowed = condition.allowed(space.get(name, _domain(pattern.fact, name)))
            if not allowed:
                return None
            space[name] = allowed
    return space


def _charges_needed(grounds: list[frozenset[str]]) -> int:
    """The fewest charges that can meet every charge pattern: the most patterns no two of which share a ground."""
    best = 0
    for size in range(1, len(grounds) + 1):
        for chosen in combinations(grounds, size):
            if all(not (a & b) for a, b in combinations(chosen, 2)):
                best = size
    return best


def _charges_fit(summary: Space, charges: list[Pattern]) -> bool:
    """Whether the charge summary allows the individual charges the patterns need."""
    if not charges:
        return True
    families = summary.get("only_family")
    grounds = []
    for pattern in charges:
        space = _meet([pattern])
        if space is None:
            return False
        possible = {g for g in space.get("ground", frozenset(codebook.GROUNDS))
                    if codebook.GROUNDS[g].group in space.get("family", _domain("charge", "family"))}
        if families is not None and "mixed" not in families:
            possible = {g for g in possible if codebook.GROUNDS[g].group in families}
        if not possible:
            return False
        grounds.append(frozenset(possible))
    most: int = max(summary.get("count", frozenset(COUNTS)))
    return most >= _charges_needed(grounds)


def could_apply_together(first: ResolvedRule, second: ResolvedRule) -> tuple[str, ...]:
    """The bodies at which some situation could make both rules apply (empty if none)."""
    bodies = tuple(b for b in first.rule.at if b in second.rule.at)
    if not bodies:
        return ()
    patterns = [*first.rule.when, *second.rule.when]
    for fact in SINGLE_FACTS:
        extra = [Pattern.model_validate({"fact": "hearing", "body": list(bodies)})] if fact == "hearing" else []
        space = _meet([*extra, *(p for p in patterns if p.fact == fact)])
        if space is None:
            return ()
        if fact == "hearing":
            bodies = tuple(b for b in bodies if b in space["body"])
        if fact == "charges" and not _charges_fit(space, [p for p in patterns if p.fact == "charge"]):
            return ()
    if any(_meet([p]) is None for p in patterns if p.fact not in SINGLE_FACTS):
        return ()
    return bodies


def _one_charge_meets(patterns: list[Pattern]) -> bool:
    """Whether one charge fact could meet every pattern, its ground agreeing with its family."""
    space = _meet(patterns)
    if space is None:
        return False
    families = space.get("family", _domain("charge", "family"))
    return any(codebook.GROUNDS[g].group in families for g in space.get("ground", frozenset(codebook.GROUNDS)))


def _share_a_charge(first: ResolvedRule, second: ResolvedRule) -> bool:
    """Whether one charge fact could meet a charge pattern of each rule."""
    return any(_one_charge_meets([first.rule.when[i], second.rule.when[j]])
               for i in first.rule.charge_patterns for j in second.rule.charge_patterns)


def _may_conflict(first: ResolvedRule, second: ResolvedRule) -> bool:
    """Whether the two rules, applying together with no precedence between them, could stop a replay."""
    a, b = first.rule, second.rule
    if a.outcome == b.outcome or (a.is_cap and b.is_cap) or (a.is_cap and b.is_ground) or (a.is_ground and b.is_cap):
        return False
    if a.is_ground and b.is_ground:
        assert a.range is not None and b.range is not None
        return a.range.key() == b.range.key() or _share_a_charge(first, second)
    if a.is_cap or b.is_cap:
        cap, standing = (a, b) if a.is_cap else (b, a)
        assert cap.cap is not None
        return standing.range is not None and codebook.severity(standing.range.at_most) > codebook.severity(
            cap.cap.at_most)
    return True


def overlaps(normset: NormSet) -> list[Overlap]:
    """Pairs of rules with different outcomes that could apply together with no precedence between them."""
    found = []
    for group in (normset.decision_rules, normset.route_rules):
        for first, second in combinations(group, 2):
            if not _may_conflict(first, second):
                continue
            if second.id in first.rule.overrides or first.id in second.rule.overrides:
                continue
            bodies = could_apply_together(first, second)
            if bodies:
                found.append(Overlap(normset, first, second, bodies))
    return found


def idle_caps(normset: NormSet) -> list[str]:
    """Caps that bound no rule over charges of the norm set: at none of their bodies could one charge meet a
    charge pattern of both. Such a cap never changes an outcome (a cap alone prescribes nothing)."""
    grounds = [r for r in normset.decision_rules if r.rule.is_ground]
    return [f"{normset.file.as_posix()}: cap {cap.id!r} bounds no rule over charges of norm set {normset.id!r}"
            for cap in normset.decision_rules if cap.rule.is_cap
            and not any(set(cap.rule.at) & set(g.rule.at) and _share_a_charge(cap, g) for g in grounds)]
