"""Reverse workflows: run exactly the tasks the target requires, in dependency order."""

from __future__ import annotations

from typing import Any

from meltemi import errors
from meltemi.engine import facts, tasks
from meltemi.engine.state import TaskExecution, evolve
from meltemi.engine.states import TaskState
from meltemi.engine.step import Step
from meltemi.lang.spec import WorkflowSpec


def check_target(spec: WorkflowSpec, params: dict[str, Any]) -> None:
    """Raise :class:`errors.InputError` unless ``params.task_name`` names a task."""
    target = params.get("task_name")
    if not target:
        raise errors.InputError(
            f"Reverse workflow '{spec.name}' needs the target task in params.task_name",
            field="task_name",
        )
    if target not in spec.tasks:
        raise errors.InputError(
            f"Reverse workflow '{spec.name}' has no task '{target}' (params.task_name)",
            field="task_name",
        )


def required(spec: WorkflowSpec, target: str) -> list[str]:
    """The target and every task it requires, dependencies first."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        for dependency in spec.tasks[name].requires:
            visit(dependency)
        order.append(name)

    visit(target)
    return order


def start(step: Step) -> None:
    """Start the required tasks that require nothing."""
    names = required(step.spec, step.wf.params["task_name"])
    created = [tasks.create(step, n, {}) for n in names if not step.task_spec(n).requires]
    for task in created:
        tasks.start(step, step.tasks[task.id])


def process(step: Step, task: TaskExecution) -> None:
    """After a task succeeded, start the required tasks whose dependencies all succeeded."""
    step.put_task(evolve(task, processed=True))
    if task.state != TaskState.SUCCESS:
        return
    for name in required(step.spec, step.wf.params["task_name"]):
        dependencies = step.task_spec(name).requires
        if task.name not in dependencies or step.latest(name) is not None:
            continue
        done = [step.latest(d) for d in dependencies]
        if all(d is not None and d.state == TaskState.SUCCESS for d in done):
            _start_after(step, name, [d for d in done if d is not None])


def _start_after(step: Step, name: str, done: list[TaskExecution]) -> None:
    context: dict[str, Any] = {}
    for dependency in done:
        context.update(facts.outbound(dependency))
        step.put_task(evolve(step.tasks[dependency.id], fired=True))
    tasks.start(step, tasks.create(step, name, context))


def finalize(_step: Step) -> bool:
    """Nothing to do for reverse workflows when nothing runs."""
    return False
