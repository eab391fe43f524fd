"""Engine + store + worker throughput, in one process, without HTTP.

Scenarios match ../shared/bench (S1 chain of 20 noop, S2 100 executions of a 5-task
chain, S3 50 parallel tasks joined, S4 with-items over 200 items, S5 10-task chain
passing a 10 KB value); their std actions run within the engine step that starts them.
J1 is a chain of 20 ``std.sleep seconds=0``: every action is a job, so each task costs
an action job (start committed, run, result) and an engine step job. Prints wall time,
task transitions per second, CPU seconds and peak RSS for each, on the database given;
then the CPU of one engine step (take its job, decide, commit: one transaction) measured
on one thread.

    python benchmarks/bench_worker.py --db sqlite:////tmp/bench.db
    python benchmarks/bench_worker.py --db postgresql://postgres@127.0.0.1/bench
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Callable

import anyio
import sqlalchemy as sa

from meltemi.settings import Settings
from meltemi.store import db as dbm
from meltemi.store import models
from meltemi.worker import control, definitions, loop, step


def chain(name: str, n: int, action: str = "std.noop") -> str:
    tasks = "\n".join(
        f"    t{i}:\n      action: {action}\n"
        + (f"      on-success: t{i + 1}\n" if i < n - 1 else "")
        for i in range(n)
    )
    return f"version: '2.0'\n{name}:\n  tasks:\n{tasks}"


def fanout(name: str, n: int) -> str:
    heads = "\n".join(f"        - p{i}" for i in range(n))
    branches = "\n".join(
        f"    p{i}:\n      action: std.noop\n      on-success: [join_all]" for i in range(n)
    )
    return (
        f"version: '2.0'\n{name}:\n  tasks:\n    start:\n      action: std.noop\n"
        f"      on-success:\n{heads}\n{branches}\n    join_all:\n      join: all\n"
        "      action: std.noop\n"
    )


def with_items(name: str) -> str:
    return (
        f"version: '2.0'\n{name}:\n  tasks:\n    each:\n"
        "      with-items: i in <% range(200) %>\n"
        "      action: std.echo output=<% $.i %>\n"
    )


def data(name: str, n: int) -> str:
    tasks = [
        (
            "    t0:\n      action: std.noop\n      publish:\n        blob: <% $.blob %>\n"
            "      on-success: t1"
        )
    ]
    for i in range(1, n):
        nxt = f"\n      on-success: t{i + 1}" if i < n - 1 else ""
        tasks.append(
            f"    t{i}:\n      action: std.echo output=<% len($.blob) %>\n"
            f"      publish:\n        blob: <% $.blob %>\n        n{i}: <% task().result %>{nxt}"
        )
    body = "\n".join(tasks)
    return f"version: '2.0'\n{name}:\n  input:\n    - blob\n  tasks:\n{body}\n"


SCENARIOS: dict[str, tuple[Callable[[str], str], int, int, dict[str, object]]] = {
    # name: (definition, executions, tasks per execution, input)
    "S1": (lambda n: chain(n, 20), 1, 20, {}),
    "S2": (lambda n: chain(n, 5), 100, 5, {}),
    "S3": (lambda n: fanout(n, 50), 1, 52, {}),
    "S4": (with_items, 1, 1, {}),
    "S5": (lambda n: data(n, 10), 1, 10, {"blob": "x" * 10_240}),
    "J1": (lambda n: chain(n, 20, "std.sleep seconds=0"), 1, 20, {}),
}


WAITING = """
version: '2.0'
{name}:
  tasks:
    ask:
      action: std.async_noop
      on-success: [done]
    done:
      action: std.noop
"""


def _check_succeeded(rt: step.Runtime, ids: list[str]) -> None:
    """Fail the benchmark unless every execution of ``ids`` ended in SUCCESS."""
    with rt.db.transaction(readonly=True) as session:
        model = models.WorkflowExecution
        states = set(session.scalars(sa.select(model.state).where(model.id.in_(ids))))
    assert states == {"SUCCESS"}, states


def engine_steps(rt: step.Runtime, count: int) -> dict[str, float]:
    """CPU and wall time of one engine step as the worker runs it, on one thread: take
    the step job, decide it, commit (one transaction). ``count`` executions wait for an
    answer; each step applies one answer (the task succeeds, the next runs, the execution ends)."""
    name = f"bench_steps_{time.monotonic_ns()}"
    with rt.db.transaction() as session:
        definitions.save(session, WAITING.format(name=name))
    ids = [control.start_execution(rt, workflow_identifier=name).id for _ in range(count)]
    with rt.db.transaction(readonly=True) as session:
        waiting = session.scalars(
            sa.select(models.ActionExecution.id).where(
                models.ActionExecution.workflow_execution_id.in_(ids)
            )
        ).all()
    for action_id in waiting:
        control.complete_action(rt, action_id, state="SUCCESS", output={"answer": 1})
    cpu0, wall0 = time.thread_time(), time.perf_counter()
    for _ in range(count):
        assert step.run_next(rt) is not None
    cpu, wall = time.thread_time() - cpu0, time.perf_counter() - wall0
    _check_succeeded(rt, ids)
    return {"cpu_ms": cpu / count * 1000, "wall_ms": wall / count * 1000}


def run_scenario(rt: step.Runtime, key: str) -> dict[str, float]:
    make, count, tasks, wf_input = SCENARIOS[key]
    name = f"bench_{key.lower()}_{time.monotonic_ns()}"
    with rt.db.transaction() as session:
        definitions.save(session, make(name))
    cpu0, wall0 = time.process_time(), time.perf_counter()
    ids = [
        control.start_execution(rt, workflow_identifier=name, input=dict(wf_input)).id
        for _ in range(count)
    ]

    finished: list[tuple[float, float]] = []

    def all_done() -> bool:
        with rt.db.transaction(readonly=True) as session:
            model = models.WorkflowExecution
            running = model.state.in_(("IDLE", "RUNNING"))
            left = session.scalar(sa.select(sa.func.count()).where(model.id.in_(ids), running))
        if left == 0 and not finished:  # measured here: the worker's shutdown is not counted
            finished.append((time.perf_counter(), time.process_time()))
        return left == 0

    if not all_done():  # a start runs instant actions at once: it may be done already
        anyio.run(loop.Worker(rt).run, all_done)
    wall, cpu = finished[0][0] - wall0, finished[0][1] - cpu0
    _check_succeeded(rt, ids)
    transitions = count * tasks * 2  # each task: RUNNING, then SUCCESS
    return {"wall_s": wall, "cpu_s": cpu, "transitions_per_s": transitions / wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="sqlite:////tmp/meltemi-bench.db")
    parser.add_argument("--scenarios", default="S1,S2,S3,S4,S5")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    database = dbm.open_database(args.db)
    dbm.migrate(database.engine)
    rt = step.Runtime.create(database, Settings(db_url=args.db, poll_seconds=0.2))
    print(f"database: {database.dialect}")
    for key in args.scenarios.split(","):
        results = sorted(
            (run_scenario(rt, key) for _ in range(args.runs)), key=lambda r: r["wall_s"]
        )
        median = results[len(results) // 2]
        print(
            f"{key}: wall {median['wall_s']:.3f} s (min {results[0]['wall_s']:.3f}),"
            f" cpu {median['cpu_s']:.3f} s, {median['transitions_per_s']:.0f} transitions/s"
        )
    steps = sorted((engine_steps(rt, 200) for _ in range(args.runs)), key=lambda r: r["cpu_ms"])
    median = steps[len(steps) // 2]
    print(
        f"engine step (take, decide, commit): {median['cpu_ms']:.2f} ms CPU,"
        f" {median['wall_ms']:.2f} ms wall"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
