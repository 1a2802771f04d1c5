"""The seeded generator shared by benchmarks, sweeps and the hypothesis strategies."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import ROOT

from case_procedure import synthetic
from case_procedure.case import Case, reference_problems


def test_a_seed_gives_the_same_valid_cases_every_time_and_any_slice_alone() -> None:
    first = list(synthetic.generate_data(11, 0, 150))
    assert list(synthetic.generate_data(11, 0, 150)) == first
    assert list(synthetic.generate_data(11, 100, 150)) == first[100:]
    assert list(synthetic.generate_data(12, 0, 150)) != first
    for case in synthetic.generate(11, 0, 150):  # validated, and cross-checked
        assert isinstance(case, Case) and case.hearings() and reference_problems(case) == []


def test_the_generator_reaches_every_kind_of_entry() -> None:
    kinds = {e["type"] for data in synthetic.generate_data(3, 0, 300) for e in data["record"]}
    assert kinds == set(synthetic.RECORD_KINDS)


def test_a_sweep_counts_the_same_whatever_the_jobs_and_chunks(tmp_path: Path) -> None:
    rules = Path(shutil.copytree(ROOT / "rules", tmp_path / "rules"))  # a copy no one edits between the sweeps
    norm_sets = ("norms-1937", "norms-1938")
    one = synthetic.sweep(5, 60, norm_sets, rules, jobs=1, chunk=60)
    assert synthetic.sweep(5, 60, norm_sets, rules, jobs=2, chunk=7) == one
    for counts in one.values():
        assert sum(counts.values()) >= 60  # every case has at least one hearing of the accused
