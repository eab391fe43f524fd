"""``/v2/cron_triggers``: start a workflow on a cron pattern (the scheduler fires them)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import croniter
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict

from meltemi import errors
from meltemi.api import paging, render, text
from meltemi.api.deps import DB
from meltemi.store import cron_triggers, definitions, models, rows

router = APIRouter(prefix="/v2/cron_triggers", tags=["cron_triggers"], route_class=render.DataRoute)
FIRST_TIME_FORMAT = "%Y-%m-%d %H:%M"
MIN_DELAY = dt.timedelta(minutes=1)


class CronTrigger(BaseModel):
    """Mistral's CronTrigger resource (``workflow_input``/``workflow_params`` are JSON text)."""

    id: str
    name: str
    workflow_name: str
    workflow_id: str | None
    workflow_input: str
    workflow_params: str
    project_id: str
    scope: str
    pattern: str | None
    remaining_executions: int | None
    first_execution_time: str | None
    next_execution_time: str | None
    created_at: str | None
    updated_at: str | None


class CronTriggerList(BaseModel):
    """A page of cron triggers."""

    cron_triggers: list[CronTrigger]
    next: str | None = None


class CronTriggerIn(BaseModel):
    """What a client sends to create a cron trigger."""

    model_config = ConfigDict(extra="ignore")

    name: str
    workflow_name: str | None = None
    workflow_id: str | None = None
    workflow_input: str | dict[str, Any] | None = None
    workflow_params: str | dict[str, Any] | None = None
    pattern: str | None = None
    first_execution_time: str | None = None
    """``YYYY-MM-DD HH:MM`` in UTC."""
    remaining_executions: int | None = None
    scope: str = "private"


FIELDS = tuple(CronTrigger.model_fields)
FILTERS = {
    "name": paging.Kind.TEXT,
    "workflow_name": paging.Kind.TEXT,
    "workflow_id": paging.Kind.TEXT,
    "workflow_input": paging.Kind.JSON,
    "workflow_params": paging.Kind.JSON,
    "scope": paging.Kind.TEXT,
    "pattern": paging.Kind.TEXT,
    "remaining_executions": paging.Kind.TEXT,
    "first_execution_time": paging.Kind.TEXT,
    "next_execution_time": paging.Kind.TEXT,
    "project_id": paging.Kind.TEXT,
    "created_at": paging.Kind.TEXT,
    "updated_at": paging.Kind.TEXT,
}
Listing = Annotated[paging.Listing, Depends(paging.listing(FILTERS))]


def body(row: models.CronTrigger) -> dict[str, Any]:
    """The resource for a stored cron trigger."""
    return {
        "id": row.id,
        "name": row.name,
        "workflow_name": row.workflow_name,
        "workflow_id": row.workflow_id,
        "workflow_input": render.json_text(row.workflow_input or {}),
        "workflow_params": render.json_text(row.workflow_params or {}),
        "project_id": row.project_id,
        "scope": row.scope,
        "pattern": row.pattern,
        "remaining_executions": row.remaining_executions,
        "first_execution_time": render.timestamp(row.first_execution_time),
        "next_execution_time": render.timestamp(row.next_execution_time),
        "created_at": render.timestamp(row.created_at),
        "updated_at": render.timestamp(row.updated_at),
    }


def _first_time(raw: str | None) -> dt.datetime | None:
    if not raw:
        return None
    try:
        return dt.datetime.strptime(raw, FIRST_TIME_FORMAT).replace(tzinfo=dt.UTC)
    except ValueError as exc:
        raise errors.InputError(str(exc), field="first_execution_time") from None


def schedule(given: CronTriggerIn, now: dt.datetime) -> dict[str, Any]:
    """First/next execution times and count, checked as Mistral checks them."""
    first = _first_time(given.first_execution_time)
    count = given.remaining_executions
    if not (first or given.pattern):
        raise errors.InputError("Pattern or first_execution_time must be specified.")
    if first and first < now + MIN_DELAY:
        raise errors.InputError("first_execution_time must be at least 1 minute in the future.")
    if first and not given.pattern and count and count > 1:
        raise errors.InputError("Pattern must be provided if count is superior to 1.")
    if given.pattern and not croniter.croniter.is_valid(given.pattern):
        raise errors.InputError(f"The specified pattern is not valid: {given.pattern}")
    if first:
        upcoming = first
        count = 1 if not (given.pattern or count) else count
    else:
        upcoming = croniter.croniter(given.pattern, now).get_next(dt.datetime)
    return {
        "pattern": given.pattern,
        "first_execution_time": first,
        "next_execution_time": upcoming,
        "remaining_executions": count,
    }


@router.post("", status_code=201, responses={201: {"model": CronTrigger}})
def create(db: DB, given: CronTriggerIn) -> Any:
    """Create a cron trigger for an existing workflow (409 if the name is taken)."""
    text.check_scope(given.scope)
    timing = schedule(given, dt.datetime.now(dt.UTC))
    identifier = given.workflow_id or given.workflow_name
    if not identifier:
        raise errors.InputError("Workflow ID or workflow name must be provided.")
    with db.transaction() as session:
        workflow = definitions.get_workflow(session, identifier)
        row = rows.create(
            session,
            models.CronTrigger,
            name=given.name,
            workflow_name=workflow.name,
            workflow_id=workflow.id,
            workflow_namespace=workflow.namespace,
            workflow_input=render.parse_json_object(given.workflow_input, "workflow_input"),
            workflow_params=render.parse_json_object(given.workflow_params, "workflow_params"),
            scope=given.scope,
            **timing,
        )
        return body(row)


@router.get("", responses={200: {"model": CronTriggerList}})
def list_(request: Request, db: DB, listing: Listing) -> Any:
    """A page of cron triggers."""
    return paging.stored_page(
        request,
        db,
        listing,
        model=models.CronTrigger,
        resource="cron_triggers",
        render_row=body,
        fields=FIELDS,
    )


@router.get("/{identifier}", responses={200: {"model": CronTrigger}})
def get(db: DB, identifier: str, fields: str = "") -> Any:
    """The cron trigger named (or with id) ``identifier``."""
    wanted = paging.make_fields(fields, FIELDS)
    with db.transaction(readonly=True) as session:
        return render.project(body(cron_triggers.get(session, identifier)), wanted)


@router.delete("/{identifier}", status_code=204)
def delete(db: DB, identifier: str) -> None:
    """Delete a cron trigger."""
    with db.transaction() as session:
        rows.delete(session, cron_triggers.get(session, identifier))
