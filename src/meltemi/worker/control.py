"""What the API and the CLI may do to executions: start, signal, rerun, answer.

Each function is one transaction that writes rows and queues (or applies) one event
through :mod:`meltemi.worker.step`; none contains workflow logic.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import anyio

from meltemi import actions, engine, errors
from meltemi.engine import events
from meltemi.lang.spec import WorkflowSpec
from meltemi.store import definitions, dialects, environments, executions, jobs, models, rows
from meltemi.store.db import Session
from meltemi.worker import step


def start_execution(
    rt: step.Runtime,
    *,
    workflow_identifier: str,
    namespace: str = "",
    input: dict[str, Any] | None = None,  # noqa: A002 - Mistral's field name
    params: dict[str, Any] | None = None,
    description: str = "",
) -> models.WorkflowExecution:
    """Create an execution of a stored workflow and start it; the new execution's row
    (RUNNING, or already finished when its tasks ran within the start).

    Raises :class:`errors.NotFound` (workflow, environment) and
    :class:`errors.InputError` synchronously: nothing is created then.

    One transaction: the definition is read by its first statement (which carries the
    ``BEGIN`` on PostgreSQL), and the execution keeps the spec of the version read.
    """
    with rt.db.transaction() as session:
        dialects.commit_with_batch(session)
        return start_in(
            session,
            rt,
            workflow_identifier=workflow_identifier,
            namespace=namespace,
            input=input,
            params=params,
            description=description,
        )


def start_in(
    session: Session,
    rt: step.Runtime,
    *,
    workflow_identifier: str,
    namespace: str = "",
    input: dict[str, Any] | None = None,  # noqa: A002 - Mistral's field name
    params: dict[str, Any] | None = None,
    description: str = "",
) -> models.WorkflowExecution:
    """:func:`start_execution` inside the caller's transaction (e.g. a cron tick)."""
    found = _definition(session, rt, workflow_identifier, namespace, params)
    return _create(session, rt, *found, input=input, description=description)


def _definition(
    session: Session,
    rt: step.Runtime,
    identifier: str,
    namespace: str,
    params: dict[str, Any] | None,
) -> tuple[definitions.Stamp, WorkflowSpec, dict[str, Any]]:
    """The workflow to start, its spec, and the params with their env resolved."""
    definition = definitions.workflow_stamp(session, identifier, namespace)
    spec = rt.catalog.spec(session, definition)
    params = dict(params or {})
    params["env"] = _environment(session, params.get("env"))
    return definition, spec, params


def _create(
    session: Session,
    rt: step.Runtime,
    definition: definitions.Stamp,
    spec: WorkflowSpec,
    params: dict[str, Any],
    *,
    input: dict[str, Any] | None,  # noqa: A002 - Mistral's field name
    description: str,
) -> models.WorkflowExecution:
    state = engine.initial_state(
        spec,
        execution_id=models.new_id(),
        input=input or {},
        params=params,
        now=step.now(),
        max_depth=rt.settings.max_subworkflow_depth,
    )
    snapshot = rt.catalog.snapshot(definition, spec)
    return step.create_execution(
        session, definition, spec, state, snapshot=snapshot, description=description, start=rt
    )


def _environment(session: Session, env: Any) -> dict[str, Any]:
    """``env`` as given, or the variables of the stored environment it names."""
    if env is None:
        return {}
    if isinstance(env, str):
        try:
            return dict(environments.get(session, env).variables)
        except errors.NotFound:
            raise errors.InputError(
                f"Environment not found [name={env}]", field="params.env"
            ) from None
    if not isinstance(env, dict):
        raise errors.InputError(
            "params.env must be an object or an environment name", field="params.env"
        )
    return env


def set_execution_state(
    rt: step.Runtime,
    execution_id: str,
    *,
    state: str,
    state_info: str | None = None,
    env: dict[str, Any] | None = None,
) -> None:
    """Pause (``PAUSED``), resume (``RUNNING``), cancel (``CANCELLED``), fail (``ERROR``)
    or force success (``SUCCESS``) of an execution, applied at once."""
    event = _signal(state, state_info, env)
    with rt.db.transaction(readonly=True) as session:
        executions.get(session, execution_id)
    step.apply(rt, execution_id, event)


def _signal(state: str, state_info: str | None, env: dict[str, Any] | None) -> events.Event:
    match state:
        case "PAUSED":
            return events.Pause()
        case "RUNNING":
            return events.Resume(env=env)
        case "CANCELLED":
            return events.Cancel(state_info=state_info)
    raise errors.InputError(
        f"Can not set an execution to {state}: use PAUSED, RUNNING or CANCELLED", field="state"
    )


def rerun_task(
    rt: step.Runtime,
    task_execution_id: str,
    *,
    reset: bool = True,
    env: dict[str, Any] | None = None,
) -> None:
    """Rerun a task in ERROR; its execution continues from there."""
    with rt.db.transaction(readonly=True) as session:
        task = rows.get(session, models.TaskExecution, task_execution_id)
        if task.state != "ERROR":
            raise errors.Conflict(
                f"Task {task.name} is {task.state}: only a task in ERROR can be rerun"
            )
        execution_id = task.workflow_execution_id
    step.apply(rt, execution_id, events.RerunTask(task_execution_id, reset=reset, env=env))


def complete_action(rt: step.Runtime, action_execution_id: str, *, state: str, output: Any) -> None:
    """Answer a running (asynchronous) action: its output, or its error.

    Raises :class:`errors.Conflict` once the action has an answer already.
    """
    if state not in {"SUCCESS", "ERROR"}:
        raise errors.InputError("state must be SUCCESS or ERROR", field="state")
    with rt.db.transaction() as session:
        row = rows.get(session, models.ActionExecution, action_execution_id)
        if row.state != "RUNNING":
            raise errors.Conflict(
                f"Action execution {action_execution_id} is already {row.state}:"
                " it takes one answer"
            )
        result = (
            output.get("result", output)
            if isinstance(output, dict) and state == "SUCCESS"
            else output
        )
        rows.update(
            session,
            row,
            state=state,
            output={"result": result},
            accepted=True,
            finished_at=dt.datetime.now(dt.UTC),
        )
        if row.workflow_execution_id is None:
            return
        event: events.Event = (
            events.ActionSucceeded(row.id, result)
            if state == "SUCCESS"
            else events.ActionFailed(row.id, result)
        )
        step.enqueue_event(session, row.workflow_execution_id, event)


def delete_execution(rt: step.Runtime, execution_id: str, *, force: bool = False) -> None:
    """Delete a finished execution (any, with ``force``) with its tasks, actions,
    history, jobs and sub-workflows."""
    with rt.db.transaction() as session:
        row = executions.get(session, execution_id)
        if not force and row.state in {"RUNNING", "PAUSED", "IDLE"}:
            raise errors.Conflict(
                f"Execution {execution_id} is {row.state}: cancel it before deleting"
            )
        executions.delete_tree(session, row.id)


def run_action(
    rt: step.Runtime,
    name: str,
    input: dict[str, Any],  # noqa: A002 - Mistral's field name
    *,
    run_sync: bool,
    save_result: bool = True,  # noqa: ARG001 - results are always kept
    timeout: float | None = None,
) -> str:
    """Run an action outside any workflow; the action execution's id.

    With ``run_sync`` the call returns once the action finished (its row holds the
    output); otherwise it is queued for an executor. ``save_result`` is accepted for
    Mistral compatibility: results are always kept. Raises
    :class:`errors.ActionNotFound` for an unknown action.
    """
    actions.adhoc.runnable(name, rt.catalog.action_lookup(rt.db))
    with rt.db.transaction() as session:
        row = rows.create(
            session,
            models.ActionExecution,
            name=name,
            state="RUNNING",
            input=actions.redact(name, dict(input)),
            is_sync=run_sync,
        )
        command = {
            "action_execution_id": row.id,
            "task_execution_id": None,
            "action": name,
            "input": dict(input),
            "timeout": timeout,
        }
        if not run_sync:
            payload = {"execution_id": None, "command": command}
            jobs.enqueue(session, step.ACTION, payload, dedup_key=f"act:{row.id}")
            jobs.notify(session)
    if run_sync:
        from meltemi.worker import executor  # noqa: PLC0415 - avoids an import cycle

        anyio.run(executor.run_command, rt, None, command, None)
    return str(command["action_execution_id"])


class Controller:
    """The control functions bound to one runtime: what the API holds on ``app.state``."""

    def __init__(self, rt: step.Runtime) -> None:
        self.rt = rt
        self.start_execution = functools.partial(start_execution, rt)
        self.set_execution_state = functools.partial(set_execution_state, rt)
        self.rerun_task = functools.partial(rerun_task, rt)
        self.complete_action = functools.partial(complete_action, rt)
        self.run_action = functools.partial(run_action, rt)
        self.delete_execution = functools.partial(delete_execution, rt)
