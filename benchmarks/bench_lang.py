"""Benchmark: parse and validate a generated 1,000-task workflow with meltemi.lang.

Usage: python benchmarks/bench_lang.py [--tasks N] [--runs N]

The workflow mixes chains, fans (fork + join), publishes, guards and expressions.
Prints the text size and the median/min/max milliseconds of ``load_workflows``.
"""

from __future__ import annotations

import argparse
import statistics
import time

from meltemi import lang


def generate(tasks: int) -> str:
    """A direct workflow of ``tasks`` tasks in groups of 10: a chain step, a fan of 8, a join."""
    lines = ["version: '2.0'", "bench:", "  input:", "    - n: 3", "  tasks:"]
    for group in range(tasks // 10):
        head, join = f"g{group}_head", f"g{group}_join"
        fan = [f"g{group}_f{i}" for i in range(8)]
        lines += [
            f"    {head}:",
            f"      action: std.echo output=<% $.n + {group} %>",
            "      publish:",
            f"        v{group}: <% task().result %>",
            "      on-success:",
            *(f"        - {name}: <% $.n > {i % 3} %>" for i, name in enumerate(fan)),
        ]
        for i, name in enumerate(fan):
            lines += [
                f"    {name}:",
                f'      action: std.echo output="{{{{ _.n * {i} }}}}"',
                "      retry: count=2 delay=1",
                f"      on-complete: {join}",
            ]
        lines += [f"    {join}:", "      join: all", "      publish:", f"        j{group}: done"]
        if group + 1 < tasks // 10:
            lines += ["      on-success:", f"        - g{group + 1}_head"]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    text = generate(args.tasks)
    (workflow,) = lang.load_workflows(text)
    assert len(workflow.tasks) == args.tasks
    timings = []
    for _ in range(args.runs):
        start = time.perf_counter()
        lang.load_workflows(text)
        timings.append((time.perf_counter() - start) * 1000)
    print(f"tasks: {len(workflow.tasks)}  text: {len(text) / 1024:.0f} KiB  runs: {args.runs}")
    print(
        f"load_workflows: median {statistics.median(timings):.1f} ms  "
        f"min {min(timings):.1f} ms  max {max(timings):.1f} ms"
    )


if __name__ == "__main__":
    main()
