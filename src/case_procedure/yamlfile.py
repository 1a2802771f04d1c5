"""Reading YAML while remembering the line of every key, and validating it with pydantic.

Pydantic reports errors by location (`record.3.decision`); the line map turns that
location back into the line of the file, so that every message can name file, line
and field.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from case_procedure.errors import InputError, Problem

Loc = tuple[str | int, ...]
Model = TypeVar("Model", bound=BaseModel)


class LineMap:
    """Line numbers (1-based) of the nodes of a YAML document, addressed by location."""

    def __init__(self, root: yaml.Node | None) -> None:
        self._root = root

    def locate(self, loc: Loc) -> tuple[int | None, Loc]:
        """The line of the deepest node on `loc`, and `loc` without the parts the file does not have
        (such as the union tag pydantic adds after a list index)."""
        node = self._root
        if node is None:
            return None, loc
        line, kept = node.start_mark.line + 1, []
        for part in loc:
            child = _child(node, part)
            if child is None:
                if isinstance(part, str) and isinstance(node, yaml.MappingNode) and _is_tag(node, part):
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
                return value if not isinstance(value, yaml.ScalarNode) or value.value != "" else key
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return node.value[part]
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


def read_yaml(path: Path) -> tuple[Any, LineMap]:
    """Parse a YAML file; broken YAML becomes an InputError naming the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(path, None, "", f"cannot read file: {exc}")]) from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InputError([Problem(path, line, "", f"broken YAML: {exc.problem or exc}")]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(path, None, "", f"broken YAML: {exc}")]) from None
    problems = _duplicate_keys(root, path)
    if problems:
        raise InputError(problems)
    return data, LineMap(root)


_EXPECTED = re.compile(r"'([^']+)'")


def _message(error: dict[str, Any]) -> str:
    message = str(error["msg"])
    if error["type"] == "enum" and isinstance(error.get("input"), str):
        choices = _EXPECTED.findall(str(error.get("ctx", {}).get("expected", "")))
        close = difflib.get_close_matches(error["input"], choices, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unknown term {error['input']!r}{hint} (known: {', '.join(choices)})"
    if error["type"] == "extra_forbidden":
        return "unknown field"
    return message.removeprefix("Value error, ")


def problem_at(path: Path, lines: LineMap, loc: Loc, message: str) -> Problem:
    line, kept = lines.locate(loc)
    return Problem(path, line, field_name(kept), message)


def problems_from(exc: ValidationError, path: Path, lines: LineMap) -> list[Problem]:
    return [problem_at(path, lines, tuple(e["loc"]), _message(dict(e))) for e in exc.errors(include_url=False)]


def load_model(path: Path, model: type[Model]) -> tuple[Model, LineMap]:
    """Read and validate one file against a pydantic model, or raise InputError."""
    data, lines = read_yaml(path)
    if not isinstance(data, dict):
        found = type(data).__name__
        raise InputError([Problem(path, 1, "", f"expected a mapping at the top of the file, found {found}")])
    try:
        return model.model_validate(data), lines
    except ValidationError as exc:
        raise InputError(problems_from(exc, path, lines)) from None
