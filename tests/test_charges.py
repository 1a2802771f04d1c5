"""Charges checked against the record: a norm set that counts only what the record supports is never made
harsher by a charge the record contradicts, and one that takes charges on trust counts them all."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from case_procedure.codebook import GROUNDS
from case_procedure.engine import PythonEngine
from case_procedure.errors import RuleConflict
from case_procedure.examples import Example, example_facts
from case_procedure.norms import NormSet
from case_procedure.precedence import Resolution, resolve
from case_procedure.situation import CHARGE_STATUSES

BODIES = ["shop_organization", "party_committee", "general_meeting", "district_committee"]
TIES = st.fixed_dictionaries({"fact": st.just("tie"), "tie_kind": st.sampled_from(["spouse", "sibling", "friend"]),
                              "other_arrested": st.booleans(), "report": st.sampled_from(["prompt", "late", "none"])})


def resolved(book, normset: NormSet, body: str, facts: list[dict[str, Any]]) -> Resolution | None:
    example = Example.model_validate({"name": "generated", "body": body, "expect": {"decision": "none"},
                                      "facts": facts})
    engine_facts = [f.engine_fact() for f in example_facts(example, normset.charge_basis)]
    return resolve(normset, PythonEngine().run(book.compiled(normset), "charges", engine_facts), "in a situation")


def gravity(found: Resolution | None) -> tuple[int, int, int]:
    return found.range.key() if found is not None and found.range is not None else (-1, -1, -1)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(["norms-1938", "rules-1939"]), st.sampled_from(BODIES),
       st.lists(st.sampled_from(sorted(GROUNDS)), max_size=3, unique=True), st.sampled_from(sorted(GROUNDS)),
       st.lists(TIES, max_size=2), st.booleans())
def test_a_contradicted_charge_never_raises_the_prescription_under_the_1938_norms(
        book, name: str, body: str, grounds: list[str], extra: str, ties: list[dict[str, Any]], arrested: bool) -> None:
    normset = book.norm_sets[name]
    assert normset.charge_basis == "record"
    base = [*({"fact": "charge", "ground": g} for g in grounds if g != extra), *ties,
            {"fact": "accused", "arrested": arrested}]
    try:
        without = resolved(book, normset, body, base)
        with_contradicted = resolved(book, normset, body,
                                     [*base, {"fact": "charge", "ground": extra, "status": "contradicted"}])
    except RuleConflict:
        return
    assert gravity(with_contradicted) <= gravity(without)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(GROUNDS)), st.sampled_from(CHARGE_STATUSES))
def test_on_trust_every_formal_charge_counts_and_on_the_record_only_the_supported(ground: str, status: str) -> None:
    example = Example.model_validate({"name": "g", "body": "party_committee", "expect": {"decision": "none"},
                                      "facts": [{"fact": "charge", "ground": ground, "status": status}]})
    counted = {basis: next(f for f in example_facts(example, basis) if f.kind == "charge").attributes["counted"]
               for basis in ("trust", "record")}
    assert counted == {"trust": True, "record": status == "supported"}
