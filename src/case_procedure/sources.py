"""Citations of the book and of the archival files its footnotes name.

The OCR text of the book has no page numbers in its running text, so a citation
names the chapter, the section heading printed in capitals, and the pages that the
book's index gives for the person or topic.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from case_procedure.scalars import Words, written_text

BOOK = (
    "Wendy Z. Goldman, Inventing the Enemy: Denunciation and Terror in Stalin's Russia "
    "(Cambridge University Press, 2011)"
)

OPENING = "opening"  # the untitled pages before a chapter's first heading

# Section headings as printed, per chapter, with the book's quotation marks dropped.
SECTIONS: dict[str, tuple[str, ...]] = {
    "introduction": (),
    "1": (
        "A GIANT LINGUISTIC MACHINE",
        "ACCUSATIONS AND ZAIAVLENIIA",
        "UNCOVERING TERRORISTS AND DOUBLE DEALERS",
        "INDUSTRIAL WRECKING",
        "HUNTING WRECKERS IN THE FACTORIES",
        "MASKING AND UNMASKING",
        "OVERLOOKING THE ENEMY, SMOOTHING OVER ENEMY ACTIVITIES, AND COMPLACENCY",
        "LICKSPITTLES, CRITICISM, AND DEMOCRACY",
        "SUPPRESSION OF CRITICISM AND PROTECTION OF ENEMIES",
        "ENEMIES OF THE PEOPLE AND THEIR SUPPORTERS",
        "CONCLUSION",
    ),
    "2": (
        "DINAMO: THE FACTORY",
        "SECRET DENUNCIATIONS",
        "FIRE AND TRIAL",
        "SILENCE: THE LAST REDOUBT OF DECENCY",
        "ASSOCIATIONAL TIES",
        "STRATEGIES OF SURVIVAL",
        "EACH AGAINST ALL",
        "CHAOS",
        "CONCLUSION",
    ),
    "3": (
        "THE IRON RULES OF THE GAME",
        "THE SOVIET FAMILY",
        "THE TERROR'S IMPACT ON THE FAMILY",
        "TAINTED RELATIVES AND SPOILT BIOGRAPHIES",
        "DOUBT AND FEAR",
        "IMPOSSIBLE DILEMMAS",
        "SPURNING RELATIVES",
        "A FAMILY TORN APART",
        "CONCLUSION",
    ),
    "4": (
        "MARIIA ZHIDKOVA, A TRUE BELIEVER",
        "MARIIA ZHIDKOVA AND ESFIR KRIVITSKAIA: COWORKERS AND FRIENDS",
        "ALEKSANDR SOMOV: BRINGING DOWN THE MIGHTY",
        "NATIONAL OPERATIONS AND COLLATERAL DAMAGE",
        "THE FIRST INTERROGATION",
        "THE SECOND INTERROGATION",
        "THE THIRD INTERROGATION",
        "FAITHFUL TO THE END",
        "CONCLUSION",
    ),
    "5": (
        "THE RAVAGES OF TERROR",
        "CHANGING COURSE",
        "THE IMPACT OF THE RESOLUTION",
        "LOCAL PANDEMONIUM",
        "UNMASKING THE SLANDERERS",
        "ORGANIZATIONAL PARALYSIS",
        "SHUDDERING TO A HALT",
        "THE OFFICIAL VIEW",
        "THE LIMITS OF DISCUSSION",
        "CONCLUSION",
    ),
    "conclusion": (),
}

CHAPTER_TITLES: dict[str, str] = {
    "introduction": "Introduction",
    "1": "The Terror: A Short Political Primer",
    "2": "Comrades and Coworkers",
    "3": "Family Secrets",
    "4": "Love, Loyalty, and Betrayal",
    "5": "The Final Paroxysm",
    "conclusion": "Conclusion: A History without Heroes",
}

_PAGES = re.compile(r"^\d{1,3}(-\d{1,3})?(, ?\d{1,3}(-\d{1,3})?)*$")
_QUOTES = re.compile("[\"“”‘’]")


def normalize_heading(text: str) -> str:
    """Upper-case a heading and drop quotation marks, keeping the apostrophe of THE TERROR'S."""
    text = text.replace("’", "'").replace("TERROR'S", "TERROR\x00S")
    text = _QUOTES.sub("", text).replace("'", "").replace("\x00", "'")
    return " ".join(text.upper().split())


class Archive(BaseModel):
    """An archival reference as the book's footnote gives it (archive, fond, opis, delo, folios)."""

    model_config = ConfigDict(extra="forbid")

    archive: Words = Field(description="Archive abbreviation, e.g. TsAOPIM")
    fond: Words
    opis: Words
    delo: Words
    folios: Words | None = Field(default=None, description="Folio numbers, e.g. '40-42, 86'")
    note: Words | None = None

    def __str__(self) -> str:
        text = f"{self.archive}, f. {self.fond}, op. {self.opis}, d. {self.delo}"
        return f"{text}, {plural('l.', 'll.', self.folios)} {self.folios}" if self.folios else text


def plural(one: str, many: str, numbers: str) -> str:
    """'p.' for one page or folio ('116'), 'pp.' for a range or a list ('116-118', '40, 86')."""
    return one if re.fullmatch(r"\s*\w+\s*", numbers) else many


class Source(BaseModel):
    """Where in the book a statement comes from."""

    model_config = ConfigDict(extra="forbid")

    chapter: Words = Field(description="1 to 5, 'introduction' or 'conclusion'")
    section: Words = Field(default=OPENING, description="Section heading in capitals, or 'opening'")
    pages: Annotated[Words, Field(description="Index pages, e.g. '219-222' or '183-186, 194'")]
    archive: Archive | None = None
    note: Words | None = Field(default=None, description="What exactly the source says, in our words")

    @field_validator("chapter", mode="before")
    @classmethod
    def _chapter(cls, value: object) -> object:
        text = written_text(value)
        text = text.strip().lower() if isinstance(text, str) else text
        if text not in SECTIONS:
            raise ValueError(f"unknown chapter {value!r}; use 1-5, 'introduction' or 'conclusion'")
        return text

    @field_validator("pages", mode="before")
    @classmethod
    def _pages(cls, value: object) -> object:
        text = written_text(value)
        if not isinstance(text, str) or not _PAGES.match(text := text.replace("–", "-").replace("—", "-").strip()):
            raise ValueError(f"pages {value!r} should look like '219' or '219-222, 230'")
        return text

    @model_validator(mode="after")
    def _section_in_chapter(self) -> "Source":
        if self.section == OPENING:
            return self
        heading = normalize_heading(self.section)
        if heading not in SECTIONS[self.chapter]:
            known = ", ".join(SECTIONS[self.chapter]) or "none (use 'opening')"
            raise ValueError(f"chapter {self.chapter} has no section {self.section!r}; its sections: {known}")
        self.section = heading
        return self

    def cite(self) -> str:
        chapter = CHAPTER_TITLES[self.chapter] if not self.chapter.isdigit() else f"ch.{self.chapter}"
        where = f"{chapter}, opening" if self.section == OPENING else f'{chapter} "{self.section}"'
        text = f"{where}, {plural('p.', 'pp.', self.pages)} {self.pages}"
        return f"{text}; {self.archive}" if self.archive else text
