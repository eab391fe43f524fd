"""One engine step: the one transaction around ``decide()`` (DESIGN "Durability contract").

Lock the execution row, apply one event, write the new state and its projection (task
and action execution rows), turn the engine's commands into jobs, append history. The
step either happens whole or not at all; replaying it enqueues nothing twice (jobs
carry dedup keys derived from the engine's deterministic ids).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from meltemi import actions, engine, errors
from meltemi.engine import commands, events
from meltemi.engine.state import ExecutionState
from meltemi.lang.spec import WorkflowSpec
from meltemi.settings import Settings
from meltemi.store import definitions, dialects, executions, jobs, models
from meltemi.store.db import Database, Session
from meltemi.worker import catalog, project

log = logging.getLogger(__name__)

STEP = "step"
ACTION = "action"


@dataclasses.dataclass
class Runtime:
    """What every step and action run of one process shares."""

    db: Database
    settings: Settings
    catalog: catalog.Catalog
    cancels: dict[str, Callable[[], None]] = dataclasses.field(default_factory=dict)
    """In-flight actions of this process by action execution id, for ``CancelAction``."""
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)
    instant: actions.ActionContext = dataclasses.field(init=False)
    """The context of every instant action (they are pure: nothing to cancel, no env)."""

    def __post_init__(self) -> None:
        self.instant = actions.ActionContext(settings=self.settings)

    @classmethod
    def create(cls, db: Database, settings: Settings) -> Runtime:
        """A runtime with the default action registry (std actions and plugins)."""
        return cls(db=db, settings=settings, catalog=catalog.Catalog(actions.Registry.default()))


def now() -> dt.datetime:
    """The step's notion of now (UTC)."""
    return dt.datetime.now(dt.UTC)


def enqueue_event(
    session: Session,
    execution_id: str,
    event: events.Event,
    *,
    run_at: dt.datetime | None = None,
    dedup_key: str | None = None,
) -> None:
    """Queue ``event`` for ``execution_id`` as a step job (in the caller's transaction)."""
    job = _event_job(execution_id, event, run_at=run_at, dedup_key=dedup_key)
    jobs.enqueue_many(session, [job])


def apply(rt: Runtime, execution_id: str, event: events.Event) -> engine.Decision | None:
    """Apply ``event`` to execution ``execution_id`` in one transaction.

    Instant actions the decision asks for run here and their results are decided in
    the same transaction. Returns the final decision, or ``None`` when the execution no
    longer exists.
    """
    with rt.db.transaction() as session:
        return _apply_in(session, rt, execution_id, event)


def _apply_in(
    session: Session, rt: Runtime, execution_id: str, event: events.Event
) -> engine.Decision | None:
    try:
        row = executions.lock_execution(session, execution_id)
    except errors.NotFound:
        log.warning("event for unknown execution", extra={"event": "step_orphan"})
        return None
    return step_in(session, rt, row, event)


def run_next(rt: Runtime) -> jobs.Taken | None:
    """Take the next due step job and apply its event: one transaction, which holds the
    job while it runs and completes it by committing. Returns the job, or ``None`` when
    none was due.

    A step that raises is rolled back whole; its job then counts a failed attempt and
    is due again later (given up after ``max_attempts``). A lost database raises
    :class:`errors.StoreUnavailable`, and the job stays due.
    """
    taken = None
    try:
        with rt.db.transaction() as session:
            taken = jobs.take(session, STEP)
            if taken is not None:
                dialects.commit_with_batch(session)
                event = events.from_json(taken.payload["event"])
                _apply_in(session, rt, taken.payload["execution_id"], event)
    except errors.StoreUnavailable:
        raise
    except Exception:
        if taken is None:
            raise
        log.exception("step failed", extra={"event": "job_failed", "job": taken.id})
        delay = min(2.0 ** (taken.attempts + 1), 60.0)
        with rt.db.transaction() as session:
            if jobs.failed(session, taken, delay=delay):
                # the traceback was logged just above
                log.error("job dropped after retries", extra={"event": "job_dropped"})  # noqa: TRY400
    return taken


def step_in(
    session: Session,
    rt: Runtime,
    row: models.WorkflowExecution,
    event: events.Event,
    *,
    spec: WorkflowSpec | None = None,
    state: ExecutionState | None = None,
) -> engine.Decision:
    """Apply ``event`` to the locked execution ``row`` inside the caller's transaction.

    ``spec`` and ``state`` may be given when the caller has them already (a new
    execution), saving their load.
    """
    spec = spec or workflow_spec(rt, session, row)
    state = state or ExecutionState.from_json(row.engine_state)
    family = _family(rt, session, spec, row)
    at = now()
    decision = _decide_all(rt, spec, state, event, family=family, at=at)
    write(session, rt, row, spec, old=state, decision=decision, at=at)
    return decision


MAX_INSTANT = 2000
"""Instant actions one step may run before handing the rest to the job queue (cycles)."""


def _decide_all(
    rt: Runtime,
    spec: WorkflowSpec,
    state: ExecutionState,
    event: events.Event,
    *,
    family: tuple[dict[str, Any], ...],
    at: dt.datetime,
) -> engine.Decision:
    """Decide ``event``, then the results of the instant actions it started, and so on.

    Returns one decision: the last state, every history record and the commands left
    for jobs, in order.
    """
    decision = engine.decide(spec, state, event, at, executions=family)
    history = list(decision.history)
    pending = deque(decision.commands)
    carried: list[engine.Command] = []
    budget = MAX_INSTANT
    while pending:
        command = pending.popleft()
        outcome = _instant(rt, command) if budget > 0 else None
        if outcome is None:
            carried.append(command)
            continue
        budget -= 1
        decision = engine.decide(spec, decision.state, outcome, at, executions=family)
        history.extend(decision.history)
        pending.extend(decision.commands)
    return engine.Decision(decision.state, tuple(carried), tuple(history))


def _instant(rt: Runtime, command: engine.Command) -> events.Event | None:
    """The result event of an instant action, or ``None`` if it must run as a job."""
    if not isinstance(command, commands.RunAction):
        return None
    definition = rt.catalog.registry.find(command.action)
    if definition is None:
        return None
    outcome = actions.run_instant(definition, command.input, rt.instant)
    return None if outcome is None else outcome_event(command.action_execution_id, outcome)


def outcome_event(action_id: str, outcome: actions.Outcome) -> events.Event | None:
    """The engine event that reports ``outcome`` of action execution ``action_id``;
    ``None`` for an asynchronous start (answered later)."""
    match outcome:
        case actions.Succeeded(result=result):
            return events.ActionSucceeded(action_id, result)
        case actions.Failed(message=message, data=data):
            return events.ActionFailed(action_id, message if data is None else data)
        case actions.Cancelled():
            return events.ActionFailed(action_id, "Action cancelled")
    return None


def workflow_spec(rt: Runtime, session: Session, row: models.WorkflowExecution) -> WorkflowSpec:
    """The spec an execution runs (the snapshot it started with)."""
    return rt.catalog.execution_spec(session, row)


def write(
    session: Session,
    rt: Runtime,
    row: models.WorkflowExecution,
    spec: WorkflowSpec,
    *,
    old: ExecutionState,
    decision: engine.Decision,
    at: dt.datetime | None = None,
) -> None:
    """Persist a decision: state, projection, history, and commands as jobs (``row``
    locked by this transaction), in one batch."""
    with dialects.batch(session):
        project.execution(session, row, decision.state)
        _write_rest(session, rt, row, spec, old=old, decision=decision, at=at or now())


def _write_rest(
    session: Session,
    rt: Runtime,
    row: models.WorkflowExecution,
    spec: WorkflowSpec,
    *,
    old: ExecutionState,
    decision: engine.Decision,
    at: dt.datetime,
) -> None:
    """Everything of :func:`write` but the execution row itself, sent as one batch
    (nothing here reads back what it writes)."""
    new = decision.state
    with dialects.batch(session):
        project.tasks(session, row, spec, old, new, task_json=rt.catalog.task_json, at=at)
        project.history(session, row, decision.history)
        queued: list[jobs.NewJob] = []
        for command in decision.commands:
            _carry_out(session, rt, row, command, queued)
        jobs.enqueue_many(session, queued)


def _carry_out(
    session: Session,
    rt: Runtime,
    row: models.WorkflowExecution,
    command: engine.Command,
    queued: list[jobs.NewJob],
) -> None:
    """Carry out one command; the jobs it makes are added to ``queued``."""
    match command:
        case commands.RunAction(action_execution_id=action_id):
            payload = {"execution_id": row.id, "command": dataclasses.asdict(command)}
            queued.append(jobs.NewJob(ACTION, payload, row.id, f"act:{action_id}"))
        case commands.StartSubworkflow():
            _start_child(session, rt, row, command)
        case commands.SetTimer(at=at, event=event):
            queued.append(_event_job(row.id, event, run_at=at))
        case commands.CancelAction(action_execution_id=action_id):
            with rt.lock:
                cancel = rt.cancels.get(action_id)
            if cancel is not None:
                cancel()
        case commands.SignalChild(child_execution_id=child, event=event):
            queued.append(_event_job(child, event))
        case commands.ExecutionFinished():
            queued.extend(_parent_job(session, command))


def _event_job(
    execution_id: str,
    event: events.Event,
    *,
    run_at: dt.datetime | None = None,
    dedup_key: str | None = None,
) -> jobs.NewJob:
    """The step job carrying ``event`` to execution ``execution_id``."""
    payload = {"execution_id": execution_id, "event": events.to_json(event)}
    return jobs.NewJob(STEP, payload, execution_id, dedup_key, run_at)


def _parent_job(session: Session, done: commands.ExecutionFinished) -> list[jobs.NewJob]:
    """The step job telling a sub-workflow's parent that it finished (none at the top)."""
    if done.parent_task_execution_id is None:
        return []
    task = session.get(models.TaskExecution, done.parent_task_execution_id)
    if task is None:
        log.warning("parent task vanished", extra={"event": "parent_missing"})
        return []
    event = events.SubworkflowFinished(done.execution_id, done.state, done.output, done.state_info)
    key = f"done:{done.execution_id}"
    return [_event_job(task.workflow_execution_id, event, dedup_key=key)]


def _start_child(
    session: Session, rt: Runtime, parent: models.WorkflowExecution, cmd: commands.StartSubworkflow
) -> None:
    try:
        definition = rt.catalog.find_workflow(
            session, cmd.workflow, workbook=cmd.workbook, namespace=cmd.namespace
        )
        spec = rt.catalog.spec(session, definition)
        wf_input, params = _split_input(spec, cmd.input, cmd.params)
        params["parent_task_execution_id"] = cmd.task_execution_id
        state = engine.initial_state(
            spec,
            execution_id=cmd.child_execution_id,
            input=wf_input,
            params=params,
            now=now(),
            max_depth=rt.settings.max_subworkflow_depth,
        )
    except (errors.NotFound, errors.InputError, errors.ExpressionError) as exc:
        reason = str(exc)
        failed = events.SubworkflowFinished(
            cmd.child_execution_id, "ERROR", {"result": reason}, reason
        )
        enqueue_event(session, parent.id, failed, dedup_key=f"done:{cmd.child_execution_id}")
        return
    create_execution(
        session,
        definition,
        spec,
        state,
        snapshot=rt.catalog.snapshot(definition, spec),
        task_execution_id=cmd.task_execution_id,
    )


def _split_input(
    spec: WorkflowSpec, given: Any, params: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Input keys the child declares stay input; the others become params."""
    declared = {p.name for p in spec.input}
    given = dict(given or {})
    wf_input = {k: v for k, v in given.items() if k in declared}
    extra = {k: v for k, v in given.items() if k not in declared}
    return wf_input, {**extra, **dict(params or {})}


def create_execution(
    session: Session,
    definition: definitions.Stamp,
    spec: WorkflowSpec,
    state: ExecutionState,
    *,
    snapshot: dict[str, Any],
    description: str = "",
    task_execution_id: str | None = None,
    start: Runtime | None = None,
) -> models.WorkflowExecution:
    """Store a new execution in its initial state and queue its ``StartExecution``.

    ``snapshot`` is the JSON of ``spec``, which the execution keeps. With ``start`` (the
    runtime), the execution is started at once in this transaction instead, as Mistral
    answers a new execution already RUNNING.
    """
    params = {**state.params, "namespace": definition.namespace}
    at = now()
    columns = {
        "spec": snapshot,
        "spec_version": definition.updated_at,
        "id": state.id,
        "created_at": at,
        "updated_at": at,
        "workflow_name": spec.name,
        "workflow_id": definition.id,
        "workflow_namespace": definition.namespace,
        "description": description,
        "input": state.input,
        "params": params,
        "parent_task_execution_id": task_execution_id,
        "root_execution_id": state.root_execution_id,
    }
    if start is None:
        values = {**columns, **project.execution_values(params, None, state)}
        row = executions.create(session, **values)
        enqueue_event(session, state.id, events.StartExecution(), dedup_key=f"start:{state.id}")
        return row
    # Started at once: decide first, then insert the row as the decision left it.
    decision = _decide_all(start, spec, state, events.StartExecution(), family=(), at=at)
    final = project.execution_values(params, None, decision.state)
    with dialects.batch(session):
        row = executions.create(session, **{**columns, **final})
        _write_rest(session, start, row, spec, old=state, decision=decision, at=at)
    return row


def _family(
    rt: Runtime, session: Session, spec: WorkflowSpec, row: models.WorkflowExecution
) -> tuple[dict[str, Any], ...]:
    """A snapshot of related executions, loaded only for workflows calling ``executions()``."""
    if not rt.catalog.uses_executions(spec):
        return ()
    return project.family(session, row.root_execution_id or row.id)
