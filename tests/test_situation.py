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
                              "kind_closeness": "close", "enemy_before": "certain", "tie_certainty": "stated",
                              "in_contact": False, "aided": False,
                              "renounced": False, "broke_off": False, "other_arrested": True, "other_expelled": False,
                              "other_targeted_nationality": False, "report": "late"}
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


def variant(tmp_path: Path, *changes: tuple[str, str]) -> Case:
    text = (FIXTURES / "example.yaml").read_text()
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "example.yaml"
    path.write_text(text)
    return load_case(path)


PROMPT = ("date: 1937-09-08", "date: 1937-09-02")  # the report the day after the arrest


def test_a_failure_to_report_against_a_prompt_report_is_contradicted_and_not_counted_on_the_record(
        tmp_path: Path) -> None:
    case = variant(tmp_path, PROMPT)
    trusted, checked = build(case, case.hearings()[0], "trust"), build(case, case.hearings()[0], "record")
    assert [(c.ground, c.status, c.counted) for c in trusted.charges] == [("failure_to_report", "contradicted", True)]
    assert [(c.ground, c.status, c.counted) for c in checked.charges] == [
        ("failure_to_report", "contradicted", False)]
    assert checked.fact("charge-1").attributes["counted"] is False
    # the contrast: reported a week late, the same charge is supported and counts on the record too
    late = load_case(FIXTURES / "example.yaml")
    assert [(c.status, c.counted) for c in build(late, late.hearings()[0], "record").charges] == [("supported", True)]


def test_a_tie_to_someone_arrested_only_after_the_hearing_is_no_enemy_before_it(tmp_path: Path) -> None:
    case = variant(tmp_path, ("    date: 1937-09-01\n    person: petrov-brother", "    date: 1937-09/1937-11\n"
                                                                                   "    person: petrov-brother"),
                   ("    concerns: [brother-arrested]\n", ""))
    tie = build(case, case.hearings()[0]).fact("tie-1")
    assert tie.attributes["enemy_before"] == "possible" and "may come before or after" in tie.because[
        "enemy_before"][0]
    assert build(case, case.hearings()[0]).fact("charge-1").attributes["target_enemy"] == "possible"


def test_closeness_comes_from_conduct_as_well_as_the_kind_of_tie(tmp_path: Path) -> None:
    cousin = ("kind: sibling", "kind: cousin")
    visit = ("record:\n", "  - {id: visit, type: conduct, date: 1937-08, person: petrov, conduct: visit, "
                          "toward: petrov-brother, summary: He visits his cousin., source: [tainted]}\nrecord:\n")
    distant = variant(tmp_path, cousin)
    assert build(distant, distant.hearings()[0]).fact("tie-1").attributes["closeness"] == "distant"
    visited = variant(tmp_path, cousin, visit)
    tie = build(visited, visited.hearings()[0]).fact("tie-1")
    assert (tie.attributes["closeness"], tie.attributes["kind_closeness"], tie.attributes["in_contact"]) == (
        "close", "distant", True)
    assert tie.because["closeness"] == ("a tie of kind cousin: distant", "visit visit (1937-08): close")


def test_a_tie_ended_years_before_with_no_contact_since_is_no_longer_close(tmp_path: Path) -> None:
    ended = variant(tmp_path, ("kind: sibling,", "kind: spouse, until: 1932,"))
    tie = build(ended, ended.hearings()[0]).fact("tie-1")
    assert (tie.attributes["closeness"], tie.attributes["broke_off"]) == ("distant", True)
    recent = variant(tmp_path, ("kind: sibling,", "kind: spouse, until: 1937-06,"))
    assert build(recent, recent.hearings()[0]).fact("tie-1").attributes["closeness"] == "close"


def test_accusations_from_the_floor_are_kept_apart_from_the_formal_charge(tmp_path: Path) -> None:
    case = variant(tmp_path, ("    grounds: [failure_to_report, tie_to_enemy]\n",
                              "    grounds: [failure_to_report, tie_to_enemy]\n    speakers:\n"
                              "      - {person: petrov-brother, stance: against, proposed: expulsion, "
                              "alleges: [wrecking]}\n"))
    situation = build(case, case.hearings()[1])
    assert [f.attributes["ground"] for f in situation.facts if f.kind == "charge"] == ["failure_to_report",
                                                                                     "tie_to_enemy"]
    assert [(f.attributes["ground"], f.attributes["proposed"]) for f in situation.facts
            if f.kind == "accusation"] == [("wrecking", "expulsion")]
    assert situation.fact("charges").attributes["count"] == 2


def test_a_report_is_timed_from_the_blow_it_reports_not_from_an_earlier_undated_one(tmp_path: Path) -> None:
    expelled_earlier = ("background:\n", "background:\n  - {id: brother-expelled, type: expulsion, "
                                         "date: before 1937-09, person: petrov-brother, "
                                         "summary: The brother is expelled., source: [tainted]}\n")
    case = variant(tmp_path, PROMPT, expelled_earlier)
    assert build(case, case.hearings()[0]).fact("tie-1").attributes["report"] == "prompt"
    # the contrast: a report a week after the arrest it concerns is late, whatever else came before
    late = variant(tmp_path, expelled_earlier)
    assert build(late, late.hearings()[0]).fact("tie-1").attributes["report"] == "late"


def _with(tmp_path: Path, *changes: tuple[str, str]) -> Case:
    text = (FIXTURES / "example.yaml").read_text()
    for old, new in changes:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "example.yaml"
    path.write_text(text)
    return load_case(path)


def test_a_concealment_charge_is_about_the_report_when_the_relative_was_reported_late(tmp_path: Path) -> None:
    case = _with(tmp_path, ("grounds: [failure_to_report]\n", "grounds: [concealment]\n"))
    charge = facts_of(case, 0)["charge-1"]
    assert charge["ground"] == "concealment" and charge["concerns_report"] is True
    prompt = _with(tmp_path, ("grounds: [failure_to_report]\n", "grounds: [concealment]\n"),
                   ("date: 1937-09-08", "date: 1937-09-02"))
    assert facts_of(prompt, 0)["charge-1"]["concerns_report"] is False  # contrast: reported the next day


def test_a_higher_hearing_weighs_the_grounds_of_the_expulsion_it_reviews() -> None:
    shop, committee = (facts_of(example(), i) for i in (0, 1))
    assert shop["reviewed"]["count"] == 1 and shop["reviewed"]["report_only"] is True  # its own grounds
    # the committee charges a tie too, but the shop's expulsion it reviews rested on the late report alone
    assert committee["charges"]["count"] == 2
    assert committee["reviewed"] == {"id": "reviewed", "kind": "reviewed", "count": 1, "only_family": "honesty",
                                     "report_only": True, "all_contradicted": False}
