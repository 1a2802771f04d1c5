"""Reading YAML while remembering the line of every key, and validating it with pydantic.

Pydantic reports errors by location (`record.3.decision`); the line map turns that
location back into the line of the file, so that every message can name file, line
and field.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, Tag, ValidationError
from yaml import events as yaml_events

from case_procedure import files
from case_procedure.errors import InputError, Problem

Loc = tuple[str | int, ...]
Model = TypeVar("Model", bound=BaseModel)


class LineMap:
    """Line numbers (1-based) of the nodes of a YAML document, addressed by location."""

    def __init__(self, root: yaml.Node | None) -> None:
        self._root = root

    def locate(self, loc: Loc) -> tuple[int | None, Loc]:
        """The line of the deepest node on `loc`, and `loc` without the parts the file does not have
        (such as the union tag pydantic adds after a list index or below a value)."""
        node = self._root
        if node is None:
            return None, loc
        line, kept = node.start_mark.line + 1, []
        for part in loc:
            child = _child(node, part)
            if child is None:
                if isinstance(part, str) and isinstance(node, yaml.MappingNode) and _is_tag(node, part):
                    continue
                if isinstance(part, str) and isinstance(node, yaml.ScalarNode):  # a union's tag below a value
                    continue
                kept.append(part)
                continue
            node, line = child, child.start_mark.line + 1
            kept.append(part)
        return line, tuple(kept)

    def line(self, loc: Loc) -> int | None:
        return self.locate(loc)[0]


def _is_tag(node: yaml.MappingNode, part: str) -> bool:
    return any(key.value == "type" and value.value == part for key, value in node.value)


def _child(node: yaml.Node, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == str(part):
                child: yaml.Node = value if not isinstance(value, yaml.ScalarNode) or value.value != "" else key
                return child
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        item: yaml.Node = node.value[part]
        return item
    return None


def field_name(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _duplicate_keys(node: yaml.Node | None, path: Path) -> list[Problem]:
    problems: list[Problem] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if key.value in seen:
                problems.append(Problem(path, key.start_mark.line + 1, str(key.value), "key given twice"))
            seen.add(key.value)
            problems += _duplicate_keys(value, path)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            problems += _duplicate_keys(item, path)
    return problems


def _parse_fast(text: str) -> tuple[Any, yaml.Node] | None:
    """Data and node tree from libyaml, ten times faster than the Python parser (a tenth of a second per
    cold replay), for plain files only: None for anything the careful `_Loader` must judge and word
    (broken YAML, anchors, aliases, tags, deep nesting, odd characters, huge numbers)."""
    if not hasattr(yaml, "CSafeLoader") or yaml.reader.Reader.NON_PRINTABLE.search(text):
        return None
    try:
        depth, scanner = 0, _FastLoader(text)
        try:
            while scanner.check_event():
                event = scanner.get_event()
                if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) or getattr(event, "tag", None):
                    return None
                depth += isinstance(event, yaml_events.CollectionStartEvent)
                depth -= isinstance(event, yaml_events.CollectionEndEvent)
                if depth >= MAX_DEPTH - 1:
                    return None
        finally:
            scanner.dispose()
        loader = _FastLoader(text)
        try:
            root = loader.get_single_node()
            return (loader.construct_document(root), root) if root is not None else None
        finally:
            loader.dispose()
    except (yaml.YAMLError, ValueError):
        return None


# Case and rule files are small hand-written text: the largest in the corpus is about 50 KB.
MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 40  # nesting of mappings and lists; the formats need fewer than ten levels


class _Refused(yaml.MarkedYAMLError):
    """A YAML feature the formats do not use and the loader refuses."""

    def __init__(self, problem: str, mark: Any) -> None:  # the C and the Python parser have their own Mark
        super().__init__(None, None, problem, mark)


class _Loader(yaml.SafeLoader):
    """The safe loader, refusing anchors, aliases and explicit tags, and bounding the nesting.

    Refusing aliases outright (rather than budgeting them) rules out alias bombs: without
    aliases a document's tree is no larger than its text. Dates stay text, as written, so
    that an impossible date (1937-02-30) is a validation error and not a crash.
    """

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(f"alias *{event.anchor} is not allowed; write the value out in full",
                           event.start_mark)
        if getattr(event, "anchor", None) is not None:
            raise _Refused(f"anchor &{event.anchor} is not allowed (nor aliases); write values out "
                           "in full", event.start_mark)
        tag = getattr(event, "tag", None)
        if tag is not None:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise _Refused(f"tag {shown} is not allowed; the file holds plain data only",
                           event.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
            node = super().compose_node(parent, index)
            assert node is not None  # a node is composed whenever an event is pending
            return node
        finally:
            self._depth -= 1


class _FastLoader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """libyaml's parser with the same scalar schema as `_Loader`."""


# -- The scalar schema ----------------------------------------------------------------------
#
# PyYAML implements YAML 1.1, whose implicit types misread what historians type: `fond: 0432` is octal 282,
# `0x791`, `32:17` (base 60) and `1_937` are all 1937, `yes`/`on` are true, `<<` merges mappings. Every file
# is read with one narrower schema instead, a subset of YAML 1.2's core schema: null (`~`, `null`, empty),
# `true`/`false`, and whole numbers written in plain decimal without leading zeros. Everything else, dates
# included, is text exactly as written. Since a number's text is then its canonical form, a field that holds
# text may take a number and keep it as written (see `scalars`). Mapping keys are always text.

_SCHEMA: list[tuple[str, str, list[str]]] = [  # tag, pattern, the first characters it can start with
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:0|-?[1-9][0-9]*)$", list("-0123456789")),
]
_MAX_DIGITS = 4300  # Python refuses to convert longer integers


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode,
                       deep: bool = False) -> dict[str, Any]:
    """A mapping whose keys are the text written (`yes:`, `true:` and `1937:` are names, not values)."""
    mapping: dict[str, Any] = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            raise _Refused("a key must be a name, not a list or a mapping", key.start_mark)
        mapping[key.value] = loader.construct_object(value, deep=deep)
    return mapping


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    if len(node.value) > _MAX_DIGITS:
        raise _Refused(f"number too long ({len(node.value)} characters)", node.start_mark)
    return int(node.value)


def _use_scalar_schema(loader: type[yaml.SafeLoader]) -> None:
    loader.yaml_implicit_resolvers = {}
    for tag, pattern, first in _SCHEMA:
        loader.add_implicit_resolver(tag, re.compile(pattern), first)
    loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    loader.construct_mapping = _construct_mapping  # type: ignore[assignment,method-assign]


_use_scalar_schema(_Loader)
_use_scalar_schema(_FastLoader)


def _fail(path: Path, line: int | None, message: str) -> InputError:
    return InputError([Problem(path, line, "", message)])


def read_text(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """The text of a small UTF-8 regular file, or InputError: nothing there, a folder, a FIFO, a device or a
    socket (told by stat, never opened), a file too large, bytes that are not UTF-8."""
    try:
        reason = files.unreadable(path)
        if reason is not None:
            raise _fail(path, None, reason)
        size = path.stat().st_size
        if size > limit:
            raise _fail(path, None, f"the file is {size:,} bytes; case and rule files may be at most {limit:,} "
                        "bytes")
        data = files.read_regular_bytes(path, limit)  # bounded: a growing file may outgrow its size
    except ValueError as exc:  # no longer a regular file when opened
        raise _fail(path, None, str(exc)) from None
    except OSError as exc:
        raise _fail(path, None, f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise _fail(path, None, f"the file is more than {limit:,} bytes; case and rule files may be at most "
                    f"{limit:,} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _fail(path, line, f"not UTF-8 text: byte 0x{data[exc.start]:02x} in column {column}; "
                    "save the file as UTF-8") from None


def _tab_line(text: str, upto: int) -> int | None:
    """The first line up to `upto` (1-based) indented with a tab."""
    for number, line in enumerate(text.splitlines()[:upto], start=1):
        if "\t" in line[: len(line) - len(line.lstrip(" \t"))]:
            return number
    return None


def read_yaml(path: Path) -> tuple[Any, LineMap]:
    """Parse a YAML file safely; broken or refused YAML becomes an InputError naming the line."""
    return parse_yaml(path, read_text(path))


def parse_yaml(path: Path, text: str) -> tuple[Any, LineMap]:
    """Parse the text of the file at `path` (named in messages)."""
    if not text.strip():
        raise _fail(path, 1, "the file is empty")
    data, root = _parse_fast(text) or _parse_careful(path, text)
    problems = _duplicate_keys(root, path)
    if problems:
        raise InputError(problems)
    return data, LineMap(root)


def _parse_careful(path: Path, text: str) -> tuple[Any, yaml.Node]:
    """Data and node tree from the Python parser, or an InputError worded for what is wrong."""
    try:
        loader = _Loader(text)  # the reader refuses control characters here already
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise _fail(path, line, f"broken YAML: unacceptable character #x{exc.character:04x}: {exc.reason}") from None
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = mark.line + 1 if mark else None
        tab = _tab_line(text, at) if at and not isinstance(exc, _Refused) else None
        if tab is not None:
            raise _fail(path, tab, "a tab in the indentation; YAML indents with spaces only") from None
        message = str(exc.problem) if isinstance(exc, _Refused) else f"broken YAML: {exc.problem or exc}"
        raise _fail(path, at, message) from None
    except yaml.YAMLError as exc:
        raise _fail(path, None, f"broken YAML: {exc}") from None
    finally:
        loader.dispose()
    if root is None:
        raise _fail(path, 1, "the file has only comments and no content")
    return data, root


_EXPECTED = re.compile(r"'([^']+)'")
# fields holding the key of one person of the case's `people`
PERSON_FIELDS = {"author", "subject", "person", "moved_by", "presided_by", "toward", "other", "via", "accused"}
# the id patterns of the formats, in words
PATTERNS = {
    r"^[a-z][a-z0-9_-]*$": "lower-case letters, digits, '-' and '_', beginning with a letter",
    r"^[a-z0-9][a-z0-9_.-]*$": "lower-case letters, digits, '-', '_' and '.', beginning with a letter or digit",
}
# pydantic's words for the kinds of value, in ours
EXPECTED_KIND = {"list_type": "a list, such as [a, b]", "dict_type": "a mapping of fields (field: value)",
                 "model_type": "a mapping of fields (field: value)",
                 "model_attributes_type": "a mapping of fields (field: value)", "float_type": "a number",
                 "tuple_type": "a list, such as [a, b]", "set_type": "a list, such as [a, b]"}


def _nearest(found: object, choices: list[str]) -> str:
    close = difflib.get_close_matches(found, choices, n=1) if isinstance(found, str) else []
    return f"; did you mean {close[0]!r}?" if close else ""


def _terms(error: dict[str, Any], what: str = "term") -> str:
    expected = str(error.get("ctx", {}).get("expected", ""))
    choices = _EXPECTED.findall(expected) or [v.strip() for v in re.split(r",| or ", expected) if v.strip()]
    found = error.get("input")
    shown_found = repr(found) if isinstance(found, str) else shown(found)
    return f"unknown {what} {shown_found}{_nearest(found, choices)} (known: {', '.join(choices)})"


def _discriminator(ctx: dict[str, Any]) -> str:
    return str(ctx.get("discriminator", "type")).strip("'")


def _message(error: dict[str, Any], allowed: list[str] | None = None) -> str:
    """One pydantic error in the words of the file's format; `allowed`: the fields allowed where a field is
    unknown."""
    message, kind = str(error["msg"]), error["type"]
    if kind in ("enum", "literal_error"):
        return _terms(error)
    if kind == "union_tag_invalid":
        ctx = error.get("ctx", {})
        choices = _EXPECTED.findall(str(ctx.get("expected_tags", "")))
        tag, key = ctx.get("tag"), _discriminator(ctx)
        return f"unknown {key} {tag!r}{_nearest(tag, choices)} (known: {', '.join(choices)})"
    if kind == "union_tag_not_found":
        return f"`{_discriminator(error.get('ctx', {}))}` is missing: it says what kind of entry this is"
    if kind == "extra_forbidden":
        field = str(error["loc"][-1]) if error.get("loc") else ""
        if not allowed:
            return "unknown field"
        return f"unknown field{_nearest(field, allowed)} (allowed here: {', '.join(allowed)})"
    if kind == "missing":
        return "required, and missing"
    found, ctx = shown(error.get("input")), error.get("ctx", {})
    if kind in EXPECTED_KIND:
        return f"expected {EXPECTED_KIND[kind]}, found {found}"
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        return f"give at least {least} {'item' if least == 1 else 'items'} here"
    if kind == "string_pattern_mismatch":
        words = PATTERNS.get(str(ctx.get("pattern")), "the form an id takes here")
        return f"{found} is not an id: write {words}"
    if kind == "string_too_long":
        return f"at most {ctx.get('max_length'):,} characters here"
    loc = error.get("loc") or ()
    if kind == "string_type" and loc and loc[-1] in PERSON_FIELDS:
        return f"expected one person (a key of `people`), found {found}"
    if error["type"] == "int_type":
        hint = (" (a number is written in plain decimal digits without leading zeros; anything else is text)"
                if isinstance(error.get("input"), str) else "")
        return f"expected a whole number, found {found}{hint}"
    if error["type"] == "bool_type":
        return f"expected true or false, found {found}"
    if error["type"] == "string_type":
        hint = "; put it in quotes to keep it as text" if isinstance(error.get("input"), (bool, float)) else ""
        return f"expected text, found {found}{hint}"
    if error["type"] in ("less_than_equal", "greater_than_equal"):
        bound = f"at most {ctx['le']:,}" if "le" in ctx else f"at least {ctx['ge']:,}"
        return f"{found} is out of range: {bound}"
    if error["type"] == "too_long":
        return f"at most {ctx.get('max_length'):,} items here, found {ctx.get('actual_length'):,}"
    return message.removeprefix("Value error, ")


def shown(value: object) -> str:
    """A value as the file would write it, for a message."""
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, int) and len(digits := str(abs(value))) > 20:
        return f"a number of {len(digits):,} digits"
    return repr(value) if isinstance(value, str) else str(value)


def problem_at(path: Path, lines: LineMap, loc: Loc, message: str) -> Problem:
    line, kept = lines.locate(loc)
    return Problem(path, line, field_name(kept), message)


def problems_from(exc: ValidationError, path: Path, lines: LineMap,
                  model: type[BaseModel] | None = None) -> list[Problem]:
    found = []
    for error in exc.errors(include_url=False):
        allowed = fields_at(model, tuple(error["loc"])[:-1]) if model and error["type"] == "extra_forbidden" else None
        found.append(problem_at(path, lines, tuple(error["loc"]), _message(dict(error), allowed)))
    return found


def _unwrap(annotation: Any) -> Any:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def _member(annotation: Any, part: str | int) -> tuple[Any, bool]:
    """The member of a union that a location part names (a tag, a class name), and whether the part is consumed
    by naming it; else the first member model having the part as a field."""
    members = get_args(annotation)
    for member in members:
        tags = [m.tag for m in getattr(member, "__metadata__", ()) if isinstance(m, Tag)]
        inner = _unwrap(member)
        literal = inner.model_fields.get("type") if isinstance(inner, type) and issubclass(inner, BaseModel) else None
        if part in tags or getattr(inner, "__name__", None) == part or \
                (literal is not None and get_args(literal.annotation) == (part,)):
            return member, True
    for member in members:
        inner = _unwrap(member)
        if isinstance(inner, type) and issubclass(inner, BaseModel) and part in _aliases(inner):
            return member, False
    return None, True


def _aliases(model: type[BaseModel]) -> dict[str, Any]:
    return {field.alias or name: field.annotation for name, field in model.model_fields.items()}


def fields_at(model: type[BaseModel], loc: Loc) -> list[str] | None:
    """The fields allowed in the mapping at `loc` (a pydantic location) of `model`'s data, or None."""
    annotation: Any = model
    parts = list(loc)
    while parts:
        annotation = _unwrap(annotation)
        part = parts[0]
        if get_origin(annotation) in (Union, UnionType):
            annotation, consumed = _member(annotation, part)
            if annotation is None:
                return None
            if consumed:
                parts.pop(0)
            continue
        parts.pop(0)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            annotation = _aliases(annotation).get(str(part))
        elif get_origin(annotation) in (list, tuple):
            annotation = get_args(annotation)[0]
        elif get_origin(annotation) is dict:
            annotation = get_args(annotation)[1]
        else:
            return None
    annotation = _unwrap(annotation)
    if get_origin(annotation) in (Union, UnionType):
        models = [_unwrap(m) for m in get_args(annotation)]
        models = [m for m in models if isinstance(m, type) and issubclass(m, BaseModel)]
        annotation = models[0] if len(models) == 1 else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(_aliases(annotation))
    return None


def load_model(path: Path, model: type[Model]) -> tuple[Model, LineMap]:
    """Read and validate one file against a pydantic model, or raise InputError."""
    data, lines = read_yaml(path)
    return validated(path, data, lines, model), lines


def validated(path: Path, data: Any, lines: LineMap, model: type[Model]) -> Model:
    """The data of a file validated against a pydantic model, or InputError naming file, line and field."""
    if not isinstance(data, dict):
        found = type(data).__name__
        raise InputError([Problem(path, 1, "", f"expected a mapping at the top of the file, found {found}")])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_from(exc, path, lines, model)) from None
