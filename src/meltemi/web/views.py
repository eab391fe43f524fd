"""What the dashboard's pages show, read through the store's queries (never engine_state).

Each function takes an open session and returns plain rows or small frozen views;
lists are paged by marker on indexed columns, so they stay fast with many executions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any

from meltemi import errors
from meltemi.lang import spec as specs
from meltemi.store import definitions, executions, history, models, query, rows, task_executions
from meltemi.store.db import Session
from meltemi.web import graph

PAGE_SIZE = 25
LIST_FIELDS = (
    "workflow_name",
    "state",
    "state_info",
    "created_at",
    "finished_at",
    "updated_at",
    "parent_task_execution_id",
)
HISTORY_LIMIT = 500
WAITING_LIMIT = 200


@dataclasses.dataclass(frozen=True)
class ExecutionList:
    """One page of executions, with the markers of the neighbouring pages."""

    rows: list[models.WorkflowExecution]
    newer: str | None
    """Marker for the page of newer executions (``before=``), or ``None`` on the first."""
    older: str | None
    """Marker for the page of older executions (``after=``), or ``None`` on the last."""


def execution_filters(state: str, workflow: str, search: str) -> dict[str, Any]:
    """Store filters for the list page's form fields (empty fields filter nothing)."""
    filters: dict[str, Any] = {}
    if state:
        filters["state"] = state
    if workflow:
        filters["workflow_name"] = workflow
    if search:
        filters["id"] = search if _is_uuid(search) else query.Filter("has", search)
    return filters


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def execution_list(
    session: Session,
    filters: dict[str, Any],
    *,
    after: str | None = None,
    before: str | None = None,
    limit: int = PAGE_SIZE,
) -> ExecutionList:
    """Executions newest first; ``after``/``before`` page to older/newer ones."""
    model = models.WorkflowExecution
    direction = "asc" if before else "desc"
    page = query.Page(
        limit=limit + 1,
        marker=before or after,
        sort_keys=("created_at",),
        sort_dirs=(direction,),
        fields=LIST_FIELDS,
    )
    found = rows.list_page(session, model, page, filters)
    more = len(found) > limit
    found = found[:limit]
    if not found:
        return ExecutionList(found, None, None)
    if before:  # read upwards from the marker, shown newest first
        found.reverse()
        return ExecutionList(found, found[0].id if more else None, found[-1].id)
    return ExecutionList(found, found[0].id if after else None, found[-1].id if more else None)


def workflow_names(session: Session) -> list[str]:
    """Names of the stored workflows, sorted (for filter and form choices)."""
    page = query.Page(sort_keys=("name",), fields=("name",))
    return [r.name for r in rows.list_page(session, models.WorkflowDefinition, page)]


@dataclasses.dataclass(frozen=True)
class TaskView:
    """The latest execution of one task, with its with-items progress."""

    row: models.TaskExecution
    runs: int
    """How many task executions the task had (more than one in a cycle)."""
    items_done: int
    items_total: int


@dataclasses.dataclass(frozen=True)
class ExecutionView:
    """Everything the page of one execution shows."""

    row: models.WorkflowExecution
    tasks: list[models.TaskExecution]
    latest: dict[str, TaskView]
    layout: graph.Layout
    children: list[models.WorkflowExecution]
    parent: models.TaskExecution | None
    history: list[history.Recorded]


def execution_view(session: Session, execution_id: str) -> ExecutionView:
    """The page of execution ``execution_id`` (NotFound if there is none)."""
    row = executions.get(session, execution_id)
    tasks = task_executions.list_for_execution(session, execution_id)
    tasks.sort(key=lambda t: t.started_at or t.created_at)  # finer than created_at
    parent = None
    if row.parent_task_execution_id:
        parent = rows.find(session, models.TaskExecution, id=row.parent_task_execution_id)
    return ExecutionView(
        row=row,
        tasks=tasks,
        latest=_latest(session, execution_id, tasks),
        layout=graph.layout(workflow_spec(session, row, tasks)),
        children=children(session, [t.id for t in tasks]),
        parent=parent,
        history=history.list_for_execution(session, execution_id, limit=HISTORY_LIMIT),
    )


def _latest(
    session: Session, execution_id: str, tasks: list[models.TaskExecution]
) -> dict[str, TaskView]:
    page = query.Page(fields=("task_execution_id", "state", "item_index"))
    acts = rows.list_page(
        session,
        models.ActionExecution,
        page,
        {"workflow_execution_id": execution_id, "item_index": query.Filter("neq", None)},
    )
    done: dict[str, set[int]] = {}
    for act in acts:
        if act.state == "SUCCESS" and act.task_execution_id and act.item_index is not None:
            done.setdefault(act.task_execution_id, set()).add(act.item_index)
    views: dict[str, TaskView] = {}
    for task in tasks:
        total = int((task.runtime_context or {}).get("with_items", {}).get("count", 0))
        runs = views[task.name].runs + 1 if task.name in views else 1
        views[task.name] = TaskView(task, runs, len(done.get(task.id, ())), total)
    return views


def workflow_spec(
    session: Session, row: models.WorkflowExecution, tasks: list[models.TaskExecution]
) -> specs.WorkflowSpec:
    """The spec the execution runs: the snapshot it started with; for an execution stored
    before snapshots, its definition's, or rebuilt from its task rows if that is gone."""
    snapshot = executions.spec_of(session, row.id)
    if snapshot:
        return specs.WorkflowSpec.model_validate(snapshot)
    definition = None
    if row.workflow_id:
        definition = rows.find(session, models.WorkflowDefinition, id=row.workflow_id)
    if definition is not None and definition.spec:
        return specs.WorkflowSpec.model_validate(definition.spec)
    known = {t.name: specs.TaskSpec.model_validate(t.spec) for t in tasks if t.spec}
    return specs.WorkflowSpec(name=row.workflow_name, tasks=known)


def children(session: Session, task_ids: list[str]) -> list[models.WorkflowExecution]:
    """Sub-workflow executions started by the tasks ``task_ids``."""
    if not task_ids:
        return []
    flt = query.Filter("in", task_ids)
    page = query.Page(fields=LIST_FIELDS)
    return rows.list_page(
        session, models.WorkflowExecution, page, {"parent_task_execution_id": flt}
    )


@dataclasses.dataclass(frozen=True)
class TaskPage:
    """Everything the page of one task execution shows."""

    row: models.TaskExecution
    execution: models.WorkflowExecution
    actions: list[models.ActionExecution]
    children: list[models.WorkflowExecution]


def task_page(session: Session, task_id: str) -> TaskPage:
    """The page of task execution ``task_id`` (NotFound if there is none)."""
    row = rows.get(session, models.TaskExecution, task_id)
    page = query.Page(sort_keys=("created_at",))
    acts = rows.list_page(session, models.ActionExecution, page, {"task_execution_id": task_id})
    acts.sort(key=lambda a: (a.item_index or 0, a.attempt, a.created_at))
    return TaskPage(
        row=row,
        execution=executions.get(session, row.workflow_execution_id),
        actions=acts,
        children=children(session, [task_id]),
    )


def execution_of_task(session: Session, task_id: str) -> str:
    """The id of the execution task ``task_id`` belongs to (NotFound if there is none)."""
    return rows.get(session, models.TaskExecution, task_id).workflow_execution_id


def waiting(session: Session) -> list[models.ActionExecution]:
    """Running asynchronous action executions: each waits for someone's answer."""
    page = query.Page(limit=WAITING_LIMIT, sort_keys=("created_at",))
    return rows.list_page(
        session, models.ActionExecution, page, {"state": "RUNNING", "is_sync": False}
    )


def workflow(
    session: Session, identifier: str
) -> tuple[models.WorkflowDefinition, specs.WorkflowSpec]:
    """A stored workflow and its spec (NotFound if there is none)."""
    row = definitions.get_workflow(session, identifier)
    return row, specs.WorkflowSpec.model_validate(row.spec)


def workflows(session: Session) -> list[models.WorkflowDefinition]:
    """Stored workflows by name (without their source text)."""
    page = query.Page(
        sort_keys=("name",), fields=("name", "namespace", "input", "tags", "updated_at", "scope")
    )
    return rows.list_page(session, models.WorkflowDefinition, page)


def environments(session: Session) -> list[models.Environment]:
    """Stored environments by name."""
    return rows.list_page(session, models.Environment, query.Page(sort_keys=("name",)))


def cron_triggers(session: Session) -> list[models.CronTrigger]:
    """Cron triggers by name."""
    return rows.list_page(session, models.CronTrigger, query.Page(sort_keys=("name",)))


def now() -> dt.datetime:
    """The current time (UTC), for durations of running things."""
    return dt.datetime.now(dt.UTC)


def require(value: str, field: str) -> str:
    """``value`` stripped; InputError naming ``field`` when empty."""
    if not value.strip():
        raise errors.InputError(f"{field} is required", field=field)
    return value.strip()
