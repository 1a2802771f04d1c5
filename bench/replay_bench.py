"""Replay throughput: durable-rules against the plain-Python evaluator, run side by side.

Speed is reported as ratios between runs on the same machine in the same process,
never as absolute thresholds. Usage: python bench/replay_bench.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from case_procedure.corpus import case_files, load_cases
from case_procedure.engine import DurableEngine, Engine, PythonEngine
from case_procedure.norms import load_norm_sets
from case_procedure.replay import RuleBook, replay
from case_procedure.situation import build

ROOT = Path(__file__).resolve().parent.parent


def one_pass(cases, book: RuleBook, engine: Engine) -> int:
    hearings = 0
    for case in cases:
        for norm_set in book.norm_sets:
            hearings += len(replay(case, norm_set, book, engine).steps)
    return hearings


def timed(cases, book: RuleBook, engine: Engine, rounds: int) -> tuple[float, int]:
    times, hearings = [], 0
    for _ in range(rounds):
        start = time.perf_counter()
        hearings = one_pass(cases, book, engine)
        times.append(time.perf_counter() - start)
    return statistics.median(times), hearings


def engine_only(situations, book: RuleBook, engine: Engine, rounds: int) -> float:
    """Median time of running the engine alone on prebuilt situations."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for normset, sid, facts in situations:
            engine.run(book.compiled(normset), sid, facts)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    cases = load_cases(case_files(ROOT / "cases"))
    book = RuleBook(load_norm_sets(ROOT / "rules"))
    durable, python = DurableEngine(), PythonEngine()
    one_pass(cases, book, durable)  # register and compile once, outside the timing
    d_time, hearings = timed(cases, book, durable, args.rounds)
    p_time, _ = timed(cases, book, python, args.rounds)
    print(f"{len(cases)} cases x {len(book.norm_sets)} norm sets = {hearings} hearing replays per pass, "
          f"median of {args.rounds} passes")
    print(f"durable-rules : {hearings / d_time:10.0f} hearings/s")
    print(f"plain Python  : {hearings / p_time:10.0f} hearings/s")
    print(f"ratio durable/python time: {d_time / p_time:.2f}  (whole replay)")
    situations = [(normset, f"{case.id}/{h.id}", [f.engine_fact() for f in build(case, h).facts])
                  for case in cases for h in case.hearings() for normset in book.norm_sets.values()]
    d_engine = engine_only(situations, book, durable, args.rounds)
    p_engine = engine_only(situations, book, python, args.rounds)
    print(f"ratio durable/python time: {d_engine / p_engine:.2f}  (engine alone, {len(situations)} situations; "
          f"the engine is {d_engine / d_time:.0%} of a durable replay)")


if __name__ == "__main__":
    main()
