"""A norm set named for a hearing it was not in force at: every output says so at that step."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from case_procedure.cli import app
from case_procedure.dates import HistDate
from case_procedure.norms import load_norm_sets
from case_procedure.replay import outside_period
from case_procedure.trace import period_words

runner = CliRunner()
NORM_SETS = load_norm_sets(ROOT / "rules")
EXAMPLE = FIXTURES / "example.yaml"  # hearings of 1937-09 and 1937-10, under the 1937 norms
NOT_IN_FORCE = "norms-1938, in force 1938-01-20 to 1939-03-09, was not in force on 1937-"


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _flat(text: str) -> str:
    return " ".join(text.split())


def _straddling(tmp_path: Path) -> Path:
    """The example with its committee hearing dated across the January 1938 resolution."""
    text = EXAMPLE.read_text(encoding="utf-8")
    assert "    date: 1937-10\n" in text
    path = tmp_path / "example.yaml"
    path.write_text(text.replace("    date: 1937-10\n", "    date: 1937-12/1938-02\n", 1), encoding="utf-8")
    return path


def test_replay_json_marks_each_step_out_of_its_norm_sets_period() -> None:
    late = json.loads(_run("replay", str(EXAMPLE), "--rules", "norms-1938", "--format", "json"))
    timely = json.loads(_run("replay", str(EXAMPLE), "--rules", "norms-1937", "--format", "json"))
    assert [s["outside_period"] for s in late["steps"]] == ["wholly", "wholly"]
    assert [s["outside_period"] for s in timely["steps"]] == ["no", "no"]
    assert {s["norm_set_period"] for s in late["steps"]} == {"1938-01-20 to 1939-03-09"}
    # keys are added, none renamed: the step keeps every key it had
    assert {"hearing", "date", "norm_set", "norm_set_uncertain", "prescribed", "agreement"} <= set(late["steps"][0])


def test_replay_text_and_markdown_say_so_at_the_step() -> None:
    late = _flat(_run("replay", str(EXAMPLE), "--rules", "norms-1938"))
    assert late.count("was not in force on") == 2 and NOT_IN_FORCE in late and "counterfactual" in late
    assert "not in force" not in _run("replay", str(EXAMPLE), "--rules", "norms-1937")
    markdown = _run("replay", str(EXAMPLE), "--rules", "norms-1938", "--format", "markdown")
    assert markdown.count("**Not in force.**") == 2 and markdown.count("(not in force) |") == 2
    assert "Not in force" not in _run("replay", str(EXAMPLE), "--rules", "norms-1937", "--format", "markdown")


def test_a_span_reaching_into_the_period_is_partly_in_force(tmp_path: Path) -> None:
    case = str(_straddling(tmp_path))
    steps = json.loads(_run("replay", case, "--rules", "norms-1938", "--format", "json"))["steps"]
    assert [s["outside_period"] for s in steps] == ["wholly", "partly"]
    assert "was in force for only part of 1937-12/1938-02" in _flat(_run("replay", case, "--rules", "norms-1938"))
    # with auto, the existing note on an uncertain span says it (once)
    auto = _flat(_run("replay", case, "--rules", "auto"))
    assert "part of this span falls outside norms-1937" in auto and "only part of" not in auto


def test_compare_marks_the_norm_set_not_in_force_at_each_hearing() -> None:
    data = json.loads(_run("compare", str(EXAMPLE), "--rules", "norms-1937", "--rules", "norms-1938",
                           "--format", "json"))
    assert [h["outside_period"] for h in data["hearings"]] == [{"norms-1937": "no", "norms-1938": "wholly"}] * 2
    assert [s["outside_period"] for s in data["simulations"]["norms-1938"]["steps"]] == \
        ["wholly"] * len(data["simulations"]["norms-1938"]["steps"])
    text = _run("compare", str(EXAMPLE), "--rules", "norms-1937", "--rules", "norms-1938")
    hearings = [_flat(b) for b in re.split(r"\n(?=\d+\. )", text.split("Simulated paths:")[0])[1:]]
    assert len(hearings) == 2
    assert all(b.count("(not in force)") == 1 and b.index("norms-1938:") < b.index("(not in force)") for b in hearings)
    paths = _flat(text.split("Simulated paths:")[1].split("Final outcome")[0])
    assert paths.count(NOT_IN_FORCE) == 1 and paths.index("norms-1938:") < paths.index(NOT_IN_FORCE)
    markdown = _run("compare", str(EXAMPLE), "--rules", "norms-1937", "--rules", "norms-1938", "--format", "markdown")
    assert markdown.count("(not in force)") == 2 and _flat(markdown).count(NOT_IN_FORCE) == 1


def test_simulate_says_so_at_every_step() -> None:
    data = json.loads(_run("simulate", str(EXAMPLE), "--rules", "norms-1938", "--format", "json"))
    assert data["steps"] and all(s["outside_period"] == "wholly" and s["date"] == "1937-09" for s in data["steps"])
    assert data["norm_set_period"] == "1938-01-20 to 1939-03-09"
    text = _flat(_run("simulate", str(EXAMPLE), "--rules", "norms-1938"))
    assert text.count(NOT_IN_FORCE) == len(data["steps"])
    markdown = _run("simulate", str(EXAMPLE), "--rules", "norms-1938", "--format", "markdown")
    assert _flat(markdown).count(NOT_IN_FORCE) == len(data["steps"])
    assert "not in force" not in _run("simulate", str(EXAMPLE), "--rules", "norms-1937")


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_explain_says_so_at_each_hearing_and_simulated_step(fmt: str) -> None:
    late = _flat(_run("explain", str(EXAMPLE), "--rules", "norms-1938", "--format", fmt))
    simulated = len(json.loads(_run("simulate", str(EXAMPLE), "--rules", "norms-1938", "--format", "json"))["steps"])
    assert late.count("Not in force") == 2 and late.count(NOT_IN_FORCE) == 2 + simulated
    assert "in force" not in _run("explain", str(EXAMPLE), "--rules", "norms-1937", "--format", fmt).replace(
        "no norm set was in force", "")


spans = st.tuples(st.dates(dt.date(1934, 1, 1), dt.date(1940, 12, 31)), st.integers(0, 400))


@given(spans, st.sampled_from(sorted(NORM_SETS)))
def test_outside_period_counts_the_days_in_force(span: tuple[dt.date, int], name: str) -> None:
    low, length = span
    high = low + dt.timedelta(days=length)
    date = HistDate(f"{low.isoformat()}/{high.isoformat()}")
    normset = NORM_SETS[name]
    days = normset.in_force.days_within(low, high)
    expected = "wholly" if days == 0 else ("no" if days == length + 1 else "partly")
    assert outside_period(normset, date) == expected
    words = period_words(name, str(date), expected, normset.in_force.words())
    assert (words is None) == (expected == "no")
