"""``decide()``: apply one event to an execution's state, purely.

Each event type has one handler (a dict, STYLE 3). After the handler, :func:`settle`
evaluates the transitions of finished tasks and ends the execution when nothing runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from meltemi import errors
from meltemi.engine import dataflow, direct, events, lifecycle, reverse, tasks
from meltemi.engine.state import ExecutionState, TaskExecution, evolve
from meltemi.engine.states import ActionState, TaskState, WorkflowState
from meltemi.engine.step import Decision, Evaluator, Step, default_evaluator
from meltemi.lang.spec import WorkflowSpec

W = WorkflowState
Handler = Callable[[Step, Any], None]


def check_start(
    spec: WorkflowSpec,
    input: Mapping[str, Any],  # noqa: A002 - the workflow input
    params: Mapping[str, Any] | None = None,
) -> None:
    """Raise :class:`errors.InputError` when an execution can not start with this input
    and params (missing/unexpected input, reverse workflow without a valid target)."""
    dataflow.check_input(spec, input)
    if spec.type == "reverse":
        reverse.check_target(spec, dict(params or {}))


def initial_state(
    spec: WorkflowSpec,
    *,
    execution_id: str,
    input: Mapping[str, Any],  # noqa: A002 - the workflow input
    params: Mapping[str, Any] | None = None,
    now: datetime,
    max_depth: int = 20,
    evaluate: Evaluator | None = None,
) -> ExecutionState:
    """The IDLE state of a new execution; feed it :class:`events.StartExecution` next.

    Raises :class:`errors.InputError` (synchronously, for the API's 400). ``params``
    may carry ``env``, ``evaluate_env``, ``task_name`` and, for sub-workflows, ``depth``,
    ``max_depth``, ``root_execution_id`` and ``parent_task_execution_id``.
    """
    params = dict(params or {})
    check_start(spec, input, params)
    evaluate = evaluate or default_evaluator()
    params.setdefault("env", {})
    return ExecutionState(
        id=execution_id,
        workflow_name=spec.name,
        input=dataflow.apply_defaults(spec, input, evaluate),
        params=params,
        env=dict(params["env"]) if isinstance(params["env"], Mapping) else {},
        root_execution_id=params.get("root_execution_id"),
        parent_task_execution_id=params.get("parent_task_execution_id"),
        depth=int(params.get("depth", 0)),
        max_depth=int(params.get("max_depth", max_depth)),
        created_at=now.isoformat(),
    )


def decide(
    spec: WorkflowSpec,
    state: ExecutionState,
    event: events.Event,
    now: datetime,
    *,
    executions: Sequence[Mapping[str, Any]] = (),
    child_tasks: Sequence[Mapping[str, Any]] = (),
    evaluate: Evaluator | None = None,
) -> Decision:
    """Apply ``event`` to ``state``: the new state, commands and history records.

    ``executions`` is a snapshot of related executions for ``executions()``;
    ``child_tasks`` a snapshot of the task executions of other executions (at least the
    sub-workflows below this one; see :func:`facts.task_records`) for ``tasks()``;
    ``evaluate`` replaces the expression evaluator (tests). Pure: no I/O, no clock.
    """
    step = Step(
        spec,
        state,
        now,
        evaluate or default_evaluator(),
        executions=executions,
        child_tasks=child_tasks,
    )
    HANDLERS[type(event)](step, event)
    settle(step)
    return step.decision()


# -- settling ------------------------------------------------------------------------


def _controller(step: Step) -> Any:
    return reverse if step.spec.type == "reverse" else direct


def settle(step: Step) -> None:
    """Process finished tasks' transitions; end the execution when nothing runs."""
    controller = _controller(step)
    while step.is_running():
        pending = step.unprocessed()
        for task in pending:
            if not step.is_running():
                return
            tasks.guarded(step, task.id, controller.process)
        if pending:
            continue
        if step.any_active():
            return
        if not controller.finalize(step):
            _complete(step)
            return


def _complete(step: Step) -> None:
    failed = [t for t in step.tasks.values() if t.state == TaskState.ERROR and not t.error_handled]
    if failed:
        lifecycle.fail(step, lifecycle.failure_message(failed))
    elif any(t.state == TaskState.CANCELLED for t in step.tasks.values()):
        lifecycle.cancel(step, "A task was cancelled")
    else:
        lifecycle.succeed(step)


# -- handlers ------------------------------------------------------------------------


def _on_start(step: Step, _event: events.StartExecution) -> None:
    if step.wf.state != W.IDLE:
        return  # a replayed start is a no-op
    try:
        env = dataflow.evaluate_env(step, step.wf.env)
        step.update(env=env, params={**step.wf.params, "env": env})
        step.update(vars=dataflow.evaluate_vars(step))
    except errors.EngineError as exc:
        lifecycle.fail(step, str(exc))
        return
    step.set_workflow_state(W.RUNNING)
    _controller(step).start(step)


def _action(step: Step, action_id: str) -> Any:
    action = step.actions.get(action_id)
    if action is None:
        raise errors.EngineError(f"Execution {step.wf.id} has no action execution {action_id}")
    return action


def _on_result(step: Step, event: events.ActionSucceeded | events.ActionFailed) -> None:
    action = _action(step, event.action_execution_id)
    if action.state != ActionState.RUNNING:
        return  # a duplicate or late result
    if isinstance(event, events.ActionSucceeded):
        new, output, info = ActionState.SUCCESS, event.output, None
    else:
        new, output, info = ActionState.ERROR, event.error, lifecycle.describe(event.error)
    _guarded_result(step, action, new, output, info)


def _guarded_result(
    step: Step, action: Any, new: ActionState, output: Any, info: str | None
) -> None:
    def apply(step: Step, _task: TaskExecution) -> None:
        tasks.unit_result(step, action, new, output, info)

    tasks.guarded(step, action.task_execution_id, apply)


def _on_subworkflow(step: Step, event: events.SubworkflowFinished) -> None:
    action = _action(step, event.child_execution_id)
    if action.state != ActionState.RUNNING:
        return
    new = {"SUCCESS": ActionState.SUCCESS, "CANCELLED": ActionState.CANCELLED}.get(
        event.state, ActionState.ERROR
    )
    info = event.state_info if new != ActionState.SUCCESS else None
    if new == ActionState.ERROR and info is None:
        info = f"Sub-workflow {event.child_execution_id} ended in {event.state}"
    _guarded_result(step, action, new, event.output, info)


def _on_interrupted(step: Step, event: events.ActionInterrupted) -> None:
    action = _action(step, event.action_execution_id)
    if action.state != ActionState.RUNNING:
        return
    task = step.tasks[action.task_execution_id]
    if action.kind == "action" and _safe(step, task):
        info = "Interrupted by a worker crash; run again because safe-rerun is true"
        step.set_action_state(action, ActionState.ERROR, None, info)
        tasks.guarded(step, task.id, lambda s, t: _rerun_unit(s, t, action.item or 0))
        return
    info = (
        f"Action execution {action.id} of task '{task.name}' was interrupted (its worker "
        "stopped while it ran) and was not re-run because safe-rerun is false"
    )
    _guarded_result(step, action, ActionState.ERROR, info, info)


def _safe(step: Step, task: TaskExecution) -> bool:
    from meltemi.engine import policies  # noqa: PLC0415 - keeps the handler table short

    return policies.safe_rerun(step, step.task_spec(task.name), task)


def _rerun_unit(step: Step, task: TaskExecution, i: int) -> None:
    tasks.start_unit(step, task, i)


def _on_wait_before(step: Step, event: events.WaitBeforeElapsed) -> None:
    task = step.tasks[event.task_execution_id]
    if task.state == TaskState.RUNNING_DELAYED:
        tasks.guarded(step, task.id, tasks.run)


def _on_wait_after(step: Step, event: events.WaitAfterElapsed) -> None:
    task = step.tasks[event.task_execution_id]
    if task.state != TaskState.RUNNING or task.outcome is None:
        return
    ok = task.outcome == TaskState.SUCCESS
    info = task.state_info
    tasks.guarded(step, task.id, lambda s, t: tasks.complete(s, t, ok=ok, state_info=info))


def _on_retry(step: Step, event: events.RetryDue) -> None:
    task = step.tasks[event.task_execution_id]
    i = event.item or 0
    if task.state == TaskState.RUNNING and task.attempts[i] == event.attempt - 1:
        tasks.guarded(step, task.id, lambda s, t: _rerun_unit(s, t, i))


def _on_timeout(step: Step, event: events.TaskTimedOut) -> None:
    task = step.tasks[event.task_execution_id]
    if task.state not in (TaskState.RUNNING, TaskState.RUNNING_DELAYED) or task.run != event.run:
        return
    if task.outcome is not None:
        return  # why: the actions finished; only wait-after still delays it
    info = f"Task timed out: '{task.name}' ran longer than its timeout"
    for action_id in task.unit_actions:
        action = step.actions.get(action_id)
        if action is not None and action.state == ActionState.RUNNING:
            step.set_action_state(action, ActionState.CANCELLED, None, info)
            lifecycle.stop(step, action.id, action.kind)
    task = step.set_task_state(task, TaskState.RUNNING, info)
    tasks.guarded(step, task.id, lambda s, t: tasks.complete(s, t, ok=False, state_info=info))


def _on_pause(step: Step, _event: events.Pause) -> None:
    if step.wf.state == W.RUNNING:
        lifecycle.pause(step)


def _on_resume(step: Step, event: events.Resume) -> None:
    if step.wf.state != W.PAUSED:
        return
    if not _merge_env(step, event.env):
        return
    step.set_workflow_state(W.RUNNING)
    for action in step.actions.values():
        if action.kind == "workflow" and action.state == ActionState.RUNNING:
            step.emit(_signal(action.id, events.Resume(event.env)))
    for task in [t for t in step.tasks.values() if t.state == TaskState.IDLE]:
        if step.is_running():
            tasks.start(step, step.tasks[task.id])
    fired = list(step.wf.deferred)
    step.update(deferred=())
    if fired and step.is_running():
        tasks.guarded(step, fired[0].task_execution_id, lambda s, _t: direct.apply(s, fired))


def _merge_env(step: Step, env: Mapping[str, Any] | None) -> bool:
    """Merge ``env`` into the execution's env and evaluate it as at start (unless
    ``evaluate_env`` is false). False when that failed and the execution failed."""
    if not env:
        return True
    merged = dataflow.merge(step.wf.env, env)
    step.update(env=merged)
    try:
        merged = dataflow.evaluate_env(step, merged)
    except errors.EngineError as exc:
        lifecycle.fail(step, str(exc))
        return False
    step.update(env=merged, params={**step.wf.params, "env": merged})
    return True


def _signal(child: str, event: events.Event) -> Any:
    from meltemi.engine import commands  # noqa: PLC0415

    return commands.SignalChild(child, event)


def _on_cancel(step: Step, event: events.Cancel) -> None:
    if step.wf.state in (W.SUCCESS, W.ERROR, W.CANCELLED):
        return
    lifecycle.cancel(step, event.state_info)


def _revivable(step: Step, task_id: str, verb: str) -> TaskExecution:
    """The task in ERROR that a rerun or skip names; EngineError when it can not."""
    task = step.tasks.get(task_id)
    if task is None or task.state != TaskState.ERROR:
        found = "no such task execution" if task is None else f"it is {task.state}"
        raise errors.EngineError(
            f"Only a task execution in ERROR can be {verb}: {task_id} ({found})"
        )
    if step.wf.state in (W.SUCCESS, W.CANCELLED, W.PAUSED):
        raise errors.EngineError(
            f"Execution {step.wf.id} is {step.wf.state}: it can not have tasks {verb}"
        )
    return task


def _revive(step: Step, env: Mapping[str, Any] | None) -> bool:
    """Bring a failed execution back to RUNNING with ``env`` merged; False if that failed."""
    if step.wf.state != W.RUNNING:
        step.set_workflow_state(W.RUNNING, None, output={})
    return _merge_env(step, env)


def _on_rerun(step: Step, event: events.RerunTask) -> None:
    task = _revivable(step, event.task_execution_id, "rerun")
    if not _revive(step, event.env):
        return
    task = step.put_task(_reset(task, event.reset))
    tasks.guarded(
        step, task.id, lambda s, t: tasks.run(s, t, reset=event.reset or not t.with_items)
    )


def _on_skip(step: Step, event: events.SkipTask) -> None:
    task = _revivable(step, event.task_execution_id, "skipped")
    if _revive(step, event.env):
        tasks.guarded(step, task.id, tasks.skip)


def _reset(task: TaskExecution, reset: bool) -> TaskExecution:
    changes: dict[str, Any] = {"processed": False, "error_handled": False, "outcome": None}
    if not reset and task.with_items:
        failed = {ActionState.ERROR, ActionState.CANCELLED}
        changes["item_states"] = tuple("" if s in failed else s for s in task.item_states)
    return evolve(task, **changes)


HANDLERS: Mapping[type, Handler] = {
    events.StartExecution: _on_start,
    events.ActionSucceeded: _on_result,
    events.ActionFailed: _on_result,
    events.ActionInterrupted: _on_interrupted,
    events.SubworkflowFinished: _on_subworkflow,
    events.WaitBeforeElapsed: _on_wait_before,
    events.WaitAfterElapsed: _on_wait_after,
    events.RetryDue: _on_retry,
    events.TaskTimedOut: _on_timeout,
    events.Pause: _on_pause,
    events.Resume: _on_resume,
    events.Cancel: _on_cancel,
    events.RerunTask: _on_rerun,
    events.SkipTask: _on_skip,
}
