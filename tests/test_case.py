"""Case files: validation, reference checks, errors that name file, line and field, and round trips."""

from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES
from hypothesis import given
from strategies import case_data

from case_procedure.case import Case
from case_procedure.corpus import dump_case, load_case
from case_procedure.errors import InputError

EXAMPLE = FIXTURES / "example.yaml"


def write_variant(tmp_path: Path, old: str, new: str, name: str = "example.yaml") -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def only_problem(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        load_case(path)
    assert len(caught.value.problems) == 1, caught.value.problems
    return str(caught.value.problems[0])


def test_example_loads() -> None:
    case = load_case(EXAMPLE)
    assert [h.id for h in case.hearings()] == ["shop-hearing", "committee-hearing"]
    assert case.people["petrov"].origin == "not_stated"


def test_misspelt_decision_names_file_line_and_field(tmp_path: Path) -> None:
    path = write_variant(tmp_path, "decision: expulsion\n    grounds: [failure_to_report]\n",
                         "decision: expelsion\n    grounds: [failure_to_report]\n")
    message = only_problem(path)
    assert message.startswith(f"{path}:57: record[1].decision: unknown term 'expelsion'")
    assert "did you mean 'expulsion'" in message


def test_dangling_person_is_named(tmp_path: Path) -> None:
    path = write_variant(tmp_path, "author: petrov", "author: petrof")
    assert only_problem(path) == f"{path}:46: record[0].author: no person 'petrof' in `people`"


def test_dangling_source_is_named(tmp_path: Path) -> None:
    path = write_variant(tmp_path, "source: [iron-rules, tainted]", "source: [iron-rule, tainted]")
    assert only_problem(path) == f"{path}:51: record[0].source[0]: no source 'iron-rule' in `sources`"


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    path = write_variant(tmp_path, "title: An invented", "title: [An invented")
    message = only_problem(path)
    assert message.startswith(f"{path}:") and "broken YAML" in message


def test_dates_out_of_order_are_refused(tmp_path: Path) -> None:
    path = write_variant(tmp_path, "date: 1937-10\n", "date: 1937-08\n")
    assert "record[2].date: date 1937-08 comes before the previous entry's date 1937-09" in only_problem(path)


def test_unknown_field_and_duplicate_key(tmp_path: Path) -> None:
    path = write_variant(tmp_path, "    sex: male\n    source: [tainted]\n  petrov-brother",
                         "    sex: male\n    gender: male\n    source: [tainted]\n  petrov-brother")
    message = only_problem(path)
    assert "people.petrov.gender: unknown field (allowed here: " in message and ", sex, " in message
    path = write_variant(tmp_path, "accused: petrov\n", "accused: petrov\naccused: petrov\n")
    assert "accused: key given twice" in only_problem(path)


def test_contested_entry_needs_two_readings(tmp_path: Path) -> None:
    path = write_variant(tmp_path, "    summary: The brother is arrested.\n",
                         "    summary: The brother is arrested.\n    certainty: contested\n")
    assert "needs at least two readings" in only_problem(path)


def test_file_name_must_match_id(tmp_path: Path) -> None:
    path = write_variant(tmp_path, "id: example", "id: example", name="other.yaml")
    assert "must match the file name 'other'" in only_problem(path)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = write_variant(tmp_path, "author: petrov", "author: petrof")
    path.write_text(path.read_text().replace("person: petrov-brother", "person: nobody"))
    with pytest.raises(InputError) as caught:
        load_case(path)
    assert len(caught.value.problems) == 2


@pytest.mark.slow
@given(case_data())
def test_generated_cases_round_trip_through_yaml(data: dict) -> None:
    case = Case.model_validate(data)
    again = Case.model_validate(yaml.safe_load(dump_case(case)))
    assert again == case
    assert dump_case(again) == dump_case(case)


def test_example_round_trips_through_a_file(tmp_path: Path) -> None:
    case = load_case(EXAMPLE)
    path = tmp_path / "example.yaml"
    path.write_text(dump_case(case), encoding="utf-8")
    assert load_case(path) == case
