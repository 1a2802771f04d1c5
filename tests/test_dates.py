import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import date_text, days

from case_procedure.dates import DateError, HistDate


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("1937-11-05", "1937-11-05", "1937-11-05"),
        ("1937-11", "1937-11-01", "1937-11-30"),
        ("1938-02", "1938-02-01", "1938-02-28"),
        ("1937", "1937-01-01", "1937-12-31"),
        ("summer 1937", "1937-06-01", "1937-08-31"),
        ("winter 1937", "1937-12-01", "1938-02-28"),
        ("early 1938", "1938-01-01", "1938-04-30"),
        ("late 1937", "1937-09-01", "1937-12-31"),
        ("about 1930", "1930-01-01", "1930-12-31"),
        ("before 1941", "1917-01-01", "1940-12-31"),
        ("after 1937-03", "1937-04-01", "1945-12-31"),
        ("1937-09/1937-10", "1937-09-01", "1937-10-31"),
    ],
)
def test_forms_parse_to_spans(text: str, earliest: str, latest: str) -> None:
    date = HistDate(text)
    assert (date.earliest.isoformat(), date.latest.isoformat()) == (earliest, latest)
    assert str(date) == text


@pytest.mark.parametrize("text", ["1937-13", "1937-02-30", "soon", "summer", "1938-01/1937-12", "before"])
def test_bad_dates_are_refused(text: str) -> None:
    with pytest.raises(DateError):
        HistDate(text)


def test_approximate_forms_are_marked() -> None:
    assert not HistDate("1937-11").approximate
    assert HistDate("about 1930").approximate and HistDate("summer 1937").approximate


@given(days, st.integers(0, 10))
def test_every_written_form_contains_its_day(day: dt.date, form: int) -> None:
    date = HistDate(date_text(day, form))
    assert date.earliest <= day <= date.latest


@given(st.lists(days, min_size=2, max_size=5), st.lists(st.integers(0, 10), min_size=5, max_size=5))
def test_days_in_order_stay_in_order_when_written_loosely(sorted_days: list[dt.date], forms: list[int]) -> None:
    written = [HistDate(date_text(d, f)) for d, f in zip(sorted(sorted_days), forms, strict=False)]
    assert all(a.may_precede(b) for a, b in zip(written, written[1:], strict=False))
