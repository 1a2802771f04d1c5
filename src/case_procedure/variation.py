"""What may vary in a case, declared as data (`variations.yaml`), and the changes each variation makes of a case.

A `Variation` says what kind of change it is, to which values, and how plausible (its `cost`);
`candidates` turns the variations into concrete `Candidate` changes of one case, each a list of
`patch.Change` on the case's data, addressed by entry ids so that the same change applies to the
case file (`case-procedure whatif --patch`). No candidate is judged here: `sensitivity` replays
every one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

from case_procedure import codebook
from case_procedure.case import Arrest, Case, ConductEntry, Death, Entry, Event, Expulsion, Sentence, Statement
from case_procedure.dates import EARLIEST, LATEST, HistDate
from case_procedure.norms import NormSet
from case_procedure.patch import Change
from case_procedure.scalars import Id, Text
from case_procedure.yamlfile import load_model

VARIATIONS_FILE = Path(__file__).with_name("variations.yaml")
Kind = Literal["report", "add_conduct", "drop", "attribute", "ground", "move_hearing"]
ATTRIBUTES = ("nationality", "origin", "opposition", "party_status", "sex")
MatchValue = Union[str, bool, list[str]]


class Variation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Id
    about: Text = Field(description="What varies, in words: 'the accused's nationality'")
    kind: Kind
    cost: int = Field(ge=1, le=5, description="1: a small, plausible change; up to 5: a change to who the accused was")
    values: list[Union[int, str]] = Field(default=[], description="attribute: the terms; report: days, or never")
    attribute: Literal["nationality", "origin", "opposition", "party_status", "sex"] | None = None
    conduct: codebook.Conduct | None = None
    drops: list[codebook.Conduct] = []
    match: dict[str, MatchValue] = {}
    group: Literal["entry", "toward", "person"] = "entry"
    within_days: int = Field(default=180, ge=1, le=3650)
    days: int = Field(default=14, ge=1, le=365)
    note: Text | None = None

    @model_validator(mode="after")
    def _complete(self) -> "Variation":
        if self.kind == "attribute":
            if self.attribute is None or not self.values:
                raise ValueError("an attribute variation names its attribute and values")
            terms = codebook.VOCABULARIES[self.attribute]
            unknown = [v for v in self.values if v not in terms]
            if unknown:
                raise ValueError(f"unknown {self.attribute} terms {unknown} (known: {', '.join(terms)})")
        if self.kind == "report" and (not self.values or any(
                v != "never" and not (isinstance(v, int) and 0 <= v <= 365) for v in self.values)):
            raise ValueError("a report variation takes values of days (0 to 365) or never")
        if self.kind == "add_conduct" and self.conduct is None:
            raise ValueError("an add_conduct variation names its conduct")
        if self.kind == "drop" and ("type" not in self.match or "hearing" in _listed(self.match["type"])):
            raise ValueError("a drop variation matches a `type` of entry, never hearings")
        return self


class VariationsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    variations: list[Variation] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> "VariationsFile":
        ids = [v.id for v in self.variations]
        if len(ids) != len(set(ids)):
            raise ValueError(f"variation ids are given twice: {sorted({i for i in ids if ids.count(i) > 1})}")
        return self


def load_variations(path: Path = VARIATIONS_FILE) -> list[Variation]:
    """The variations of a file, or InputError (file:line: field: message)."""
    return _cached(path.resolve())


@cache
def _cached(path: Path) -> list[Variation]:
    return load_model(path, VariationsFile)[0].variations


@dataclass(frozen=True)
class Candidate:
    """One change a variation makes of a case: what it says, the changes to the data, how plausible."""

    variation: str
    key: str  # unique among a case's candidates
    says: str
    changes: tuple[Change, ...]
    cost: int
    exclusive: str  # two candidates with the same `exclusive` vary the same fact: never combined


# -- The case, as the variations see it --------------------------------------------------------

def _listed(value: MatchValue) -> list[str | bool]:
    return list(value) if isinstance(value, list) else [value]


@dataclass(frozen=True)
class _View:
    case: Case
    part: dict[str, str]  # entry id -> "background" or "record"
    tied: frozenset[str]

    @property
    def entries(self) -> list[Event]:
        return [*self.case.background, *self.case.record]

    def name(self, person: str | None) -> str:
        return self.case.people[person].name if person in self.case.people else str(person)

    def path(self, entry: Entry, field: str) -> str:
        return f"{self.part[entry.id]}.{entry.id}.{field}"


def _view(case: Case) -> _View:
    part = {e.id: "background" for e in case.background} | {e.id: "record" for e in case.record}
    tied = {t.other for t in case.ties if t.person == case.accused} | \
        {t.person for t in case.ties if t.other == case.accused}
    return _View(case, part, frozenset(tied - {case.accused}))


def _iso(day: dt.date) -> str:
    return day.isoformat()


def shifted(date: HistDate, days: int) -> str:
    """A date moved by a number of days: a day stays a day, any other span becomes the shifted span of days."""
    delta = dt.timedelta(days=days)
    if date.earliest == date.latest:
        return _iso(date.earliest + delta)
    if date.latest == LATEST:  # an open end stays open
        return f"after {_iso(date.earliest + delta - dt.timedelta(days=1))}"
    if date.earliest == EARLIEST:
        return f"before {_iso(date.latest + delta + dt.timedelta(days=1))}"
    return f"{_iso(date.earliest + delta)}/{_iso(date.latest + delta)}"


def _blows(view: _View, person: str) -> list[Event]:
    """What struck a person: arrests, expulsions, sentences, executions, earliest first."""
    found = [e for e in view.entries if getattr(e, "person", None) == person and (
        isinstance(e, (Arrest, Expulsion, Sentence)) or isinstance(e, Death) and e.executed)]
    return sorted(found, key=lambda e: e.date.sort_key())


def _without(view: _View, ids: list[str]) -> list[Change]:
    """Changes removing entries, and first every reference to them from other entries."""
    dropped = set(ids)
    changes = [Change(path=view.path(e, name), remove=i) for e in view.entries if e.id not in dropped
               for name in ("concerns", "answers") for i in getattr(e, name, []) if i in dropped]
    return changes + [Change(path=f"{view.part[i]}", remove=i) for i in ids]


# -- One function per kind ---------------------------------------------------------------------

def _attribute(v: Variation, view: _View) -> list[Candidate]:
    assert v.attribute is not None
    person = view.case.people[view.case.accused]
    current = getattr(person, v.attribute)
    return [Candidate(v.id, f"{v.id}={value}", f"the accused's {v.attribute.replace('_', ' ')}: "
                      f"{codebook.label(str(value))} instead of {codebook.label(str(current))}",
                      (Change(path=f"people.{view.case.accused}.{v.attribute}", set=value),), v.cost,
                      f"{v.id}") for value in v.values if value != current]


def _matches(entry: Event, match: dict[str, MatchValue], view: _View) -> bool:
    for key, wanted in match.items():
        value = getattr(entry, key, None)
        allowed = _listed(wanted)
        people = {view.case.accused} if "accused" in allowed else set()
        people |= view.tied if "tied" in allowed else set()
        if value not in allowed and value not in people:
            return False
    return True


def _drop(v: Variation, view: _View) -> list[Candidate]:
    groups: dict[str, list[Event]] = {}
    for entry in (e for e in view.entries if _matches(e, v.match, view)):
        key = entry.id if v.group == "entry" else str(getattr(entry, v.group, None))
        groups.setdefault(key, []).append(entry)
    found = []
    for key, entries in sorted(groups.items()):
        kinds = sorted({str(getattr(e, "conduct", None) or e.type) for e in entries})
        what = ", ".join(codebook.label(k) if k in codebook.CONDUCTS else k for k in kinds)
        whose = f" toward {view.name(key)}" if v.group == "toward" else \
            f" of {view.name(key)}" if v.group == "person" else ""
        ids = [e.id for e in entries]
        found.append(Candidate(v.id, f"{v.id}:{key}", f"no {what}{whose} ({', '.join(ids)} removed)",
                               tuple(_without(view, ids)), v.cost, f"{v.id}:{key}"))
    return found


def _struck(view: _View) -> list[tuple[str, Event]]:
    """Each person tied to the accused who was struck, with the first blow."""
    return [(p, blows[0]) for p in sorted(view.tied) if (blows := _blows(view, p))]


def _add_conduct(v: Variation, view: _View) -> list[Candidate]:
    found = []
    for person, blow in _struck(view):
        conduct = [e for e in view.entries if isinstance(e, ConductEntry) and e.person == view.case.accused
                   and e.toward == person]
        if any(e.conduct == v.conduct for e in conduct):
            continue
        replaced = [e.id for e in conduct if e.conduct in v.drops]
        entry = {"id": f"whatif-{v.conduct}-{person}"[:64], "type": "conduct", "date": str(blow.date),
                 "person": view.case.accused, "conduct": v.conduct, "toward": person,
                 "summary": f"What-if: the accused's {codebook.label(str(v.conduct))} of {view.name(person)}, "
                            f"dated with the {blow.type} {blow.id}.", "source": list(blow.source)}
        instead = f", instead of {', '.join(replaced)}" if replaced else ""
        found.append(Candidate(v.id, f"{v.id}:{person}", f"{codebook.label(str(v.conduct))} of {view.name(person)} "
                               f"when struck ({blow.date}){instead}",
                               (*_without(view, replaced), Change(path="background", add=entry)), v.cost,
                               f"conduct:{person}"))
    return found


def _reports(view: _View, person: str, arrest: Event) -> list[Event]:
    accused = view.case.accused
    return [e for e in view.entries if (
        isinstance(e, Statement) and e.kind == "self_report" and e.author == accused
        and (arrest.id in e.concerns or person in e.subjects)
        or isinstance(e, ConductEntry) and e.person == accused and e.conduct == "disclosure"
        and (e.toward == person or arrest.id in e.concerns))]


def _report(v: Variation, view: _View) -> list[Candidate]:
    found = []
    hearings = view.case.hearings()
    for person, _ in _struck(view):
        arrest = next((b for b in _blows(view, person) if isinstance(b, Arrest)), None)
        if arrest is None:
            continue
        existing = _reports(view, person, arrest)
        old = [e.id for e in existing]
        for value in v.values:
            key, exclusive = f"{v.id}:{person}:{value}", f"report:{person}"
            if value == "never":
                if existing:
                    found.append(Candidate(v.id, key, f"the arrest of {view.name(person)} never reported "
                                           f"({', '.join(old)} removed)", tuple(_without(view, old)), v.cost,
                                           exclusive))
                continue
            assert isinstance(value, int)
            hearing = next((h for h in hearings if h.date.latest >= arrest.date.earliest), None)
            if hearing is None:
                continue
            pinned = min(arrest.date.latest, hearing.date.earliest - dt.timedelta(days=value + 1))
            if pinned < arrest.date.earliest:
                continue
            day = _iso(pinned + dt.timedelta(days=value))
            if any(str(e.date) == day for e in existing):
                continue
            changes = list(_without(view, old))
            says = f"the arrest of {view.name(person)} reported {value} day{'s' if value != 1 else ''} after it"
            says += f", instead of {', '.join(old)}" if old else ""
            if str(arrest.date) != _iso(pinned):
                changes.append(Change(path=view.path(arrest, "date"), set=_iso(pinned)))
                says += f" (the arrest placed on {_iso(pinned)}, within its recorded span {arrest.date})"
            report = {"id": f"whatif-report-{person}"[:64], "type": "statement", "kind": "self_report", "date": day,
                      "author": view.case.accused, "subjects": [view.case.accused, person], "concerns": [arrest.id],
                      "summary": f"What-if: the accused reports the arrest of {view.name(person)}.",
                      "source": list(arrest.source)}
            changes.append(Change(path="background", add=report))
            found.append(Candidate(v.id, key, says, tuple(changes), v.cost, exclusive))
    return found


def _ground(v: Variation, view: _View) -> list[Candidate]:
    return [Candidate(v.id, f"{v.id}:{h.id}:{g}", f"{codebook.label(g)} not charged at {h.id} ({h.date})",
                      (Change(path=f"record.{h.id}.grounds", remove=g),), v.cost, f"{v.id}:{h.id}:{g}")
            for h in view.case.hearings() for g in h.grounds]


def boundaries(norm_sets: dict[str, NormSet]) -> list[tuple[dt.date, str]]:
    """The first day of each norm set's period (of kind `norms`), and the first day after one that ends."""
    found: dict[dt.date, str] = {}
    chosen = sorted((n for n in norm_sets.values() if n.kind == "norms"), key=lambda n: n.id)
    for n in chosen:
        found.setdefault(n.in_force.from_, f"the start of {n.id}")
    for n in chosen:  # an end that is another's start is named by the start
        if n.in_force.until is not None:
            found.setdefault(n.in_force.until + dt.timedelta(days=1), f"the end of {n.id}")
    return sorted(found.items())


def _move_hearing(v: Variation, view: _View, norm_sets: dict[str, NormSet]) -> list[Candidate]:
    found = []
    record = view.case.record
    for hearing in view.case.hearings():
        at = next(i for i, e in enumerate(record) if e.id == hearing.id)
        for boundary, what in boundaries(norm_sets):
            moves = []
            if hearing.date.earliest < boundary:
                moves.append((boundary + dt.timedelta(days=v.days - 1), record[at:], "later"))
            if hearing.date.latest >= boundary:
                moves.append((boundary - dt.timedelta(days=v.days), record[:at + 1], "earlier"))
            for day, moved, direction in moves:
                delta = (day - hearing.date.earliest).days
                if not 0 < abs(delta) <= v.within_days:
                    continue
                changes = [Change(path=f"record.{e.id}.date", set=_iso(day) if e is hearing else shifted(e.date, delta))
                           for e in moved]
                others = f", with {len(moved) - 1} other record entries" if len(moved) > 1 else ""
                found.append(Candidate(v.id, f"{v.id}:{hearing.id}:{_iso(day)}",
                                       f"{hearing.id} held on {_iso(day)} instead of {hearing.date}, {direction} "
                                       f"than {what} ({abs(delta)} days{others})", tuple(changes), v.cost,
                                       f"{v.id}:{hearing.id}"))
    return found


def candidates(case: Case, variations: list[Variation], norm_sets: dict[str, NormSet],
               dated: bool) -> list[Candidate]:
    """Every change the variations make of the case, in the order of the variations; `dated`: hearings may be
    moved across norm-set boundaries (the date chooses the norm set, as with `--rules auto`)."""
    view = _view(case)
    found: list[Candidate] = []
    for v in variations:
        if v.kind == "move_hearing":
            found += _move_hearing(v, view, norm_sets) if dated else []
        else:
            found += {"attribute": _attribute, "drop": _drop, "add_conduct": _add_conduct, "report": _report,
                      "ground": _ground}[v.kind](v, view)
    return found
