"""The life of one task execution: start, policies, run units (actions, sub-workflows,
with-items items), results, retries, completion with publish."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping
from datetime import timedelta
from typing import Any

from meltemi import errors
from meltemi.engine import commands, dataflow, events, lifecycle, policies
from meltemi.engine.state import ActionExecution, TaskExecution, evolve, make
from meltemi.engine.states import ActionState, TaskState, WorkflowState
from meltemi.engine.step import Step
from meltemi.lang.spec import TaskSpec

S = TaskState


def create(
    step: Step, name: str, in_context: dict[str, Any], *, waiting_for: str | None = None
) -> TaskExecution:
    """A new execution of task ``name`` (IDLE, or WAITING for a join)."""
    state = S.IDLE if waiting_for is None else S.WAITING
    arrivals = () if waiting_for is None else (waiting_for,)
    task = make(
        TaskExecution,
        id=step.new_id(),
        name=name,
        state=state,
        in_context=in_context,
        arrivals=arrivals,
        created_at=step.stamp,
    )
    step.record("task_execution", task.id, name, None, state, None)
    return step.put_task(task)


def guarded(step: Step, task_id: str, action: Callable[[Step, TaskExecution], None]) -> None:
    """Run ``action`` on the task; an evaluation or policy error fails task and execution."""
    try:
        action(step, step.tasks[task_id])
    except errors.TransitionError:
        raise
    except (errors.ExpressionError, errors.EngineError) as exc:
        force_fail(step, step.tasks[task_id], str(exc))


def force_fail(step: Step, task: TaskExecution, message: str) -> None:
    """Fail the task and, at once, the whole execution (Mistral's behaviour for errors
    evaluating a task's expressions or policies, which no ``on-error`` handles)."""
    for action_id in task.unit_actions:
        action = step.actions.get(action_id)
        if action is not None and action.state == ActionState.RUNNING:
            step.set_action_state(action, ActionState.CANCELLED, None, message)
            lifecycle.stop(step, action.id, action.kind)
    task = step.set_task_state(task, S.ERROR, message, processed=True, error_handled=False)
    if step.wf.state in (WorkflowState.RUNNING, WorkflowState.PAUSED):
        lifecycle.fail(step, lifecycle.failure_message([task]))


def start(step: Step, task: TaskExecution) -> None:
    """Start a created task (guarded): pause-before, wait-before, then run."""
    guarded(step, task.id, _start)


def _start(step: Step, task: TaskExecution) -> None:
    spec = step.task_spec(task.name)
    if not step.is_running():
        if task.state != S.IDLE:
            step.set_task_state(task, S.IDLE)
        return
    if not task.pause_released and policies.pause_before(step, spec, task):
        step.set_task_state(task, S.IDLE, pause_released=True)
        lifecycle.pause(step)
        return
    delay = policies.wait_before(step, spec, task)
    if delay > 0:
        step.set_task_state(task, S.RUNNING_DELAYED)
        step.emit(_timer(step, delay, events.WaitBeforeElapsed(task.id)))
        return
    run(step, task)


def _timer(step: Step, seconds: float, event: events.Event) -> commands.SetTimer:
    return commands.SetTimer(step.now + timedelta(seconds=seconds), event)


def run(step: Step, task: TaskExecution, *, reset: bool = True) -> None:
    """Run the task's units (actions or sub-workflows), setting its timeout timer."""
    spec = step.task_spec(task.name)
    units = _ONE_UNIT if reset and not spec.with_items else {}
    task = step.set_task_state(task, S.RUNNING, run=task.run + 1, **units)
    seconds = policies.timeout(step, spec, task)
    if seconds is not None:
        step.emit(_timer(step, seconds, events.TaskTimedOut(task.id, task.run)))
    concurrency = policies.concurrency(step, spec, task)
    items = _items(step, spec, task) if spec.with_items and reset else {}
    if items or concurrency != task.concurrency:
        task = step.put_task(evolve(task, concurrency=concurrency, **items))
    advance(step, task)


_ONE_UNIT: Mapping[str, Any] = {
    "item_states": ("",),
    "item_results": (None,),
    "attempts": (0,),
    "unit_actions": ("",),
}
"""The run units of a task without with-items, none started."""


def _items(step: Step, spec: TaskSpec, task: TaskExecution) -> dict[str, Any]:
    """The fields of a with-items task whose items are evaluated anew, none started."""
    try:
        items = dataflow.with_items(step, spec, task)
    except (errors.ExpressionError, errors.EngineError):
        step.put_task(evolve(task, with_items=True, result=[]))
        raise
    n = len(items)
    return {
        "with_items": True,
        "item_vars": items,
        "item_states": ("",) * n,
        "item_results": (None,) * n,
        "attempts": (0,) * n,
        "unit_actions": ("",) * n,
    }


def advance(step: Step, task: TaskExecution) -> None:
    """Start units while capacity allows; finish the task when every unit is done.

    A unit is unstarted (``""``), RUNNING, SUCCESS, ERROR or CANCELLED: the set of the
    states present (one C-level pass, a with-items task may have hundreds of units)
    tells which case it is.
    """
    present = set(task.item_states)
    if ActionState.ERROR in present or ActionState.CANCELLED in present:
        if ActionState.RUNNING not in present:
            failed_at = next(i for i, s in enumerate(task.item_states) if s in _FAILED)
            finish(step, task, ok=False, state_info=_unit_error(step, task, failed_at))
        return
    if "" in present:  # some units wait to start: the task can not finish yet
        busy = task.item_states.count(ActionState.RUNNING) if task.concurrency else 0
        _start_units(step, task, busy)
    elif ActionState.RUNNING not in present:
        finish(step, task, ok=True, state_info=None)


_FAILED = frozenset({ActionState.ERROR, ActionState.CANCELLED})


def _start_units(step: Step, task: TaskExecution, busy: int) -> TaskExecution:
    """Start the units not started yet, as many as the concurrency allows beside the
    ``busy`` ones; the task's new version is built once, after the last."""
    room = (task.concurrency or len(task.item_states)) - busy
    states, attempts = list(task.item_states), list(task.attempts)
    actions = list(task.unit_actions)
    started = 0
    try:
        for i in itertools.islice(_unstarted(task.item_states), max(room, 0)):
            attempts[i], actions[i] = _launch(step, task, i)
            states[i] = ActionState.RUNNING
            started += 1
    finally:  # why: on an error, the units already started are in the task it fails
        if started:
            changed = evolve(
                task,
                item_states=tuple(states),
                attempts=tuple(attempts),
                unit_actions=tuple(actions),
            )
            task = step.put_task(changed)
    return task


def _unstarted(states: tuple[str, ...]) -> Iterator[int]:
    """Indexes of the units not started yet, in order."""
    i = _next_unstarted(states, 0)
    while i is not None:
        yield i
        i = _next_unstarted(states, i + 1)


def _next_unstarted(states: tuple[str, ...], start: int) -> int | None:
    # why not try/index/except: most calls find no unstarted unit, and raising costs more.
    rest = states[start:] if start else states
    return states.index("", start) if "" in rest else None


def _unit_error(step: Step, task: TaskExecution, i: int) -> str | None:
    action = step.actions.get(task.unit_actions[i])
    info = None if action is None else action.state_info
    if task.with_items and info is not None:
        return f"Item {i} of task '{task.name}' failed: {info}"
    return info


def _set(values: tuple[Any, ...], i: int, value: Any) -> tuple[Any, ...]:
    return (*values[:i], value, *values[i + 1 :])


def start_unit(step: Step, task: TaskExecution, i: int) -> TaskExecution:
    """Emit the command that runs unit ``i`` of the task (next attempt)."""
    attempt, action_id = _launch(step, task, i)
    changed = evolve(
        task,
        item_states=_set(task.item_states, i, ActionState.RUNNING),
        attempts=_set(task.attempts, i, attempt),
        unit_actions=_set(task.unit_actions, i, action_id),
    )
    return step.put_task(changed)


def _launch(step: Step, task: TaskExecution, i: int) -> tuple[int, str]:
    """Emit the command of unit ``i``'s next attempt and store its action execution
    (RUNNING); the attempt number and the action (or child execution) id."""
    spec = step.task_spec(task.name)
    unit = i if task.with_items else None
    attempt = task.attempts[i] + 1
    data_input = dataflow.task_input(step, spec, task, unit)
    action_id = step.new_id()
    kind, name = _emit_unit(
        step, spec, task, action_id=action_id, data_input=data_input, unit=unit, attempt=attempt
    )
    fields = {"kind": kind, "name": name, "input": data_input, "attempt": attempt, "item": unit}
    step.put_action(make(ActionExecution, id=action_id, task_execution_id=task.id, **fields))
    step.record("action_execution", action_id, name, None, ActionState.RUNNING, None)
    return attempt, action_id


def _emit_unit(
    step: Step,
    spec: TaskSpec,
    task: TaskExecution,
    *,
    action_id: str,
    data_input: dict[str, Any],
    unit: int | None,
    attempt: int,
) -> tuple[str, str]:
    """Emit the command that starts a unit; its kind and its action or workflow name."""
    if spec.workflow is not None:
        name = _name(step, task, spec.workflow, unit)
        _start_subworkflow(
            step,
            task=task,
            child_id=action_id,
            name=name,
            data_input=data_input,
            unit=unit,
            attempt=attempt,
        )
        return "workflow", name
    name = _name(step, task, spec.action or "std.noop", unit)
    command = _run_action(
        step,
        spec,
        task,
        action_id=action_id,
        name=name,
        data_input=data_input,
        unit=unit,
        attempt=attempt,
    )
    step.emit(command)
    return "action", name


def _run_action(
    step: Step,
    spec: TaskSpec,
    task: TaskExecution,
    *,
    action_id: str,
    name: str,
    data_input: dict[str, Any],
    unit: int | None,
    attempt: int,
) -> commands.RunAction:
    return commands.RunAction(
        action_execution_id=action_id,
        task_execution_id=task.id,
        task_name=task.name,
        action=name,
        input=data_input,
        attempt=attempt,
        item=unit,
        safe_rerun=policies.safe_rerun(step, spec, task),
        timeout=policies.timeout(step, spec, task),
        workbook=step.spec.workbook,
        namespace=step.spec.namespace,
        target=_target(step, task, spec.target, unit),
    )


def _name(step: Step, task: TaskExecution, raw: str, unit: int | None) -> str:
    value = dataflow.evaluate_in_task(step, task, raw, unit)
    if not isinstance(value, str) or not value:
        raise errors.EngineError(
            f"Invalid action or workflow name in task '{task.name}': {raw!r} gave {value!r}"
        )
    return value


def _target(step: Step, task: TaskExecution, raw: str | None, unit: int | None) -> str | None:
    value = None if raw is None else dataflow.evaluate_in_task(step, task, raw, unit)
    if value is not None and not isinstance(value, str):
        raise errors.EngineError(
            f"Invalid target of task '{task.name}': expected a string, got "
            f"{type(value).__name__} {value!r} from {raw!r}"
        )
    return value or None


def _start_subworkflow(
    step: Step,
    *,
    task: TaskExecution,
    child_id: str,
    name: str,
    data_input: dict[str, Any],
    unit: int | None,
    attempt: int,
) -> None:
    wf = step.wf
    if wf.depth + 1 > wf.max_depth:
        raise errors.EngineError(
            f"Task '{task.name}' can not start sub-workflow '{name}': nesting is limited "
            f"to {wf.max_depth} levels"
        )
    root = wf.root_execution_id or wf.id
    params = {
        "env": wf.env,
        "evaluate_env": wf.params.get("evaluate_env", True),
        "depth": wf.depth + 1,
        "max_depth": wf.max_depth,
        "root_execution_id": root,
        "parent_task_execution_id": task.id,
    }
    step.emit(
        commands.StartSubworkflow(
            child_execution_id=child_id,
            task_execution_id=task.id,
            task_name=task.name,
            workflow=name,
            input=data_input,
            params=params,
            item=unit,
            attempt=attempt,
            root_execution_id=root,
            workbook=step.spec.workbook,
            namespace=step.spec.namespace,
        )
    )


def unit_result(
    step: Step, action: ActionExecution, new: ActionState, output: Any, info: str | None
) -> None:
    """Apply the result of an action execution (or child execution) to its task."""
    step.set_action_state(action, new, output, info)
    task = step.tasks[action.task_execution_id]
    i = action.item or 0
    if task.state != S.RUNNING or task.unit_actions[i] != action.id:
        return  # the task timed out, was cancelled, or this attempt was superseded
    spec = step.task_spec(task.name)
    succeeded = new == ActionState.SUCCESS
    if new != ActionState.CANCELLED and policies.may_retry(spec, succeeded=succeeded):
        task = step.put_task(evolve(task, result=output))  # what the retry policy sees
        delay = policies.retry_delay(step, spec, task, i, succeeded)
        if delay is not None:
            retry_later(step, task, i, delay)
            return
    states = _set(task.item_states, i, new)
    results = _set(task.item_results, i, output)
    changed = evolve(task, result=output, item_states=states, item_results=results)
    advance(step, step.put_task(changed))


def retry_later(step: Step, task: TaskExecution, i: int, delay: float) -> None:
    """Run unit ``i`` again, now or after ``delay`` seconds."""
    if delay <= 0:
        start_unit(step, task, i)
        return
    unit = i if task.with_items else None
    step.emit(_timer(step, delay, events.RetryDue(task.id, unit, task.attempts[i] + 1)))


def finish(step: Step, task: TaskExecution, *, ok: bool, state_info: str | None) -> None:
    """All units are done: apply fail-on and wait-after, then complete the task."""
    spec = step.task_spec(task.name)
    result = list(task.item_results) if task.with_items else task.item_results[0]
    if result is not task.result:  # a task without with-items already holds it
        task = step.put_task(evolve(task, result=result))
    if ok and policies.fail_on(step, spec, task):
        ok, state_info = False, f"Task '{task.name}' failed by its fail-on condition"
    delay = policies.wait_after(step, spec, task)
    if delay > 0:
        outcome = S.SUCCESS if ok else S.ERROR
        task = step.put_task(evolve(task, outcome=outcome, state_info=state_info))
        step.emit(_timer(step, delay, events.WaitAfterElapsed(task.id)))
        return
    complete(step, task, ok=ok, state_info=state_info)


def complete(step: Step, task: TaskExecution, *, ok: bool, state_info: str | None) -> None:
    """Publish, apply keep-result, and set the task's final state."""
    spec = step.task_spec(task.name)
    branch, global_ = dataflow.publish(step, task, S.SUCCESS if ok else S.ERROR)
    if global_:
        step.update(globals={**step.wf.globals, **global_})
    result = task.result if policies.keep_result(step, spec, task) else None
    step.set_task_state(
        task,
        S.SUCCESS if ok else S.ERROR,
        state_info,
        published=branch,
        result=result,
        processed=False,
        outcome=None,
    )


def skip(step: Step, task: TaskExecution) -> None:
    """Skip a task in ERROR: it publishes ``publish-on-skip`` and, once settled, follows
    its ``on-skip`` transitions (``on-success`` when none fires)."""
    task = step.set_task_state(
        task, S.SKIPPED, SKIPPED_INFO, processed=False, error_handled=False, outcome=None
    )
    branch, global_ = dataflow.publish(step, task, S.SKIPPED)
    if global_:
        step.update(globals={**step.wf.globals, **global_})
    step.put_task(evolve(task, published=branch))


SKIPPED_INFO = "Task was skipped."
