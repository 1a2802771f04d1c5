"""A change to a case: facts set, added or removed in the case's data, then validated as a case file is.

A change names a place in the case's data by a dotted path. A part of the path picks a key of a
mapping, or an item of a list: by its index, by the `id` of an entry, or by its value (a ground
in a hearing's `grounds`). So `people.margolina.nationality`, `background.frid-arrested.date`
and `record.nov-hearing.grounds` name what they say. On the command line a change is written

    PATH=VALUE     set the value at PATH (the last part may be a new key of a mapping)
    PATH+=VALUE    add VALUE to the end of the list at PATH
    PATH-=ITEM     remove ITEM (an index, an entry id or a value) from the list at PATH

and in a patch file (`--patch FILE.yaml`) as a list `changes:` of `{path: PATH, set: VALUE}`,
`{path: PATH, add: VALUE}` or `{path: PATH, remove: ITEM}`. Values are read with the project's
one YAML scalar schema (`yamlfile`): `1937-11-05` stays text, `0432` stays text, `yes` is text,
`[a, b]` a list. Nothing is converted behind the reader's back: the changed case is validated as
a case file is, and a problem in a changed place is reported at the change (`--set ARG:` or the
patch file's line), any other at the case file's line.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from case_procedure.case import Case, reference_problems
from case_procedure.errors import InputError, Problem, UsageError, read_every
from case_procedure.migrate import upgrade, version
from case_procedure.yamlfile import LineMap, Loc, field_name, load_model, parse_yaml, problems_from, read_yaml

Op = Literal["set", "add", "remove"]


class Change(BaseModel):
    """One change to a case's data: exactly one of `set`, `add` or `remove` beside its `path`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str = Field(min_length=1, max_length=500, description="Dotted path into the case's data")
    set: Any = Field(default=None, description="The value to put at `path`")
    add: Any = Field(default=None, description="A value to append to the list at `path`")
    remove: str | int | None = Field(default=None, description="The item (index, entry id or value) to remove "
                                     "from the list at `path`")

    @model_validator(mode="after")
    def _one_operation(self) -> "Change":
        given = [op for op in ("set", "add", "remove") if op in self.model_fields_set]
        if len(given) != 1:
            raise ValueError("a change gives exactly one of set, add or remove beside its path")
        if self.op == "remove" and self.remove is None:
            raise ValueError("remove names the item to remove: an index, an entry id or a value")
        return self

    @property
    def op(self) -> Op:
        ops: tuple[Op, ...] = ("set", "add", "remove")
        return next(op for op in ops if op in self.model_fields_set)

    @property
    def value(self) -> Any:
        return getattr(self, self.op)

    def argument(self) -> str:
        """The change as a `--set` argument."""
        sign = {"set": "=", "add": "+=", "remove": "-="}[self.op]
        return f"{self.path}{sign}{_written(self.value)}"

    def to_data(self) -> dict[str, Any]:
        return {"path": self.path, self.op: self.value}


def _written(value: Any) -> str:
    """A value as a flow-YAML scalar or collection that the scalar schema reads back as the same value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_written(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_written(v)}" for k, v in value.items()) + "}"
    text = str(value)
    plain = text and text.strip() == text and not any(c in text for c in ":#,[]{}&*!|>'\"%@`") \
        and text.lower() not in ("null", "true", "false", "~") and not text.lstrip("-").isdigit()
    return text if plain else "'" + text.replace("'", "''") + "'"


class PatchFile(BaseModel):
    """A patch file: the changes to apply, in order."""

    model_config = ConfigDict(extra="forbid")

    changes: list[Change] = Field(min_length=1, max_length=1000)


@dataclass(frozen=True)
class Place:
    """Where a change was given: a `--set` argument, or a line of a patch file."""

    argument: str | None = None
    file: Path | None = None
    line: int | None = None

    def problem(self, loc: Loc, message: str) -> Problem:
        if self.file is not None:
            return Problem(self.file, self.line, field_name(loc), message)
        return ArgumentProblem(Path("--set"), None, field_name(loc), message, f"--set {self.argument!r}")


@dataclass(frozen=True)
class ArgumentProblem(Problem):
    """A problem in a command-line argument: the argument stands where a file and line would."""

    argument: str = ""

    def __str__(self) -> str:
        return f"{self.argument}: {self.field}: {self.message}" if self.field else f"{self.argument}: {self.message}"


@dataclass(frozen=True)
class Given:
    change: Change
    place: Place


# -- Reading changes ----------------------------------------------------------------------------

def parse_argument(argument: str) -> Given:
    """One `--set` argument as a change, or InputError naming the argument."""
    place = Place(argument=argument)
    path, sign, text = argument.partition("=")
    if not sign:
        raise InputError([place.problem((), "write PATH=VALUE, PATH+=VALUE or PATH-=ITEM")])
    op: Op = "set"
    if path.endswith("+"):
        op, path = "add", path[:-1]
    elif path.endswith("-"):
        op, path = "remove", path[:-1]
    path = path.strip()
    if not path:
        raise InputError([place.problem((), "no PATH before the '='")])
    if not text.strip():
        raise InputError([place.problem((), "no value after the '=' (write null to set no value)")])
    try:
        value, _ = parse_yaml(Path("value"), text)
    except InputError as exc:
        raise InputError([place.problem((), f"the value: {p.message}") for p in exc.problems]) from None
    if op == "remove" and (not isinstance(value, (str, int)) or isinstance(value, bool)):
        raise InputError([place.problem((), "the item to remove is an index, an entry id or a value")])
    try:
        return Given(Change.model_validate({"path": path, op: value}), place)
    except ValidationError as exc:
        raise InputError([place.problem((), str(e["msg"]).removeprefix("Value error, "))
                          for e in exc.errors(include_url=False)]) from None


def read_patch(path: Path) -> list[Given]:
    """The changes of a patch file, each with its line, or InputError (file:line: field: message)."""
    patch, lines = load_model(path, PatchFile)
    return [Given(c, Place(file=path, line=lines.line(("changes", i)))) for i, c in enumerate(patch.changes)]


def read_changes(patch_file: Path | None, arguments: list[str]) -> list[Given]:
    """The changes of a patch file and of `--set` arguments, in that order; InputError lists every bad one."""
    def changes_of(source: Path | str) -> list[Given]:
        return read_patch(source) if isinstance(source, Path) else [parse_argument(source)]

    sources: list[Path | str] = [*([patch_file] if patch_file is not None else []), *arguments]
    return [change for changes in read_every(changes_of, sources) for change in changes]


# -- Applying changes ---------------------------------------------------------------------------

class PathError(ValueError):
    """A path that names no place of the case's data."""


def _item_index(items: list[Any], part: str, where: str) -> int:
    """The index of the list item a path part names: its index, the entry with that id, or the equal value."""
    if part.lstrip("-").isdigit():
        index = int(part)
        if -len(items) <= index < len(items):
            return index % len(items)
        raise PathError(f"{where} has {len(items)} items; no item {index}")
    for i, item in enumerate(items):
        if isinstance(item, dict) and str(item.get("id")) == part or not isinstance(item, (dict, list)) \
                and str(item) == part:
            return i
    known = [str(item["id"]) for item in items if isinstance(item, dict) and "id" in item]
    shown = f" (ids: {', '.join(known[:12])}{', ...' if len(known) > 12 else ''})" if known else ""
    raise PathError(f"{where} has no item {part!r}{shown}")


def _walk(data: Any, parts: list[str], create_last: bool) -> tuple[Any, str | int, Loc]:
    """The container holding the place `parts` names, the key or index within it, and its location. Every
    container on the way is replaced by a shallow copy, so that the data a change is applied to shares all it
    does not change with the data it was copied from, and that data stays as it was."""
    node: Any = data
    loc: Loc = ()
    for n, part in enumerate(parts):
        last = n == len(parts) - 1
        where = field_name(loc) or "the case"
        if isinstance(node, dict):
            if part not in node and not (last and create_last):
                raise PathError(f"{where} has no key {part!r} (keys: {', '.join(map(str, node)) or 'none'})")
            key: str | int = part
        elif isinstance(node, list):
            key = _item_index(node, part, where)
        else:
            raise PathError(f"{where} is a single value; {part!r} cannot be looked up in it")
        if last:
            return node, key, (*loc, key)
        child = node[key]
        if isinstance(child, (dict, list)):
            child = copy.copy(child)
            node[key] = child
        node, loc = child, (*loc, key)
    raise PathError("an empty path")


def apply_change(data: dict[str, Any], change: Change) -> Loc:
    """Apply one change to the data in place; the location it touched (for an added item, the new one)."""
    parts = change.path.split(".")
    if any(not p for p in parts):
        raise PathError(f"{change.path!r} has an empty part; parts are separated by single dots")
    if change.op == "set":
        container, key, loc = _walk(data, parts, create_last=True)
        container[key] = copy.deepcopy(change.set)
        return loc
    container, key, loc = _walk(data, parts, create_last=False)
    target = container[key]
    if not isinstance(target, list):
        raise PathError(f"{field_name(loc)} is not a list; {change.op} works on lists")
    target = container[key] = list(target)  # a copy: the data copied from stays as it was
    if change.op == "add":
        target.append(copy.deepcopy(change.add))
        return (*loc, len(target) - 1)
    index = _item_index(target, str(change.remove), field_name(loc))
    del target[index]
    return loc


def _in_data(data: Any, loc: Loc) -> Loc:
    """A validation error's location without the parts the data does not have (the union tag pydantic adds
    after a list index: `record.0.hearing.date` is `record.0.date`)."""
    kept: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif isinstance(node, dict) and node.get("type") == part:
            continue
        else:
            node = None
        kept.append(part)
    return tuple(kept)


def _overlaps(first: Loc, second: Loc) -> bool:
    shorter = min(len(first), len(second))
    return first[:shorter] == second[:shorter]


def file_data(data: Any) -> Any:
    """A case file's data as format 2 (a format 1 file is upgraded first, as `corpus.load_case` does)."""
    return upgrade(data) if isinstance(data, dict) and version(data) == 1 else data


def changed_data(data: dict[str, Any], changes: list[Change]) -> tuple[dict[str, Any], list[Loc]]:
    """A copy of the data with the changes applied in order (sharing what they leave alone: `data` itself is
    never changed), and the location each touched; PathError names the first change (by its index in
    `changes`) that names no place."""
    changed = copy.copy(data)
    touched = []
    for n, change in enumerate(changes):
        try:
            touched.append(apply_change(changed, change))
        except PathError as exc:
            raise PathError(n, str(exc)) from None
    return changed, touched


def validate(path: Path, data: dict[str, Any], lines: LineMap, given: list[Given]) -> Case:
    """The case the changes make of a case file's data, validated and cross-checked as a case file is; or
    InputError, each problem at the change that made it where one did, else at the case file's line."""
    try:
        changed, touched = changed_data(data, [g.change for g in given])
    except PathError as exc:
        index, message = exc.args
        raise InputError([given[index].place.problem((), message)]) from None

    def located(loc: Loc, message: str, fallback: Problem) -> Problem:
        for g, place in zip(reversed(given), reversed(touched), strict=True):  # the last change to touch it
            if _overlaps(loc, place):
                return g.place.problem(loc, message)
        return fallback

    try:
        case = Case.model_validate(changed)
    except ValidationError as exc:
        raise InputError([located(_in_data(changed, tuple(e["loc"])), p.message, p)
                          for e, p in zip(exc.errors(include_url=False), problems_from(exc, path, lines),
                                          strict=True)]) from None
    found = reference_problems(case)
    if found:
        raise InputError([located(loc, message, Problem(path, lines.line(loc), field_name(loc), message))
                          for loc, message in found])
    return case


def changed_file(case_path: Path, patch_file: Path | None, arguments: list[str]) -> tuple[Case, list[Change]]:
    """The case of a file with the changes of a patch file and of `--set` arguments made, validated as a case
    file is, and the changes; UsageError when there are none, InputError naming every bad change."""
    given = read_changes(patch_file, arguments)
    data, lines = read_yaml(case_path)
    return validate(case_path, file_data(data), lines, given), [g.change for g in given]


def require_changes(patch_file: Path | None, arguments: list[str]) -> None:
    if not arguments and patch_file is None:
        raise UsageError("give the changes: --set PATH=VALUE (repeatable) or --patch FILE.yaml")
