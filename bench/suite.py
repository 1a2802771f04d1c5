"""The benchmark suite (`make bench`): each workload's figures, and ratios to its peers measured in the same run.

Workloads:
  cold start  `case-procedure replay` of one case as a whole process, beside `python -c pass` and
              `python -c "import case_procedure"` (median of --repeat runs each)
  corpus      every case under every norm set, replayed and simulated (median of --repeat passes)
  synthetic   generated cases (the seeded generator shared with the hypothesis strategies) under two
              norm sets, in a subprocess: cases/s and peak memory (VmHWM, else ru_maxrss)
  overhead    our engine against raw durable-rules fed the same compiled facts, and against the
              plain-Python reference evaluator
  parallel    the synthetic workload with --jobs 2 against --jobs 1
  sensitivity `sensitivity --rules all` over the corpus: depth 1 on one core, depth 2 with --jobs 2, each as a
              ratio to one plain replay of the corpus under every norm set measured in the same run

Usage: python bench/suite.py [--quick] [--json] [--synthetic N] [--repeat N]
Timings are never asserted in the tests; tests/test_bench.py only runs --quick and checks the figures exist.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CLI = str(Path(PYTHON).with_name("case-procedure"))
SEED = 1937
TWO_NORM_SETS = ("norms-1937", "norms-1938")
COLD_CASE = "cases/somov.yaml"

TARGETS = {  # (figure, comparison, bound): the targets on a 2-core machine
    "cold_start_replay_s": ("<=", 0.35),
    "overhead_vs_raw_durable": ("<=", 2.0),
    "synthetic_10000_two_norm_sets_s": ("<=", 5.0),
    "synthetic_peak_rss_mb": ("<=", 100.0),
    "parallel_speedup": (">=", 1.7),
    "sensitivity_depth1_all_s": ("<=", 5.0),
    "sensitivity_depth2_jobs2_s": ("<=", 60.0),
}


def _median_wall(command: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cold_start(repeat: int) -> dict[str, Any]:
    bare = _median_wall([PYTHON, "-c", "pass"], repeat)
    imported = _median_wall([PYTHON, "-c", "import case_procedure"], repeat)
    replay = _median_wall([CLI, "replay", COLD_CASE, "--rules", "norms-1937"], repeat)
    return {"runs": repeat, "python_pass_s": bare, "import_case_procedure_s": imported, "replay_one_case_s": replay,
            "replay_over_pass": replay / bare, "replay_over_import": replay / imported}


def corpus(repeat: int, rules_dir: Path, limit: int | None) -> dict[str, Any]:
    from case_procedure.corpus import case_files, load_cases
    from case_procedure.engine import DurableEngine
    from case_procedure.norms import load_norm_sets
    from case_procedure.replay import RuleBook, replay
    from case_procedure.paths import lawful_paths
    from case_procedure.simulate import simulate

    start = time.perf_counter()
    cases = load_cases(case_files(ROOT / "cases")[:limit])
    book = RuleBook(load_norm_sets(rules_dir))
    loading = time.perf_counter() - start
    engine = DurableEngine()
    pairs = [(case, n) for case in cases for n in book.norm_sets]

    def replays() -> int:
        return sum(len(replay(case, n, book, engine).steps) for case, n in pairs)

    def simulations() -> int:
        return sum(len(simulate(case, n, book, engine).steps) for case, n in pairs)

    def explorations() -> int:  # every lawful path of every case under every norm set
        found = (lawful_paths(case, book.norm_sets[n], book, engine) for case, n in pairs)
        return sum(len(p.paths) for p in found if p is not None)

    hearings, steps, paths = replays(), simulations(), explorations()  # compiles every ruleset outside the timing
    replay_s = statistics.median(_timed(replays) for _ in range(repeat))
    simulate_s = statistics.median(_timed(simulations) for _ in range(repeat))
    paths_s = statistics.median(_timed(explorations) for _ in range(repeat))
    return {"cases": len(cases), "norm_sets": len(book.norm_sets), "load_s": loading,
            "replay_hearings": hearings, "replay_s": replay_s, "replay_hearings_per_s": hearings / replay_s,
            "simulated_steps": steps, "simulate_s": simulate_s, "simulated_cases_per_s": len(pairs) / simulate_s,
            "lawful_paths": paths, "lawful_paths_s": paths_s, "lawful_cases_per_s": len(pairs) / paths_s,
            "total_s": replay_s + simulate_s + paths_s}


def _timed(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def overhead(repeat: int, rules_dir: Path) -> dict[str, Any]:
    """The same compiled facts through our engine, raw durable-rules, and the plain-Python evaluator."""
    from durable.engine import Host, MessageNotHandledException

    from case_procedure.corpus import case_files, load_cases
    from case_procedure.engine import DurableEngine, PythonEngine
    from case_procedure.norms import load_norm_sets
    from case_procedure.replay import RuleBook
    from case_procedure.situation import build

    cases = load_cases(case_files(ROOT / "cases"))
    book = RuleBook(load_norm_sets(rules_dir))
    situations = [(book.compiled(normset), f"{case.id}/{h.id}", [f.engine_fact() for f in build(case, h).facts])
                  for case in cases for h in case.hearings() for normset in book.norm_sets.values()]
    situations = [s for s in situations if s[0].definition]

    class RawHost(Host):  # the stock host, minus its timer threads; actions do nothing
        def _run(self) -> None:
            pass

        def get_action(self, action_name: str):
            return lambda c: None

    raw = RawHost()
    for ruleset in {s[0].name: s[0] for s in situations}.values():
        raw.register_rulesets(json.loads(json.dumps(ruleset.as_json())))
    sessions = iter(range(10**9))

    def raw_run(ruleset, sid, facts) -> None:
        session, started = f"{sid}#{next(sessions)}", False
        for fact in facts:
            try:
                raw.assert_fact(ruleset.name, {**fact, "sid": session})
                started = True
            except MessageNotHandledException:
                pass
        if started:
            raw.delete_state(ruleset.name, session)

    # "ours" remembers each distinct fact's matches across situations, as every command does; "ours_fresh" sends
    # every fact to durable-rules, as raw durable-rules must
    ours, fresh, python = DurableEngine(), DurableEngine(remember=False), PythonEngine()
    runners = {"ours": ours.run, "ours_fresh": fresh.run, "raw_durable": raw_run, "python_reference": python.run}
    for run in runners.values():  # registration outside the timing
        for situation in situations:
            run(*situation)
    times = {name: statistics.median(_timed(lambda run=run: [run(*s) for s in situations]) for _ in range(repeat))
             for name, run in runners.items()}
    count = len(situations)
    return {"situations": count, **{f"{k}_us_per_situation": v / count * 1e6 for k, v in times.items()},
            "ours_over_raw_durable": times["ours"] / times["raw_durable"],
            "ours_fresh_over_raw_durable": times["ours_fresh"] / times["raw_durable"],
            "ours_over_python_reference": times["ours"] / times["python_reference"]}


def synthetic_run(count: int, jobs: int, rules_dir: Path) -> dict[str, Any]:
    """Runs in a subprocess of its own: generate, validate and replay `count` cases under two norm sets."""
    from case_procedure import synthetic

    start = time.perf_counter()
    counts = synthetic.sweep(SEED, count, TWO_NORM_SETS, rules_dir, jobs=jobs)
    seconds = time.perf_counter() - start
    return {"cases": count, "jobs": jobs, "seconds": seconds, "counts": counts,
            "hearing_replays": sum(sum(c.values()) for c in counts.values()), "peak_rss_mb": _peak_rss_mb()}


def _peak_rss_mb() -> float:
    """This process's peak resident memory. Linux's ru_maxrss also counts the parent's memory before exec
    (the suite's own, some 170 MB by then), so the high-water mark of this process's own memory is read."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)


def _synthetic_subprocess(count: int, jobs: int, rules_dir: Path) -> dict[str, Any]:
    command = [PYTHON, __file__, "--synthetic-run", str(count), "--jobs", str(jobs), "--rules-dir", str(rules_dir)]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
    figures = json.loads(done.stdout)
    figures["wall_s"] = time.perf_counter() - start
    return figures


def synthetic(count: int, rules_dir: Path, run: dict[str, Any]) -> dict[str, Any]:
    smaller = _synthetic_subprocess(max(1, count // 10), 1, rules_dir)
    return {"cases": count, "norm_sets": list(TWO_NORM_SETS), "seconds": run["seconds"], "wall_s": run["wall_s"],
            "cases_per_s": count / run["seconds"], "hearing_replays": run["hearing_replays"],
            "peak_rss_mb": run["peak_rss_mb"], f"peak_rss_mb_at_{smaller['cases']}_cases": smaller["peak_rss_mb"],
            "counts": run["counts"]}


def parallel(count: int, rules_dir: Path, one: dict[str, Any]) -> dict[str, Any]:
    two = _synthetic_subprocess(count, 2, rules_dir)
    return {"cases": count, "jobs_1_s": one["seconds"], "jobs_2_s": two["seconds"],
            "speedup": one["seconds"] / two["seconds"], "jobs_1_wall_s": one["wall_s"], "jobs_2_wall_s": two["wall_s"],
            "same_counts": one["counts"] == two["counts"]}


def sensitivity(repeat: int, rules_dir: Path, limit: int | None) -> dict[str, Any]:
    """The sensitivity search over the corpus under every norm set (with the party card), beside one plain replay
    of the same corpus under every norm set: the search replays every changed case in full, so its cost is a
    multiple of that replay."""
    from case_procedure.corpus import case_files, load_cases
    from case_procedure.engine import DurableEngine
    from case_procedure.norms import load_norm_sets
    from case_procedure.replay import RuleBook, replay
    from case_procedure.sensitivity import ALL, corpus_sensitivity
    from case_procedure.sensitivity import sensitivity as search
    from case_procedure.variation import load_variations

    cases = [c for c in load_cases(case_files(ROOT / "cases")) if c.hearings()][:limit]  # cases with a hearing
    book, engine, variations = RuleBook(load_norm_sets(rules_dir)), DurableEngine(), load_variations()

    def plain() -> None:
        for case in cases:
            for n in book.norm_sets:
                replay(case, n, book, engine)

    def depth_one() -> list:
        return [search(case, ALL, 1, book, engine, variations) for case in cases]

    plain()  # compiles and registers every ruleset outside the timing
    plain_s = statistics.median(_timed(plain) for _ in range(max(3, repeat)))
    results: list = []
    depth1_s = statistics.median(_timed(lambda: results.extend(depth_one())) for _ in range(max(1, repeat // 3)))
    start = time.perf_counter()
    deep = corpus_sensitivity(cases, ALL, 2, rules_dir, 2, variations)
    depth2_s = time.perf_counter() - start
    runs = [r for s in results[:len(cases)] for r in s.runs]
    return {"cases": len(cases), "norm_sets": len(book.norm_sets), "plain_replay_s": plain_s,
            "depth1_change_sets": sum(r.tried for r in runs), "depth1_s": depth1_s,
            "depth1_over_plain_replay": depth1_s / plain_s, "depth2_change_sets": sum(r.tried for s in deep
                                                                                    for r in s.runs),
            "depth2_jobs2_s": depth2_s, "depth2_jobs2_over_plain_replay": depth2_s / plain_s,
            "depth1_flips": sum(len(h.flips) for r in runs for h in r.hearings),
            "depth2_flips": sum(len(h.flips) for s in deep for r in s.runs for h in r.hearings)}


def machine() -> dict[str, Any]:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    return {"date": time.strftime("%Y-%m-%d %H:%M %Z"), "nproc": os.cpu_count(), "cpu": model,
            "python": platform.python_version(), "load_average": os.getloadavg()}


def verdicts(figures: dict[str, Any], count: int) -> dict[str, dict[str, Any]]:
    scale = 10_000 / count  # the target is stated for 10,000 cases; smaller runs are scaled linearly
    values = {
        "cold_start_replay_s": figures["cold_start"]["replay_one_case_s"],
        "overhead_vs_raw_durable": figures["overhead"]["ours_over_raw_durable"],
        "synthetic_10000_two_norm_sets_s": figures["synthetic"]["seconds"] * scale,
        "synthetic_peak_rss_mb": figures["synthetic"]["peak_rss_mb"],
        "parallel_speedup": figures["parallel"]["speedup"],
        "sensitivity_depth1_all_s": figures["sensitivity"]["depth1_s"],
        "sensitivity_depth2_jobs2_s": figures["sensitivity"]["depth2_jobs2_s"],
    }
    out = {}
    for name, value in values.items():
        comparison, bound = TARGETS[name]
        met = value <= bound if comparison == "<=" else value >= bound
        out[name] = {"value": round(value, 3), "target": f"{comparison} {bound}", "met": met}
    return out


def as_text(figures: dict[str, Any]) -> str:
    lines = []
    for section, values in figures.items():
        lines.append(f"{section}:")
        for key, value in values.items():
            shown = f"{value:.4g}" if isinstance(value, float) else value
            lines.append(f"  {key:<34} {shown}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a tiny workload: checks the suite runs, measures little")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--synthetic", type=int, default=10_000, help="generated cases (default 10,000)")
    parser.add_argument("--repeat", type=int, default=9, help="runs per cold-start figure and corpus pass")
    parser.add_argument("--rules-dir", type=Path, default=ROOT / "rules")
    parser.add_argument("--synthetic-run", type=int, help=argparse.SUPPRESS)  # the subprocess of one synthetic run
    parser.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--only", choices=["sensitivity"], help="run one workload only")
    args = parser.parse_args()
    if args.synthetic_run is not None:
        print(json.dumps(synthetic_run(args.synthetic_run, args.jobs, args.rules_dir)))
        return
    count, repeat = (40, 1) if args.quick else (args.synthetic, args.repeat)
    with tempfile.TemporaryDirectory() as frozen:  # every workload sees the same rules while others edit them
        args.rules_dir = Path(shutil.copytree(args.rules_dir, Path(frozen) / "rules"))
        figures = ({"machine": machine(), "sensitivity": sensitivity(repeat, args.rules_dir, 2 if args.quick else None)}
                   if args.only else run_all(args, count, repeat))
    print(json.dumps(figures, indent=2) if args.json else as_text(figures), end="" if not args.json else "\n")


def run_all(args: argparse.Namespace, count: int, repeat: int) -> dict[str, Any]:
    figures: dict[str, Any] = {"machine": machine()}
    figures["cold_start"] = cold_start(repeat)
    figures["corpus"] = corpus(repeat, args.rules_dir, 3 if args.quick else None)
    one_job = _synthetic_subprocess(count, 1, args.rules_dir)  # shared by the synthetic and parallel workloads
    figures["synthetic"] = synthetic(count, args.rules_dir, one_job)
    figures["overhead"] = overhead(repeat, args.rules_dir)
    figures["parallel"] = parallel(count, args.rules_dir, one_job)
    figures["sensitivity"] = sensitivity(repeat, args.rules_dir, 2 if args.quick else None)
    figures["targets"] = verdicts(figures, count)
    return figures


if __name__ == "__main__":
    main()
