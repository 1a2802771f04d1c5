"""The data export: the corpus, the norm sets and every hearing replayed under every norm set, as tables.

`case-procedure export --format sqlite|csv|jsonl --out PATH` writes
- sqlite: one database made for Datasette (primary and foreign keys, full-text search on summaries and rule
  statements, labelled columns) and beside it `NAME.metadata.json` (`datasette NAME.db -m NAME.metadata.json`);
- csv: a folder holding a Frictionless Data Package: `datapackage.json` (table schemas, keys) and one CSV per table;
- jsonl: a folder holding one JSON Lines file per table.

The tables and their columns are declared once, in `TABLES`; docs/data.md is generated from them.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from case_procedure import __version__, files, outputs, records
from case_procedure.progress import Progress, Tick, silent
from case_procedure.records import Row
from case_procedure.replay import replay
from case_procedure.trace import Trace
from case_procedure.workspace import Workspace

FORMATS = ("sqlite", "csv", "jsonl")
APPLICATION_ID = 0x43505244  # "CPRD" in the SQLite header: how a later export recognises its own database
ABOUT = "case-procedure export"
LICENSE = "MIT"
TITLE = "Party disciplinary cases in Moscow factories, 1934-1939"
DESCRIPTION = ("Cases documented in Wendy Z. Goldman, Inventing the Enemy (Cambridge UP, 2011), encoded by "
               "case-procedure, with the norm sets and every recorded hearing replayed under every norm set.")


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a Frictionless type: string, integer, boolean, date
    description: str
    references: str | None = None  # "table.column"


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    label: str  # the column Datasette shows for a row that another table points to
    columns: tuple[Column, ...]
    search: tuple[str, ...] = ()  # the columns of the full-text index

    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(name: str, description: str, type: str = "string", references: str | None = None) -> Column:
    return Column(name, type, description, references)


SOURCES = _c("sources", "The keys of the sources (in the sources table, prefixed by the case id), separated by '; '")
CASE_ID = _c("case_id", "The case", references="cases.id")
NOTE = _c("note", "What the source says more exactly, in the encoders' words")

TABLES: tuple[Table, ...] = (
    Table("cases", "Cases", "One row per documented case: the accused, the factory, the summary and the fate.",
          "title", (
              _c("id", "The case id, the name of its file in cases/"),
              _c("title", "A one-line title"),
              _c("factory", "The factory, as a codebook term"),
              _c("factory_name", "The factory's name as written (Serp i Molot)"),
              _c("accused", "The accused", references="people.id"),
              _c("accused_name", "The accused's name"),
              _c("summary", "The case in a paragraph, in the encoders' words"),
              _c("first_year", "The first year of the record", "integer"),
              _c("last_year", "The last year of the record", "integer"),
              _c("hearings", "How many recorded hearings of the accused there are", "integer"),
              _c("fate", "What became of the accused"),
              _c("arrested", "Whether the accused was arrested; empty where the book does not say", "boolean"),
              _c("party_status", "The accused's standing at the end of what the book tells"),
              _c("unknown", "What the book leaves unknown, separated by '; '"),
          ), ("title", "summary", "fate")),
    Table("people", "People", "Everyone who acts in a case; the same person in two cases has two rows.", "name", (
        _c("id", "case:person, e.g. somov:somov"),
        CASE_ID,
        _c("key", "The person's key within the case file"),
        _c("name", "The name as the book gives it"),
        _c("role", "Post or job at the time of the case"),
        _c("accused", "Whether this is the accused of the case", "boolean"),
        _c("factory", "The factory (codebook term), or not_stated"),
        _c("party_status", "member, candidate, expelled, non_party or not_stated"),
        _c("origin", "Social origin (codebook term), or not_stated"),
        _c("nationality", "Nationality (codebook term), or not_stated"),
        _c("sex", "female, male or not_stated"),
        _c("opposition", "Past opposition (codebook term), or not_stated"),
        _c("joined_party", "When the person joined the Party, as the book dates it"),
        NOTE,
        SOURCES,
    ), ("name", "role")),
    Table("ties", "Ties", "Ties between two people of a case: kin, friends, patrons, colleagues.", "kind", (
        _c("id", "case:n, the tie's place in the case file"),
        CASE_ID,
        _c("person", "One end of the tie", references="people.id"),
        _c("other", "The other end", references="people.id"),
        _c("kind", "The kind of tie (codebook term)"),
        _c("since", "Since when, as the book dates it"),
        _c("until", "Until when, as the book dates it"),
        _c("certainty", "stated, alleged or contested"),
        _c("via", "For a relative by marriage: the relative the tie runs through", references="people.id"),
        NOTE,
        SOURCES,
    )),
    Table("entries", "Record entries", "Every dated entry of a case: its procedural record and its background.",
          "summary", (
              _c("id", "case:entry, e.g. somov:hearing-1937-11"),
              CASE_ID,
              _c("entry", "The entry's id within the case file"),
              _c("part", "record (the procedural record, in date order) or background"),
              _c("position", "The entry's place in its part, from 0", "integer"),
              _c("type", "hearing, statement, arrest, expulsion, appeal and so on"),
              _c("date", "The date as written: 1937-11, 1937-11-04, before 1938-02, about 1937 ..."),
              _c("earliest", "The earliest day the date allows", "date"),
              _c("latest", "The latest day the date allows", "date"),
              _c("person", "The person the entry is about or by (the subject of a hearing, the author of a "
                 "statement)", references="people.id"),
              _c("body", "For a hearing: the body that heard the case"),
              _c("decision", "For a hearing: the decision recorded"),
              _c("summary", "What happened, in the encoders' words"),
              _c("certainty", "stated, alleged or contested"),
              NOTE,
              SOURCES,
              _c("details", "The entry's other fields (grounds, votes, speakers ...) as a JSON object"),
          ), ("summary",)),
    Table("sources", "Sources", "Where in the book each fact comes from: chapter, section, pages, archive.",
          "citation", (
              _c("id", "owner:key, the owner being a case id or a norm set id"),
              _c("case_id", "The case citing the source (empty for a norm set's source)", references="cases.id"),
              _c("norm_set", "The norm set citing the source (empty for a case's source)",
                 references="norm_sets.id"),
              _c("key", "The source's key within its file"),
              _c("chapter", "1 to 5, introduction or conclusion"),
              _c("section", "The section heading, in capitals, or opening"),
              _c("pages", "Pages, as the book's index gives them"),
              _c("archive", "The archival reference of the footnote, if any"),
              NOTE,
              _c("citation", "The source as one citation"),
          ), ("note",)),
    Table("norm_sets", "Norm sets", "The norm sets: what the Party laid down, what bodies did, and the procedure "
          "common to all periods.", "title", (
              _c("id", "The norm set id, the name of its file in rules/"),
              _c("title", "Its title"),
              _c("kind", "norms (laid down), practice (observed) or base (common to all periods)"),
              _c("in_force_from", "The first day it is in force", "date"),
              _c("in_force_until", "The last day it is in force; empty when open", "date"),
              _c("extends", "The norm set it extends", references="norm_sets.id"),
              _c("rules", "How many rules it has, inherited ones included", "integer"),
              _c("summary", "What the norm set stands for"),
              _c("charges", "Which formal charges its rules see: trust (all) or record (those the record "
                 "supports)"),
          )),
    Table("rules", "Rules", "Every rule of every norm set, inherited rules included (one row per norm set).",
          "rule", (
              _c("id", "norm-set:rule, e.g. norms-1937:n37.vigilance-lapse"),
              _c("norm_set", "The norm set", references="norm_sets.id"),
              _c("rule", "The rule id"),
              _c("kind", "decision, cap (a ceiling on other rules) or route (where the case goes next)"),
              _c("statement", "The norm in plain English"),
              _c("reading", "stated (the book states it), practice (what bodies did) or inferred"),
              _c("at", "The bodies at which it applies, separated by '; '"),
              _c("outcome", "What it prescribes, in words"),
              _c("at_least", "A decision rule: the mildest decision it prescribes"),
              _c("at_most", "A decision rule: the gravest; a cap: the ceiling"),
              _c("typical", "A decision rule: the decision the book reports as usual, if any"),
              _c("also", "Further measures it prescribes, separated by '; '"),
              _c("route", "A route rule: the next body, or end"),
              _c("overrides", "The rules it takes precedence over, separated by '; '"),
              _c("stated_in", "The norm set whose file states the rule (it may be inherited)"),
              _c("note", "Which facts the rule reads, and why"),
              _c("sources", "Its sources, cited, separated by '; '"),
          ), ("statement",)),
    Table("replays", "Replays", "Every recorded hearing of the accused replayed under every norm set: what the norm "
          "set prescribes beside what the body decided.", "id", (
              _c("id", "norm-set:case:hearing"),
              _c("norm_set", "The norm set the hearing is replayed under", references="norm_sets.id"),
              CASE_ID,
              _c("hearing", "The hearing", references="entries.id"),
              _c("date", "The hearing's date, as written"),
              _c("body", "The body that heard the case"),
              _c("period", "The norm set (of kind norms) in force at the hearing's date; empty when none is",
                 references="norm_sets.id"),
              _c("recorded", "The decision recorded"),
              _c("prescribed", "The decision prescribed (the typical one of the range); empty where no rule "
                 "applies or the norm gives only a range"),
              _c("at_least", "The mildest decision of the prescribed range"),
              _c("at_most", "The gravest decision of the prescribed range"),
              _c("typical", "The typical decision of the range, where the book gives one"),
              _c("prescribed_words", "What is prescribed, in words, a range and further measures included"),
              _c("rule", "The deciding rule", references="rules.id"),
              _c("agreement", "agree, harsher (the record is harsher than the norm), milder, no-rule or unrecorded"),
              _c("agreement_kind", "With agree: exact (the typical decision) or within (inside the range)"),
              _c("beyond_powers", "Recorded decisions the norm set does not give this body, separated by '; '"),
          )),
    Table("judgments", "Judgments", "Every entry other than a hearing that a norm set judges (the accused's "
          "dismissals and arrests, appeals by or for the accused), under every norm set: the verdict and what was "
          "required instead.", "id", (
              _c("id", "norm-set:case:entry:judgment"),
              _c("norm_set", "The norm set the case is replayed under", references="norm_sets.id"),
              CASE_ID,
              _c("entry", "The entry judged", references="entries.id"),
              _c("type", "dismissal, arrest or appeal"),
              _c("date", "The entry's date, as written"),
              _c("judged_by", "The norm set whose judgment it is (with auto, the one in force at the date)",
                 references="norm_sets.id"),
              _c("outside_period", "Whether that norm set was out of force at the date: no, partly or wholly"),
              _c("verdict", "forbidden, required, permitted or no_remedy"),
              _c("judgment", "The judgment's id in the norm set"),
              _c("statement", "The norm in plain English"),
              _c("remedy", "What was required instead, where the norm forbade the entry"),
              _c("sources", "Its sources, cited, separated by '; '"),
          ), ("statement",)),
)
BY_NAME = {t.name: t for t in TABLES}


# -- The rows -------------------------------------------------------------------------------

def _replays(corpus: Workspace, progress: Progress) -> tuple[list[Row], list[Row]]:
    """Every hearing replayed under every norm set, norm set by norm set, and the judgments of the same runs."""
    rows: list[Row] = []
    judged: list[Row] = []
    for n, normset in enumerate(corpus.norm_sets.values(), start=1):
        for case in corpus.cases:
            trace = replay(case, normset.id, corpus.book, corpus.engine)
            rows += _replay_rows(corpus, case, trace)
            judged += records.judgment_rows(trace)
        progress(Tick("norm set", n, len(corpus.norm_sets), normset.id))
    return rows, judged


def tables(corpus: Workspace, progress: Progress = silent) -> dict[str, list[Row]]:
    """Every table's rows, in the order of `TABLES`; each row has exactly the table's columns."""
    cases, norm_sets = corpus.cases, list(corpus.norm_sets.values())
    replays, judgments = _replays(corpus, progress)
    found: dict[str, list[Row]] = {
        "cases": [records.case_row(c) for c in cases],
        "people": [r for c in cases for r in records.people_rows(c)],
        "ties": [r for c in cases for r in records.tie_rows(c)],
        "entries": [r for c in cases for r in records.entry_rows(c)],
        "sources": [*(r for c in cases for r in records.case_source_rows(c)),
                    *(r for n in norm_sets for r in records.norm_set_source_rows(n))],
        "norm_sets": [records.norm_set_row(n) for n in norm_sets],
        "rules": [r for n in norm_sets for r in records.rule_rows(n)],
        "replays": replays,
        "judgments": judgments,
    }
    for name, rows in found.items():
        drift = [row for row in rows if list(row) != BY_NAME[name].column_names()]
        assert not drift, f"{name}: the row's columns {list(drift[0])} are not those TABLES declares"
    return found


def _replay_rows(corpus: Workspace, case: Any, trace: Trace) -> list[Row]:
    rows = []
    for step, hearing in zip(records.step_rows(trace), case.hearings(), strict=True):
        period, _ = corpus.book.in_force(hearing)
        row = {**step, "period": period.id if period else None}  # judged_by is the norm set itself here
        rows.append({name: row[name] for name in BY_NAME["replays"].column_names()})
    return rows


# -- SQLite -----------------------------------------------------------------------------------

SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "boolean": "INTEGER", "date": "TEXT"}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _create(table: Table) -> str:
    columns = [f"{_quote(c.name)} {SQL_TYPES[c.type]}{' PRIMARY KEY' if c.name == 'id' else ''}"
               + (f" REFERENCES {_quote(c.references.split('.')[0])}({_quote(c.references.split('.')[1])})"
                  if c.references else "")
               for c in table.columns]
    return f"CREATE TABLE {_quote(table.name)} ({', '.join(columns)})"


def sqlite_bytes(rows: dict[str, list[Row]]) -> bytes:
    """The database, built in memory; foreign keys are checked before it is written anywhere."""
    db = sqlite3.connect(":memory:")
    try:
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        for table in TABLES:
            db.execute(_create(table))
            names = table.column_names()
            db.executemany(f"INSERT INTO {_quote(table.name)} VALUES ({', '.join('?' for _ in names)})",
                           [[row[n] for n in names] for row in rows[table.name]])
            if table.search:
                fts, cols = _quote(f"{table.name}_fts"), ", ".join(_quote(c) for c in table.search)
                db.execute(f'CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content="{table.name}")')
                db.execute(f"INSERT INTO {fts} (rowid, {cols}) SELECT rowid, {cols} FROM {_quote(table.name)}")
        broken = db.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise ValueError(f"the export's foreign keys do not hold: {broken[:3]}")
        db.commit()
        return db.serialize()
    finally:
        db.close()


def is_export_db(head: str) -> bool:
    return head.startswith("SQLite format 3") and "CPRD" in head[60:80]


def datasette_metadata(database: str) -> dict[str, Any]:
    """Datasette's metadata.json for the database: titles, descriptions, labels, searchable columns."""
    def table(t: Table) -> dict[str, Any]:
        found: dict[str, Any] = {"title": t.title, "description": t.description, "label_column": t.label,
                                 "columns": {c.name: c.description for c in t.columns}}
        if t.search:
            found |= {"fts_table": f"{t.name}_fts", "fts_pk": "rowid"}
        return found
    return {"title": TITLE, "description": DESCRIPTION, "about": f"{ABOUT} {__version__}", "license": LICENSE,
            "source": "Wendy Z. Goldman, Inventing the Enemy (Cambridge UP, 2011)",
            "databases": {database: {"tables": {t.name: table(t) for t in TABLES}}}}


def metadata_path(database: Path) -> Path:
    return database.with_name(f"{database.stem}.metadata.json")


def is_export_metadata(head: str) -> bool:
    return f'"about": "{ABOUT}' in head


# -- CSV (a Frictionless Data Package) and JSON Lines ----------------------------------------

def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_text(table: Table, rows: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180; a cell holding \r or \n is quoted
    writer.writerow(table.column_names())
    writer.writerows([_cell(row[n]) for n in table.column_names()] for row in rows)
    return out.getvalue()


def _schema(table: Table) -> dict[str, Any]:
    fields = [{"name": c.name, "title": c.name.replace("_", " "), "type": c.type, "description": c.description}
              for c in table.columns]
    keys = [{"fields": c.name, "reference": {"resource": "" if c.references.split(".")[0] == table.name
                                             else c.references.split(".")[0], "fields": c.references.split(".")[1]}}
            for c in table.columns if c.references]
    return {"fields": fields, "primaryKey": ["id"], "foreignKeys": keys, "missingValues": [""]}


def datapackage(folder_name: str = "case-procedure") -> dict[str, Any]:
    resources = [{"name": t.name, "title": t.title, "description": t.description, "path": f"{t.name}.csv",
                  "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                  "schema": _schema(t)} for t in TABLES]
    return {"profile": "tabular-data-package", "name": folder_name, "title": TITLE, "description": DESCRIPTION,
            "version": __version__, "licenses": [{"name": LICENSE}], "resources": resources}


def jsonl_text(rows: list[Row]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


# -- Writing ----------------------------------------------------------------------------------

def writes(format: str) -> outputs.Writes:
    if format == "sqlite":
        return outputs.Writes("export", folder=False, example="out/corpus.db", recognise=is_export_db)
    return outputs.Writes("export", folder=True, example=f"out/{format}")


METADATA = outputs.Writes("export", folder=False, example="out/corpus.metadata.json", recognise=is_export_metadata)


def targets(out: Path, format: str) -> list[tuple[Path, outputs.Writes]]:
    """Every path the export writes, with what it writes there (each is checked before any is written)."""
    if format == "sqlite":
        return [(out, writes(format)), (metadata_path(out), METADATA)]
    return [(out, writes(format))]


def write(out: Path, format: str, rows: dict[str, list[Row]]) -> list[Path]:
    """Write the export (each file in one rename; a folder replaced as a whole); the paths written."""
    if format == "sqlite":
        data = sqlite_bytes(rows)
        metadata = json.dumps(datasette_metadata(out.stem), indent=2, ensure_ascii=False) + "\n"
        files.write_bytes(out, data)
        files.write_text(metadata_path(out), metadata)
        return [out, metadata_path(out)]
    with files.replacing_folder(out, "export") as staging:
        for table in TABLES:
            if format == "csv":
                (staging / f"{table.name}.csv").write_text(csv_text(table, rows[table.name]), encoding="utf-8",
                                                            newline="")
            else:
                (staging / f"{table.name}.jsonl").write_text(jsonl_text(rows[table.name]), encoding="utf-8")
        if format == "csv":
            package = json.dumps(datapackage(), indent=2, ensure_ascii=False) + "\n"
            (staging / "datapackage.json").write_text(package, encoding="utf-8")
    return [out]


# -- docs/data.md -----------------------------------------------------------------------------

def data_doc() -> str:
    """docs/data.md: every table and column of the export."""
    lines = ["# The data export", "",
             "<!-- generated from src/case_procedure/export.py by `python tests/test_export.py`; edit there -->", "",
             "`case-procedure export --format sqlite|csv|jsonl --out PATH` writes the tables below.", "",
             "- `sqlite`: one database (`--out corpus.db`) and beside it `corpus.metadata.json`; open it with",
             "  `datasette corpus.db -m corpus.metadata.json`. Keys are declared, the tables marked searchable",
             "  have a full-text index (`TABLE_fts`), and Datasette shows a linked row by its label column.",
             "- `csv`: a folder holding a Frictionless Data Package: `datapackage.json` (the table schemas, primary",
             "  and foreign keys) and one CSV file per table; `frictionless validate PATH/datapackage.json` checks",
             "  it. An empty cell is a missing value; booleans are `true` / `false`.",
             "- `jsonl`: a folder holding one JSON Lines file per table (`cases.jsonl` ...), a missing value as",
             "  `null`.", "",
             "The same rows come from the Python API: `api.records(...)` (see docs/tutorial.md).", "",
             "Every table has the primary key `id`. A reference names the table and column it points to.", ""]
    for t in TABLES:
        lines += [f"## {t.name}", "", t.description, "", f"Label column: `{t.label}`."
                  + (f" Searchable: {', '.join(f'`{c}`' for c in t.search)}." if t.search else ""), "",
                  "| column | type | description | references |", "|---|---|---|---|"]
        lines += [f"| `{c.name}` | {c.type} | {c.description} | {f'`{c.references}`' if c.references else ''} |"
                  for c in t.columns]
        lines.append("")
    return "\n".join(lines)


def summary(rows: dict[str, list[Row]], written: list[Path]) -> str:
    """The closing line: the rows of each table and the paths written."""
    counts = ", ".join(f"{len(r)} {name}" for name, r in rows.items())
    return f"export: {counts}; written {' and '.join(str(p) for p in written)}"
