"""Direct workflows: start tasks, transitions with guards, engine commands, joins."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from meltemi import errors
from meltemi.engine import facts, lifecycle, plan, tasks
from meltemi.engine.state import Fired, TaskExecution, evolve
from meltemi.engine.states import TaskState
from meltemi.engine.step import Step
from meltemi.expr.context import Context
from meltemi.lang.spec import OnClause, Transition, WorkflowSpec

STATE_COMMANDS = ("fail", "succeed", "pause")


def start_tasks(spec: WorkflowSpec) -> list[str]:
    """Tasks no transition leads to, in definition order."""
    return list(plan.of(spec).start_tasks)


def inbound(spec: WorkflowSpec, name: str) -> list[str]:
    """Names of the tasks with a transition to task ``name``."""
    return list(plan.of(spec).inbound[name])


def start(step: Step) -> None:
    """Create and start the start tasks."""
    created = [tasks.create(step, name, {}) for name in start_tasks(step.spec)]
    for task in created:
        tasks.start(step, step.tasks[task.id])


def process(step: Step, task: TaskExecution) -> None:
    """Evaluate the finished task's transitions and act on those that fire."""
    if task.state == TaskState.CANCELLED:
        step.put_task(evolve(task, processed=True))
        return
    # why built on first use: most transitions have no condition and no parameters.
    ctx = facts.Once(
        lambda: facts.context(step, {**facts.base_data(step), **facts.outbound(task)}, task.name)
    )
    if task.state == TaskState.SKIPPED:
        fired, handled = _fire_skipped(step, task, ctx), False
    else:
        fired, handled = _fire_completed(step, task, ctx)
    fires = task.fired or _starts_a_task(fired)  # set now: one copy of the task, not two
    task = step.put_task(evolve(task, processed=True, error_handled=handled, fired=fires))
    apply(step, fired)


Ctx = Callable[[], Context]
"""The transitions' evaluation context, built when first needed."""


def _fire_completed(step: Step, task: TaskExecution, ctx: Ctx) -> tuple[list[Fired], bool]:
    spec = step.task_spec(task.name)
    ok = task.state == TaskState.SUCCESS
    fired = _fire(step, task, spec.on_success if ok else spec.on_error, ctx)
    handled = bool(fired) and not ok
    return fired + _fire(step, task, spec.on_complete, ctx), handled


def _fire_skipped(step: Step, task: TaskExecution, ctx: Ctx) -> list[Fired]:
    # why: Mistral follows on-success when no on-skip transition fires, never on-complete.
    spec = step.task_spec(task.name)
    return _fire(step, task, spec.on_skip, ctx) or _fire(step, task, spec.on_success, ctx)


def _fire(step: Step, task: TaskExecution, clause: OnClause | None, ctx: Ctx) -> list[Fired]:
    if clause is None:
        return []
    fired = []
    for transition in clause.next:
        if _guard(step, task, transition, ctx):
            params = transition.params
            if params:
                params = _evaluate(step, task, params, ctx, "parameters of")
            fired.append(Fired(task.id, transition.target, _command(step, transition), params))
    return fired


def _command(step: Step, transition: Transition) -> str | None:
    # why: a task named like an engine command wins over the command.
    if transition.command is None or transition.target in step.spec.tasks:
        return None
    return transition.command


def _guard(step: Step, task: TaskExecution, transition: Transition, ctx: Ctx) -> bool:
    condition = transition.condition
    if isinstance(condition, bool):
        return condition
    return bool(_evaluate(step, task, condition, ctx, "the condition of"))


def _evaluate(step: Step, task: TaskExecution, value: Any, ctx: Ctx, what: str) -> Any:
    if not facts.holds_expression(value):
        return value
    try:
        return step.evaluate(value, ctx())
    except errors.ExpressionError as exc:
        raise errors.EngineError(
            f"Failed to evaluate {what} a transition of task '{task.name}': {exc}"
        ) from None


def _starts_a_task(fired: list[Fired]) -> bool:
    """Whether :func:`apply` starts a task: a transition to one comes before any
    state command (``noop`` is none)."""
    for item in fired:
        if item.command != "noop":
            return item.command is None
    return False


def apply(step: Step, fired: list[Fired]) -> None:
    """Start the fired tasks up to the first state command, then apply the command.

    After ``fail``/``succeed`` the rest is dropped; after ``pause`` it waits for resume.
    """
    for index, item in enumerate(fired):
        if item.command == "noop":
            continue
        if item.command is None:
            schedule(step, step.tasks[item.task_execution_id], item.target)
            continue
        msg = item.params.get("msg")
        text = None if msg is None else lifecycle.describe(msg)
        if item.command == "fail":
            lifecycle.fail(step, text)
        elif item.command == "succeed":
            lifecycle.succeed(step, text)
        else:
            lifecycle.pause(step, text)
            step.update(deferred=(*step.wf.deferred, *fired[index + 1 :]))
        return


def schedule(step: Step, source: TaskExecution, name: str) -> None:
    """Start task ``name`` after ``source`` (or count the arrival at a join)."""
    if not source.fired:
        source = step.put_task(evolve(source, fired=True))
    if step.task_spec(name).join is None:
        task = tasks.create(step, name, dict(facts.outbound(source)))
        tasks.start(step, task)
        return
    _arrive(step, source, name)


def _arrive(step: Step, source: TaskExecution, name: str) -> None:
    latest = step.latest(name)
    if latest is None:
        latest = tasks.create(step, name, {}, waiting_for=source.id)
    elif latest.state == TaskState.WAITING:
        arrivals = (*latest.arrivals, source.id)
        latest = step.put_task(evolve(latest, arrivals=arrivals))
    else:
        return  # why: a join runs once per execution; later arrivals are absorbed
    needed = _needed(step, name)
    # why count first: the names that arrived are never more than the arrivals.
    if len(latest.arrivals) >= needed and len(_arrived(step, latest)) >= needed:
        context: dict[str, Any] = {}
        for arrival in latest.arrivals:
            context.update(facts.outbound(step.tasks[arrival]))
        tasks.start(step, step.put_task(evolve(latest, in_context=context)))


def _arrived(step: Step, join: TaskExecution) -> set[str]:
    """Names of the inbound tasks whose transitions reached ``join``."""
    return {step.tasks[a].name for a in join.arrivals}


def _needed(step: Step, name: str) -> int:
    join = step.task_spec(name).join
    if join == "all":
        return len(plan.of(step.spec).inbound[name])
    if join == "one":
        return 1
    return int(join or 1)


def finalize(step: Step) -> bool:
    """Nothing runs any more: joins still waiting can never run and fail.

    Returns True when it changed something.
    """
    waiting = [t for t in step.tasks.values() if t.state == TaskState.WAITING]
    for task in waiting:
        arrived = sorted(_arrived(step, task))
        expected = inbound(step.spec, task.name)
        info = (
            f"Join of task '{task.name}' can not be satisfied: {len(arrived)} of "
            f"{_needed(step, task.name)} required inbound tasks arrived "
            f"(arrived: {', '.join(arrived) or 'none'}; inbound: {', '.join(expected)})"
        )
        step.set_task_state(task, TaskState.ERROR, info, processed=False)
    return bool(waiting)
