"""The situation builder: relations between entries are computed into flat facts."""

from pathlib import Path

from conftest import FIXTURES
from hypothesis import given
from strategies import case_data

from case_procedure.case import Case
from case_procedure.corpus import load_case
from case_procedure.situation import CATALOGUE, RESERVED, build


def example() -> Case:
    return load_case(FIXTURES / "example.yaml")


def facts_of(case: Case, index: int) -> dict[str, dict]:
    situation = build(case, case.hearings()[index])
    return {f.id: f.engine_fact() for f in situation.facts}


def test_late_report_of_a_siblings_arrest() -> None:
    facts = facts_of(example(), 0)
    assert facts["tie-1"] == {"id": "tie-1", "kind": "tie", "tie_kind": "sibling", "closeness": "close",
                              "other_arrested": True, "other_expelled": False, "other_targeted_nationality": False,
                              "report": "late"}
    assert facts["hearing"]["first_hearing"] and not facts["hearing"]["accused_expelled"]
    assert facts["charges"] == {"id": "charges", "kind": "charges", "count": 1, "only_family": "honesty"}


def test_a_report_the_next_day_is_prompt(tmp_path: Path) -> None:
    text = (FIXTURES / "example.yaml").read_text().replace("date: 1937-09-08", "date: 1937-09-02")
    path = tmp_path / "example.yaml"
    path.write_text(text)
    assert facts_of(load_case(path), 0)["tie-1"]["report"] == "prompt"


def test_second_hearing_knows_the_first_decision() -> None:
    facts = facts_of(example(), 1)
    assert facts["hearing"]["accused_expelled"] is True
    assert (facts["prior-1"]["decision"], facts["prior-1"]["higher_body"], facts["prior-1"]["latest"]) == (
        "expulsion", False, True)
    assert facts["charges"]["only_family"] == "mixed"
    assert facts["statement-1"]["since_last_hearing"] is False


@given(case_data())
def test_every_fact_fits_the_catalogue(data: dict) -> None:
    case = Case.model_validate(data)
    for hearing in case.hearings():
        situation = build(case, hearing)
        ids = [f.id for f in situation.facts]
        assert len(ids) == len(set(ids))
        for fact in situation.facts:
            attributes = CATALOGUE[fact.kind]
            assert set(fact.attributes) == set(attributes)
            for name, value in fact.attributes.items():
                expected = attributes[name]
                assert isinstance(value, expected.kind)
                if expected.values is not None:
                    assert value in expected.values, (fact.kind, name, value)


def test_no_attribute_shadows_the_engines_own_properties() -> None:
    assert not [name for attributes in CATALOGUE.values() for name in attributes if name in RESERVED]
