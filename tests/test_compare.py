"""Comparing norm sets on a case, and the differences between two norm sets."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from case_procedure.compare import compare
from case_procedure.corpus import case_files, load_case
from case_procedure.diff import diff
from case_procedure.norms import load_norm_sets
from case_procedure.replay import replay

CASES = case_files(ROOT / "cases")
NORM_SETS = load_norm_sets(ROOT / "rules")


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_every_case_compares_under_every_norm_set(book, engine, path: Path) -> None:
    case = load_case(path)
    names = sorted(NORM_SETS)
    result = compare(case, names, book, engine)
    assert len(result.hearings) == len(case.hearings())
    for name in names:
        trace = replay(case, name, book, engine)
        assert [row.prescribed[name] for row in result.hearings] == [
            s.prescribed.decision if s.prescribed else None for s in trace.steps]
    for row in result.hearings:
        assert row.differs == (len(set(row.prescribed.values())) > 1)
    assert result.final.simulated == {n: result.simulations[n].final for n in names}


def test_a_norm_set_compared_with_itself_never_differs(book, engine) -> None:
    case = load_case(ROOT / "cases" / "somov.yaml")
    result = compare(case, ["norms-1937", "norms-1937"], book, engine)
    assert not any(row.differs for row in result.hearings) and not result.final.differs


@pytest.mark.parametrize("name", [n for n in sorted(NORM_SETS) if NORM_SETS[n].extends])
def test_diff_with_the_base_is_the_change_the_file_declares(name: str) -> None:
    normset = NORM_SETS[name]
    spec = normset.spec
    result = diff(NORM_SETS[normset.extends], normset)
    by_kind = {kind: sorted(c.id for c in result.changes if c.change == kind and c.kind == "rule")
               for kind in ("added", "replaced", "removed")}
    assert by_kind["added"] == sorted(r.id for r in spec.rules)
    assert by_kind["removed"] == sorted(spec.remove)
    # judgments are listed too: those the file adds, or replaces by id with a different one
    judged = {c.id for c in result.changes if c.kind == "judgment"}
    base = {j.id: j.judgment for j in NORM_SETS[normset.extends].judgments}
    assert judged == {j.id for j in spec.judgments if base.get(j.id) != j}
    # a replacement identical to the rule it replaces is no change
    assert set(by_kind["replaced"]) <= {r.id for r in spec.replace}
    assert all(c.sources for c in result.changes)
    assert result.extends


def test_a_norm_set_has_no_difference_with_itself() -> None:
    normset = NORM_SETS["norms-1938"]
    result = diff(normset, normset)
    assert result.changes == [] and result.unchanged == len(normset.rules)
