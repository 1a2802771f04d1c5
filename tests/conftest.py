from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(Path(__file__).resolve().parent))

settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(autouse=True)
def _run_from_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="session")
def engine():
    # durable-rules rulesets cannot be registered twice in one process: one engine per session.
    from case_procedure.engine import DurableEngine

    return DurableEngine()


@pytest.fixture(scope="session")
def book():
    from case_procedure.norms import load_norm_sets
    from case_procedure.replay import RuleBook

    return RuleBook(load_norm_sets(ROOT / "rules"))


def build_casebook(out, cases, book, engine, progress=None, **options):
    """The casebook of `cases` as the command builds it: the corpus run (`run.corpus_runs`), then the site."""
    from case_procedure import casebook, run
    from case_procedure.progress import silent

    progress = progress or silent
    return casebook.build(out, run.corpus_runs(cases, book, engine, progress), book.norm_sets, progress, **options)


def explained(case, norm_set, book, engine, format="text", step=None, why_not=False):
    """`explain CASE` as the command tells it: the case run (`run.run_case`), then the explanation."""
    from case_procedure.explain import explain_case
    from case_procedure.run import run_case

    return explain_case(run_case(case, norm_set, book, engine, why_not=why_not), format, step)
