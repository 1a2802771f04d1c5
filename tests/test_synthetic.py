"""The seeded generator shared by benchmarks, sweeps and the hypothesis strategies."""

from __future__ import annotations

import random
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from case_procedure import synthetic
from case_procedure.case import Case, reference_problems
from case_procedure.corpus import case_files, load_case, load_cases
from case_procedure.distributions import Distributions, Empirical, corpus_distributions


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


@pytest.mark.parametrize("corpus_like", [False, True])
def test_a_sweep_counts_the_same_whatever_the_jobs_and_chunks(tmp_path: Path, corpus_like: bool) -> None:
    rules = Path(shutil.copytree(ROOT / "rules", tmp_path / "rules"))  # a copy no one edits between the sweeps
    norm_sets = ("norms-1937", "norms-1938")
    like = corpus_distributions(load_cases(case_files(ROOT / "cases"))) if corpus_like else None
    one = synthetic.sweep(5, 60, norm_sets, rules, jobs=1, chunk=60, like=like)
    assert synthetic.sweep(5, 60, norm_sets, rules, jobs=2, chunk=7, like=like) == one
    for counts in one.values():
        assert sum(counts.values()) >= 60  # every case has at least one hearing of the accused


# -- The corpus-like workload ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def like() -> Distributions:
    return corpus_distributions(load_cases(case_files(ROOT / "cases")))


def test_the_distributions_are_counted_from_the_corpus_whatever_its_order(like: Distributions) -> None:
    cases = load_cases(case_files(ROOT / "cases"))
    assert corpus_distributions(list(reversed(cases))) == like
    assert like.cases == sum(1 for c in cases if c.hearings())
    assert like.charging.total == like.cases  # one sequence of hearings per case with a hearing
    assert sum(len(s) * n for s, n in zip(like.charging.values, like.charging.counts, strict=True)) == sum(
        len(c.hearings()) for c in cases)
    assert set(like.decision) == {h.body for c in cases for h in c.hearings()}


def test_an_empirical_draw_follows_the_counts() -> None:
    counted = Empirical.of(["a", "b", "b", "c", "c", "c"])
    assert counted.values == ("c", "b", "a") and counted.counts == (3, 2, 1)
    rng = random.Random(4)
    drawn = Counter(counted.draw(rng) for _ in range(6000))
    assert set(drawn) == {"a", "b", "c"} and drawn["c"] > drawn["b"] > drawn["a"]
    assert abs(drawn["c"] / 6000 - 0.5) < 0.03


def test_corpus_like_cases_are_the_same_for_a_seed_and_any_slice_alone(like: Distributions) -> None:
    first = list(synthetic.generate_data(11, 0, 120, like))
    assert list(synthetic.generate_data(11, 0, 120, like)) == first
    assert list(synthetic.generate_data(11, 80, 120, like)) == first[80:]
    assert list(synthetic.generate_data(12, 0, 120, like)) != first
    assert first != list(synthetic.generate_data(11, 0, 120))  # not the uniform space


def test_corpus_like_cases_validate_as_case_files(like: Distributions, tmp_path: Path) -> None:
    for data in synthetic.generate_data(7, 0, 40, like):
        path = tmp_path / f"{data['id']}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        case = load_case(path)  # the loader of cases/: validation, references, dates in order, id and file name
        first = case.hearings()[0].date  # written to span a day drawn from the span of a corpus first hearing
        assert any(first.earliest <= high and low <= first.latest for low, high in like.first_hearing.values)


@settings(max_examples=60)
@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=0, max_value=10**6))
def test_every_corpus_like_case_is_valid(like: Distributions, seed: int, index: int) -> None:
    data = synthetic.corpus_like(like, synthetic.case_seed(seed, index))
    case = Case.model_validate(data)
    assert case.hearings() and reference_problems(case) == []
    # what the case charges comes from the corpus: every sequence of bodies and grounds is one a case has
    assert tuple((h.body, tuple(h.grounds)) for h in case.hearings()) in like.charging.values


def test_at_least_half_of_the_corpus_like_hearings_are_decided_by_a_rule(like: Distributions, tmp_path: Path) -> None:
    """A property of the generator, not a timing: the issue's workload must exercise the rules, not mostly the
    engine saying that nothing applies (the uniform space decides about one hearing in eight)."""
    rules = Path(shutil.copytree(ROOT / "rules", tmp_path / "rules"))
    counts = synthetic.sweep(1937, 500, ("norms-1937", "norms-1938"), rules, like=like)
    for norm_set, mix in counts.items():
        hearings = sum(mix.values())
        decided = hearings - mix.get("no-rule", 0) - mix.get(synthetic.CONFLICT, 0)
        assert hearings >= 500 and decided / hearings >= 0.5, (norm_set, mix)
