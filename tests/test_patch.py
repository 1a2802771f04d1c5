"""Changes to a case (`patch`): PATH=VALUE read with the one scalar schema, applied by path, validated as a case."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT
from hypothesis import given
from hypothesis import strategies as st

from case_procedure import corpus
from case_procedure.errors import InputError
from case_procedure.patch import Change, PathError, changed_data, parse_argument, read_patch, validate
from case_procedure.yamlfile import read_yaml

EXAMPLE = FIXTURES / "example.yaml"
MARGOLINA = ROOT / "cases" / "margolina.yaml"


def messages(exc: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [str(p) for p in exc.value.problems]


@pytest.mark.parametrize(("text", "value"), [
    ("1937", 1937), ("0432", "0432"), ("yes", "yes"), ("true", True), ("null", None), ("1937-11-05", "1937-11-05"),
    ("[a, b]", ["a", "b"]), ("'12'", "12"), ("0x791", "0x791"), ("1_937", "1_937"),
])
def test_values_are_read_with_the_projects_scalar_schema(text: str, value: object) -> None:
    change = parse_argument(f"people.x.role={text}").change
    assert change.op == "set" and change.value == value and type(change.value) is type(value)


def test_add_and_remove_are_written_with_plus_and_minus() -> None:
    add, remove = parse_argument("record.h.grounds+=wrecking").change, parse_argument("background-=visit-1").change
    assert (add.op, add.path, add.value) == ("add", "record.h.grounds", "wrecking")
    assert (remove.op, remove.path, remove.value) == ("remove", "background", "visit-1")


@pytest.mark.parametrize(("argument", "message"), [
    ("people.x.role", "write PATH=VALUE"), ("=1", "no PATH"), ("a.b=", "no value"),
    ("a.b=[1, 2", "the value: broken YAML"), ("a-=[1]", "the item to remove"), ("a-=true", "the item to remove"),
])
def test_a_malformed_argument_is_named_in_the_message(argument: str, message: str) -> None:
    with pytest.raises(InputError) as exc:
        parse_argument(argument)
    assert messages(exc)[0].startswith(f"--set {argument!r}: ") and message in messages(exc)[0]


@given(st.sampled_from(["1937", "0432", "yes", "[a, 1, true]", "{x: 1}", "null", "it's", "a: b", "'quoted'",
                        "-5", "  spaced  ", "#hash"]))
def test_an_argument_written_back_reads_as_the_same_change(text: str) -> None:
    try:
        change = parse_argument(f"people.x.role={text}").change
    except InputError:
        return
    assert parse_argument(change.argument()).change == change


def test_changes_leave_the_original_data_as_it_was() -> None:
    data, _ = read_yaml(MARGOLINA)
    before = copy.deepcopy(data)
    changed, touched = changed_data(data, [Change(path="background", remove="visit-frid-vera"),
                                           Change(path="people.margolina.nationality", set="polish"),
                                           Change(path="record.november-hearing.grounds", set=["wrecking"])])
    assert data == before
    assert "visit-frid-vera" not in [e["id"] for e in changed["background"]]
    assert changed["people"]["margolina"]["nationality"] == "polish"
    assert touched[1] == ("people", "margolina", "nationality")


def test_list_items_are_found_by_index_id_or_value() -> None:
    data = {"a": [{"id": "x"}, {"id": "y"}], "b": ["p", "q"]}
    changed, _ = changed_data(data, [Change(path="a.y.v", set=1), Change(path="b", remove="q"),
                                     Change(path="a.0.v", set=2)])
    assert changed == {"a": [{"id": "x", "v": 2}, {"id": "y", "v": 1}], "b": ["p"]}


@pytest.mark.parametrize(("path", "message"), [
    ("nope.x", "the case has no key 'nope'"), ("people.nobody.role", "people has no key 'nobody'"),
    ("background.nothing.date", "background has no item 'nothing'"), ("title.x", "is a single value"),
])
def test_a_path_that_names_no_place_is_an_error(path: str, message: str) -> None:
    data, _ = read_yaml(MARGOLINA)
    with pytest.raises(PathError) as exc:
        changed_data(data, [Change(path=path, set=1)])
    assert message in exc.value.args[1]


def _validate(*arguments: str, path: Path = MARGOLINA):
    data, lines = read_yaml(path)
    return validate(path, data, lines, [parse_argument(a) for a in arguments])


def test_a_valid_change_gives_the_changed_case_and_leaves_the_rest() -> None:
    case = _validate("people.margolina.nationality=polish")
    original = corpus.load_case(MARGOLINA)
    assert case.people["margolina"].nationality == "polish"
    assert case.model_copy(update={"people": original.people}) == original


def test_an_invalid_value_is_reported_at_the_change_never_converted() -> None:
    with pytest.raises(InputError) as exc:
        _validate("people.margolina.nationality=martian", "record.november-hearing.votes=yes",
                  "fate.arrested=1")
    found = messages(exc)
    assert found[0].startswith("--set 'people.margolina.nationality=martian': people.margolina.nationality: "
                               "unknown term 'martian'")
    assert any(m.startswith("--set 'record.november-hearing.votes=yes': record[0].votes:") for m in found)
    assert any(m.startswith("--set 'fate.arrested=1': fate.arrested:") for m in found)  # 1 is not true


def test_a_problem_the_change_causes_elsewhere_is_reported_at_the_case_file_line() -> None:
    with pytest.raises(InputError) as exc:
        _validate("background-=frid-arrested")
    found = messages(exc)
    assert any(m.startswith(f"{MARGOLINA}:") and "no entry with id 'frid-arrested'" in m for m in found)


def test_a_patch_file_names_its_own_lines(tmp_path: Path) -> None:
    patch = tmp_path / "p.yaml"
    patch.write_text("changes:\n  - {path: people.petrov.origin, set: worker}\n"
                     "  - {path: people.petrov.origin, set: martian}\n", encoding="utf-8")
    data, lines = read_yaml(EXAMPLE)
    with pytest.raises(InputError) as exc:
        validate(EXAMPLE, data, lines, read_patch(patch))
    assert messages(exc)[0].startswith(f"{patch}:3: people.petrov.origin: unknown term 'martian'")
    patch.write_text("changes:\n  - {path: a}\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_patch(patch)
    assert messages(exc) == [f"{patch}:2: changes[0]: a change gives exactly one of set, add or remove beside "
                             "its path"]
