"""Hypothesis strategies for case files.

The generator itself lives in `case_procedure.synthetic`, shared with the seeded
benchmarks and sweeps; here its choices are hypothesis draws, so failing cases shrink.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, TypeVar

from hypothesis import strategies as st

from case_procedure import synthetic
from case_procedure.synthetic import date_text

__all__ = ["case_data", "date_text", "days"]

T = TypeVar("T")
days = st.dates(synthetic.FIRST_DAY, synthetic.LAST_DAY)


class HypothesisChooser:
    """The `synthetic.Chooser` choices as hypothesis draws."""

    def __init__(self, draw: st.DrawFn) -> None:
        self._draw = draw

    def choice(self, options: Sequence[T]) -> T:
        return self._draw(st.sampled_from(options))

    def integer(self, low: int, high: int) -> int:
        return self._draw(st.integers(low, high))

    def boolean(self) -> bool:
        return self._draw(st.booleans())

    def subset(self, options: Sequence[T], min_size: int, max_size: int) -> list[T]:
        return self._draw(st.lists(st.sampled_from(options), min_size=min_size, max_size=max_size, unique=True))

    def days(self, min_size: int, max_size: int) -> list[dt.date]:
        return self._draw(st.lists(days, min_size=min_size, max_size=max_size))


@st.composite
def case_data(draw: st.DrawFn) -> dict[str, Any]:
    """A valid case file's data: references resolve and the record is in date order."""
    return synthetic.case_data(HypothesisChooser(draw))
