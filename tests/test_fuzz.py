"""Fuzzing the values of real corpus files: any value gives exit 0 or 2, never 1, and clean output.

A plain value on one line of a corpus case file is replaced with a generated one (numbers of any
size, date-like text, control and bidirectional characters written as YAML escapes, any unicode),
and the commands a reader runs are run on the result. Whatever the value, a command either works
(exit 0) or names the problem (exit 2); it never fails with a bug (exit 1) or an engine error, and no
control character reaches its output.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from case_procedure.cli import app
from case_procedure.corpus import case_files

pytestmark = pytest.mark.slow

CORPUS = case_files(ROOT / "cases")
PLAIN_VALUE = re.compile(r"^(\s*(?:- )?[a-z_]+: )([^\[{|>&*!#'\"\s].*)$")
# Characters no output may hold raw: C0 but newline and tab, DEL, C1, and the bidirectional controls.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

numbers = st.one_of(st.integers(), st.integers(min_value=-(10 ** 40), max_value=10 ** 40).map(str),
                    st.sampled_from(["0432", "0x791", "32:17", "1_937", "1e400", ".nan", "-0", "+1"]))
dates = st.one_of(
    st.from_regex(r"\A(early|mid|late|summer|winter|about|before|after) [0-9]{1,5}(-[0-9]{1,2}){0,2}\Z"),
    st.from_regex(r"\A[0-9]{1,5}(-[0-9]{1,2}){0,2}(/[0-9]{1,5}(-[0-9]{1,2})?)?\Z"),
    st.sampled_from(["9999-12-31", "0001-01-01", "after 9999-12-31", "before 0001-01-01", "1937-02-30"]))
texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
controls = st.lists(st.sampled_from(["\x1b]0;title\x07", "\x00", "\x1b[31m", "\u202e", "\u2066", "\x85", "\x7f",
                                     "\r", "\x9b", "<script>alert(1)</script>", "| a | b |"]), min_size=1,
                    max_size=4).map("".join)
values = st.one_of(numbers.map(str), dates, texts.map(json.dumps), controls.map(json.dumps),
                   st.sampled_from(["yes", "on", "~", "true", "null", ""]))


def plain_lines(text: str) -> list[int]:
    return [i for i, line in enumerate(text.splitlines()) if PLAIN_VALUE.match(line)]


def mutated(path: Path, pick: int, value: str) -> str:
    lines = path.read_text(encoding="utf-8").splitlines()
    number = plain_lines("\n".join(lines))[pick % len(plain_lines("\n".join(lines)))]
    match = PLAIN_VALUE.match(lines[number])
    assert match is not None
    lines[number] = match.group(1) + value
    return "\n".join(lines) + "\n"


COMMANDS = [
    ["replay", "{case}", "--rules", "auto"],
    ["replay", "{case}", "--rules", "norms-1938", "--format", "json"],
    ["explain", "{case}", "--rules", "norms-1937", "--format", "markdown"],
    ["simulate", "{case}", "--rules", "practice-1937", "--format", "markdown"],
    ["diagram", "{case}", "--rules", "norms-1938", "--format", "dot"],
]


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=st.sampled_from(CORPUS), pick=st.integers(min_value=0, max_value=10_000), value=values,
       command=st.sampled_from(COMMANDS))
def test_any_value_gives_exit_0_or_2_and_clean_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: Path,
                                                      pick: int, value: str, command: list[str]) -> None:
    folder = tmp_path / "work"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "cases").mkdir(parents=True)
    target = folder / "cases" / case.name
    target.write_text(mutated(case, pick, value), encoding="utf-8")
    monkeypatch.chdir(folder)
    args = [a.replace("{case}", f"cases/{case.name}") for a in command] + ["--rules-dir", str(ROOT / "rules")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code in (0, 2), (args, value, result.output)
    assert "Traceback" not in result.output and "internal error" not in result.stderr
    assert not RAW_CONTROL.search(result.stdout), (value, RAW_CONTROL.findall(result.stdout))
    assert not RAW_CONTROL.search(result.stderr), (value, RAW_CONTROL.findall(result.stderr))
    if result.exit_code == 2:
        assert result.stdout == "" and re.match(rf"^cases/{re.escape(case.name)}(:\d+)?: ", result.stderr)
    elif "json" in command:
        json.loads(result.stdout)
    assert {p.name for p in folder.rglob("*")} == {"cases", case.name}  # nothing written
