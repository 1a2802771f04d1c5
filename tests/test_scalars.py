"""The scalar schema: what a plain YAML value means, in every file, and what a field takes.

The refusals (a count of `0432`, a flag of `yes`, a date of `0x791`...) are rows of the
bad-input catalogue; these tests hold what is accepted and what it means.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_case import write_variant

from case_procedure.corpus import load_case
from case_procedure.yamlfile import read_yaml


def value_of(tmp_path: Path, scalar: str) -> object:
    path = tmp_path / "x.yaml"
    path.write_text(f"x: {scalar}\n", encoding="utf-8")
    data, _ = read_yaml(path)
    assert isinstance(data, dict)
    return data["x"]


@pytest.mark.parametrize(("scalar", "value"), [
    ("1937", 1937), ("-5", -5), ("0", 0), ("true", True), ("False", False), ("~", None), ("null", None), ("", None),
    # YAML 1.1 reads each of these as a number, a flag or a date; here they are text as written
    ("0432", "0432"), ("0x791", "0x791"), ("0o17", "0o17"), ("32:17", "32:17"), ("1_937", "1_937"),
    ("yes", "yes"), ("on", "on"), ("n", "n"), ("1.5", "1.5"), ("1e3", "1e3"), (".inf", ".inf"),
    ("1937-11-05", "1937-11-05"), ("+12", "+12"),
])
def test_what_a_plain_value_means(tmp_path: Path, scalar: str, value: object) -> None:
    assert value_of(tmp_path, scalar) == value and type(value_of(tmp_path, scalar)) is type(value)


@given(st.from_regex(r"\A[-+]?[0-9][0-9_:xo.]{0,7}\Z").filter(lambda s: not s.endswith(":")))
def test_a_value_is_a_number_only_when_its_text_is_the_number(tmp_path_factory: pytest.TempPathFactory,
                                                               scalar: str) -> None:
    value = value_of(tmp_path_factory.mktemp("s"), scalar)
    if isinstance(value, int):
        assert str(value) == scalar  # so a text field given a number keeps exactly what was written
    else:
        assert value == scalar


def test_keys_are_names(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("yes: 1\ntrue: 2\n1937: 3\n<<: {a: 1}\n", encoding="utf-8")
    data, _ = read_yaml(path)
    assert data == {"yes": 1, "true": 2, "1937": 3, "<<": {"a": 1}}


def test_text_fields_keep_numbers_as_written(tmp_path: Path) -> None:
    path = write_variant(tmp_path, "role: foreman in a machine shop", "role: 1937")
    assert load_case(path).people["petrov"].role == "1937"


def test_an_archive_number_with_a_leading_zero_is_kept(tmp_path: Path) -> None:
    path = write_variant(tmp_path, 'chapter: 3, section: THE IRON RULES OF THE GAME, pages: "144-146"',
                         'chapter: 3, section: THE IRON RULES OF THE GAME, pages: 144, '
                         'archive: {archive: TsAOPIM, fond: 0432, opis: 1, delo: 0179}')
    archive = load_case(path).sources["iron-rules"].archive
    assert archive is not None and (archive.fond, archive.opis, archive.delo) == ("0432", "1", "0179")
    assert load_case(path).sources["iron-rules"].pages == "144"
