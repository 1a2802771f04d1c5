"""No file can crash the program: any mutation of a valid file loads, or fails with InputError."""

import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from case_procedure.corpus import load_case
from case_procedure.errors import InputError
from case_procedure.norms import load_norm_sets

JUNK = ["", "  ", ":", "- ", "[", "]", "{", "}", "'", '"', "#", "&a", "*a", "!!python/object:os.system", "\t",
        "1937-13-45", "null", "~", "true", "-1", "99999999999999999999", "é", "expelsion", "not_stated",
        "date: summer", "source: []", "kind: spouse"]


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "replace", "insert", "truncate", "swap"]))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "replace":
            start = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:start] + draw(st.sampled_from(JUNK)) + lines[i][start + draw(st.integers(0, 8)):]
        elif action == "insert":
            lines.insert(i, draw(st.sampled_from(JUNK)))
        elif action == "truncate":
            lines = lines[:i]
        else:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        if not lines:
            lines = [""]
    return "\n".join(lines) + "\n"


@pytest.mark.slow
@settings(max_examples=300)
@given(mutated((FIXTURES / "example.yaml").read_text(encoding="utf-8")))
def test_a_mutated_case_file_loads_or_gives_located_problems(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "example.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            load_case(path)
        except InputError as exc:
            assert exc.problems and all(p.file == path and p.line for p in exc.problems), exc.problems


@pytest.mark.slow
@settings(max_examples=150)
@given(mutated((ROOT / "rules" / "norms-1938.yaml").read_text(encoding="utf-8")))
def test_a_mutated_rule_file_loads_or_gives_located_problems(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        rules = Path(folder) / "rules"
        shutil.copytree(ROOT / "rules", rules)
        (rules / "norms-1938.yaml").write_text(text, encoding="utf-8")
        try:
            load_norm_sets(rules)
        except InputError as exc:
            assert exc.problems and all(p.file.parent == rules and p.line for p in exc.problems), exc.problems
