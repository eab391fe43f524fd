"""Benchmark: the cost of one ``engine.decide()`` step, pure engine, in-memory driver.

Usage: python benchmarks/bench_engine.py [--runs N] [--json-every-step]

Scenarios (every action succeeds at once with its echo output):

* S1: a chain of 20 tasks, each publishing a value.
* S3: 50 parallel tasks joined by one ``join: all`` task.
* S4: one with-items task over 200 items (one ActionSucceeded step per item).
* S5: a chain of 10 tasks passing on a 10 KB value.

Prints, per scenario, the steps of one run, the median and mean microseconds per
``decide()`` step (medians over ``--runs`` runs), steps per second, the slowest step
(the start step of S4 evaluates the input of all 200 items) and the size of the final
state's JSON (what the store writes). ``--json-every-step`` also round-trips the state
through JSON after each step (what the store does) and times that too.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime

from meltemi import engine
from meltemi.engine import commands, events
from meltemi.lang.spec import WorkflowSpec
from meltemi.testing import load

NOW = datetime(2024, 1, 1, tzinfo=UTC)


def chain(tasks: int, value: str = "<% $.n %>") -> str:
    """A direct workflow of ``tasks`` tasks in a chain, each publishing ``v<i>``."""
    lines = ["version: '2.0'", "chain:", "  input:", "    - n: 1", "    - big: ''", "  tasks:"]
    for i in range(tasks):
        lines += [f"    t{i}:", f'      action: std.echo output="{value}"']
        lines += ["      publish:", f"        v{i}: <% task().result %>"]
        if i + 1 < tasks:
            lines.append(f"      on-success: t{i + 1}")
    return "\n".join(lines) + "\n"


def fan(width: int) -> str:
    """``width`` parallel start tasks joined by one ``join: all`` task."""
    lines = ["version: '2.0'", "fan:", "  tasks:"]
    for i in range(width):
        lines += [f"    p{i}:", "      action: std.echo output=1", "      on-success: joined"]
    lines += ["    joined:", "      join: all", "      action: std.noop"]
    return "\n".join(lines) + "\n"


def items(count: int) -> str:
    """One with-items task over ``count`` items."""
    return (
        "version: '2.0'\nitems:\n  tasks:\n    each:\n"
        f"      with-items: x in <% range({count}) %>\n"
        "      action: std.echo output=<% $.x %>\n"
        "      publish: {n: <% task().result.len() %>}\n"
    )


def run(
    spec: WorkflowSpec, wf_input: dict[str, object], *, round_trip: bool
) -> tuple[list[float], engine.ExecutionState]:
    """Drive one execution to its end: the seconds of each decide() (+ JSON) step, and
    the final state."""
    state = engine.initial_state(spec, execution_id="bench", input=wf_input, now=NOW)
    queue: list[events.Event] = [events.StartExecution()]
    timings: list[float] = []
    while queue:
        event = queue.pop(0)
        began = time.perf_counter()
        decision = engine.decide(spec, state, event, NOW)
        state = decision.state
        if round_trip:
            state = engine.ExecutionState.from_json(json.loads(json.dumps(state.to_json())))
        timings.append(time.perf_counter() - began)
        for command in decision.commands:
            if isinstance(command, commands.RunAction):
                output = command.input.get("output")
                queue.append(events.ActionSucceeded(command.action_execution_id, output))
    if state.state != "SUCCESS":
        raise SystemExit(f"{spec.name} ended {state.state}: {state.state_info}")
    return timings, state


def measure(name: str, make: Callable[[], tuple[str, dict[str, object]]], args: object) -> None:
    """Print the median per-step cost of a scenario over several runs."""
    text, wf_input = make()
    spec, _ = load(text)
    runs, round_trip = getattr(args, "runs", 5), getattr(args, "json_every_step", False)
    medians: list[float] = []
    means: list[float] = []
    slowest: list[float] = []
    steps = 0
    for _ in range(runs):
        timings, state = run(spec, wf_input, round_trip=round_trip)
        steps = len(timings)
        medians.append(statistics.median(timings))
        means.append(sum(timings) / steps)
        slowest.append(max(timings))
    median, mean = statistics.median(medians), statistics.median(means)
    print(
        f"{name:<28} steps={steps:<4} median {median * 1e6:7.1f} us/step "
        f"({1 / median:6.0f} steps/s)  mean {mean * 1e6:7.1f} us  "
        f"slowest {statistics.median(slowest) * 1e3:6.1f} ms  "
        f"state {len(json.dumps(state.to_json())) / 1024:7.1f} KB"
    )


SCENARIOS: dict[str, Callable[[], tuple[str, dict[str, object]]]] = {
    "S1 chain of 20": lambda: (chain(20), {}),
    "S3 50 parallel + join all": lambda: (fan(50), {}),
    "S4 with-items over 200": lambda: (items(200), {}),
    "S5 chain of 10, 10 KB value": lambda: (chain(10, "<% $.big %>"), {"big": "x" * 10_240}),
}


def main() -> None:
    """Parse arguments and run every scenario."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json-every-step", action="store_true")
    args = parser.parse_args()
    for name, make in SCENARIOS.items():
        measure(name, make, args)


if __name__ == "__main__":
    main()
