"""Where a command may write: the one check every `--out` goes through before any work is written.

A command never deletes or replaces anything it did not make:

- never (not even with --force) the current folder, the home folder, a repository root (a folder
  holding `.git`), the program's own folder, a folder the command reads or one holding or inside it,
  a file it reads, or any folder holding one of these;
- never a file, FIFO, device or socket by a folder, nor a folder, FIFO, device or socket by a file;
- a folder only when it is empty or is a previous output of the same command (its marker lists
  everything in it, see `files.MARKER`); a regular file only when it is a previous output (recognised
  by its content). `--force` lifts this last rule, and only this one: it lets a folder or file the
  command did not write be replaced.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import case_procedure
from case_procedure import files
from case_procedure.errors import InputError, Problem

HEAD_BYTES = 4096  # enough of a file to recognise a previous output by its beginning


@dataclass(frozen=True)
class Reads:
    """What a command reads; it writes over none of it."""

    folders: dict[Path, str]  # folder -> how messages name it, e.g. "the folder of case files (--cases)"
    files: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class Writes:
    """What a command writes at its --out: a folder (marked) or a file (recognised by its beginning)."""

    command: str
    folder: bool
    example: str  # a sound place to write it, for messages
    recognise: Callable[[str], bool] = lambda head: False  # files only: is this beginning one of ours?


CASEBOOK = Writes("casebook", folder=True, example="out/casebook")


def check(target: Path, writes: Writes, reads: Reads, force: bool) -> None:
    """InputError (`target: why`) unless `writes` may be written at `target`."""
    reason = refusal(target, writes, reads, force)
    if reason is not None:
        raise InputError([Problem(target, None, "", reason)])


def refusal(target: Path, writes: Writes, reads: Reads, force: bool) -> str | None:
    """Why `writes` may not be written at `target`, or None."""
    try:
        return (_protected(target.resolve(), writes, reads)
                or _blocked_parent(target)
                or (_folder_refusal(target, writes, force) if writes.folder else _file_refusal(target, writes, force)))
    except OSError as exc:
        return f"cannot be checked: {exc.strerror or exc}"


def _places(reads: Reads) -> list[tuple[Path, str, bool]]:
    """Places never written over: (path, how messages name it, whether writing inside it is refused too)."""
    found = [(Path.cwd().resolve(), "the current folder", False),
             (Path(case_procedure.__file__).resolve().parent, "the program's own folder", True)]
    home = os.path.expanduser("~")
    if home != "~":
        found.append((Path(home).resolve(), "your home folder", False))
    found += [(folder.resolve(), name, True) for folder, name in reads.folders.items()]
    found += [(path.resolve(), f"the input file {path}", True) for path in reads.files]
    return found


def _protected(resolved: Path, writes: Writes, reads: Reads) -> str | None:
    instead = f"write the {writes.command} to a {'folder' if writes.folder else 'file'} of its own, " \
              f"such as {writes.example}"
    for place, name, nor_inside in _places(reads):
        if resolved == place:
            return f"is {name}; {instead}"
        if resolved in place.parents:
            return f"holds {name}; {instead}"
        if nor_inside and place in resolved.parents:
            return f"is inside {name}; {instead}"
    if os.path.lexists(resolved / ".git"):
        return f"is a repository root (it holds .git); {instead}"
    return None


def _blocked_parent(target: Path) -> str | None:
    """The nearest existing parent of `target` must be a folder."""
    for parent in target.parents:
        found = files.kind_at(parent)
        if found is not None:
            return None if found == "a folder" else f"cannot be created: {parent} is {found}, not a folder"
    return None


def _folder_refusal(target: Path, writes: Writes, force: bool) -> str | None:
    found = files.kind_at(target)
    if found is None:
        return None
    if found != "a folder":
        return f"is {found}, not a folder; the {writes.command} is a folder and replaces only a previous one"
    if force or not any(target.iterdir()):
        return None
    foreign = files.foreign_entries(target, writes.command)
    if foreign is None:
        return (f"is a folder the {writes.command} did not write (it has no {files.MARKER} file); "
                "give --force to replace it and everything in it")
    if foreign:
        shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        return (f"holds files the {writes.command} did not write ({shown}); "
                "give --force to replace it and everything in it")
    return None


def _file_refusal(target: Path, writes: Writes, force: bool) -> str | None:
    found = files.kind_at(target)
    if found is None:
        return None
    if found == "a folder":
        return "is a folder, not a file"
    if found != "a regular file":
        return f"is {found}, not a regular file"
    if force or _recognised(target, writes):
        return None
    return f"is a file the {writes.command} did not write; give --force to replace it"


def _recognised(target: Path, writes: Writes) -> bool:
    try:
        head = files.read_regular_bytes(target, HEAD_BYTES)[:HEAD_BYTES]
    except ValueError:
        return False
    return writes.recognise(head.decode("utf-8", errors="replace"))
