"""Hypothesis strategies for case files, built from the codebook so that every term is exercised."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from case_procedure import codebook
from case_procedure.sources import SECTIONS

PEOPLE = ["accused", "relative", "colleague", "official"]
PARTY_BODIES = sorted(codebook.PARTY_BODIES)


def terms(vocabulary: dict[str, codebook.Term]) -> st.SearchStrategy[str]:
    return st.sampled_from(sorted(vocabulary))


@st.composite
def sources(draw: st.DrawFn) -> dict[str, Any]:
    chapter = draw(st.sampled_from(["1", "2", "3", "4", "5"]))
    section = draw(st.sampled_from(["opening", *SECTIONS[chapter]]))
    first = draw(st.integers(1, 300))
    pages = draw(st.sampled_from([str(first), f"{first}-{first + draw(st.integers(1, 9))}"]))
    source: dict[str, Any] = {"chapter": chapter, "section": section, "pages": pages}
    if draw(st.booleans()):
        source["archive"] = {"archive": "TsAOPIM", "fond": str(draw(st.integers(1, 999))), "opis": "1",
                             "delo": str(draw(st.integers(1, 400))), "folios": f"{draw(st.integers(1, 99))}"}
    return source


def date_text(day: dt.date, form: int) -> str:
    """Write a day in one of the accepted forms; every form's span contains the day."""
    season = {3: "spring", 4: "spring", 5: "spring", 6: "summer", 7: "summer", 8: "summer", 9: "autumn",
              10: "autumn", 11: "autumn"}
    forms = [day.isoformat(), day.strftime("%Y-%m"), str(day.year), f"about {day.year}"]
    if day.month in season:
        forms.append(f"{season[day.month]} {day.year}")
    forms.append(f"{'early' if day.month <= 4 else 'mid' if day.month <= 8 else 'late'} {day.year}")
    return forms[form % len(forms)]


days = st.dates(dt.date(1934, 1, 1), dt.date(1939, 12, 31))
SOURCE_KEYS = ["s1", "s2", "s3"]
source_refs = st.lists(st.sampled_from(SOURCE_KEYS), min_size=1, max_size=2, unique=True)


@st.composite
def person(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "name": draw(st.sampled_from(["A. Ivanov", "M. Petrova", "the brother", "S. Orlov"])),
        "role": draw(st.sampled_from(["foreman", "timekeeper", "engineer", "not stated"])),
        "factory": draw(terms(codebook.FACTORIES)),
        "party_status": draw(terms(codebook.PARTY_STATUSES)),
        "origin": draw(terms(codebook.ORIGINS)),
        "nationality": draw(terms(codebook.NATIONALITIES)),
        "sex": draw(terms(codebook.SEXES)),
        "opposition": draw(terms(codebook.OPPOSITIONS)),
        "source": draw(source_refs),
    }


@st.composite
def entry(draw: st.DrawFn, entry_id: str, day: dt.date, earlier: list[str], in_record: bool) -> dict[str, Any]:
    base = {"id": entry_id, "date": date_text(day, draw(st.integers(0, 6))), "summary": "What happened.",
            "source": draw(source_refs)}
    others = st.sampled_from(PEOPLE[1:])
    anyone = st.sampled_from(PEOPLE)
    kind = draw(st.sampled_from(["hearing", "statement", "arrest", "conduct", "expulsion", "appeal",
                                 "reinstatement"] if in_record else ["arrest", "expulsion", "conduct"]))
    if kind == "hearing":
        hearing = {"type": "hearing", "body": draw(st.sampled_from(PARTY_BODIES)), "subject": "accused",
                   "grounds": draw(st.lists(terms(codebook.GROUNDS), max_size=3, unique=True))}
        if draw(st.integers(0, 4)):
            hearing["decision"] = draw(terms(codebook.DECISIONS))
        if draw(st.booleans()):
            hearing["votes"] = [{"decision": draw(terms(codebook.DECISIONS)), "count": draw(st.integers(0, 500))}]
        return {**base, **hearing}
    if kind == "statement":
        author = draw(anyone)
        statement = {"type": "statement", "kind": draw(terms(codebook.STATEMENT_KINDS)), "author": author,
                     "subject": draw(anyone), "to": draw(st.lists(terms(codebook.BODIES), min_size=1, max_size=2,
                                                                   unique=True))}
        if draw(st.booleans()):
            statement["from_body"] = "nkvd"
        if earlier and draw(st.booleans()):
            statement["concerns"] = [draw(st.sampled_from(earlier))]
        return {**base, **statement}
    if kind == "conduct":
        return {**base, "type": "conduct", "person": "accused", "conduct": draw(terms(codebook.CONDUCTS)),
                "toward": draw(others)}
    if kind in ("arrest", "expulsion"):
        return {**base, "type": kind, "person": draw(anyone if in_record else others)}
    if kind == "appeal":
        return {**base, "type": "appeal", "person": "accused", "to": [draw(st.sampled_from(PARTY_BODIES))]}
    return {**base, "type": "reinstatement", "person": "accused"}


@st.composite
def case_data(draw: st.DrawFn) -> dict[str, Any]:
    """A valid case file's data: references resolve and the record is in date order."""
    background_days = draw(st.lists(days, max_size=4))
    record_days = sorted(draw(st.lists(days, min_size=1, max_size=6)))
    background: list[dict[str, Any]] = []
    for i, day in enumerate(background_days):
        background.append(draw(entry(f"b{i}", day, [b["id"] for b in background], in_record=False)))
    record: list[dict[str, Any]] = []
    for i, day in enumerate(record_days):
        earlier = [e["id"] for e in [*background, *record]]
        record.append(draw(entry(f"r{i}", day, earlier, in_record=True)))
    if not any(e["type"] == "hearing" for e in record):
        record[-1] = {"id": record[-1]["id"], "type": "hearing", "date": record[-1]["date"], "summary": "A hearing.",
                      "body": "party_committee", "subject": "accused", "decision": "reprimand",
                      "grounds": ["lack_of_vigilance"], "source": ["s1"]}
    ties = [{"person": "accused", "other": other, "kind": draw(terms(codebook.TIE_KINDS)), "source": ["s1"]}
            for other in draw(st.lists(st.sampled_from(PEOPLE[1:]), max_size=3, unique=True))]
    return {
        "id": "generated",
        "title": "A generated case",
        "accused": "accused",
        "factory": draw(terms(codebook.FACTORIES)),
        "summary": "Generated by hypothesis.",
        "sources": {key: draw(sources()) for key in SOURCE_KEYS},
        "people": {name: draw(person()) for name in PEOPLE},
        "ties": ties,
        "background": background,
        "record": record,
        "fate": {"summary": "Unknown.", "arrested": draw(st.sampled_from([True, False, None])),
                 "party_status": draw(terms(codebook.PARTY_STATUSES)), "source": ["s2"]},
    }
