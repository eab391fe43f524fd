"""The projection of the engine's state onto the rows the API reads.

The engine state (a JSON column) is the truth for decisions; the execution columns,
task execution rows and action execution rows are written from it in the same
transaction, only for what changed (entries of frozen state are compared by identity).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from meltemi import actions
from meltemi.engine import commands
from meltemi.engine.state import ActionExecution, ExecutionState, TaskExecution
from meltemi.engine.states import TASK_DONE, WORKFLOW_DONE
from meltemi.lang.spec import WorkflowSpec
from meltemi.store import executions, models, task_executions
from meltemi.store import history as history_store
from meltemi.store.db import Session

TaskJson = Callable[[WorkflowSpec, str], dict[str, Any]]
"""The JSON of a task's spec, by workflow spec and task name (cached by the catalog)."""

_ENTITY = {"workflow_execution": "workflow", "task_execution": "task", "action_execution": "action"}


def _time(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def execution(session: Session, row: models.WorkflowExecution, state: ExecutionState) -> None:
    """Write the execution's columns and its engine state (``row`` locked by this
    transaction: the write joins the current batch)."""
    values = execution_values(row.params, row.finished_at, state)
    executions.save_locked(session, row, **values)


def execution_values(
    params: dict[str, Any], finished_at: dt.datetime | None, state: ExecutionState
) -> dict[str, Any]:
    """The columns of an execution row that follow its engine state."""
    done = state.state in WORKFLOW_DONE
    values: dict[str, Any] = {
        "engine_state": state.to_json(),
        "state": str(state.state),
        "state_info": state.state_info,
        "published_global": state.globals,
        "output": state.output if done else {},
    }
    if params.get("env") != state.env:  # a resume or rerun may bring a new env
        values["params"] = {**params, "env": state.env}
    if done and finished_at is None:
        values["finished_at"] = dt.datetime.now(dt.UTC)
    return values


def tasks(
    session: Session,
    row: models.WorkflowExecution,
    spec: WorkflowSpec,
    old: ExecutionState,
    new: ExecutionState,
    *,
    task_json: TaskJson,
    at: dt.datetime,
) -> None:
    """Write the task and action execution rows that changed in ``new``, in bulk.

    An entry already in ``old`` has its row (the projection is written with every
    state), so new entries are inserted and changed ones updated, without reads.
    """
    task_rows: tuple[list[dict[str, Any]], list[dict[str, Any]]] = ([], [])
    for task in _changed(old.tasks, new.tasks):
        values = _task_values(row, spec, task, task_json)
        task_rows[task.id in old.tasks].append({"id": task.id, **values})
    task_executions.write_many(session, _in_order(task_rows[0], at), task_rows[1])
    action_rows: tuple[list[dict[str, Any]], list[dict[str, Any]]] = ([], [])
    for action in _changed(old.actions, new.actions):
        if action.kind == "action":
            existing = action.id in old.actions
            action_rows[existing].append(_action_values(row, new, action, existing=existing, at=at))
    task_executions.write_bulk(
        session, models.ActionExecution, _in_order(action_rows[0], at), action_rows[1]
    )


def _in_order(inserts: list[dict[str, Any]], base: dt.datetime) -> list[dict[str, Any]]:
    """Stamp rows created by one step a microsecond apart, in creation order, so that
    listings by ``created_at`` show them in the order the engine created them."""
    for i, values in enumerate(inserts):
        values["created_at"] = base + dt.timedelta(microseconds=i)
    return inserts


def _changed(old: dict[str, Any], new: dict[str, Any]) -> Iterator[Any]:
    return (v for k, v in new.items() if old.get(k) is not v)


def _task_values(
    row: models.WorkflowExecution, spec: WorkflowSpec, task: TaskExecution, task_json: TaskJson
) -> dict[str, Any]:
    task_spec = spec.tasks.get(task.name)
    is_workflow = task_spec is not None and task_spec.workflow is not None
    return {
        "workflow_execution_id": row.id,
        "workflow_name": row.workflow_name,
        "workflow_namespace": row.workflow_namespace,
        "workflow_id": row.workflow_id,
        "name": task.name,
        "state": str(task.state),
        "state_info": task.state_info,
        "type": "WORKFLOW" if is_workflow else "ACTION",
        "spec": task_json(spec, task.name),
        "published": task.published,
        "result": task.result,
        "processed": task.processed,
        "runtime_context": _runtime_context(task),
        "started_at": _time(task.created_at),
        "finished_at": _time(task.finished_at) if task.state in TASK_DONE else None,
    }


def _runtime_context(task: TaskExecution) -> dict[str, Any]:
    if not task.with_items:
        return {}
    return {"with_items": {"count": len(task.item_states), "concurrency": task.concurrency}}


def _action_values(
    row: models.WorkflowExecution,
    state: ExecutionState,
    a: ActionExecution,
    *,
    existing: bool,
    at: dt.datetime,
) -> dict[str, Any]:
    task = state.tasks.get(a.task_execution_id)
    running = a.state == "RUNNING"
    values: dict[str, Any] = {
        "id": a.id,
        "task_execution_id": a.task_execution_id,
        "workflow_execution_id": row.id,
        "name": a.name,
        "task_name": task.name if task else None,
        "workflow_name": row.workflow_name,
        "workflow_namespace": row.workflow_namespace,
        "state": str(a.state),
        "state_info": a.state_info,
        "input": actions.redact(a.name, dict(a.input or {})),
        "output": None if running else {"result": a.output},
        "attempt": a.attempt,
        "item_index": a.item,
        "accepted": not running,
    }
    if not running:
        values["finished_at"] = at
        if not existing:  # an instant action, run within the step
            values["started_at"] = at
    return values


def history(
    session: Session, row: models.WorkflowExecution, records: Iterable[commands.HistoryRecord]
) -> None:
    """Record the engine's history records of one step."""
    changes = [_change(r) for r in records]
    history_store.append_step(session, row.id, row.root_execution_id or row.id, changes)


def _change(record: commands.HistoryRecord) -> history_store.Change:
    change = {
        "entity_kind": _ENTITY.get(record.entity, "workflow"),
        "entity_id": record.entity_id,
        "new_state": str(record.new_state),
    }
    if record.name:
        change["name"] = record.name
    if record.old_state is not None:
        change["old_state"] = str(record.old_state)
    if record.state_info is not None:
        change["state_info"] = record.state_info
    return change


def family(session: Session, root_id: str) -> tuple[dict[str, Any], ...]:
    """Every execution of the tree rooted at ``root_id``, as ``executions()`` shows them."""
    return tuple(
        {
            "id": e.id,
            "name": e.workflow_name,
            "workflow_name": e.workflow_name,
            "state": e.state,
            "input": e.input,
            "output": e.output,
            "params": e.params,
            "root_execution_id": e.root_execution_id,
            "parent_task_execution_id": e.parent_task_execution_id,
            "created_at": e.created_at.isoformat(),
        }
        for e in executions.family(session, root_id)
    )
