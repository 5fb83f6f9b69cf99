"""Benchmark: validate and score many random supplier responses on one core.

    .venv/bin/python benchmarks/score_responses.py            # 100,000 responses
    .venv/bin/python benchmarks/score_responses.py --n 20000 --profile

Responses are generated first (seeded, so every run scores the same ones), then timed through
`score_raw_response` (validation + scoring), which is what the CLI and the API call per response.
Peak memory is reported two ways: the process's peak resident set size (resource.getrusage) and, with
`--tracemalloc`, the peak of Python allocations while scoring (tracing slows scoring, so that run is separate).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import platform
import pstats
import random
import resource
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hrdd.domain.maturity import parse_response, score_raw_response, score_response  # noqa: E402
from hrdd.domain.questionnaire_framework import QuestionnaireFramework, get_framework  # noqa: E402

TARGET_PER_SECOND = 20_000
WORDS = ["Responsible", "Business", "Alliance", "trade", "unions", "mapping", "platform", "audits", "NGO"]


def generate(n: int, framework: QuestionnaireFramework, seed: int) -> list[dict[str, Any]]:
    """Make `n` random valid raw responses: any role, any non-empty set of options, some free text."""
    rng = random.Random(seed)
    roles = [r.id for r in framework.roles]
    questions = [(q.id, q.select, [o.id for o in q.options]) for q in framework.questions]
    text_fields = [f.id for _, f in framework.text_fields]
    responses = []
    for i in range(n):
        answers: dict[str, Any] = {}
        for question_id, select, options in questions:
            if select == "single":
                choice = rng.choice(options)
                answers[question_id] = choice if rng.random() < 0.5 else [choice]
            else:
                answers[question_id] = rng.sample(options, rng.randint(1, len(options)))
        for field_id in text_fields:
            if rng.random() < 0.3:
                answers[field_id] = " ".join(rng.choices(WORDS, k=rng.randint(1, 6)))
        responses.append({"company": f"Supplier {i}", "role": rng.choice(roles), "answers": answers})
    return responses


def score_all(responses: list[dict[str, Any]], framework: QuestionnaireFramework) -> Counter[str]:
    """Score every response; return the overall levels counted (so the work cannot be skipped)."""
    overall: Counter[str] = Counter()
    for raw in responses:
        overall[score_raw_response(raw, framework).overall] += 1
    return overall


def pin_to_one_core(core: int | None) -> str:
    """Scoring is single-threaded anyway; `--pin CORE` also keeps the process on one given core."""
    if core is None:
        return "single-threaded, not pinned"
    if not hasattr(os, "sched_setaffinity"):
        return "single-threaded, not pinned (no sched_setaffinity on this platform)"
    os.sched_setaffinity(0, {core})
    return f"single-threaded, pinned to core {core}"


def peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="number of responses (default 100000)")
    parser.add_argument("--seed", type=int, default=2025, help="random seed (default 2025)")
    parser.add_argument("--framework", default="cfit-2025", help="shipped framework id")
    parser.add_argument("--pin", type=int, metavar="CORE", help="pin the process to this CPU core")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs; the best is reported")
    parser.add_argument("--split", action="store_true", help="also time validation and scoring apart")
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also measure the Python peak while scoring"
    )
    parser.add_argument(
        "--profile", action="store_true", help="also run under cProfile and print the top calls"
    )
    args = parser.parse_args(argv)

    framework = get_framework(args.framework)
    pinning = pin_to_one_core(args.pin)
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores, {pinning}")
    print(f"framework {framework.id} {framework.version}; generating {args.n:,} responses (seed {args.seed})")
    responses = generate(args.n, framework, args.seed)
    score_all(responses[:1000], framework)  # warm up: compile the framework's look-up tables

    best = best_cpu = float("inf")
    overall: Counter[str] = Counter()
    for _ in range(args.repeat):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        overall = score_all(responses, framework)
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
    rate = args.n / best
    print(
        f"scored {args.n:,} responses in {best:.3f} s: {rate:,.0f} responses/s ({best / args.n * 1e6:.1f} µs each)"
    )
    print(
        f"CPU time {best_cpu:.3f} s: {args.n / best_cpu:,.0f} responses per CPU-second "
        f"(wall and CPU differ when other processes compete for the core)"
    )
    print(f"overall levels: {dict(sorted(overall.items()))}")
    print(f"peak RSS of the process (responses included): {peak_rss_mib():.1f} MiB")

    if args.split:
        gc.collect()
        start = time.process_time()
        parsed = [parse_response(raw, framework) for raw in responses]
        parse_cpu = time.process_time() - start
        start = time.process_time()
        for response in parsed:
            score_response(response, framework)
        score_cpu = time.process_time() - start
        total = parse_cpu + score_cpu
        print(
            f"split (CPU): validation {parse_cpu:.3f} s ({parse_cpu / total:.0%}, {parse_cpu / args.n * 1e6:.1f} µs each), "
            f"scoring {score_cpu:.3f} s ({score_cpu / total:.0%}, {score_cpu / args.n * 1e6:.1f} µs each)"
        )
        del parsed

    if args.tracemalloc:
        gc.collect()
        tracemalloc.start()
        score_all(responses, framework)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"peak Python allocations while scoring (tracemalloc): {peak / 1024:.1f} KiB")

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        score_all(responses, framework)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        print(out.getvalue())

    verdict = "meets" if rate >= TARGET_PER_SECOND else "MISSES"
    print(f"{verdict} the target of {TARGET_PER_SECOND:,} responses/s")
    return 0 if rate >= TARGET_PER_SECOND else 1


if __name__ == "__main__":
    raise SystemExit(main())
