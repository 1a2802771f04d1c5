import pytest
from pydantic import ValidationError

from case_procedure.sources import SECTIONS, Source, normalize_heading


def test_heading_is_matched_without_quotes_or_case() -> None:
    source = Source(chapter=5, section="“Unmasking” the “Slanderers”", pages="275-280")
    assert source.section == "UNMASKING THE SLANDERERS"
    assert source.cite() == 'ch.5 "UNMASKING THE SLANDERERS", pp. 275-280'


def test_apostrophe_of_terrors_is_kept() -> None:
    assert normalize_heading("THE TERROR’S IMPACT ON THE FAMILY") in SECTIONS["3"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("chapter", 7), ("section", "THE SECOND INTERROGATION"), ("pages", "p. 12")],
)
def test_bad_citations_are_refused(field: str, value: object) -> None:
    data = {"chapter": 3, "section": "SPURNING RELATIVES", "pages": "183-186", field: value}
    with pytest.raises(ValidationError):
        Source.model_validate(data)


def test_archive_reference_is_cited() -> None:
    source = Source.model_validate({"chapter": 3, "section": "SPURNING RELATIVES", "pages": "183-186",
                                    "archive": {"archive": "TsAOPIM", "fond": 429, "opis": 1, "delo": 223,
                                                "folios": "40-42"}})
    assert source.cite().endswith("TsAOPIM, f. 429, op. 1, d. 223, ll. 40-42")
