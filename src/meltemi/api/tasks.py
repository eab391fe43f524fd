"""``/v2/tasks`` and ``/v2/executions/{id}/tasks``: task executions, and rerunning one."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict

from meltemi import errors
from meltemi.api import action_executions, executions, paging, render
from meltemi.api.deps import DB, Ctl
from meltemi.store import executions as stored_executions
from meltemi.store import models, rows
from meltemi.store.db import Database

router = APIRouter(tags=["tasks"], route_class=render.DataRoute)


class Task(BaseModel):
    """Mistral's Task resource (``published``, ``runtime_context``, ``env`` are JSON text)."""

    id: str
    name: str
    type: str
    workflow_name: str
    workflow_namespace: str
    workflow_id: str | None
    workflow_execution_id: str
    tags: list[str]
    state: str
    state_info: str | None
    project_id: str
    runtime_context: str
    result: str | None = None
    """JSON text of the task's result; only when one task is read, never in lists."""
    published: str
    processed: bool
    created_at: str | None
    updated_at: str | None
    started_at: str | None
    finished_at: str | None
    env: str


class TaskList(BaseModel):
    """A page of tasks."""

    tasks: list[Task]
    next: str | None = None


class TaskIn(BaseModel):
    """A rerun request: ``{"state": "RUNNING", "reset": true, "env": "{...}"}``."""

    model_config = ConfigDict(extra="ignore")

    id: str | None = None
    name: str | None = None
    workflow_name: str | None = None
    state: str | None = None
    reset: bool | None = None
    env: str | dict[str, Any] | None = None


FIELDS = tuple(Task.model_fields)
FILTERS = {
    "name": paging.Kind.TEXT,
    "workflow_name": paging.Kind.TEXT,
    "workflow_id": paging.Kind.TEXT,
    "workflow_execution_id": paging.Kind.TEXT,
    "tags": paging.Kind.TAG,
    "state": paging.Kind.TEXT,
    "state_info": paging.Kind.TEXT,
    "result": paging.Kind.JSON,
    "published": paging.Kind.JSON,
    "processed": paging.Kind.TEXT,
    "created_at": paging.Kind.TEXT,
    "updated_at": paging.Kind.TEXT,
    "env": paging.Kind.JSON,
}
Listing = Annotated[paging.Listing, Depends(paging.listing(FILTERS))]
ExecutionListing = Annotated[paging.Listing, Depends(paging.listing(executions.FILTERS))]
ActionListing = Annotated[paging.Listing, Depends(paging.listing(action_executions.FILTERS))]


def body(row: models.TaskExecution, *, with_result: bool = False) -> dict[str, Any]:
    """The resource for a stored task execution."""
    out = {
        "id": row.id,
        "name": row.name,
        "type": row.type,
        "workflow_name": row.workflow_name,
        "workflow_namespace": row.workflow_namespace,
        "workflow_id": row.workflow_id,
        "workflow_execution_id": row.workflow_execution_id,
        "tags": list(row.tags or []),
        "state": row.state,
        "state_info": row.state_info,
        "project_id": row.project_id,
        "runtime_context": render.json_text(row.runtime_context or {}),
        "published": render.json_text(row.published or {}),
        "processed": row.processed,
        "created_at": render.timestamp(row.created_at),
        "updated_at": render.timestamp(row.updated_at),
        "started_at": render.timestamp(row.started_at),
        "finished_at": render.timestamp(row.finished_at),
        "env": render.json_text(row.env or {}),
    }
    if with_result:
        out["result"] = json.dumps(row.result)
    return out


def read(db: Database, task_id: str) -> dict[str, Any]:
    """The resource of task execution ``task_id``, with its result."""
    with db.transaction(readonly=True) as session:
        return body(rows.get(session, models.TaskExecution, task_id), with_result=True)


def _page(request: Request, db: Database, listing: paging.Listing) -> dict[str, Any]:
    return paging.stored_page(
        request,
        db,
        listing,
        model=models.TaskExecution,
        resource="tasks",
        render_row=body,
        fields=FIELDS,
    )


@router.get("/v2/tasks", responses={200: {"model": TaskList}})
def list_(request: Request, db: DB, listing: Listing) -> Any:
    """A page of task executions."""
    return _page(request, db, listing)


@router.get("/v2/executions/{execution_id}/tasks", responses={200: {"model": TaskList}})
def list_for_execution(request: Request, db: DB, execution_id: str, listing: Listing) -> Any:
    """A page of the task executions of one workflow execution (404 if it does not exist)."""
    with db.transaction(readonly=True) as session:
        stored_executions.get(session, execution_id)
    return _page(request, db, listing.with_filter("workflow_execution_id", execution_id))


@router.get("/v2/tasks/{task_id}", responses={200: {"model": Task}})
def get(db: DB, task_id: str, fields: str = "") -> Any:
    """The task execution ``task_id``, with its ``result``."""
    wanted = paging.make_fields(fields, FIELDS)
    return render.project(read(db, task_id), wanted)


def _check_rerun(current: dict[str, Any], spec: dict[str, Any], given: TaskIn) -> None:
    if given.name and given.name != current["name"]:
        raise errors.InputError("Task name does not match.")
    if given.workflow_name and given.workflow_name != current["workflow_name"]:
        raise errors.InputError("Workflow name does not match.")
    if given.state != "RUNNING":
        raise errors.InputError("Invalid task state. Only updating task to RUNNING is supported.")
    if current["state"] != "ERROR":
        raise errors.InputError(
            "The current task execution must be in ERROR for rerun. "
            "Only updating task to rerun is supported."
        )
    if given.reset is None:
        raise errors.InputError("Reset field is mandatory to rerun task.")
    if not given.reset and not (spec.get("with_items") or spec.get("with-items")):
        raise errors.InputError("Only with-items task has the option to not reset.")


@router.put("/v2/tasks/{task_id}", responses={200: {"model": Task}})
def rerun(db: DB, control: Ctl, task_id: str, given: TaskIn) -> Any:
    """Rerun a failed task (``{"state": "RUNNING", "reset": true}``, optionally ``env``)."""
    with db.transaction(readonly=True) as session:
        row = rows.get(session, models.TaskExecution, task_id)
        current, spec = body(row), dict(row.spec or {})
    _check_rerun(current, spec, given)
    env = render.parse_json_object(given.env, "env") or None
    control.rerun_task(task_id, reset=bool(given.reset), env=env)
    return read(db, task_id)


@router.get(
    "/v2/tasks/{task_id}/action_executions",
    responses={200: {"model": action_executions.ActionExecutionList}},
)
def list_actions(
    request: Request, db: DB, task_id: str, listing: ActionListing, include_output: bool = False
) -> Any:
    """A page of the action executions (every attempt) of one task execution."""
    narrowed = listing.with_filter("task_execution_id", task_id)
    return action_executions.list_page(request, db, narrowed, include_output=include_output)


@router.get(
    "/v2/tasks/{task_id}/workflow_executions",
    responses={200: {"model": executions.ExecutionList}},
)
def list_subworkflows(request: Request, db: DB, task_id: str, listing: ExecutionListing) -> Any:
    """A page of the sub-workflow executions started by one task execution."""
    narrowed = listing.with_filter("task_execution_id", task_id)
    return executions.list_page(request, db, narrowed, include_output=False)
