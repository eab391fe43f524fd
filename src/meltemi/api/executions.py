"""``/v2/executions``: workflow executions. Reads from the store; changes through control."""

from __future__ import annotations

import functools
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict

from meltemi import errors
from meltemi.api import paging, render
from meltemi.api.deps import DB, Ctl
from meltemi.store import executions, models, rows
from meltemi.store.db import Database

router = APIRouter(prefix="/v2/executions", tags=["executions"], route_class=render.DataRoute)
COMPLETED = ("SUCCESS", "ERROR", "CANCELLED")
SETTABLE = ("RUNNING", "PAUSED", *COMPLETED)


class Execution(BaseModel):
    """Mistral's Execution resource (``input``, ``output``, ``params``,
    ``published_global`` are JSON text)."""

    id: str
    workflow_id: str | None
    workflow_name: str
    workflow_namespace: str
    description: str
    tags: list[str]
    params: str
    task_execution_id: str | None
    root_execution_id: str | None
    state: str
    state_info: str | None
    input: str
    output: str | None = None
    """Left out of lists unless ``include_output=true``."""
    created_at: str | None
    updated_at: str | None
    project_id: str
    published_global: str


class ExecutionList(BaseModel):
    """A page of executions."""

    executions: list[Execution]
    next: str | None = None


class ExecutionIn(BaseModel):
    """What a client sends to start or change an execution; JSON fields as text or JSON."""

    model_config = ConfigDict(extra="ignore")

    id: str | None = None
    workflow_id: str | None = None
    workflow_name: str | None = None
    workflow_namespace: str | None = None
    source_execution_id: str | None = None
    description: str | None = None
    input: str | dict[str, Any] | None = None
    params: str | dict[str, Any] | None = None
    state: str | None = None
    state_info: str | None = None


FIELDS = tuple(Execution.model_fields)
RENAMED = {"task_execution_id": "parent_task_execution_id"}
"""API attribute -> store column, where they differ."""
FILTERS = {
    "workflow_name": paging.Kind.TEXT,
    "workflow_id": paging.Kind.TEXT,
    "workflow_namespace": paging.Kind.TEXT,
    "description": paging.Kind.TEXT,
    "tags": paging.Kind.TAG,
    "params": paging.Kind.JSON,
    "task_execution_id": paging.Kind.TEXT,
    "root_execution_id": paging.Kind.TEXT,
    "state": paging.Kind.TEXT,
    "state_info": paging.Kind.TEXT,
    "input": paging.Kind.JSON,
    "output": paging.Kind.JSON,
    "created_at": paging.Kind.TEXT,
    "updated_at": paging.Kind.TEXT,
    "project_id": paging.Kind.TEXT,
}
Listing = Annotated[paging.Listing, Depends(paging.listing(FILTERS))]


def body(row: executions.Resource, *, with_output: bool = True) -> dict[str, Any]:
    """The resource for a stored execution."""
    out = {
        "id": row.id,
        "workflow_id": row.workflow_id,
        "workflow_name": row.workflow_name,
        "workflow_namespace": row.workflow_namespace,
        "description": row.description,
        "tags": list(row.tags or []),
        "params": render.json_text(row.params or {}),
        "task_execution_id": row.parent_task_execution_id,
        "root_execution_id": row.root_execution_id,
        "state": row.state,
        "state_info": row.state_info,
        "input": render.json_text(row.input or {}),
        "output": render.json_text(row.output or {}),
        "created_at": render.timestamp(row.created_at),
        "updated_at": render.timestamp(row.updated_at),
        "project_id": row.project_id,
        "published_global": render.json_text(row.published_global or {}),
    }
    if not with_output:
        del out["output"]
    return out


def read(db: Database, execution_id: str) -> dict[str, Any]:
    """The resource of execution ``execution_id`` (NotFound if there is none)."""
    with db.transaction(readonly=True) as session:
        return body(executions.resource(session, execution_id))


def list_page(
    request: Request, db: Database, listing: paging.Listing, *, include_output: bool
) -> dict[str, Any]:
    """A page of executions as a collection body (also serves a task's sub-workflows)."""
    return paging.stored_page(
        request,
        db,
        listing,
        model=models.WorkflowExecution,
        resource="executions",
        render_row=functools.partial(body, with_output=include_output),
        fields=FIELDS,
        renamed=RENAMED,
    )


def _with_source(db: Database, given: ExecutionIn) -> ExecutionIn:
    """``given`` completed by its source execution, as Mistral re-runs one."""
    if not given.source_execution_id:
        return given
    with db.transaction(readonly=True) as session:
        source = executions.get(session, given.source_execution_id)
        inherited = {
            "workflow_id": source.workflow_id,
            "workflow_name": source.workflow_name,
            "workflow_namespace": source.workflow_namespace,
            "input": source.input,
            "params": source.params,
        }
    description = f"{given.description or ''} Based on the execution '{source.id}'".strip()
    explicit = given.model_dump(exclude_none=True)
    return ExecutionIn.model_validate({**inherited, **explicit, "description": description})


@router.post("", status_code=201, responses={201: {"model": Execution}})
def create(db: DB, control: Ctl, given: ExecutionIn) -> Any:
    """Start a workflow execution (201 with the execution, RUNNING or already finished)."""
    if given.id:
        try:
            return read(db, given.id)
        except errors.NotFound:
            pass
    given = _with_source(db, given)
    identifier = given.workflow_id or given.workflow_name
    if not identifier:
        raise errors.InputError(
            "Workflow ID or workflow name must be provided. Workflow ID is recommended."
        )
    row = control.start_execution(
        workflow_identifier=identifier,
        namespace=given.workflow_namespace or "",
        input=render.parse_json_object(given.input, "input"),
        params=render.parse_json_object(given.params, "params"),
        description=given.description or "",
    )
    return body(row)


def _check_change(given: ExecutionIn, env: dict[str, Any] | None) -> None:
    if not (given.state or given.description or env):
        raise errors.InputError(
            "The property state, description, or env is not provided for update."
        )
    if given.description and given.state:
        raise errors.InputError("The property description must be updated separately from state.")
    if env and given.state != "RUNNING":
        raise errors.InputError(
            "The property env can only be updated when workflow execution is not running "
            "or on resume from pause."
        )
    if given.state and given.state not in SETTABLE:
        raise errors.InputError(
            f"Cannot change state to {given.state}. Allowed states are: '{', '.join(SETTABLE)}"
        )


@router.put("/{execution_id}", responses={200: {"model": Execution}})
def update(db: DB, control: Ctl, execution_id: str, given: ExecutionIn) -> Any:
    """Change an execution's state (pause, resume with an optional env, stop) or description."""
    env = render.parse_json_object(given.params, "params").get("env") or None
    _check_change(given, env)
    if given.description:
        with db.transaction() as session:
            rows.update(
                session, executions.get(session, execution_id), description=given.description
            )
    if given.state:
        control.set_execution_state(
            execution_id, state=given.state, state_info=given.state_info, env=env
        )
    return read(db, execution_id)


@router.get("", responses={200: {"model": ExecutionList}})
def list_(request: Request, db: DB, listing: Listing, include_output: bool = False) -> Any:
    """A page of executions (``output`` only with ``include_output=true``)."""
    return list_page(request, db, listing, include_output=include_output)


@router.get("/{execution_id}", responses={200: {"model": Execution}})
def get(db: DB, execution_id: str, fields: str = "") -> Any:
    """The execution ``execution_id``."""
    wanted = paging.make_fields(fields, FIELDS)
    return render.project(read(db, execution_id), wanted)


@router.delete("/{execution_id}", status_code=204)
def delete(db: DB, control: Ctl, execution_id: str, force: bool = False) -> None:
    """Delete a finished execution (or any, with ``force=true``)."""
    state = read(db, execution_id)["state"]
    if not force and state not in COMPLETED:
        raise errors.Conflict(
            "Only completed executions can be deleted. Use --force to override this. "
            f"Execution {execution_id} is in {state} state"
        )
    control.delete_execution(execution_id, force=force)
