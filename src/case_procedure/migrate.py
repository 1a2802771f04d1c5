"""Upgrading case files from format 1 to format 2, in memory and in the file itself.

Format 2 (the `format: 2` key) lets a statement name several people (`subjects`, where format 1
had one `subject`) and leaves a dismissal's author unknown where the book names none (format 1
put in the director). The upgrade is mechanical and loses nothing: `subject: x` becomes
`subjects: [x]`, and a dismissal without `by` gets the `by: director` format 1 implied. The rest
of format 2 only adds optional fields.

Every command reads a format-1 file through `upgrade` and says so in one line;
`case-procedure migrate FILE...` rewrites the file itself with `upgrade_text`, line by line, so
that its comments and layout stay as the encoder wrote them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from case_procedure.yamlfile import LineMap, Loc

FORMAT = 2
V1_DISMISSAL_BY = "director"  # what format 1 filled in for a dismissal without `by`
ENTRY_PARTS = ("background", "record")


def version(data: dict[str, Any]) -> object:
    """The format a file's data declares: 1 when it has no `format` key."""
    return data.get("format", 1)


@dataclass(frozen=True)
class Change:
    """One edit of the upgrade: `rename` a statement's `subject` to `subjects: [..]`, or `add` a dismissal's
    `by`, at the entry `loc`."""

    kind: str
    loc: Loc


def changes(data: dict[str, Any]) -> list[Change]:
    found = []
    for part in ENTRY_PARTS:
        for i, entry in enumerate(data.get(part) or []):
            if not isinstance(entry, dict):
                continue
            if entry.get("type") == "statement" and "subject" in entry and "subjects" not in entry:
                found.append(Change("rename", (part, i)))
            if entry.get("type") == "dismissal" and "by" not in entry:
                found.append(Change("add", (part, i)))
    return found


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """Format-1 data as format 2 (a new dict; the data given is left as it is)."""
    upgraded = {"id": data.get("id"), "format": FORMAT, **{k: v for k, v in data.items() if k != "id"}}
    for part in ENTRY_PARTS:
        if isinstance(upgraded.get(part), list):
            upgraded[part] = [dict(e) if isinstance(e, dict) else e for e in upgraded[part]]
    for change in changes(data):
        where, i = change.loc
        entry = upgraded[str(where)][int(i)]
        if change.kind == "rename":
            entry["subjects"] = [entry.pop("subject")]
        else:
            entry["by"] = V1_DISMISSAL_BY
    return upgraded


class NotMechanical(ValueError):
    """A format-1 file laid out so that a line-by-line upgrade cannot be sure of itself."""


_SUBJECT = re.compile(r"^(\s*(?:- )?)subject:(\s*)([a-z][a-z0-9_-]*)(\s*(?:#.*)?)$")
_TYPE = re.compile(r"^(\s*(?:- )?)type:\s*dismissal\s*(?:#.*)?$")
_ID = re.compile(r"^id:\s*\S+\s*(?:#.*)?$")


def upgrade_text(text: str, data: dict[str, Any], lines: LineMap) -> str:
    """The file's text as format 2, its comments and layout kept; NotMechanical where an edit cannot be placed."""
    rows = text.splitlines(keepends=True)
    inserts: dict[int, str] = {}  # after row index -> text
    top = lines.line(("id",))
    if top is None or not _ID.match(rows[top - 1].rstrip("\n")):
        raise NotMechanical("the top-level `id:` must stand on a line of its own, to put `format: 2` after it")
    inserts[top - 1] = "format: 2\n"
    for change in changes(data):
        if change.kind == "rename":
            number = lines.line((*change.loc, "subject"))
            match = _SUBJECT.match(rows[number - 1].rstrip("\n")) if number else None
            if match is None or number is None:
                raise NotMechanical(f"{_where(change.loc)}: `subject: ID` must stand on a line of its own")
            lead, space, person, tail = match.groups()
            rows[number - 1] = f"{lead}subjects:{space}[{person}]{tail}\n"
        else:
            number = lines.line((*change.loc, "type"))
            match = _TYPE.match(rows[number - 1].rstrip("\n")) if number else None
            if match is None or number is None:
                raise NotMechanical(f"{_where(change.loc)}: `type: dismissal` must stand on a line of its own")
            inserts[number - 1] = " " * len(match.group(1)) + f"by: {V1_DISMISSAL_BY}\n"
    if rows and not rows[-1].endswith("\n"):
        rows[-1] += "\n"
    return "".join(row + inserts.get(n, "") for n, row in enumerate(rows))


def _where(loc: Loc) -> str:
    return f"{loc[0]}[{loc[1]}]"
