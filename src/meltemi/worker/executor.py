"""Running one action job: mark it started, run it, record the outcome.

The start is committed before the side effect (``started_at`` on the action execution
row). A job found already started was interrupted by a crash: the engine decides
(``ActionInterrupted``) whether it runs again (``safe-rerun``) or fails the task.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import math
from typing import Any

from meltemi import actions, errors
from meltemi.engine import events
from meltemi.store import jobs, models, rows
from meltemi.store.db import Session
from meltemi.worker import outage, step

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Prepared:
    """An action ready to run, resolved inside the start transaction."""

    definition: actions.ActionDef
    ctx: actions.ActionContext
    input: dict[str, Any]
    timeout: float | None


async def run_job(rt: step.Runtime, job: jobs.Job) -> None:
    """Carry out one ``action`` job held by this process."""
    await run_command(rt, job.payload["execution_id"], job.payload["command"], job)


async def run_command(
    rt: step.Runtime, execution_id: str | None, command: dict[str, Any], job: jobs.Job | None
) -> None:
    """Run one action command; ``job`` (if any) is completed with its outcome.

    While the database is unreachable, the start and the finish are tried again (the
    action itself is run once): a queued job keeps trying until it succeeds, a call
    without a job (an action run synchronously through the API) for a lease's length.
    """
    patience = math.inf if job is not None else rt.settings.lease_seconds
    prepared = await outage.until_stored(
        _start, rt, execution_id, command, job, give_up_after=patience
    )
    if prepared is None:
        return
    action_id = command["action_execution_id"]
    with rt.lock:
        rt.cancels[action_id] = prepared.ctx.cancellation.cancel
    try:
        outcome = await actions.run_action(
            prepared.definition, prepared.input, prepared.ctx, timeout=prepared.timeout
        )
    finally:
        with rt.lock:
            rt.cancels.pop(action_id, None)
    await outage.until_stored(
        _finish, rt, execution_id, command, outcome, job, give_up_after=patience
    )


def _done(session: Session, job: jobs.Job | None) -> None:
    if job is not None:
        jobs.complete(session, job.id, job.lease_owner, job.lease_epoch)


def _start(
    rt: step.Runtime, execution_id: str | None, command: dict[str, Any], job: jobs.Job | None
) -> Prepared | None:
    action_id = command["action_execution_id"]
    with rt.db.transaction() as session:
        row = session.get(models.ActionExecution, action_id)
        if row is None or row.state != "RUNNING":
            _done(session, job)
            return None
        if row.started_at is not None:
            log.warning("action interrupted", extra={"event": "action_interrupted"})
            if execution_id is not None:
                step.enqueue_event(session, execution_id, events.ActionInterrupted(action_id))
            else:
                state_info = "Interrupted by a crash; not run again"
                rows.update(session, row, state="ERROR", state_info=state_info)
            _done(session, job)
            return None
        rows.update(session, row, started_at=dt.datetime.now(dt.UTC))
        try:
            definition = _resolve(rt, command)
        except errors.ActionError as exc:
            _record(session, row, execution_id, actions.Failed(str(exc), exc.data))
            _done(session, job)
            return None
        env = _env(session, execution_id)
    ctx = actions.ActionContext(
        execution_id=execution_id,
        task_id=command["task_execution_id"],
        action_execution_id=action_id,
        env=env,
        settings=rt.settings,
    )
    return Prepared(definition, ctx, dict(command["input"] or {}), command.get("timeout"))


def _resolve(rt: step.Runtime, command: dict[str, Any]) -> actions.ActionDef:
    lookup = rt.catalog.action_lookup(rt.db, command.get("namespace") or "")
    return actions.adhoc.runnable(command["action"], lookup, workbook=command.get("workbook"))


def _env(session: Session, execution_id: str | None) -> dict[str, Any]:
    if execution_id is None:
        return {}
    row = session.get(models.WorkflowExecution, execution_id)
    return dict((row.params or {}).get("env") or {}) if row is not None else {}


def _finish(
    rt: step.Runtime,
    execution_id: str | None,
    command: dict[str, Any],
    outcome: actions.Outcome,
    job: jobs.Job | None,
) -> None:
    with rt.db.transaction() as session:
        _done(session, job)
        row = session.get(models.ActionExecution, command["action_execution_id"])
        if row is None or row.state != "RUNNING":
            return
        _record(session, row, execution_id, outcome)


def _record(
    session: Session,
    row: models.ActionExecution,
    execution_id: str | None,
    outcome: actions.Outcome,
) -> None:
    """Write the outcome on the row and hand it to the engine (when in a workflow).

    Inside a workflow the engine's projection sets the row's final state; an action
    run on its own (``execution_id`` is ``None``) gets it here.
    """
    standalone = execution_id is None
    match outcome:
        case actions.Succeeded(result=result):
            final = {"state": "SUCCESS", "accepted": True} if standalone else {}
            rows.update(session, row, output={"result": result}, **final)
            if execution_id is not None:
                event: events.Event = events.ActionSucceeded(row.id, result)
                step.enqueue_event(session, execution_id, event)
        case actions.Failed(message=message, data=data):
            error = message if data is None else data
            final = {"state": "ERROR", "accepted": True} if standalone else {}
            rows.update(session, row, output={"result": error}, state_info=message, **final)
            if execution_id is not None:
                step.enqueue_event(session, execution_id, events.ActionFailed(row.id, error))
        case actions.Pending():
            rows.update(session, row, is_sync=False)
        case actions.Cancelled():
            pass
