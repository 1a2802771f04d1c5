"""The bad-input catalogue: malformed case and rule files, each run through the real command line.

Every row is one test. It builds a small folder (a valid case file and a valid
one-rule norm set, then the row's damage), runs `check` in it, and requires exit code
2, exactly the row's message on stderr, nothing on stdout, no traceback, and no file
created or changed. Rows about a case file in the corpus also run the commands that
write (`replay` prints, `casebook --out` writes a folder): same message, same exit
code, and the previous casebook left as it was.

`docs/bad-input.md` is generated from the same rows, with the messages the rows
require; a test fails when it is out of date. Regenerate it with

    .venv/bin/python tests/test_catalogue.py
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import signal
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from test_output_paths import messages
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from case_procedure import codebook, parallel  # noqa: E402
from case_procedure.cli import app  # noqa: E402
from case_procedure.dates import FIRST_YEAR, FORMS, LAST_YEAR  # noqa: E402
from case_procedure.files import write_text  # noqa: E402
from case_procedure.norms import MAX_EXTENDS, MAX_RULES, RULE_NUMBER_LIMIT  # noqa: E402
from case_procedure.safe_text import UNSAFE  # noqa: E402
from case_procedure.scalars import MAX_COUNT  # noqa: E402
from case_procedure.situation import CATALOGUE  # noqa: E402
from case_procedure.yamlfile import MAX_DEPTH, MAX_FILE_BYTES  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "bad-input.md"
CASE_FILE = "cases/example.yaml"
FOLDER = object()  # a file's content that stands for "a folder at this path"

CASE = """\
# A small valid case for the bad-input catalogue (invented people; real sections of the book).
id: example
format: 2
title: An invented foreman whose brother is arrested
accused: petrov
factory: dinamo
summary: A foreman reports his brother's arrest a week late and is expelled.
sources:
  iron-rules: {chapter: 3, section: THE IRON RULES OF THE GAME, pages: "144-146"}
  tainted: {chapter: 3, section: TAINTED RELATIVES AND SPOILT BIOGRAPHIES, pages: "166-174"}
people:
  petrov:
    name: P. Petrov
    role: foreman in a machine shop
    party_status: member
    sex: male
    source: [tainted]
  petrov-brother:
    name: the foreman's brother
    role: not stated
    source: [tainted]
ties:
  - {person: petrov, other: petrov-brother, kind: sibling, source: [tainted]}
background:
  - id: brother-arrested
    type: arrest
    date: 1937-09-01
    person: petrov-brother
    summary: The brother is arrested.
    source: [tainted]
record:
  - id: late-report
    type: statement
    kind: self_report
    date: 1937-09-08
    author: petrov
    subjects: [petrov]
    to: [shop_organization]
    concerns: [brother-arrested]
    summary: He reports the arrest a week after it happened.
    source: [iron-rules, tainted]
  - id: shop-hearing
    type: hearing
    date: 1937-09-20
    body: shop_organization
    subject: petrov
    answers: [late-report]
    decision: expulsion
    grounds: [failure_to_report]
    summary: The shop organization expels him for the late report.
    source: [tainted]
  - id: committee-hearing
    type: hearing
    date: 1937-10
    body: party_committee
    subject: petrov
    decision: expulsion
    grounds: [failure_to_report, tie_to_enemy]
    reviews: shop-hearing
    attendance: 12
    votes: [{decision: expulsion, count: 9}, {decision: reprimand, count: 3}]
    summary: The party committee confirms the expulsion.
    source: [tainted]
fate:
  summary: Expelled; nothing further is known.
  arrested: null
  party_status: expelled
  source: [tainted]
"""

RULE = """\
  - id: t.late-report-expelled
    statement: A member charged with reporting a relative's arrest late is expelled.
    reading: inferred
    at: [shop_organization, party_committee]
    when:
      - {fact: charge, ground: failure_to_report}
      - {fact: charges, count: {at_least: 1}}
    decide: expulsion
    source: [iron-rules]
"""


def norm_set(name: str, rules: str = RULE, extra: str = "") -> str:
    body = "\n" + rules.rstrip("\n") if rules else " []"
    return f"""\
# A minimal norm set for the bad-input catalogue.
id: {name}
title: A minimal norm set
summary: Enough for the loader to have something to check.
in_force: {{from: 1934-12-01}}
sources:
  iron-rules: {{chapter: 3, section: THE IRON RULES OF THE GAME, pages: "144-146"}}
cites: [iron-rules]
{extra}rules:{body}
"""


RULES = norm_set("base")


def changed(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} must occur once"
    return text.replace(old, new)


def case_with(old: str, new: str) -> dict[str, str]:
    return {CASE_FILE: changed(CASE, old, new)}


def rule_with(old: str, new: str) -> dict[str, str]:
    return {"rules/base.yaml": changed(RULES, old, new)}


def statement_in_background() -> dict[str, str]:
    """The statement moved from the record to the background, and the hearing dated before it."""
    start, end = CASE.index("  - id: late-report"), CASE.index("  - id: shop-hearing")
    statement = CASE[start:end]
    text = CASE[:start] + CASE[end:]
    text = changed(text, "record:\n", "") .replace("background:\n", "background:\n" + statement, 1)
    text = changed(text, "  - id: shop-hearing", "record:\n  - id: shop-hearing")
    return {CASE_FILE: changed(text, "date: 1937-09-20", "date: 1937-09-05")}


def billion_laughs() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 9):
        name, before = chr(97 + i), chr(96 + i)
        lines.append(f"{name}: &{name} [{', '.join([f'*{before}'] * 9)}]")
    return "\n".join(lines) + "\n"


def layered_rules(layers: int, circle: bool) -> str:
    """Three rules a layer, each overriding two of the layer below; with `circle`, the lowest layer's first
    rule overrides the top layer's, closing a circle through every layer."""
    text = ""
    for layer in range(layers):
        for k in range(3):
            below = [f"t.l{layer - 1}-{j}" for j in (k, (k + 1) % 3)] if layer else []
            if circle and layer == 0 and k == 0:
                below = [f"t.l{layers - 1}-0"]
            text += RULE.replace("t.late-report-expelled", f"t.l{layer}-{k}").replace(
                "    decide: expulsion", f"    decide: expulsion\n    overrides: [{', '.join(below)}]")
    return text


def chained_rules(count: int) -> str:
    """`count` rules, each overriding the one before."""
    return "".join(RULE.replace("t.late-report-expelled", f"t.c{i}").replace(
        "    decide: expulsion", f"    decide: expulsion\n    overrides: [{f't.c{i - 1}' if i else ''}]")
        for i in range(count))


def extends_chain(length: int) -> dict[str, str]:
    """Norm sets n0 .. n{length}, each extending the next (so that n0, read first, rests on all the others)."""
    return {f"rules/n{i:02}.yaml": norm_set(f"n{i:02}", "", f"extends: n{i + 1:02}\n" if i < length else "")
            for i in range(length + 1)}


def known(values: object) -> str:
    return ", ".join(values)  # type: ignore[call-overload]


@dataclass(frozen=True)
class Row:
    id: str
    input: str  # what the file is
    wrong: str  # what is wrong with it
    files: dict[str, object]  # path -> text, bytes, or FOLDER; laid over the valid folder
    message: str  # exactly what stderr must say
    case: str = CASE_FILE  # the case file given to the commands
    rules_dir: str = "rules"
    code: int = 2
    located: bool = True  # every line names a line number (file-level problems name the file only)


C = CASE_FILE
R = "rules/base.yaml"
DECISIONS = known(codebook.DECISIONS)

ROWS: list[Row] = [
    # -- YAML and text ---------------------------------------------------------------------
    Row("truncated", "A case file cut off in the middle of a flow mapping", "The YAML ends before `}`",
        {C: CASE[:CASE.index("pages: \"144-146\"")]},
        f"{C}:9: broken YAML: expected the node content, but found '<stream end>'"),
    Row("tab", "A line indented with a tab", "YAML indents with spaces only",
        case_with("    name: P. Petrov", "\tname: P. Petrov"),
        f"{C}:13: a tab in the indentation; YAML indents with spaces only"),
    Row("duplicate-key", "`summary:` given twice at the top of the file",
        "YAML parsers silently keep the last value; we refuse",
        case_with("sources:\n", "summary: A second summary.\nsources:\n"),
        f"{C}:8: summary: key given twice"),
    Row("empty", "An empty file", "Nothing to read", {C: ""}, f"{C}:1: the file is empty"),
    Row("comments-only", "A file of comments only", "No content", {C: "# to be written\n"},
        f"{C}:1: the file has only comments and no content"),
    Row("top-level-list", "A list at the top of the file", "A case file is a mapping",
        {C: "- id: example\n"}, f"{C}:1: expected a mapping at the top of the file, found list"),
    Row("not-utf8", "A Latin-1 `î` in a value", "Files are UTF-8",
        {C: changed(CASE, "role: foreman in a machine shop", "role: contrema\u00eetre").encode("latin-1")},
        f"{C}:14: not UTF-8 text: byte 0xee in column 19; save the file as UTF-8"),
    Row("nul", "A NUL character inside a value", "Control characters are not text",
        case_with("summary: The brother is arrested.", "summary: The brother\x00 is arrested."),
        f"{C}:29: broken YAML: unacceptable character #x0000: special characters are not allowed"),
    Row("huge", "A 50 MB case file", f"Refused by size before it is read (limit {MAX_FILE_BYTES:,} bytes)",
        {C: CASE + "# padding\n" * (50 * 1024 * 1024 // 10)},
        f"{C}: the file is {len(CASE) + 50 * 1024 * 1024 // 10 * 10:,} bytes; case and rule files may be at "
        f"most {MAX_FILE_BYTES:,} bytes", located=False),
    Row("alias-bomb", "A billion-laughs document: nine anchors, each aliasing the last nine times",
        "Aliases would expand to 10⁹ values; anchors and aliases are refused outright",
        {C: billion_laughs()}, f"{C}:1: anchor &a is not allowed (nor aliases); write values out in full"),
    Row("anchor", "An anchor `&src` on a source list, to be reused by an alias", "Refused like any anchor",
        case_with("    source: [tainted]\n  petrov-brother:", "    source: &src [tainted]\n  petrov-brother:"),
        f"{C}:17: anchor &src is not allowed (nor aliases); write values out in full"),
    Row("python-tag", "`!!python/object/apply:os.system [...]` as a value",
        "Data never executes: only plain YAML, no tags",
        case_with("summary: The brother is arrested.", "summary: !!python/object/apply:os.system [\"echo hi\"]"),
        f"{C}:29: tag !!python/object/apply:os.system is not allowed; the file holds plain data only"),
    Row("deep", "A value nested 10,000 lists deep", f"Refused past {MAX_DEPTH} levels (no recursion overflow)",
        case_with("title: An invented foreman whose brother is arrested",
                  "title: " + "[" * 10000 + "]" * 10000),
        f"{C}:4: nested more than {MAX_DEPTH} levels deep"),
    Row("long-number", "A 5,000-digit number", "Python refuses to convert it (a crash before this check)",
        case_with("count: 9}", "count: " + "9" * 5000 + "}"),
        f"{C}:61: number too long (5000 characters)"),
    Row("folder", "A folder where a case file is expected", "Not a file",
        {C: FOLDER}, f"{C}: is a folder, not a file", located=False),
    Row("missing", "A case file that does not exist", "Not there", {},
        "cases/missing.yaml: no such file", case="cases/missing.yaml", located=False),
    # -- The case format -------------------------------------------------------------------
    Row("unknown-term", "`decision: expelsion`", "Not a term of the codebook; the message suggests the nearest",
        case_with("    decision: expulsion\n    grounds: [failure_to_report]\n",
                  "    decision: expelsion\n    grounds: [failure_to_report]\n"),
        f"{C}:48: record[1].decision: unknown term 'expelsion'; did you mean 'expulsion'? (known: {DECISIONS})"),
    Row("unknown-field", "`decison:` for `decision:`", "Unknown fields are refused, not ignored; the message "
        "lists the fields allowed there",
        case_with("    decision: expulsion\n    grounds: [failure_to_report]\n",
                  "    decison: expulsion\n    grounds: [failure_to_report]\n"),
        f"{C}:48: record[1].decison: unknown field; did you mean 'decision'? (allowed here: source, note, id, "
        "date, summary, certainty, readings, type, body, subject, decision, also, grounds, charges, votes, attendance, "
        "moved_by, presided_by, speakers, reviews, answers)"),
    Row("missing-field", "A hearing without `summary`", "Required (the message said \"Field required\")",
        case_with("    summary: The shop organization expels him for the late report.\n", ""),
        f"{C}:42: record[1].summary: required, and missing"),
    Row("unknown-entry-type", "`type: hearng`", "The message named the validation library's \"tags\"",
        case_with("    type: hearing\n    date: 1937-09-20\n", "    type: hearng\n    date: 1937-09-20\n"),
        f"{C}:42: record[1]: unknown type 'hearng'; did you mean 'hearing'? (known: statement, hearing, arrest, "
        "expulsion, sentence, death, exile, dismissal, appeal, reinstatement, release, admonition, rehabilitation, "
        "conduct)"),
    Row("people-for-one-person", "`author: [petrov, petrov-brother]`", "One person is expected (the message "
        "said \"Input should be a valid string\")",
        case_with("author: petrov", "author: [petrov, petrov-brother]"),
        f"{C}:36: record[0].author: expected one person (a key of `people`), found a list"),
    Row("unreadable-date", "`date: Sept 1937`", "Not a form of date the format reads; the message lists them",
        case_with("date: 1937-09-20\n", "date: Sept 1937\n"),
        f"{C}:44: record[1].date: cannot read date 'Sept 1937': use forms like 1937-11-05, 1937-11, 1937, "
        "'summer 1937', 'early 1937', 'about 1930', 'before 1941', 'after 1937-03', '1937-09/1937-10'"),
    Row("list-expected", "`grounds: failure_to_report`", "A list is expected (the message said \"Input should be "
        "a valid list\")",
        case_with("grounds: [failure_to_report]\n    summary: The shop",
                  "grounds: failure_to_report\n    summary: The shop"),
        f"{C}:49: record[1].grounds: expected a list, such as [a, b], found 'failure_to_report'"),
    Row("impossible-date", "`date: 1937-02-30`", "No such day (PyYAML's own date reading used to crash here)",
        case_with("date: 1937-09-08", "date: 1937-02-30"),
        f"{C}:35: record[0].date: no such date '1937-02-30': day is out of range for month"),
    Row("dangling-person", "`author: petrof`", "No such person in `people`",
        case_with("author: petrov", "author: petrof"),
        f"{C}:36: record[0].author: no person 'petrof' in `people`"),
    Row("dangling-source", "`source: [tainted, iron-rule]`", "No such key in `sources`",
        case_with("source: [iron-rules, tainted]", "source: [tainted, iron-rule]"),
        f"{C}:41: record[0].source[1]: no source 'iron-rule' in `sources`"),
    Row("dangling-entry", "`reviews: shop-hearng`", "No entry with that id",
        case_with("reviews: shop-hearing", "reviews: shop-hearng"),
        f"{C}:59: record[2].reviews: no entry with id 'shop-hearng'"),
    Row("duplicate-id", "Two entries with the id `late-report`", "Ids name one entry each",
        case_with("  - id: brother-arrested", "  - id: late-report"),
        f"{C}:32: record[0].id: id 'late-report' is used twice\n"
        f"{C}:39: record[0].concerns: no entry with id 'brother-arrested'"),
    Row("out-of-order", "The committee hearing dated before the shop hearing", "The record is in date order",
        case_with("date: 1937-10", "date: 1937-08"),
        f"{C}:54: record[2].date: date 1937-08 comes before the previous entry's date 1937-09-20; "
        "the record must be in date order"),
    Row("hearing-before-statement", "The shop hearing dated 1937-09-05, the statement it `answers` 1937-09-08, "
        "the statement moved to `background`", "A body cannot take up a statement not yet written",
        statement_in_background(),
        f"{C}:47: record[0].answers: the hearing (1937-09-05) comes before the statement it answers, "
        "'late-report' (1937-09-08)"),
    Row("votes-exceed-attendance", "`attendance: 10` with 9 + 3 votes", "More votes than people present",
        case_with("attendance: 12", "attendance: 10"),
        f"{C}:61: record[2].votes: 12 votes cast but attendance is 10"),
    Row("votes-against-decision", "`decision: expulsion` with 3 votes for expulsion and 9 for a reprimand",
        "The recorded decision lost the vote", case_with("count: 9}, {decision: reprimand, count: 3}",
                                                         "count: 3}, {decision: reprimand, count: 9}"),
        f"{C}:61: record[2].votes: the decision is expulsion but reprimand has the most votes (9 to 3)"),
    Row("votes-twice", "Two vote counts for `expulsion`", "One count per decision",
        case_with("{decision: reprimand, count: 3}", "{decision: expulsion, count: 3}"),
        f"{C}:61: record[2].votes: expulsion counted twice; give one count per decision"),
    Row("contested-one-reading", "`certainty: contested` with no readings", "A contested entry gives its readings",
        case_with("    summary: The brother is arrested.\n", "    summary: The brother is arrested.\n"
                  "    certainty: contested\n"),
        f"{C}:25: background[0]: a contested entry needs at least two readings, each with its source"),
    Row("id-not-file-name", "`id: example-case` in example.yaml", "The id is the file name",
        case_with("id: example\n", "id: example-case\n"),
        f"{C}:2: id: case id 'example-case' must match the file name 'example'"),
    # -- Numbers and dates: one scalar schema, limits ---------------------------------------------
    Row("octal-count", "`count: 0432`", "YAML 1.1 reads a leading zero as octal (282); here it is text, and a count "
        "takes a number only",
        case_with("count: 9}", "count: 0432}"),
        f"{C}:61: record[2].votes[0].count: expected a whole number, found '0432' (a number is written in plain "
        "decimal digits without leading zeros; anything else is text)"),
    Row("hex-year", "`date: 0x791`", "YAML 1.1 reads it as 1937; here it is text, and not a date",
        case_with("date: 1937-10", "date: 0x791"),
        f"{C}:54: record[2].date: cannot read date '0x791': use forms like {FORMS}"),
    Row("base-60-year", "`date: 32:17`", "YAML 1.1 reads base 60 (32 × 60 + 17 = 1937); here it is text",
        case_with("date: 1937-10", "date: 32:17"),
        f"{C}:54: record[2].date: cannot read date '32:17': use forms like {FORMS}"),
    Row("underscore-number", "`count: 1_937`", "YAML 1.1 drops the underscore; here it is text",
        case_with("count: 9}", "count: 1_937}"),
        f"{C}:61: record[2].votes[0].count: expected a whole number, found '1_937' (a number is written in plain "
        "decimal digits without leading zeros; anything else is text)"),
    Row("yes-flag", "`arrested: yes`", "YAML 1.1 reads `yes` as true, and pydantic would too; a flag is true or "
        "false", case_with("  arrested: null", "  arrested: yes"),
        f"{C}:66: fate.arrested: expected true or false, found 'yes'"),
    Row("flag-as-text", "`role: true`", "A flag where text is expected is not turned into the text 'True'",
        case_with("role: foreman in a machine shop", "role: true"),
        f"{C}:14: people.petrov.role: expected text, found true; put it in quotes to keep it as text"),
    Row("month-after-season", "`date: early 1937-02`", "A part of the year takes a year alone; the month was "
        "dropped silently", case_with("date: 1937-10", "date: early 1937-02"),
        f"{C}:54: record[2].date: cannot read date 'early 1937-02': a season or part of the year takes a year "
        "alone ('early 1937'), not '1937-02'"),
    Row("far-future", "`date: after 9999-12-31`", f"Years run from {FIRST_YEAR} to {LAST_YEAR} (a crash past "
        "9999 before)", case_with("date: 1937-10", "date: after 9999-12-31"),
        f"{C}:54: record[2].date: year 9999 in '9999-12-31' is out of range: dates fall between {FIRST_YEAR} and "
        f"{LAST_YEAR}"),
    Row("year-one", "`date: before 0001-01-01`", "Likewise (a crash before the first day of year 1 before)",
        case_with("date: 1937-10", "date: before 0001-01-01"),
        f"{C}:54: record[2].date: year 1 in '0001-01-01' is out of range: dates fall between {FIRST_YEAR} and "
        f"{LAST_YEAR}"),
    Row("huge-votes", "Two vote counts of 4,300 digits", f"Votes and attendance are at most {MAX_COUNT:,} (adding "
        "and printing such numbers crashed before)",
        case_with("count: 9}, {decision: reprimand, count: 3}",
                  "count: " + "9" * 4300 + "}, {decision: reprimand, count: " + "8" * 4300 + "}"),
        f"{C}:61: record[2].votes[0].count: a number of 4,300 digits is out of range: at most {MAX_COUNT:,}\n"
        f"{C}:61: record[2].votes[1].count: a number of 4,300 digits is out of range: at most {MAX_COUNT:,}"),
    # -- Relations that cannot hold ------------------------------------------------------------
    Row("self-tie", "`other: petrov` in a tie of `petrov`", "A tie joins two people (it became a tie fact the rules "
        "could match)", case_with("{person: petrov, other: petrov-brother,", "{person: petrov, other: petrov,"),
        f"{C}:23: ties[0].other: 'petrov' is tied to themselves; a tie joins two people"),
    Row("tie-ends-first", "`since: 1937`, `until: 1930` on a tie", "A tie cannot end before it begins",
        case_with("kind: sibling, source", "kind: sibling, since: 1937, until: 1930, source"),
        f"{C}:23: ties[0].until: the tie ends (1930) before it begins (1937)"),
    Row("self-review", "`reviews: committee-hearing` on the committee hearing", "A hearing cannot review itself",
        case_with("reviews: shop-hearing", "reviews: committee-hearing"),
        f"{C}:59: record[2].reviews: `reviews` names this hearing itself"),
    Row("self-denunciation", "A `denunciation` whose author is its subject", "A statement about oneself is a "
        "self_report", case_with("kind: self_report", "kind: denunciation"),
        f"{C}:37: record[0].subjects: a denunciation about its own author; a statement about oneself is a "
        "self_report"),
    Row("joined-after-hearing", "`joined_party: 1938` for a member heard in 1937", "One joins the Party before "
        "one's own hearings", case_with("    party_status: member\n", "    party_status: member\n"
                                       "    joined_party: 1938\n"),
        f"{C}:16: people.petrov.joined_party: joined the Party (1938) after their own hearing 'shop-hearing' "
        "(1937-09-20)"),
    Row("after-death", "A reinstatement dated after the person's recorded death", "Only a rehabilitation may follow "
        "a death", case_with("fate:\n", "  - id: brother-dies\n    type: death\n    date: 1937-12\n"
                            "    person: petrov-brother\n    summary: The brother dies.\n    source: [tainted]\n"
                            "  - id: brother-reinstated\n    type: reinstatement\n    date: 1938-06\n"
                            "    person: petrov-brother\n    summary: The brother is reinstated.\n"
                            "    source: [tainted]\nfate:\n"),
        f"{C}:72: record[4].date: reinstatement of 'petrov-brother' dated 1938-06, after their death (1937-12); only "
        "a rehabilitation may follow a death"),
    # -- Rule files --------------------------------------------------------------------------
    Row("rule-unknown-attribute", "A pattern testing `closness` of a tie", "The catalogue of facts has no such field",
        rule_with("{fact: charge, ground: failure_to_report}", "{fact: tie, closness: close}"),
        f"{R}:15: rules[0].when[0].closness: fact 'tie' has no attribute 'closness'; known: "
        f"{known(CATALOGUE['tie'])}"),
    Row("rule-unknown-key", "`decides:` for `decide:`", "Unknown fields are refused",
        rule_with("    decide: expulsion", "    decides: expulsion"),
        f"{R}:17: rules[0].decides: unknown field; did you mean 'decide'? (allowed here: id, statement, reading, at, "
        "when, decide, cap, combination, also, route, overrides, optional, drawn_from, general, source, note)"),
    Row("rule-unknown-reading", "`reading: inferrd`", "Not one of the three readings; the message suggests the "
        "nearest",
        rule_with("reading: inferred", "reading: inferrd"),
        f"{R}:12: rules[0].reading: unknown term 'inferrd'; did you mean 'inferred'? (known: stated, practice, "
        "inferred)"),
    Row("rule-unknown-fact", "A pattern on `fact: relative`", "No such fact in the situation",
        rule_with("{fact: charge, ground: failure_to_report}", "{fact: relative, ground: failure_to_report}"),
        f"{R}:15: rules[0].when[0].fact: no fact 'relative' in the situation; known: {known(CATALOGUE)}"),
    Row("rule-unknown-term", "`ground: failure_to_reprot`", "Not a term of the codebook",
        rule_with("ground: failure_to_report", "ground: failure_to_reprot"),
        f"{R}:15: rules[0].when[0].ground: unknown term 'failure_to_reprot' for charge.ground; known: "
        f"{known(CATALOGUE['charge']['ground'].values or ())}"),
    Row("cyclic-extends", "`a` extends `b`, `b` extends `a`", "Norm sets extend each other in a circle",
        {R: norm_set("base"), "rules/a.yaml": norm_set("a", "", "extends: b\n"),
         "rules/b.yaml": norm_set("b", "", "extends: a\n")},
        "rules/a.yaml:9: extends: norm sets extend each other in a circle: a -> b -> a"),
    Row("extends-unknown", "`extends: norms-1936`", "No such norm set",
        {"rules/a.yaml": norm_set("a", "", "extends: norms-1936\n")},
        "rules/a.yaml:9: extends: no norm set 'norms-1936' in the rules folder"),
    Row("precedence-out-of-range", "`overrides: [n37.no-such-rule]`",
        "Precedence names a rule outside the norm set (there is no numeric precedence to be out of range)",
        rule_with("    decide: expulsion", "    decide: expulsion\n    overrides: [n37.no-such-rule]"),
        f"{R}:18: rules[0].overrides[0]: no rule 'n37.no-such-rule' in norm set 'base'"),
    Row("precedence-cycle", "Two rules each overriding the other", "Precedence must be a hierarchy",
        {R: norm_set("base", RULE.replace("    decide: expulsion", "    decide: expulsion\n    overrides: [t.b]")
                     + RULE.replace("t.late-report-expelled", "t.b").replace(
                         "    decide: expulsion", "    decide: reprimand\n    overrides: [t.late-report-expelled]"))},
        f"{R}:10: rules: rules override each other in a circle: t.b -> t.late-report-expelled -> t.b"),
    Row("layered-precedence", "30 layers of three rules, each overriding two of the layer below, the lowest "
        "overriding the top", "A precedence walk without memory of the rules it had finished took minutes; it "
        "visits each rule once now", {R: norm_set("base", layered_rules(30, circle=True))},
        f"{R}:10: rules: rules override each other in a circle: t.l0-0 -> t.l29-0 -> "
        + " -> ".join(f"t.l{n}-0" for n in range(28, -1, -1))),
    Row("long-precedence", "1,500 rules, each overriding the one before", f"A recursive walk overflowed the stack; "
        f"a file holds at most {MAX_RULES} rules (the largest norm set has 35)", {R: norm_set("base",
                                                                                        chained_rules(1500))},
        f"{R}:10: rules: at most {MAX_RULES} items here, found 1,500"),
    Row("long-extends", f"{MAX_EXTENDS + 4} norm sets, each extending the one before",
        f"Chains of `extends` are at most {MAX_EXTENDS} long (the rules folder needs three)",
        extends_chain(MAX_EXTENDS + 4),
        "\n".join(f"rules/n{i:02}.yaml:9: extends: norm sets extend one another more than {MAX_EXTENDS} deep; the "
                  "rules folder needs at most three" for i in range(4))),
    Row("yes-key", "`yes: true` in a rule's pattern", "YAML 1.1 reads the key as true and the message named "
        "`when[0][1]`; keys are names", rule_with("{fact: charge, ground: failure_to_report}",
                                                   "{fact: charge, yes: true}"),
        f"{R}:15: rules[0].when[0].yes: fact 'charge' has no attribute 'yes'; known: {known(CATALOGUE['charge'])}"),
    Row("engine-big-number", "`count: {at_least: 99999999999999999999}`",
        "durable-rules clips integers to 64 bits, so `at_most: 9223372036854775807` holds of 2⁶³ (verified); "
        f"rule numbers are limited to ±{RULE_NUMBER_LIMIT:,}",
        rule_with("count: {at_least: 1}", "count: {at_least: 99999999999999999999}"),
        f"{R}:16: rules[0].when[1].count: 99999999999999999999 is out of range: a rule compares numbers between "
        f"{-RULE_NUMBER_LIMIT:,} and {RULE_NUMBER_LIMIT:,}"),
    Row("engine-bool-for-number", "`count: false`",
        "durable-rules conflates false with 0 (and true with 1), so this would match a count of 0 (verified)",
        rule_with("count: {at_least: 1}", "count: false"),
        f"{R}:16: rules[0].when[1].count: 'count' is a number, not False"),
    Row("engine-text-for-number", "`count: \"1\"`",
        "durable-rules compares loosely: the text \"1\" equals the number 1 there, not in Python (verified)",
        rule_with("count: {at_least: 1}", "count: \"1\""),
        f"{R}:16: rules[0].when[1].count: 'count' is a number, not '1'"),
    Row("rule-range-on-text", "`ground: {at_least: 1}`", "Only numbers have ranges",
        rule_with("ground: failure_to_report", "ground: {at_least: 1}"),
        f"{R}:15: rules[0].when[0].ground: 'ground' is not a number; use a value or a list"),
    Row("rules-dir-is-file", "`--rules-dir` naming a file", "A folder of norm sets is expected",
        {"rules.yaml": RULES}, "rules.yaml: no such folder of norm set files", rules_dir="rules.yaml",
        located=False),
    Row("rule-folder", "A folder named `extra.yaml` among the rule files", "Not a file",
        {"rules/extra.yaml": FOLDER}, "rules/extra.yaml: is a folder, not a file",
        located=False),
]


# -- Running a row --------------------------------------------------------------------------

def build(folder: Path, row: Row) -> None:
    tree: dict[str, object] = {CASE_FILE: CASE, "rules/base.yaml": RULES, **row.files}
    for relative, content in tree.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is FOLDER:
            path.mkdir()
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(str(content), encoding="utf-8")
    (folder / "site").mkdir()
    (folder / "site" / "index.html").write_text("<p>the previous casebook</p>\n")


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "/"
            for p in sorted(folder.rglob("*"))}


def commands(row: Row) -> dict[str, list[str]]:
    runs = {"check": ["check", row.case, "--cases", "cases", "--rules-dir", row.rules_dir],
            "replay": ["replay", row.case, "--rules", "auto", "--format", "json", "--rules-dir", row.rules_dir]}
    if row.case == CASE_FILE:  # the damage is in the folders `casebook` reads
        runs["casebook"] = ["casebook", "--out", "site", "--cases", "cases", "--rules-dir", row.rules_dir]
    return runs


LOCATED = re.compile(r"^[^:]+\.yaml:\d+: ")
runner = CliRunner()


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_bad_input(row: Row, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(tmp_path, row)
    monkeypatch.chdir(tmp_path)
    before = snapshot(tmp_path)
    for command, args in commands(row).items():
        result = runner.invoke(app, args)
        assert (command, result.exit_code, result.stderr) == (command, row.code, row.message + "\n")
        assert result.stdout == ""
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output
        assert snapshot(tmp_path) == before, f"{command} left files behind or changed them"
    for line in row.message.splitlines():
        assert line.startswith(("cases/", "rules")), line  # every problem names its file
        assert bool(LOCATED.match(line)) == row.located, line


def test_there_are_at_least_25_rows_with_distinct_messages() -> None:
    assert len(ROWS) >= 25
    assert len({r.id for r in ROWS}) == len(ROWS) and len({r.message for r in ROWS}) == len(ROWS)


REAL_CLI = ROOT / ".venv" / "bin" / "case-procedure"


@pytest.mark.skipif(not REAL_CLI.exists(), reason="the installed entry point is needed")
@pytest.mark.parametrize("row_id", ["python-tag", "alias-bomb", "huge", "folder", "impossible-date"])
def test_the_installed_command_gives_the_same_message(row_id: str, tmp_path: Path) -> None:
    row = next(r for r in ROWS if r.id == row_id)
    build(tmp_path, row)
    before = snapshot(tmp_path)
    done = subprocess.run([str(REAL_CLI), *commands(row)["check"]], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONHASHSEED": "0"})
    assert (done.returncode, done.stderr, done.stdout) == (row.code, row.message + "\n", "")
    assert snapshot(tmp_path) == before


# -- The document ----------------------------------------------------------------------------

INTRO = """\
# Bad input: the catalogue

Generated by `tests/test_catalogue.py` from the rows its tests run; do not edit by hand
(`.venv/bin/python tests/test_catalogue.py` rewrites it, and a test fails when it is stale).

Every row is a malformed file run through the real command line (`case-procedure check`, and for
case files in the corpus also `replay` and `casebook --out`). Each gets **exit code 2**, exactly the
message shown on stderr, nothing on stdout, no traceback, and no file written or changed (the
casebook folder from an earlier run is left as it was). Paths are relative to the folder the
command runs in. A message reads `file:line: field: message`; problems with the file as a whole
(too large, a folder, missing) name the file only, and problems with the YAML itself name the line.

## Policies

- **Size.** A case or rule file may be at most {limit:,} bytes (the largest in the corpus is about
  50 KB). The size is checked before anything is read, and the read itself is bounded.
- **Text.** Files are UTF-8; the message gives the line and column of the first byte that is not.
  A tab in the indentation gets its own message, since YAML's is obscure.
- **Anchors and aliases are refused outright** rather than budgeted. Case and rule files never need
  them, and without aliases a document's tree is no larger than its text, so alias bombs (billion
  laughs) cannot arise. Explicit tags (`!!python/object`, `!!str`, ...) are refused too: the files
  hold plain data, loaded with a safe loader, and nothing in them is ever executed.
- **Nesting** is limited to {depth} levels, so a deeply nested document is an error, not a
  `RecursionError`.
- **Dates stay text.** The loader does not turn `1937-02-30` into a Python date (PyYAML's own
  attempt raised an uncaught `ValueError`); the case format reads dates itself and reports the
  impossible day.
- **Duplicate keys** are errors (YAML parsers keep the last value silently).
- **One scalar schema** for every file, a subset of YAML 1.2's core schema, instead of PyYAML's YAML 1.1:
  `null`/`~`/empty, `true`/`false` (no `yes`, `on`, `y`), and whole numbers in plain decimal without
  leading zeros (no octal `0432`, hexadecimal `0x791`, base-60 `32:17` or `1_937`). Everything else is
  text as written, and mapping keys are always names (`yes:` is the key "yes", `<<` merges nothing).
  A field holding text (ids, pages, archive numbers, dates, names) takes a number as written
  (`fond: 0432` stays "0432", `pages: 116` is "116"); a count or a flag takes nothing but a number or
  `true`/`false`: pydantic's own reading of "12" as 12 or of `yes` and 1 as true is switched off.
- **Ranges.** Years run from {first_year} to {last_year}; votes and attendance are at most {count:,}; a rule
  file holds at most {rules} rules and a chain of `extends` is at most {extends} long. A season or a
  part of the year takes a year alone (`early 1937`, not `early 1937-02`).
- **Walks that cannot run away.** Precedence (`overrides`) is searched for circles once per rule,
  iteratively; the depth of `extends` is counted before it is followed.
- **Relations that cannot hold** are refused: a tie of a person to themselves or ending before it
  begins, an entry that reviews, answers or concerns itself, a statement about its own author that is
  not a self-report, joining the Party after one's own hearing, and any entry about a person dated
  after their death except a rehabilitation.
- **Precedence.** Rules have no numeric priority (durable-rules' `pri` is never used); precedence is
  `overrides`, a list of rule ids. "Out of range" therefore means an `overrides` entry naming a rule
  that is not in the norm set, and a circle of `overrides` is refused as well.
- **Conditions durable-rules mishandles** are refused when the rule file is read, and the engine's
  lint refuses them again before a ruleset is registered: integers beyond 64 bits (durable-rules
  clips them, so `at_most: 9223372036854775807` matched 2⁶³ and `not: 2⁶³+1` failed to match 2⁶³+2;
  rule numbers are limited to ±{numbers:,}), `true`/`false` against a number (durable-rules matches
  `false` with 0) and text against a number (durable-rules matches `"1"` with 1). The lint also
  refuses joins, patterns without a literal `kind`, list and object literals and unknown operators
  (see `engine.lint`).
- **Votes.** A hearing's vote counts must fit: one count per decision, no more votes than the
  attendance, and the recorded decision may not have fewer votes than another.
- **Time runs forward through references.** A hearing cannot `answers` a statement (or appeal)
  dated after it, nor `reviews` a later hearing; an appeal cannot be `against` a later hearing.
- **Text output.** Every output (text, Markdown, JSON, Mermaid, DOT, SVG, the casebook's pages and the
  messages on stderr) shows the control characters a file may deliver through YAML's escapes (C0
  but tab and newline, DEL, C1, the bidirectional controls) as `\\uXXXX`, which is also their JSON
  escape, so JSON stays valid and reads back the data (`case_procedure.safe_text`). Markdown output
  escapes HTML and markup in every field taken from a file. A test fuzzes the values of real corpus
  files and requires exit 0 or 2 and no raw control character in any output (`tests/test_fuzz.py`).
- **Only regular files are read.** A FIFO, a device or a socket where a case or rule file is
  expected is named for what it is, found by `stat` before anything is opened, so it cannot hang
  a command.
- **Outputs never destroy** (the second table). `--out` never names the current folder, a
  repository root, the folders a command reads or any folder holding or inside them, nor an input
  file, whatever the options; a folder is replaced only when it is empty or the same command's
  earlier output (its `.case-procedure-output` marker lists what it holds), a file only when it is
  an earlier report; `--force` lifts that last condition and nothing else. Nothing else is ever
  replaced by a folder or a file. A signal during the write removes the staging, and the last
  line says truly whether the new output was written; staging left by a killed run is removed by
  the next one.

## Exit codes

| code | meaning |
|---|---|
| 0 | success |
| 1 | `check`: valid files, but unsettled overlaps or failing rule tests; or an internal error (a bug) |
| 2 | bad input: a malformed or unreadable file, an unknown option value, rules in conflict |
| 3 | the rules engine failed (`engine error: ...`, naming the rule whose action failed) |
| 130 | interrupted (Ctrl-C); the last line says whether the output was written |
| 143 | terminated (SIGTERM); likewise |

No command prints a traceback: `case_procedure.guard` turns whatever escapes a command into one line
(`internal error: ...` for a bug; `CASE_PROCEDURE_DEBUG=1` shows the traceback instead).

## The catalogue

| # | input | what is wrong | message (stderr) | exit |
|---|---|---|---|---|
"""


# -- Output paths, special files and interrupted writes --------------------------------------------
#
# These rows run the installed program in a subprocess (a hang is a failed row, not a hung suite) in a
# folder laid out like a historian's: the example case, the rules, a README, notes, a FIFO and a link
# to a device. Anything the row does not create stays byte for byte as it was.

PIPE, DEVICE = object(), object()  # a FIFO, and a link to /dev/null, at this path


@dataclass(frozen=True)
class OutputRow:
    id: str
    input: str
    wrong: str
    args: list[str]
    message: str  # the last line of stderr; with `on_stdout`, text standard output must hold
    code: int = 2
    on_stdout: bool = False
    files: dict[str, object] | None = None  # laid over the folder, as in `Row`
    written: str | None = None  # the output path a successful row writes (left out of the comparison)
    signal_at: str | None = None  # stall the casebook write here and send SIGTERM


def lay_out(folder: Path, extra: dict[str, object]) -> None:
    tree: dict[str, object] = {CASE_FILE: CASE, "rules/base.yaml": RULES, "README.md": "# my notes\n",
                               "notes/draft.txt": "a draft no command wrote\n", "pipe": PIPE, "null": DEVICE,
                               **extra}
    for relative, content in tree.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is PIPE:
            os.mkfifo(path)
        elif content is DEVICE:
            path.symlink_to(os.devnull)
        elif content is FOLDER:
            path.mkdir()
        else:
            path.write_text(str(content), encoding="utf-8")


def entries(folder: Path, leave_out: str | None) -> dict[str, str]:
    """Every entry's kind and, for a regular file, its hash; FIFOs and devices are never opened."""
    found = {}
    for top, folders, names in os.walk(folder):
        for name in [*folders, *names]:
            path = Path(top) / name
            relative = path.relative_to(folder).as_posix()
            if leave_out and (relative == leave_out or relative.startswith(leave_out + "/")):
                continue
            mode = os.lstat(path).st_mode
            found[relative] = f"{stat.S_IFMT(mode):o} " + (hashlib.sha256(path.read_bytes()).hexdigest()
                                                           if stat.S_ISREG(mode) else "")
    return found


CASEBOOK_ALONE = "write the casebook to a folder of its own, such as out/casebook"
NOT_OURS = "the casebook is a folder and replaces only a previous one"
CASEBOOK = ["casebook", "--cases", "cases", "--rules-dir", "rules", "--out"]
REPORT = ["report", "--cases", "cases", "--rules-dir", "rules", "--out"]
LEFTOVER = ".site.999999999.abcdefgh.part"  # staging of a run that was killed (no process has that pid)

TITLE = "title: An invented foreman whose brother is arrested"

OUTPUT_ROWS: list[OutputRow] = [
    OutputRow("out-current-folder", "`casebook --out .`", "It deleted every file of the folder (the corpus, the "
              "rules, the user's notes)", [*CASEBOOK, "."], f".: is the current folder; {CASEBOOK_ALONE}"),
    OutputRow("out-cases", "`casebook --out cases`", "It deleted the corpus", [*CASEBOOK, "cases", "--force"],
              f"cases: is the folder of case files (--cases); {CASEBOOK_ALONE}"),
    OutputRow("out-rules", "`casebook --out rules`", "It deleted the norm sets", [*CASEBOOK, "rules"],
              f"rules: is the folder of norm set files (--rules-dir); {CASEBOOK_ALONE}"),
    OutputRow("out-file", "`casebook --out README.md`", "It turned the user's file into a folder",
              [*CASEBOOK, "README.md", "--force"], f"README.md: is a regular file, not a folder; {NOT_OURS}"),
    OutputRow("out-fifo", "`casebook --out pipe`, a FIFO", "It replaced the FIFO", [*CASEBOOK, "pipe", "--force"],
              f"pipe: is a FIFO (named pipe), not a folder; {NOT_OURS}"),
    OutputRow("out-device", "`casebook --out null`, a link to a device", "As root it replaced the device",
              [*CASEBOOK, "null", "--force"], f"null: is a device, not a folder; {NOT_OURS}"),
    OutputRow("out-foreign-folder", "`casebook --out notes`, a folder of the user's", "It deleted the user's "
              "notes", [*CASEBOOK, "notes"], "notes: is a folder the casebook did not write (it has no "
              ".case-procedure-output file); give --force to replace it and everything in it"),
    OutputRow("report-foreign-file", "`report --out README.md`", "It replaced the user's file",
              [*REPORT, "README.md"], "README.md: is a file the report did not write; give --force to replace it"),
    OutputRow("report-folder", "`report --out notes`", "A folder is not a file", [*REPORT, "notes", "--force"],
              "notes: is a folder, not a file"),
    OutputRow("report-fifo", "`report --out pipe`", "It replaced the FIFO", [*REPORT, "pipe", "--force"],
              "pipe: is a FIFO (named pipe), not a regular file"),
    OutputRow("fifo-in-rules", "A FIFO `rules/x.yaml`", "Every command hung reading it", ["check"],
              "rules/x.yaml: is a FIFO (named pipe), not a regular file", files={"rules/x.yaml": PIPE}),
    OutputRow("fifo-case", "`replay given.yaml`, a FIFO", "It hung, or said \"no such file\"",
              ["replay", "given.yaml", "--rules", "auto"], "given.yaml: is a FIFO (named pipe), not a regular "
              "file", files={"given.yaml": PIPE}),
    OutputRow("device-case", "`cases/x.yaml`, a link to a device", "It said \"no such file\"", ["cases"],
              "cases/x.yaml: is a device, not a regular file", files={"cases/x.yaml": DEVICE}),
    OutputRow("jobs-capped", "`report --jobs 200` on this machine", "It started ~190 processes; the count is "
              "capped at the CPU count, and the note says so (exit 0)",
              [*REPORT, "out/r.json", "--format", "json", "--jobs", "200"], "--jobs 200: capped at {cpus}, the "
              "number of CPUs", code=0, written="out"),
    OutputRow("leftover-staging", "A staging folder left by a killed run", "It stayed forever; the next run "
              "removes it (exit 0)", [*CASEBOOK, "site"], "casebook: {pages} files written; open site/index.html",
              code=0, on_stdout=True, files={f"{LEFTOVER}/index.html": "half a casebook"}, written="site"),
    OutputRow("terminal-title", "`title: \"An invented foreman\\e]0;x\\a\"`", "An escape sequence in a file "
              "reached the terminal raw (here it retitles the window); every output shows such characters "
              "escaped, as JSON writes them", ["replay", CASE_FILE, "--rules", "base"],
              "An invented foreman\\u001b]0;x\\u0007 (example)", code=0, on_stdout=True,
              files={CASE_FILE: changed(CASE, TITLE, 'title: "An invented foreman\\e]0;x\\a"')}),
    OutputRow("nul-and-bidi", "`name: \"P. Petrov\\0\\u202e\"`", "A NUL and a right-to-left override reached "
              "the output", ["explain", CASE_FILE, "--rules", "base"], "P. Petrov\\u0000\\u202e wrote a statement",
              code=0, on_stdout=True, files={CASE_FILE: changed(CASE, "name: P. Petrov", 'name: "P. Petrov\\0'
                                                                                          '\\u202e"')}),
    OutputRow("html-in-markdown", "`title: \"<script>alert(1)</script>\"`", "The title reached Markdown "
              "unescaped, as HTML", ["replay", CASE_FILE, "--rules", "base", "--format", "markdown"],
              "# \\<script\\>alert(1)\\</script\\>", code=0, on_stdout=True,
              files={CASE_FILE: changed(CASE, TITLE, 'title: "<script>alert(1)</script>"')}),
    OutputRow("terminated-before-swap", "SIGTERM while the casebook is written", "It left a `.part` folder "
              "forever", [*CASEBOOK, "site"], "terminated; no output was written; the previous output is unchanged",
              code=143, signal_at="before-swap"),
    OutputRow("terminated-after-swap", "SIGTERM right after the new casebook is swapped in", "A signal there was "
              "once reported as \"no output was written\" with the old site half-deleted", [*CASEBOOK, "site"],
              "terminated; the new output was written to site and is kept", code=143, signal_at="after-swap",
              written="site"),
]


def expected(row: OutputRow) -> str:
    return row.message.format(cpus=parallel.cpus(), pages=CASEBOOK_PAGES)


CASEBOOK_PAGES = 12  # the casebook of the example case and its one norm set


@pytest.mark.parametrize("row", OUTPUT_ROWS, ids=[r.id for r in OUTPUT_ROWS])
def test_output_rows(row: OutputRow, tmp_path: Path) -> None:
    lay_out(tmp_path, row.files or {})
    before = entries(tmp_path, row.written)
    if row.signal_at:
        from test_output_paths import run_and_signal

        done = run_and_signal(tmp_path, row.signal_at, signal.SIGTERM)
    else:
        done = subprocess.run([sys.executable, "-m", "case_procedure", *row.args], cwd=tmp_path, capture_output=True,
                              text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    if row.on_stdout:
        assert (done.returncode, messages(done.stderr)) == (row.code, "") and expected(row) in done.stdout
    else:
        assert (done.returncode, messages(done.stderr).splitlines()[-1]) == (row.code, expected(row)), done.stderr
    assert "Traceback" not in done.stderr and not UNSAFE.search(done.stdout + done.stderr)
    if row.code != 0:
        assert done.stdout == ""
    assert entries(tmp_path, row.written) == {k: v for k, v in before.items()
                                              if not k.startswith(LEFTOVER)}, "files outside --out changed"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def cell(text: str) -> str:
    return html.escape(text, quote=False).replace("|", "&#124;").replace("\n", "<br>")


def render() -> str:
    intro = INTRO.format(limit=MAX_FILE_BYTES, depth=MAX_DEPTH, numbers=RULE_NUMBER_LIMIT, first_year=FIRST_YEAR,
                         last_year=LAST_YEAR, count=MAX_COUNT, rules=MAX_RULES, extends=MAX_EXTENDS)
    lines = [f"| {n} | {cell(r.input)} | {cell(r.wrong)} | <code>{cell(r.message)}</code> | {r.code} |"
             for n, r in enumerate(ROWS, start=1)]
    outputs = [f"| {n} | {cell(r.input)} | {cell(r.wrong)} | <code>{cell(' '.join(r.args))}</code> | "
               f"<code>{cell(r.message)}</code> | {r.code} |" for n, r in enumerate(OUTPUT_ROWS, start=len(ROWS) + 1)]
    return intro + "\n".join(lines) + "\n" + OUTPUT_INTRO + "\n".join(outputs) + "\n"


OUTPUT_INTRO = """
## Output paths, special files and interrupted writes

Each row runs the real program in a folder laid out like a historian's (the example case and rules, a
README, a folder of notes, a FIFO `pipe` and a link `null` to a device), with the row's additions.
It requires the exit code and the last line of stderr shown, nothing on stdout when refused, and every
entry outside the output path left as it was. `{cpus}` and `{pages}` stand for the machine's CPU
count and the number of files written.

| # | input | what was wrong | command | message (last line of stderr, or what stdout shows at exit 0) | exit |
|---|---|---|---|---|---|
"""


def test_the_document_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), "docs/bad-input.md is stale: run tests/test_catalogue.py"


if __name__ == "__main__":
    write_text(DOC, render())
    print(f"wrote {DOC.relative_to(ROOT)} ({len(ROWS)} rows)")
