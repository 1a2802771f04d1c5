"""The census of the book's cases (issue 15): every person on whom the book records a decision of a party body,
with the case file that encodes the case or the reason no file does.

`cases/census.yaml` holds `format: 1` and a list of `entries` (the format is described in `Entry` and at the
head of docs/census.md). `load_census` validates the file with the same messages as the
case files (`file:line: field: message`); `mismatches` sets the census beside the case files of the corpus, and
`corpus_problems` locates each mismatch in the census or in the case file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from case_procedure.case import Case, Strict
from case_procedure.codebook import Factory, factory_name
from case_procedure.corpus import CENSUS_NAME
from case_procedure.errors import InputError, Problem
from case_procedure.files import kind_at
from case_procedure.render import Markup, cell, md_text
from case_procedure.scalars import Flag, Id, Text, Words
from case_procedure.sources import CHAPTER_TITLES, OPENING, SECTIONS, chapter_value, pages_value, section_heading
from case_procedure.yamlfile import LineMap, Loc, problem_at, read_yaml, validated

FORMAT = 1

# The ten cases issue 15 ("The whole book: a census of its cases", item 3) reserves for an independent check of
# the rules: they are never encoded and never used to shape a rule. Keyed by the id slug the census gives each;
# where one of them acts in another case (a speaker, a tie) they stay a person of that case.
RESERVED: dict[str, str] = {
    "lipshtein": "Lipshtein",
    "kogan": "M. A. Kogan",
    "khvedchen": "Khvedchen",
    "kachurin": "Kachurin",
    "shegolev": "Shegolev",
    "pavlov": "Pavlov of the Trekhgornaia garage",
    "dorozhin": "Dorozhin",
    "rovnov": "D. Rovnov",
    "geche": "Geche",
    "ivanova": "Ivanova of the distillery",
}


class Status(StrEnum):
    encoded = "encoded"  # a case file cases/<case>.yaml encodes it
    not_encoded = "not_encoded"  # `reason` says why not
    reserved = "reserved"  # one of the ten of RESERVED


class Entry(Strict):
    """One person on whom the book records a party decision, an arrest after party proceedings, or a formal
    statement against them."""

    id: Id = Field(description="An ascii slug, unique in the census; the case id when encoded")
    name: Text = Field(description="As the book names the person, initials as given")
    factory: Factory = Field(
        description="A factory term, `other` (say which in `records`) or `not_stated`")
    chapter: Words = Field(description="1 to 5, 'introduction' or 'conclusion'")
    section: Words = Field(description="The section heading where the person is mainly treated, or 'opening'")
    pages: Words = Field(description="The index pages for the person, e.g. '166-174'")
    records: Text = Field(description="In our own words, 1-3 sentences: which party bodies decided what, and when")
    decision: Flag = Field(description="The book records at least one decision of a party body on the person")
    status: Status
    case: Id | None = Field(default=None, validate_default=True, description="Only with status encoded: the file "
                            "cases/<case>.yaml, whose id is the entry's id")
    reason: Text | None = Field(default=None, validate_default=True, description="Only with status not_encoded: "
                                "why the case is not encoded")

    _chapter = field_validator("chapter", mode="before")(chapter_value)
    _pages = field_validator("pages", mode="before")(pages_value)

    @field_validator("section")
    @classmethod
    def _section(cls, value: str, info: ValidationInfo) -> str:
        chapter = info.data.get("chapter")
        return section_heading(chapter, value) if chapter is not None else value

    @field_validator("case")
    @classmethod
    def _case(cls, value: str | None, info: ValidationInfo) -> str | None:
        status, own = info.data.get("status"), info.data.get("id")
        if status == Status.encoded and value is None:
            raise ValueError(f"an encoded entry names its case file: case: {own or 'its id'}")
        if status == Status.encoded and own is not None and value != own:
            raise ValueError(f"an encoded entry's case is its own id {own!r} (the file {own}.yaml), not {value!r}")
        if status == Status.reserved and value is not None:
            raise ValueError("a reserved case has no case file: it stays out of the corpus for an independent "
                             "check of the rules")
        if status == Status.not_encoded and value is not None:
            raise ValueError("only an encoded entry names a case file; a not_encoded entry gives its reason")
        return value

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str | None, info: ValidationInfo) -> str | None:
        status = info.data.get("status")
        if status == Status.not_encoded and value is None:
            raise ValueError("a not_encoded entry says why it is not encoded: reason")
        if status in (Status.encoded, Status.reserved) and value is not None:
            raise ValueError(f"only a not_encoded entry gives a reason; this one is {status}")
        return value


class Census(Strict):
    format: Literal[1] = Field(description="The version of the census format")
    entries: list[Entry] = Field(min_length=1)

    def encoded(self, case_id: str) -> Entry | None:
        """The entry whose case file is `case_id`, or None."""
        return next((e for e in self.entries if e.status == Status.encoded and e.case == case_id), None)

    def counts(self) -> dict[str, int]:
        return {s.value: sum(e.status == s for e in self.entries) for s in Status}


def entry_problems(census: Census) -> list[tuple[Loc, str]]:
    """Ids used twice, and the reserved list kept: a reserved person is listed as reserved, nobody else is."""
    problems: list[tuple[Loc, str]] = []
    first: dict[str, int] = {}
    for i, entry in enumerate(census.entries):
        if entry.id in first:
            problems.append((("entries", i, "id"), f"id {entry.id!r} is used twice (first by "
                             f"entries[{first[entry.id]}])"))
        first.setdefault(entry.id, i)
        if entry.id in RESERVED and entry.status != Status.reserved:
            problems.append((("entries", i, "status"), f"{entry.id!r} is {RESERVED[entry.id]}, one of the ten cases "
                             "issue 15 reserves for an independent check of the rules: status reserved"))
        if entry.status == Status.reserved and entry.id not in RESERVED:
            problems.append((("entries", i, "id"), f"{entry.id!r} is not one of the ten reserved cases of issue 15 "
                             f"(their ids: {', '.join(RESERVED)})"))
    return problems


def load_census(path: Path) -> tuple[Census, LineMap]:
    """Read and validate the census, or raise InputError naming file, line and field."""
    data, lines = read_yaml(path)
    census = validated(path, data, lines, Census)
    found = entry_problems(census)
    if found:
        raise InputError([problem_at(path, lines, loc, message) for loc, message in found])
    return census, lines


def census_path(cases_dir: Path) -> Path:
    return cases_dir / CENSUS_NAME


def read_census(cases_dir: Path) -> tuple[Census, LineMap] | None:
    """The census of a folder of case files, or None when the folder has none; InputError when it is malformed."""
    path = census_path(cases_dir)
    return None if kind_at(path) is None else load_census(path)


# -- The census beside the corpus ---------------------------------------------------------------

@dataclass(frozen=True)
class Mismatch:
    """Where the census and the case files disagree: at `loc` in the census, or (with `case`) in that case file."""

    loc: Loc
    message: str
    case: str | None = None


def mismatches(census: Census, cases: Mapping[str, str | None], folder: Path) -> list[Mismatch]:
    """Every case file (`cases`: its id, and its accused where known) has an encoded entry, every encoded entry
    its file in `folder`, and no case file is a reserved case, by its id or by its accused."""
    found: list[Mismatch] = []
    encoded = {e.case: i for i, e in enumerate(census.entries) if e.case is not None}  # only encoded ones name it
    listed: dict[str, int] = {}
    for i, entry in enumerate(census.entries):
        listed.setdefault(entry.id, i)
    for case_id, accused in sorted(cases.items()):
        if case_id in RESERVED:
            found.append(Mismatch(("id",), f"{case_id!r} is {RESERVED[case_id]}, one of the ten cases issue 15 "
                                  "reserves for an independent check of the rules; it must not be encoded",
                                  case_id))
        elif accused in RESERVED:
            found.append(Mismatch(("accused",), f"the accused {accused!r} is {RESERVED[accused]}, one of the ten "
                                  "cases issue 15 reserves for an independent check of the rules; the case must "
                                  "not be encoded", case_id))
        if case_id in encoded:
            continue
        file = (folder / f"{case_id}.yaml").as_posix()
        if case_id in listed:
            i = listed[case_id]
            found.append(Mismatch(("entries", i, "status"), f"the case file {file} exists, but its entry says "
                                  f"{census.entries[i].status}: status encoded, case {case_id}"))
        else:
            found.append(Mismatch(("entries",), f"no entry for the case file {file}: add one with status encoded "
                                  f"and case {case_id}"))
    for case_id, i in encoded.items():
        if case_id not in cases:
            found.append(Mismatch(("entries", i, "case"), f"no case file {(folder / f'{case_id}.yaml').as_posix()}"))
    return found


def corpus_problems(census: Census, lines: LineMap, path: Path, case_paths: list[Path],
                    accused: Mapping[str, str]) -> list[Problem]:
    """The mismatches of the census at `path` with the case files, each located in its file. `accused` gives the
    accused of the cases that were loaded (by case id, which is the file's stem)."""
    by_id = {p.stem: p for p in case_paths}
    found = mismatches(census, {i: accused.get(i) for i in by_id}, path.parent)
    problems = []
    for mismatch in found:
        if mismatch.case is None:
            problems.append(problem_at(path, lines, mismatch.loc, mismatch.message))
        else:
            case_file = by_id[mismatch.case]
            problems.append(problem_at(case_file, read_yaml(case_file)[1], mismatch.loc, mismatch.message))
    return problems


def summary(census: Census) -> str:
    """One line for `check`: the entries by status, and the reserved cases not yet listed."""
    counts = census.counts()
    text = (f"census: {len(census.entries)} entries agree with the case files ({counts['encoded']} encoded, "
            f"{counts['not_encoded']} not encoded, {counts['reserved']} reserved)")
    missing = [i for i in RESERVED if not any(e.id == i for e in census.entries)]
    return text + (f"; reserved cases not yet listed: {', '.join(missing)}" if missing else "")


def case_chapter(case: Case, census: Census | None) -> str:
    """The chapter of a case: its census entry's, or else its first source's."""
    entry = census.encoded(case.id) if census else None
    return entry.chapter if entry else next(iter(case.sources.values())).chapter


# -- The census as a page ---------------------------------------------------------------------

def chapter_heading(chapter: str) -> str:
    title = CHAPTER_TITLES[chapter]
    return title if not chapter.isdigit() else f"Chapter {chapter}. {title}"


def by_chapter(census: Census) -> list[tuple[str, list[Entry]]]:
    """The entries grouped by chapter in the book's order, each chapter's in the order of its sections (the
    opening first), keeping the census's order within a section."""
    groups = []
    for chapter, sections in SECTIONS.items():
        order = {OPENING: -1, **{s: n for n, s in enumerate(sections)}}
        entries = sorted((e for e in census.entries if e.chapter == chapter), key=lambda e: order[e.section])
        if entries:
            groups.append((chapter, entries))
    return groups


def section_words(section: str) -> str:
    return "opening pages" if section == OPENING else section


INTRO = """\
# The census of the book's cases

Every person on whom Wendy Z. Goldman, *Inventing the Enemy* (2011), records a decision of a party body, an
arrest that followed party proceedings, or a formal statement against them (issue 15): where the book treats
the person, what it records, and the case file that encodes the case or the reason none does. Ten cases are
reserved for an independent check of the rules and are never encoded.

Each entry of the census file gives `id` (a lower-case slug, the case id when encoded), `name` (as the
book names the person), `factory` (a factory term, `other` or `not_stated`), `chapter`, `section` (the
heading where the person is mainly treated, or `opening`) and `pages` (the index pages), `records` (in
our own words, which party bodies decided what, and when), `decision` (true when the book records a
decision of a party body on the person) and `status`: `encoded` with `case` (the file
`cases/<case>.yaml`), `not_encoded` with the `reason`, or `reserved` with neither.

This page is generated from `cases/census.yaml`; do not edit it by hand. After changing the census,
regenerate it with

    .venv/bin/python tests/test_census.py

"""


def as_markdown(census: Census, case_link: str = "../cases/") -> str:
    """The census as a Markdown page, by chapter; an encoded entry links to its case file at `case_link`."""
    counts = census.counts()
    out = [INTRO + f"{len(census.entries)} entries: {counts['encoded']} encoded, {counts['not_encoded']} not "
           f"encoded, {counts['reserved']} reserved."]
    for chapter, entries in by_chapter(census):
        out += ["", f"## {chapter_heading(chapter)}", "",
                "| name | factory | section | pages | what is recorded | status |", "|---|---|---|---|---|---|"]
        out += ["| " + " | ".join(cell(c) for c in (e.name, factory_name(e.factory), section_words(e.section),
                                                    e.pages, e.records, _status_cell(e, case_link))) + " |"
                for e in entries]
    return "\n".join(out) + "\n"


def _status_cell(entry: Entry, case_link: str) -> str:
    if entry.status == Status.encoded:
        return Markup(f"encoded: [{entry.case}.yaml]({case_link}{entry.case}.yaml)")  # ids are slugs
    if entry.status == Status.reserved:
        return "reserved"
    return Markup(f"not encoded: {md_text(entry.reason or '')}")
