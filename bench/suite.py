"""The benchmark suite (`make bench`): each workload's figures, and ratios to its peers measured in the same run.

Workloads:
  cold start  `case-procedure replay` of one case as a whole process, and `import case_procedure.cli`, each
              as a ratio to the bare stack (`import pydantic, typer, durable.engine, yaml`) measured in the same
              run, beside `python -c pass` (median of --repeat runs each, interleaved, bytecode cached in a
              private folder so that our modules are not compiled afresh on every run)
  corpus      every case under every norm set, replayed and simulated (median of --repeat passes)
  synthetic   generated cases like the corpus (the seeded generator drawing from the corpus's distributions,
              `synthetic.corpus_like`) under two norm sets, in a subprocess: cases/s, peak memory (VmHWM, else
              ru_maxrss), and the agreement mix it produced per norm set (the share decided by a rule)
  overhead    our engine against raw durable-rules fed the same compiled facts, and against the
              plain-Python reference evaluator
  parallel    the synthetic workload with --jobs 2 against --jobs 1
  sensitivity `sensitivity --rules all` over the corpus: depth 1 on one core, depth 2 with --jobs 2, each as a
              ratio to one plain replay of the corpus under every norm set measured in the same run

Usage: python bench/suite.py [--quick] [--json] [--synthetic N] [--repeat N] [--only WORKLOAD]
Timings are never asserted in the tests; tests/test_bench.py only runs --quick and checks the figures exist.
Figures are worth comparing only from a quiet machine (see `machine`: the load average when the run began).
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
    "cold_start_over_bare_stack": ("<=", 1.5),
    "synthetic_decided_share": (">=", 0.5),
    "overhead_vs_raw_durable": ("<=", 2.0),
    "synthetic_10000_two_norm_sets_s": ("<=", 5.0),
    "synthetic_peak_rss_mb": ("<=", 100.0),
    "parallel_speedup": (">=", 1.7),
    "sensitivity_depth1_all_s": ("<=", 5.0),
    "sensitivity_depth2_jobs2_s": ("<=", 60.0),
}


BARE_STACK = "import pydantic, typer, durable.engine, yaml"


def _median_walls(commands: dict[str, list[str]], repeat: int, env: dict[str, str]) -> dict[str, float]:
    """Each command's median wall time, the commands taking turns so that a change of load touches all alike."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, env=env)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def cold_start(repeat: int) -> dict[str, Any]:
    """Whole processes, each beside the bare import of the stack measured in the same run. Bytecode is cached in a
    private folder (warmed by one run of each command first): with PYTHONDONTWRITEBYTECODE set, as in some shells,
    every module of an editable install is compiled afresh on each run (some 70-90 ms here), which an installed
    package never pays, while the stack's own bytecode was written when it was installed."""
    commands = {"pass": [PYTHON, "-c", "pass"], "stack": [PYTHON, "-c", BARE_STACK],
                "import_cli": [PYTHON, "-c", "import case_procedure.cli"],
                "replay": [CLI, "replay", COLD_CASE, "--rules", "norms-1937"]}
    with tempfile.TemporaryDirectory() as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        _median_walls(commands, 1, env)  # writes the bytecode
        walls = _median_walls(commands, repeat, env)
    return {"runs": repeat, "bytecode": "cached", "python_pass_s": walls["pass"], "bare_stack_s": walls["stack"],
            "import_cli_s": walls["import_cli"], "replay_one_case_s": walls["replay"],
            "import_cli_over_bare_stack": walls["import_cli"] / walls["stack"],
            "replay_over_bare_stack": walls["replay"] / walls["stack"]}


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
    """Runs in a subprocess of its own: generate, validate and replay `count` cases like the corpus under two norm
    sets (the corpus's distributions are counted first, outside the timing)."""
    from case_procedure import synthetic
    from case_procedure.corpus import case_files, load_cases
    from case_procedure.distributions import corpus_distributions

    start = time.perf_counter()
    like = corpus_distributions(load_cases(case_files(ROOT / "cases")))
    counting = time.perf_counter() - start
    start = time.perf_counter()
    counts = synthetic.sweep(SEED, count, TWO_NORM_SETS, rules_dir, jobs=jobs, like=like)
    seconds = time.perf_counter() - start
    return {"cases": count, "jobs": jobs, "seconds": seconds, "distributions_s": counting, "counts": counts,
            "hearing_replays": sum(sum(c.values()) for c in counts.values()), "peak_rss_mb": _peak_rss_mb()}


AGREEMENTS = ("agree", "harsher", "milder", "no-rule", "unrecorded")


def agreement_mix(counts: dict[str, dict[str, int]]) -> dict[str, Any]:
    """Per norm set: how many hearings agree, are harsher, milder, met no rule or have no recorded decision (and
    stopped on a rule conflict, if any), and the share decided by a rule."""
    from case_procedure.synthetic import CONFLICT

    mix: dict[str, Any] = {}
    for norm_set, seen in counts.items():
        hearings = sum(seen.values())
        shown = [f"{a} {seen.get(a, 0)}" for a in AGREEMENTS] + ([f"conflict {seen[CONFLICT]}"] if CONFLICT in seen
                                                                 else [])
        mix[f"mix_{norm_set}"] = ", ".join(shown)
        mix[f"decided_share_{norm_set}"] = (hearings - seen.get("no-rule", 0) - seen.get(CONFLICT, 0)) / hearings
    return mix


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
    return {"cases": count, "norm_sets": list(TWO_NORM_SETS), "workload": "like the corpus",
            "seconds": run["seconds"], "wall_s": run["wall_s"], "distributions_s": run["distributions_s"],
            "cases_per_s": count / run["seconds"], "hearing_replays": run["hearing_replays"],
            "peak_rss_mb": run["peak_rss_mb"], f"peak_rss_mb_at_{smaller['cases']}_cases": smaller["peak_rss_mb"],
            **agreement_mix(run["counts"]), "counts": run["counts"]}


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
        "cold_start_over_bare_stack": figures["cold_start"]["replay_over_bare_stack"],
        "synthetic_decided_share": min(v for k, v in figures["synthetic"].items() if k.startswith("decided_share_")),
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
    parser.add_argument("--only", choices=list(ONLY), help="run one workload only")
    args = parser.parse_args()
    if args.synthetic_run is not None:
        print(json.dumps(synthetic_run(args.synthetic_run, args.jobs, args.rules_dir)))
        return
    count, repeat = (40, 1) if args.quick else (args.synthetic, args.repeat)
    with tempfile.TemporaryDirectory() as frozen:  # every workload sees the same rules while others edit them
        args.rules_dir = Path(shutil.copytree(args.rules_dir, Path(frozen) / "rules"))
        figures = ({"machine": machine(), args.only: ONLY[args.only](args, count, repeat)} if args.only
                   else run_all(args, count, repeat))
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


ONLY = {  # the workloads --only runs alone
    "cold_start": lambda args, count, repeat: cold_start(repeat),
    "synthetic": lambda args, count, repeat: synthetic(count, args.rules_dir,
                                                       _synthetic_subprocess(count, 1, args.rules_dir)),
    "sensitivity": lambda args, count, repeat: sensitivity(repeat, args.rules_dir, 2 if args.quick else None),
}


if __name__ == "__main__":
    main()
