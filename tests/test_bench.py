"""The benchmark suite runs on a tiny workload and reports every figure (no timing is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow

WORKLOADS = ("cold_start", "corpus", "synthetic", "overhead", "parallel", "sensitivity")


def test_the_suite_runs_on_a_tiny_workload_and_reports_its_figures() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "suite.py"), "--quick", "--json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    for workload in WORKLOADS:
        numbers = [v for v in figures[workload].values() if isinstance(v, (int, float)) and not isinstance(v, bool)]
        assert numbers and all(n > 0 for n in numbers), (workload, figures[workload])
    assert figures["corpus"]["replay_hearings"] > 0 and figures["synthetic"]["hearing_replays"] > 0
    assert figures["corpus"]["lawful_paths"] > 0 and figures["corpus"]["lawful_paths_s"] > 0
    assert figures["parallel"]["same_counts"] is True  # --jobs 2 replays exactly what --jobs 1 does
    cold = figures["cold_start"]  # each process beside the bare stack of the same run
    assert cold["replay_over_bare_stack"] == pytest.approx(cold["replay_one_case_s"] / cold["bare_stack_s"])
    synthetic = figures["synthetic"]  # the agreement mix the corpus-like workload produced, per norm set
    for norm_set, counts in synthetic["counts"].items():
        assert synthetic[f"mix_{norm_set}"].split(", ")[:5] == [
            f"{a} {counts.get(a, 0)}" for a in ("agree", "harsher", "milder", "no-rule", "unrecorded")]
        assert 0 < synthetic[f"decided_share_{norm_set}"] <= 1
    assert set(figures["targets"]) == {"cold_start_replay_s", "cold_start_over_bare_stack", "synthetic_decided_share",
                                       "overhead_vs_raw_durable",
                                       "synthetic_10000_two_norm_sets_s", "synthetic_peak_rss_mb", "parallel_speedup",
                                       "sensitivity_depth1_all_s", "sensitivity_depth2_jobs2_s"}
