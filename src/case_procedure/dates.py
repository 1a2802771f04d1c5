"""Historical dates as the book gives them: exact, partial, seasonal or bounded.

A date is written as text and kept as written; it parses to the earliest and the
latest day it can mean. Accepted forms:

    1937-11-05        a day
    1937-11           a month
    1937              a year
    summer 1937       spring / summer / autumn / winter (winter = December to February)
    early 1937        January-April;  mid 1937: May-August;  late 1937: September-December
    about 1930        the year, marked approximate (also "c. 1930")
    before 1941       any time before the date given (bounded below by 1917)
    after 1937-03     any time after (bounded above by 1945)
    1937-09/1937-10   a range between two dates of the forms above
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from functools import total_ordering
from typing import Annotated, Any

from pydantic import BeforeValidator, GetCoreSchemaHandler
from pydantic_core import core_schema

EARLIEST = dt.date(1917, 1, 1)
LATEST = dt.date(1945, 12, 31)
FIRST_YEAR, LAST_YEAR = 1800, 2100  # the years a date may name: a wider span is a typing slip

_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11)}
_PARTS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}
_ISO = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
_YEAR = re.compile(r"^\d{4}$")
FORMS = ("1937-11-05, 1937-11, 1937, 'summer 1937', 'early 1937', 'about 1930', 'before 1941', "
         "'after 1937-03', '1937-09/1937-10'")


class DateError(ValueError):
    pass


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _iso_bounds(text: str) -> tuple[dt.date, dt.date]:
    match = _ISO.match(text)
    if not match:
        raise DateError(f"cannot read date {text!r}: use forms like {FORMS}")
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DateError(f"year {year} in {text!r} is out of range: dates fall between {FIRST_YEAR} and {LAST_YEAR}")
    try:
        if month is None:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if day is None:
            return dt.date(year, month, 1), _month_end(year, month)
        return dt.date(year, month, day), dt.date(year, month, day)
    except ValueError as exc:
        raise DateError(f"no such date {text!r}: {exc}") from None


def _year(word: str, text: str) -> int:
    """The year after a season or a part of the year ('summer 1937'): a year alone, never a month."""
    if not _YEAR.match(word):
        raise DateError(f"cannot read date {text!r}: a season or part of the year takes a year alone "
                        f"('{text.split()[0]} {word[:4]}'), not {word!r}")
    return _iso_bounds(word)[0].year


def _bounds(text: str) -> tuple[dt.date, dt.date, bool]:
    """Return (earliest, latest, approximate) for one date expression."""
    words = text.lower().replace(",", " ").split()
    if len(words) == 2 and words[0] in ("about", "c.", "circa"):
        low, high = _iso_bounds(words[1])
        return low, high, True
    if len(words) == 2 and words[0] == "before":
        low, _ = _iso_bounds(words[1])
        return EARLIEST, low - dt.timedelta(days=1), True
    if len(words) == 2 and words[0] == "after":
        _, high = _iso_bounds(words[1])
        return high + dt.timedelta(days=1), LATEST, True
    if len(words) == 2 and words[0] == "winter":
        year = _year(words[1], text)
        return dt.date(year, 12, 1), _month_end(year + 1, 2), True
    if len(words) == 2 and words[0] in _SEASONS | _PARTS:
        first, last = (_SEASONS | _PARTS)[words[0]]
        year = _year(words[1], text)
        return dt.date(year, first, 1), _month_end(year, last), True
    if len(words) == 1:
        low, high = _iso_bounds(words[0])
        return low, high, False
    raise DateError(f"cannot read date {text!r}: use forms like {FORMS}")


@total_ordering
class HistDate:
    """A date as written in a source, with the span of days it can mean."""

    __slots__ = ("text", "earliest", "latest", "approximate")

    def __init__(self, text: str) -> None:
        text = " ".join(str(text).split())
        if "/" in text:
            start, _, end = text.partition("/")
            low, _, _ = _bounds(start.strip())
            _, high, _ = _bounds(end.strip())
            approximate = True
        else:
            low, high, approximate = _bounds(text)
        if low > high:
            raise DateError(f"date range {text!r} ends before it begins")
        self.text, self.earliest, self.latest, self.approximate = text, low, high, approximate

    def sort_key(self) -> tuple[dt.date, dt.date]:
        return (self.earliest, self.latest)

    def may_precede(self, other: HistDate) -> bool:
        """True unless this date certainly falls after `other`."""
        return self.earliest <= other.latest

    def __eq__(self, other: object) -> bool:
        # the same span written differently ("1937" and "1937-01/1937-12") stays a different reading
        return isinstance(other, HistDate) and (self.sort_key(), self.text) == (other.sort_key(), other.text)

    def __lt__(self, other: HistDate) -> bool:
        return self.sort_key() < other.sort_key()

    def __hash__(self) -> int:
        return hash((self.sort_key(), self.text))

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"HistDate({self.text!r})"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        def parse(value: Any) -> HistDate:
            if isinstance(value, HistDate):
                return value
            if isinstance(value, int) and not isinstance(value, bool):
                value = str(value)  # a year, as written (see yamlfile's scalar schema)
            if not isinstance(value, str):
                raise ValueError("a date must be text such as 1937-11 or 'summer 1937'")
            return cls(value)

        return core_schema.no_info_plain_validator_function(
            parse,
            json_schema_input_schema=core_schema.str_schema(),
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )



def _iso_day(value: Any) -> dt.date:
    """A calendar day written YYYY-MM-DD, within the years a date may name."""
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not re.match(r"^\d{4}-\d{2}-\d{2}$", value):
        raise ValueError(f"a day must be written YYYY-MM-DD, such as 1938-01-20, not {value!r}")
    low, _ = _iso_bounds(value)
    return low


Day = Annotated[dt.date, BeforeValidator(_iso_day)]
