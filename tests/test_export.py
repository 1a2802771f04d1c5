"""The data export: SQLite for Datasette, a Frictionless Data Package, JSON Lines; docs/data.md.

Run `python tests/test_export.py` to regenerate docs/data.md after changing export.TABLES.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from case_procedure import api, export
from case_procedure.cli import app

runner = CliRunner()
DOC = ROOT / "docs" / "data.md"
BIN = Path(sys.executable).parent


def invoke(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("export")
    for format, out in (("sqlite", base / "corpus.db"), ("csv", base / "pkg"), ("jsonl", base / "lines")):
        result = invoke("export", "--format", format, "--out", out)
        assert result.exit_code == 0, result.output
    return base


@pytest.fixture(scope="module")
def rows() -> dict[str, list[dict]]:
    return export.tables(api.load(ROOT / "cases", ROOT / "rules"))


def test_every_table_has_the_declared_columns_and_unique_ids(rows: dict[str, list[dict]]) -> None:
    assert list(rows) == [t.name for t in export.TABLES]
    for table in export.TABLES:
        assert rows[table.name], table.name
        assert all(list(r) == table.column_names() for r in rows[table.name])
        ids = [r["id"] for r in rows[table.name]]
        assert len(ids) == len(set(ids)), table.name


def test_replays_cover_every_hearing_under_every_norm_set(rows: dict[str, list[dict]]) -> None:
    corpus = api.load(ROOT / "cases", ROOT / "rules")
    hearings = sum(len(c.hearings()) for c in corpus.cases)
    assert len(rows["replays"]) == hearings * len(corpus.norm_sets)
    trace = api.replay(corpus, "somov", "norms-1938")
    exported = [r for r in rows["replays"] if r["case_id"] == "somov" and r["norm_set"] == "norms-1938"]
    assert [r["agreement"] for r in exported] == [s.agreement for s in trace.steps]
    assert [r["rule"] for r in exported] == [f"norms-1938:{s.prescribed.rule.id}" if s.prescribed else None
                                             for s in trace.steps]


def test_judgments_are_the_replays_judgments_under_every_norm_set(rows: dict[str, list[dict]]) -> None:
    corpus = api.load(ROOT / "cases", ROOT / "rules")
    for norm_set in ("norms-1937", "norms-1938"):
        trace = api.replay(corpus, "somov", norm_set)
        exported = [r for r in rows["judgments"] if r["case_id"] == "somov" and r["norm_set"] == norm_set]
        assert [(r["entry"], r["verdict"], r["judgment"]) for r in exported] == [
            (f"somov:{j.entry}", v.verdict, v.rule.id) for j in trace.judgments for v in j.judgments]
    forbidden = [r for r in rows["judgments"] if r["verdict"] == "forbidden" and r["norm_set"] == "norms-1938"]
    assert forbidden and all(r["remedy"] or r["judgment"] != "n38.no-dismissal-for-expulsion" for r in forbidden)


def test_the_database_declares_keys_and_searches_summaries_and_statements(exported: Path) -> None:
    db = sqlite3.connect(exported / "corpus.db")
    try:
        assert db.execute("PRAGMA application_id").fetchone()[0] == export.APPLICATION_ID
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        keys = {(t.name, row[3], row[2]) for t in export.TABLES
                for row in db.execute(f"PRAGMA foreign_key_list({t.name})")}
        assert ("replays", "rule", "rules") in keys and ("people", "case_id", "cases") in keys
        assert len(keys) == sum(1 for t in export.TABLES for c in t.columns if c.references)
        found = db.execute("SELECT cases.id FROM cases_fts JOIN cases ON cases.rowid = cases_fts.rowid "
                           "WHERE cases_fts MATCH 'Polish'").fetchall()
        assert ("somov",) in found
        hits = db.execute("SELECT count(*) FROM rules_fts WHERE rules_fts MATCH 'vigilance'").fetchone()[0]
        assert hits > 0
        arrested = db.execute("SELECT arrested FROM cases WHERE id = 'bystritskii'").fetchone()[0]
        assert arrested == 1
    finally:
        db.close()
    metadata = json.loads((exported / "corpus.metadata.json").read_text(encoding="utf-8"))
    tables = metadata["databases"]["corpus"]["tables"]
    for table in export.TABLES:
        assert set(tables[table.name]["columns"]) == set(table.column_names())
        assert tables[table.name]["label_column"] in table.column_names()


def test_the_data_package_is_valid_and_its_foreign_keys_are_checked(exported: Path, tmp_path: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(exported / "pkg" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    broken = tmp_path / "pkg"
    shutil.copytree(exported / "pkg", broken)
    text = (broken / "replays.csv").read_text(encoding="utf-8")
    (broken / "replays.csv").write_text(text.replace("norms-1937:n37.", "norms-1937:no-such-rule.", 1),
                                        encoding="utf-8")
    contrast = frictionless.validate(str(broken / "datapackage.json"))
    assert not contrast.valid
    assert "foreign-key" in {e[0] for e in contrast.flatten(["type"])}


def test_the_command_line_validator_accepts_the_package(exported: Path) -> None:
    if not (BIN / "frictionless").exists():
        pytest.skip("frictionless is not installed (pip install '.[test]')")
    done = subprocess.run([str(BIN / "frictionless"), "validate", str(exported / "pkg" / "datapackage.json")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]


def test_jsonl_holds_one_file_per_table(exported: Path, rows: dict[str, list[dict]]) -> None:
    for table in export.TABLES:
        lines = (exported / "lines" / f"{table.name}.jsonl").read_text(encoding="utf-8").splitlines()
        assert [json.loads(line) for line in lines] == rows[table.name]


def test_the_csv_rows_match_the_records(exported: Path, rows: dict[str, list[dict]]) -> None:
    with open(exported / "pkg" / "cases.csv", encoding="utf-8", newline="") as handle:
        read = list(csv.DictReader(handle))
    assert [r["id"] for r in read] == [r["id"] for r in rows["cases"]]
    assert [r["summary"] for r in read] == [r["summary"] for r in rows["cases"]]


@given(st.lists(st.text(), min_size=1, max_size=5))
def test_any_text_survives_a_csv_cell(values: list[str]) -> None:
    table = export.Table("t", "T", "", "id", tuple(export.Column(f"c{i}", "string", "") for i in range(len(values))))
    text = export.csv_text(table, [{f"c{i}": v for i, v in enumerate(values)}])
    assert list(csv.reader(io.StringIO(text, newline="")))[1] == values


def test_a_second_export_replaces_the_first_but_nothing_else(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    assert invoke("export", "--format", "sqlite", "--out", db).exit_code == 0
    again = invoke("export", "--format", "sqlite", "--out", db)
    assert again.exit_code == 0, again.output
    foreign = tmp_path / "notes.db"
    foreign.write_text("my own notes\n")
    refused = invoke("export", "--format", "sqlite", "--out", foreign)
    assert refused.exit_code == 2 and "did not write" in refused.output
    assert foreign.read_text() == "my own notes\n" and not (tmp_path / "notes.metadata.json").exists()
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "keep.txt").write_text("x")
    refused = invoke("export", "--format", "csv", "--out", folder)
    assert refused.exit_code == 2 and (folder / "keep.txt").read_text() == "x"


def test_it_never_writes_into_its_inputs(tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    shutil.copytree(ROOT / "cases", cases)
    before = sorted(p.name for p in cases.iterdir())
    result = invoke("export", "--format", "jsonl", "--out", cases / "out", "--cases", cases, "--force")
    assert result.exit_code == 2 and "inside the folder of case files" in result.output
    assert sorted(p.name for p in cases.iterdir()) == before


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_datasette_serves_the_database(exported: Path) -> None:
    if not (BIN / "datasette").exists():
        pytest.skip("datasette is not installed (pip install '.[test]')")
    port = _free_port()
    server = subprocess.Popen([str(BIN / "datasette"), "serve", str(exported / "corpus.db"), "-m",
                               str(exported / "corpus.metadata.json"), "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}/corpus/cases.json?_search=Polish&_shape=objects"
        body = None
        deadline = time.monotonic() + 30
        while body is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    body = json.loads(response.read())
            except OSError:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                time.sleep(0.3)
        assert body is not None, "datasette did not answer within 30 s"
        assert "somov" in [row["id"] for row in body["rows"]]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/corpus/replays", timeout=5) as response:
            page = response.read().decode()
        assert "Every recorded hearing" in page  # the table's description, from the metadata
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_docs_data_md_describes_every_table_and_column() -> None:
    assert DOC.read_text(encoding="utf-8") == export.data_doc(), "run `python tests/test_export.py`"
    for table in export.TABLES:
        assert f"## {table.name}" in export.data_doc()


if __name__ == "__main__":
    DOC.write_text(export.data_doc(), encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")
