"""One attribute test of a rule pattern, as the file writes it (`Test`) and as every reader uses it (`Condition`).

A rule file writes a test in one of five forms: a value, a list of values (any of them), `{not: v}`,
`{at_least: n}` or `{at_most: n}`. `Condition.of` is the one place that tells the forms apart; the
compiler (a durable-rules condition), the file checks (the literals compared), the overlap analysis (the
values allowed) and the wording (procedure.py) all read the normalised condition, as jinja's visitor
defines dispatch once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Union

from pydantic import Field

from case_procedure.case import Strict
from case_procedure.scalars import Whole

Scalar = Union[bool, int, str]


class Not(Strict):
    not_: Scalar = Field(alias="not")


class AtLeast(Strict):
    at_least: Whole


class AtMost(Strict):
    at_most: Whole


Test = Union[Scalar, list[Scalar], Not, AtLeast, AtMost]
Operator = Literal["any_of", "not", "at_least", "at_most"]
DURABLE = {"not": "$neq", "at_least": "$gte", "at_most": "$lte"}  # durable-rules' operator for each bound


@dataclass(frozen=True)
class Condition:
    """`attribute` compared by `operator` with `values`: any of them (`any_of`), or the one value it must not
    equal (`not`) or must reach or stay within (`at_least`, `at_most`)."""

    attribute: str
    operator: Operator
    values: tuple[Scalar, ...]

    @classmethod
    def of(cls, attribute: str, test: Test) -> "Condition":
        if isinstance(test, list):
            return cls(attribute, "any_of", tuple(test))
        if isinstance(test, Not):
            return cls(attribute, "not", (test.not_,))
        if isinstance(test, AtLeast):
            return cls(attribute, "at_least", (test.at_least,))
        if isinstance(test, AtMost):
            return cls(attribute, "at_most", (test.at_most,))
        return cls(attribute, "any_of", (test,))

    @property
    def is_bound(self) -> bool:
        """A numeric bound (`at_least`, `at_most`): it compares numbers only."""
        return self.operator in ("at_least", "at_most")

    def durable(self) -> dict[str, Any]:
        """The condition in durable-rules' JSON: literals only."""
        if self.operator == "any_of":
            if len(self.values) == 1:
                return {self.attribute: self.values[0]}
            return {"$or": [{self.attribute: value} for value in self.values]}
        return {DURABLE[self.operator]: {self.attribute: self.values[0]}}

    def allowed(self, domain: frozenset[Any]) -> frozenset[Any]:
        """The values of `domain` the condition lets through."""
        if self.operator == "any_of":
            return domain & frozenset(self.values)
        if self.operator == "not":
            return domain - {self.values[0]}
        bound = self.values[0]
        if self.operator == "at_least":
            return frozenset(v for v in domain if v >= bound)
        return frozenset(v for v in domain if v <= bound)


def conditions(tests: dict[str, Test]) -> list[Condition]:
    """A pattern's tests as conditions, in attribute order."""
    return [Condition.of(name, tests[name]) for name in sorted(tests)]
