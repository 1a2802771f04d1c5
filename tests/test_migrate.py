"""Format 1 to format 2: the same case whether a file is read through the upgrade or rewritten by `migrate`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT
from hypothesis import given
from strategies import case_data
from typer.testing import CliRunner

from case_procedure.case import Case
from case_procedure.cli import app
from case_procedure.corpus import case_files, load_case
from case_procedure.migrate import upgrade
from case_procedure.replay import replay

V1 = sorted((FIXTURES / "v1").glob("*.yaml"))
runner = CliRunner()


@pytest.mark.parametrize("path", V1, ids=[p.stem for p in V1])
def test_a_file_rewritten_by_migrate_is_the_case_read_through_the_upgrade(path: Path, tmp_path: Path) -> None:
    copy = tmp_path / path.name
    shutil.copy(path, copy)
    read_through = load_case(copy)
    assert read_through.read_from_format == 1
    result = runner.invoke(app, ["migrate", str(copy)])
    assert (result.exit_code, result.stdout) == (0, f"{copy}: upgraded to format 2\n")
    rewritten = load_case(copy)
    assert rewritten.read_from_format == 2 and rewritten.model_dump() == read_through.model_dump()
    assert [line for line in copy.read_text().splitlines() if line.lstrip().startswith("#")] == [
        line for line in path.read_text().splitlines() if line.lstrip().startswith("#")]  # comments kept
    upgraded = copy.read_bytes()
    again = runner.invoke(app, ["migrate", str(copy)])
    assert again.stdout == f"{copy}: already format 2\n" and copy.read_bytes() == upgraded


def test_the_upgrade_renames_a_statements_subject_and_writes_out_the_dismissal_default() -> None:
    gringauz = load_case(FIXTURES / "v1" / "gringauz.yaml")
    entries = [*gringauz.background, *gringauz.record]
    assert [e.by for e in entries if e.type == "dismissal"] == ["director"]  # format 1's default, written out
    example = load_case(FIXTURES / "v1" / "example.yaml")
    assert [e.subjects for e in example.record if e.type == "statement"] == [["petrov"]]


def test_any_other_command_reads_a_format_1_file_with_a_one_line_notice(tmp_path: Path, book, engine) -> None:
    path = FIXTURES / "v1" / "example.yaml"
    result = runner.invoke(app, ["replay", str(path), "--rules", "norms-1937", "--format", "json"])
    assert result.exit_code == 0
    assert result.stderr == f"{path}: format 1, read as format 2; `case-procedure migrate {path}` upgrades the file\n"
    v2 = load_case(FIXTURES / "example.yaml")
    assert replay(load_case(path), "norms-1937", book, engine).model_dump() == \
        replay(v2, "norms-1937", book, engine).model_dump()


def test_stdout_prints_the_upgrade_and_rewrites_nothing(tmp_path: Path) -> None:
    copy = tmp_path / "example.yaml"
    shutil.copy(FIXTURES / "v1" / "example.yaml", copy)
    before = copy.read_bytes()
    result = runner.invoke(app, ["migrate", str(copy), "--stdout"])
    assert result.exit_code == 0 and "format: 2\n" in result.stdout and "subjects: [petrov]" in result.stdout
    assert copy.read_bytes() == before


def test_a_layout_the_upgrade_cannot_place_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    good, odd = tmp_path / "example.yaml", tmp_path / "gringauz.yaml"
    shutil.copy(FIXTURES / "v1" / "example.yaml", good)
    odd.write_text((FIXTURES / "v1" / "gringauz.yaml").read_text().replace("id: gringauz\n", "id:\n  gringauz\n", 1))
    before = {p.name: p.read_bytes() for p in (good, odd)}
    result = runner.invoke(app, ["migrate", str(good), str(odd)])
    assert result.exit_code == 2
    assert result.stderr == (f"{odd}: cannot be upgraded line by line: the top-level `id:` must stand on a line of "
                             "its own, to put `format: 2` after it\n")
    assert {p.name: p.read_bytes() for p in (good, odd)} == before


@given(case_data())
def test_every_generated_format_1_case_upgrades_to_a_valid_case(data: dict) -> None:
    v1 = {k: v for k, v in data.items() if k != "format"}
    for part in ("background", "record"):
        v1[part] = [{**{k: v for k, v in e.items() if k != "subjects"}, "subject": e["subjects"][0]}
                    if e["type"] == "statement" else e for e in data.get(part, [])]
    assert Case.model_validate(upgrade(v1)) == Case.model_validate(data)


def test_the_corpus_is_format_2() -> None:
    assert all(load_case(p).read_from_format == 2 for p in case_files(ROOT / "cases"))
