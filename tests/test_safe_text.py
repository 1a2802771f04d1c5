"""One sanitizer for every output: control characters from the files shown escaped, Markdown escaped for HTML."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml as escape_html
from typer.testing import CliRunner

from case_procedure import corpus
from case_procedure.cli import app
from case_procedure.errors import InputError
from case_procedure.render import md_text
from case_procedure.safe_text import visible

runner = CliRunner()

# What must never leave the program raw: C0 but tab and newline, DEL, C1, the bidirectional controls.
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
C0 = [chr(c) for c in range(0x20) if chr(c) not in "\t\n"]
C1 = [chr(c) for c in range(0x80, 0xA0)]
BIDI = ["\u061c", "\u200e", "\u200f", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))]
CONTROLS = [*C0, "\x7f", *C1, *BIDI]
hostile_text = st.text(st.one_of(st.characters(), st.sampled_from(CONTROLS)), max_size=30)


def unescape(text: str) -> str:
    return re.sub(r"\\u([0-9a-f]{4})", lambda m: chr(int(m[1], 16)), text)


# -- The sanitizer --------------------------------------------------------------------------------

@pytest.mark.parametrize("char", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_every_control_character_is_shown_as_its_code_point(char: str) -> None:
    assert visible(f"a{char}b") == f"a\\u{ord(char):04x}b"


def test_the_examples_of_the_issue() -> None:
    assert visible("Ivan\x1b]0;pwned\x07") == "Ivan\\u001b]0;pwned\\u0007"
    assert visible("\x00") == "\\u0000"
    assert visible("\u202eevil") == "\\u202eevil"


@pytest.mark.parametrize("text", [
    "Aleksandr Somov", "Серп и Молот", "Krivitskaia’s “admission” — 1937–1938", "Mañé, Zürich, Łódź",
    "tab\tand\nnewline", "a\u00a0non-breaking space", "emoji 🙂 and CJK 党", "\\u001b written out",
])
def test_ordinary_text_is_unchanged(text: str) -> None:
    assert visible(text) == text


@given(hostile_text)
def test_no_control_character_survives_and_nothing_else_changes(text: str) -> None:
    shown = visible(text)
    assert not RAW.search(shown)
    if "\\" not in text:
        assert unescape(shown) == text


@given(hostile_text)
def test_json_made_visible_stays_valid_and_reads_back_the_same(text: str) -> None:
    serialized = visible(json.dumps({"name": text}, ensure_ascii=False))
    assert not RAW.search(serialized)
    assert json.loads(serialized) == {"name": text}


# -- Markdown ---------------------------------------------------------------------------------------

MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def raw_html(markdown: str) -> list[str]:
    """The raw HTML a Markdown renderer would pass through: html_block and html_inline tokens."""
    found = []
    for token in MARKDOWN.parse(markdown):
        found += [token.content] if token.type == "html_block" else []
        found += [c.content for c in token.children or [] if c.type == "html_inline"]
    return found


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "&lt;b&gt;",
                                  "[link](javascript:alert(1))", "*bold* _em_ `code` ~~strike~~ # heading",
                                  "- a list", "1. a list", "+ a list", "| a | table |", "<!-- a comment -->"])
def test_markdown_text_renders_as_written(text: str) -> None:
    rendered = MARKDOWN.render(md_text(text))
    assert rendered == f"<p>{escape_html(text)}</p>\n"


@given(hostile_text)
def test_markdown_text_is_one_paragraph_of_the_visible_text(text: str) -> None:
    flat = " ".join(visible(text).split())
    tokens = MARKDOWN.parse(md_text(text))
    if not flat:
        assert not tokens
        return
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    assert "".join(c.content for c in tokens[1].children if c.type == "text") == flat


# -- Every output of the command line ---------------------------------------------------------------

CASE = ROOT / "cases" / "krivitskaia.yaml"
COMMANDS = {  # the arguments after the case file's
    "replay text": ["replay", "--rules", "norms-1937"],
    "replay markdown": ["replay", "--rules", "norms-1937", "--format", "markdown"],
    "replay json": ["replay", "--rules", "norms-1937", "--format", "json"],
    "simulate text": ["simulate", "--rules", "norms-1938"],
    "simulate markdown": ["simulate", "--rules", "norms-1938", "--format", "markdown"],
    "compare text": ["compare", "--rules", "norms-1937", "--rules", "norms-1938"],
    "compare markdown": ["compare", "--rules", "norms-1937", "--rules", "norms-1938", "--format", "markdown"],
    "explain text": ["explain", "--rules", "norms-1937", "--why-not"],
    "explain markdown": ["explain", "--rules", "norms-1937", "--why-not", "--format", "markdown"],
    "diagram mermaid": ["diagram", "--rules", "norms-1937"],
    "diagram dot": ["diagram", "--rules", "norms-1937", "--format", "dot"],
}
EVERY_KIND = ("replay text", "replay markdown", "replay json", "simulate text", "compare text", "explain text",
              "explain markdown", "diagram mermaid", "diagram dot")  # one run of each renderer and format


def run(what: str, case: Path):
    command, *options = COMMANDS[what]
    return runner.invoke(app, [command, str(case), *options])


def hostile_case(folder: Path, name: str, title: str, summary: str) -> Path:
    """A corpus case with the accused's name, the title, the case's summary and every hearing's summary
    replaced."""
    data = yaml.safe_load(CASE.read_text(encoding="utf-8"))
    data["people"][data["accused"]]["name"] = name
    data["title"] = title
    data["summary"] = summary
    for entry in data["record"]:
        if entry["type"] == "hearing":
            entry["summary"] = summary
    path = folder / CASE.name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=False), encoding="utf-8")
    return path


@pytest.mark.slow
@settings(max_examples=20)
@given(name=hostile_text, title=hostile_text, summary=hostile_text)
def test_no_output_carries_a_control_character_from_a_case_file(tmp_path_factory, name: str, title: str,
                                                                summary: str) -> None:
    path = hostile_case(tmp_path_factory.mktemp("cases"), f"Esfir {name} Krivitskaia", f"The case {title} of 1937",
                        f"She {summary} was expelled.")
    try:
        case = corpus.load_cases([path])[0]
    except InputError:  # should a field be refused, every command refuses the file alike: one shows it
        result = run("replay text", path)
        assert result.exit_code == 2 and not RAW.search(result.output), result.output
        return
    results = {what: run(what, path) for what in EVERY_KIND}
    for what, result in results.items():
        assert result.exit_code == 0, (what, result.output)
        assert not RAW.search(result.output), what
    trace = json.loads(results["replay json"].stdout)
    assert trace["title"] == case.title == f"The case {title} of 1937"
    assert trace["steps"][0]["summary"] == f"She {summary} was expelled."


@pytest.fixture(scope="module")
def rules_copy(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("rules") / "rules"
    shutil.copytree(ROOT / "rules", folder)
    return folder


def with_statement(rules: Path, statement: str) -> str:
    """Replace the statement of the first rule norms-1938 adds; return the rule's id."""
    data = yaml.safe_load((ROOT / "rules" / "norms-1938.yaml").read_text(encoding="utf-8"))
    data["rules"][0]["statement"] = statement
    (rules / "norms-1938.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=False),
                                          encoding="utf-8")
    return data["rules"][0]["id"]


def rules_diff(rules: Path, format: str):
    return runner.invoke(app, ["rules", "diff", "norms-1937", "norms-1938", "--format", format,
                               "--rules-dir", str(rules)])


@pytest.mark.slow
@settings(max_examples=20)
@given(statement=hostile_text)
def test_no_rules_diff_carries_a_control_character_from_a_rule_file(rules_copy: Path, statement: str) -> None:
    statement = f"A member {statement} is not expelled."
    rule = with_statement(rules_copy, statement)
    markdown, data = rules_diff(rules_copy, "markdown"), rules_diff(rules_copy, "json")
    assert markdown.exit_code == data.exit_code and data.exit_code in (0, 2), data.output
    assert not RAW.search(markdown.output) and not RAW.search(data.output)
    if data.exit_code == 0:
        assert {c["id"]: c["statement"] for c in json.loads(data.stdout)["changes"]}[rule] == statement


SCRIPT = "<script>alert(1)</script>"


@pytest.mark.parametrize("what", ["replay markdown", "simulate markdown", "compare markdown", "explain markdown"])
def test_markdown_outputs_render_no_html_from_a_case_file(tmp_path: Path, what: str) -> None:
    path = hostile_case(tmp_path, f"P. {SCRIPT}", f"A title {SCRIPT}", f"A summary <b>bold</b> {SCRIPT}")
    result = run(what, path)
    assert result.exit_code == 0, result.output
    assert not raw_html(result.output)
    rendered = MARKDOWN.render(result.output)
    assert "<script" not in rendered and f"<h1>A title {escape_html(SCRIPT)}</h1>" in rendered


def test_rules_diff_markdown_renders_no_html_from_a_rule_file(rules_copy: Path) -> None:
    with_statement(rules_copy, f"A statement {SCRIPT}")
    result = rules_diff(rules_copy, "markdown")
    assert result.exit_code == 0, result.output
    assert not raw_html(result.output)
    assert f"<td>A statement {escape_html(SCRIPT)}</td>" in MARKDOWN.render(result.output)


def test_the_terminal_sees_an_escape_sequence_written_out(tmp_path: Path) -> None:
    path = hostile_case(tmp_path, "Esfir Krivitskaia\x1b]0;pwned\x07", "A title\u202e", "A summary\x00.")
    result = run("explain text", path)
    assert result.exit_code == 0
    assert "Esfir Krivitskaia\\u001b]0;pwned\\u0007" in result.output and "A title\\u202e" in result.output
    assert "A summary\\u0000." in result.output
