"""How a workflow execution ends or pauses: output, output-on-error, failure messages."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from meltemi import errors
from meltemi.engine import commands, dataflow, events
from meltemi.engine.state import TaskExecution
from meltemi.engine.states import TASK_DONE, ActionState, TaskState, WorkflowState
from meltemi.engine.step import Step


def describe(value: Any) -> str:
    """An error value as text for ``state_info``."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, sort_keys=True, default=str)
    except ValueError:
        return repr(value)


def failure_message(failed: Iterable[TaskExecution]) -> str:
    """``Failure caused by error in tasks: ...`` naming every failed task."""
    ordered = sorted(failed, key=lambda t: t.name)
    text = "Failure caused by error in tasks: " + ", ".join(t.name for t in ordered) + "\n"
    for task in ordered:
        text += f"\n  {task.name} [task_ex_id={task.id}] -> {task.state_info}\n"
    return text


def fail(step: Step, state_info: str | None) -> None:
    """End the execution in ERROR; output is ``{"result": state_info}`` + output-on-error."""
    output: dict[str, Any] = {"result": state_info}
    clause = step.spec.output_on_error
    if clause is not None:
        try:
            extra = dataflow.workflow_output(step, clause, dataflow.final_context(step))
        except errors.ExpressionError as exc:
            state_info = f"Failed to evaluate expression in output-on-error: {exc}"
            output = {"result": state_info}
        else:
            if isinstance(extra, Mapping):
                output.update(extra)
    _finish(step, WorkflowState.ERROR, output, state_info)


def succeed(step: Step, state_info: str | None = None) -> None:
    """End the execution in SUCCESS with its evaluated output."""
    final = dataflow.final_context(step)
    clause = step.spec.output
    if clause is None:
        output: Any = final
    else:
        try:
            output = dataflow.workflow_output(step, clause, final)
        except errors.ExpressionError as exc:
            fail(step, f"Failed to evaluate expression in output: {exc}")
            return
    _finish(step, WorkflowState.SUCCESS, output, state_info)


def cancel(step: Step, state_info: str | None = None) -> None:
    """End the execution in CANCELLED, cancelling what still runs."""
    for task in list(step.tasks.values()):
        if task.state not in TASK_DONE:
            step.set_task_state(task, TaskState.CANCELLED, state_info)
    for action in list(step.actions.values()):
        if action.state == ActionState.RUNNING:
            step.set_action_state(action, ActionState.CANCELLED, None, state_info)
            _stop(step, action.id, action.kind)
    _finish(step, WorkflowState.CANCELLED, {}, state_info)


def pause(step: Step, state_info: str | None = None) -> None:
    """Pause the execution and the children it runs."""
    step.set_workflow_state(WorkflowState.PAUSED, state_info)
    for action in step.actions.values():
        if action.kind == "workflow" and action.state == ActionState.RUNNING:
            step.emit(commands.SignalChild(action.id, events.Pause()))


def _stop(step: Step, action_id: str, kind: str) -> None:
    if kind == "workflow":
        step.emit(commands.SignalChild(action_id, events.Cancel()))
    else:
        step.emit(commands.CancelAction(action_id))


def stop(step: Step, action_id: str, kind: str) -> None:
    """Ask the worker to cancel a running action or child execution."""
    _stop(step, action_id, kind)


def _finish(step: Step, state: WorkflowState, output: Any, state_info: str | None) -> None:
    step.set_workflow_state(state, state_info, output=output)
    wf = step.wf
    step.emit(
        commands.ExecutionFinished(
            wf.id, str(state), output, state_info, wf.parent_task_execution_id
        )
    )
