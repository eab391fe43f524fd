"""Whole-workflow checks: the task graph and the syntax of every expression.

Each check records positioned problems on the collector and goes on, so that one
run reports everything that is wrong.
"""

from __future__ import annotations

from typing import Any

from meltemi import expr
from meltemi.lang import graph, loader, problems, spec

_NOT_EXPRESSIONS = frozenset({"description", "tags"})
"""Keys whose strings are prose, never evaluated."""


def check_workflow(
    workflow: spec.WorkflowSpec, path: loader.Path, collector: problems.Collector
) -> None:
    """Check the graph of a built workflow (direct: start tasks, joins; reverse: requires)."""
    if workflow.type == "direct":
        _check_start(workflow, path, collector)
        _check_joins(workflow, path, collector)
    else:
        _check_requires(workflow, path, collector)


def _check_start(
    workflow: spec.WorkflowSpec, path: loader.Path, collector: problems.Collector
) -> None:
    if not graph.start_tasks(workflow):
        collector.add(
            f"workflow '{workflow.name}' has no start task: every task has an inbound transition",
            (*path, "tasks"),
            key=True,
        )


def _check_joins(
    workflow: spec.WorkflowSpec, path: loader.Path, collector: problems.Collector
) -> None:
    sources = graph.inbound(workflow)
    for name, task in workflow.tasks.items():
        if task.join is None:
            continue
        count = len(sources[name])
        needed = task.join if isinstance(task.join, int) else 1
        if count < needed:
            have = f"only {count} task" + ("" if count == 1 else "s") if count else "no task"
            collector.add(
                f"task '{name}' has 'join: {task.join}' but {have} transition to it",
                (*path, "tasks", name, "join"),
            )


def _check_requires(
    workflow: spec.WorkflowSpec, path: loader.Path, collector: problems.Collector
) -> None:
    edges = graph.requirements(workflow)
    for name, required in edges.items():
        for other in required:
            if other not in edges:
                collector.add(
                    f"task '{name}' requires unknown task '{other}'",
                    (*path, "tasks", name, "requires"),
                )
    cycle = graph.find_cycle(edges)
    if cycle is not None:
        collector.add(
            f"tasks require each other in a cycle: {' -> '.join(cycle)}",
            (*path, "tasks", cycle[0], "requires"),
        )


def check_expressions(data: Any, path: loader.Path, collector: problems.Collector) -> None:
    """Check every string under ``data`` (keys included) that embeds an expression.

    ``meltemi.expr.check`` decides: a YAQL or Jinja expression that does not parse, or
    YAQL and Jinja mixed in one string (which Mistral refuses), is a problem.
    """
    stack: list[tuple[Any, loader.Path]] = [(data, path)]
    while stack:
        value, where = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if key in _NOT_EXPRESSIONS:
                    continue
                _check_string(key, (*where, key), collector, key=True)
                stack.append((item, (*where, key)))
        elif isinstance(value, list):
            stack.extend((item, (*where, index)) for index, item in enumerate(value))
        elif isinstance(value, str):
            _check_string(value, where, collector)


def _check_string(
    text: Any, path: loader.Path, collector: problems.Collector, *, key: bool = False
) -> None:
    if not isinstance(text, str) or not ("<%" in text or "{{" in text or "{%" in text):
        return
    reason = expr.check(text)
    if reason is not None:
        collector.add(reason, path, key=key)
