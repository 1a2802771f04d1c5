"""Every command's output over the whole corpus is what it was: a change to any output fails here until the
digest is made again on purpose (issue 18: the views were restructured without changing a byte).

To accept a deliberate change of output, regenerate the digest and commit it with the change:

    PYTHONPATH=src .venv/bin/python tests/snapshots.py /tmp/outputs --digest tests/fixtures/outputs.sha256.json

and say in the commit which outputs changed and why (`diff -r` of two such folders shows how).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import snapshots


def _changes(expected: dict[str, str], found: dict[str, str]) -> dict[str, list[str]]:
    return {"changed": sorted(n for n in expected.keys() & found.keys() if expected[n] != found[n]),
            "missing": sorted(expected.keys() - found.keys()), "new": sorted(found.keys() - expected.keys())}


def test_the_digest_sees_a_changed_a_missing_and_a_new_output(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text("one", encoding="utf-8")
    (tmp_path / "two.txt").write_text("two", encoding="utf-8")
    before = snapshots.digest(tmp_path)
    assert sorted(before) == ["a/one.txt", "two.txt"]
    (tmp_path / "a" / "one.txt").write_text("one!", encoding="utf-8")
    (tmp_path / "two.txt").unlink()
    (tmp_path / "three.txt").write_text("three", encoding="utf-8")
    assert _changes(before, snapshots.digest(tmp_path)) == {"changed": ["a/one.txt"], "missing": ["two.txt"],
                                                            "new": ["three.txt"]}


def test_the_commands_cover_every_case_and_format() -> None:
    names = {name for name, _ in snapshots.commands()}
    assert len(names) == len(list(snapshots.commands()))  # no output overwrites another
    for case in snapshots.case_ids():
        assert {f"explain/{case}.auto.md", f"explain/{case}.norms-1938.why-not.txt",
                f"diagram/{case}.auto.paths.mmd"} <= names
    assert {f"replay/{rules}.{ext}" for rules in snapshots.NORM_SETS for ext in ("txt", "md", "json")} <= names
    assert {"report/report.txt", "report/report.md", "report/report.json", "report/summary.txt"} <= names


@pytest.mark.slow
def test_every_output_over_the_corpus_is_unchanged(tmp_path: Path) -> None:
    """Every output byte for byte; the SVG Graphviz draws only where the same Graphviz drew the digest."""
    out = tmp_path / "outputs"
    snapshots.run(out)
    made = json.loads(snapshots.DIGEST.read_text(encoding="utf-8"))
    expected, found = made["outputs"], snapshots.digest(out)
    if snapshots.graphviz_version() != made["graphviz"]:
        expected, found = ({n: d for n, d in names.items() if not n.startswith(snapshots.GRAPHVIZ_MADE)}
                           for names in (expected, found))
    assert _changes(expected, found) == {"changed": [], "missing": [], "new": []}
