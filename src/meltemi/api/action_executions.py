"""``/v2/action_executions``: action executions; running an action; completing one."""

from __future__ import annotations

import contextlib
import functools
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict

from meltemi import errors
from meltemi.api import paging, render
from meltemi.api.deps import DB, Ctl
from meltemi.store import models, rows
from meltemi.store.db import Database

router = APIRouter(
    prefix="/v2/action_executions", tags=["action_executions"], route_class=render.DataRoute
)
COMPLETED = ("SUCCESS", "ERROR", "CANCELLED")
SETTABLE = (*COMPLETED, "PAUSED", "RUNNING")


class ActionExecution(BaseModel):
    """Mistral's ActionExecution resource (``input``, ``output``, ``params`` are JSON text)."""

    id: str
    workflow_name: str | None
    workflow_namespace: str
    task_name: str | None
    task_execution_id: str | None
    state: str
    state_info: str | None
    tags: list[str]
    name: str
    description: str
    project_id: str
    accepted: bool
    input: str
    output: str | None = None
    """Left out of lists unless ``include_output=true``."""
    created_at: str | None
    updated_at: str | None
    params: str


class ActionExecutionList(BaseModel):
    """A page of action executions."""

    action_executions: list[ActionExecution]
    next: str | None = None


class ActionExecutionIn(BaseModel):
    """What a client sends to run an action, or to complete a running one."""

    model_config = ConfigDict(extra="ignore")

    name: str | None = None
    description: str | None = None
    workflow_namespace: str | None = None
    input: str | dict[str, Any] | None = None
    params: str | dict[str, Any] | None = None
    state: str | None = None
    output: Any = None


FIELDS = tuple(ActionExecution.model_fields)
FILTERS = {
    "name": paging.Kind.TEXT,
    "tags": paging.Kind.TAG,
    "workflow_name": paging.Kind.TEXT,
    "task_name": paging.Kind.TEXT,
    "task_execution_id": paging.Kind.TEXT,
    "state": paging.Kind.TEXT,
    "state_info": paging.Kind.TEXT,
    "accepted": paging.Kind.TEXT,
    "input": paging.Kind.JSON,
    "output": paging.Kind.JSON,
    "params": paging.Kind.JSON,
    "description": paging.Kind.TEXT,
    "created_at": paging.Kind.TEXT,
    "updated_at": paging.Kind.TEXT,
}
Listing = Annotated[paging.Listing, Depends(paging.listing(FILTERS))]


def body(row: models.ActionExecution, *, with_output: bool = True) -> dict[str, Any]:
    """The resource for a stored action execution."""
    out = {
        "id": row.id,
        "workflow_name": row.workflow_name,
        "workflow_namespace": row.workflow_namespace,
        "task_name": row.task_name,
        "task_execution_id": row.task_execution_id,
        "state": row.state,
        "state_info": row.state_info,
        "tags": list(row.tags or []),
        "name": row.name,
        "description": row.description,
        "project_id": row.project_id,
        "accepted": row.accepted,
        "input": render.json_text(row.input or {}),
        "output": render.json_text(row.output),
        "created_at": render.timestamp(row.created_at),
        "updated_at": render.timestamp(row.updated_at),
        "params": render.json_text(row.params or {}),
    }
    if not with_output:
        del out["output"]
    return out


def read(db: Database, action_execution_id: str) -> dict[str, Any]:
    """The resource of action execution ``action_execution_id``."""
    with db.transaction(readonly=True) as session:
        return body(rows.get(session, models.ActionExecution, action_execution_id))


def list_page(
    request: Request, db: Database, listing: paging.Listing, *, include_output: bool
) -> dict[str, Any]:
    """A page of action executions as a collection body (also serves a task's list)."""
    return paging.stored_page(
        request,
        db,
        listing,
        model=models.ActionExecution,
        resource="action_executions",
        render_row=functools.partial(body, with_output=include_output),
        fields=FIELDS,
    )


@router.post("", status_code=201, responses={201: {"model": ActionExecution}})
def create(db: DB, control: Ctl, given: ActionExecutionIn) -> Any:
    """Run an action outside any workflow (``params``: run_sync, save_result, timeout)."""
    if not given.name:
        raise errors.InputError("Please provide at least action name to run action.", field="name")
    params = render.parse_json_object(given.params, "params")
    timeout = params.get("timeout")
    action_execution_id = control.run_action(
        given.name,
        render.parse_json_object(given.input, "input"),
        run_sync=bool(params.get("run_sync", False)),
        save_result=bool(params.get("save_result", False)),
        timeout=float(timeout) if timeout is not None else None,
    )
    return read(db, action_execution_id)


def _output(given: ActionExecutionIn) -> Any:
    """The output as sent: JSON text is decoded, other text kept as it is."""
    output = given.output
    if isinstance(output, str):
        with contextlib.suppress(ValueError):
            output = json.loads(output)
    if given.state == "ERROR" and not output:
        return "Unknown error"
    return output


@router.put("/{action_execution_id}", responses={200: {"model": ActionExecution}})
def update(db: DB, control: Ctl, action_execution_id: str, given: ActionExecutionIn) -> Any:
    """Complete a running action execution with ``state`` and ``output`` (409 if finished)."""
    if given.state not in SETTABLE:
        raise errors.InputError(
            f"Error. Expected one of {list(SETTABLE)}, actual: {given.state}", field="state"
        )
    control.complete_action(action_execution_id, state=given.state, output=_output(given))
    return read(db, action_execution_id)


@router.get("", responses={200: {"model": ActionExecutionList}})
def list_(request: Request, db: DB, listing: Listing, include_output: bool = False) -> Any:
    """A page of action executions (``output`` only with ``include_output=true``)."""
    return list_page(request, db, listing, include_output=include_output)


@router.get("/{action_execution_id}", responses={200: {"model": ActionExecution}})
def get(db: DB, action_execution_id: str, fields: str = "") -> Any:
    """The action execution ``action_execution_id``, with its output."""
    wanted = paging.make_fields(fields, FIELDS)
    return render.project(read(db, action_execution_id), wanted)


@router.delete("/{action_execution_id}", status_code=204)
def delete(db: DB, action_execution_id: str) -> None:
    """Delete a finished action execution that ran outside any workflow."""
    with db.transaction() as session:
        row = rows.get(session, models.ActionExecution, action_execution_id)
        if row.task_execution_id:
            raise errors.Conflict("Only ad-hoc action execution can be deleted.")
        if row.state not in COMPLETED:
            raise errors.Conflict("Only completed action execution can be deleted.")
        rows.delete(session, row)
