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
