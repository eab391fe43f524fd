"""``/v2/workbooks``: workbooks, stored with their workflows (``wb.wf``) and actions."""

from __future__ import annotations

from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from meltemi import lang
from meltemi.api import actions, openapi, paging, render, text, workflows
from meltemi.api.deps import DB
from meltemi.lang import spec as specs
from meltemi.store import definitions, models, query, rows
from meltemi.store.db import Session
from meltemi.worker import definitions as texts

router = APIRouter(prefix="/v2/workbooks", tags=["workbooks"], route_class=render.DataRoute)


class Workbook(BaseModel):
    """Mistral's Workbook resource."""

    id: str
    name: str
    namespace: str
    definition: str
    tags: list[str]
    scope: str
    project_id: str
    created_at: str | None
    updated_at: str | None


class Workbooks(BaseModel):
    """A page of workbooks."""

    workbooks: list[Workbook]
    next: str | None = None


FIELDS = tuple(Workbook.model_fields)
FILTERS = {
    "name": paging.Kind.TEXT,
    "definition": paging.Kind.TEXT,
    "tags": paging.Kind.TAG,
    "scope": paging.Kind.TEXT,
    "created_at": paging.Kind.TEXT,
    "updated_at": paging.Kind.TEXT,
    "namespace": paging.Kind.TEXT,
}
Listing = Annotated[paging.Listing, Depends(paging.listing(FILTERS))]
Text = Annotated[str, Depends(text.definition_text)]


def body(row: models.Workbook) -> dict[str, Any]:
    """The resource for a stored workbook."""
    return {
        "id": row.id,
        "name": row.name,
        "namespace": row.namespace,
        "definition": row.definition,
        "tags": list(row.tags or []),
        "scope": row.scope,
        "project_id": row.project_id,
        "created_at": render.timestamp(row.created_at),
        "updated_at": render.timestamp(row.updated_at),
    }


def _section_texts(definition: str, spec: specs.WorkbookSpec, section: str) -> dict[str, str]:
    """Each member's own text, ``{version, short_name: body}``, keyed by qualified name."""
    document = yaml.safe_load(definition) or {}
    members = document.get(section) or {}
    names = spec.workflows if section == "workflows" else spec.actions
    prefix = len(spec.name) + 1
    return {
        qualified: yaml.safe_dump(
            {"version": "2.0", qualified[prefix:]: members.get(qualified[prefix:])},
            sort_keys=False,
        )
        for qualified in names
    }


def _add_members(
    session: Session, workbook: models.Workbook, spec: specs.WorkbookSpec, definition: str
) -> None:
    flows = _section_texts(definition, spec, "workflows")
    for name, flow in spec.workflows.items():
        columns = workflows.values(flow, flows[name], workbook.scope)
        rows.create(session, models.WorkflowDefinition, workbook_id=workbook.id, **columns)
    acts = _section_texts(definition, spec, "actions")
    for name, act in spec.actions.items():
        columns = actions.values(act, acts[name], workbook.scope)
        rows.create(session, models.ActionDefinition, workbook_id=workbook.id, **columns)


def _drop_members(session: Session, workbook: models.Workbook) -> None:
    every = query.Page(limit=None)
    for model in (models.WorkflowDefinition, models.ActionDefinition):
        for row in rows.list_page(session, model, every, {"workbook_id": workbook.id}):
            rows.delete(session, row)


def _columns(spec: specs.WorkbookSpec, definition: str, scope: str) -> dict[str, Any]:
    return {**texts.workbook_columns(spec, definition), "scope": scope}


@router.post(
    "", status_code=201, responses={201: {"model": Workbook}}, openapi_extra=openapi.DEFINITION_BODY
)
def create(db: DB, definition: Text, namespace: str = "", scope: str = "private") -> Any:
    """Create a workbook with its workflows and actions (409 if any name is taken)."""
    text.check_scope(scope)
    spec = lang.load_workbook(definition, namespace=namespace)
    with db.transaction() as session:
        workbook = rows.create(session, models.Workbook, **_columns(spec, definition, scope))
        _add_members(session, workbook, spec, definition)
        return body(workbook)


@router.put("", responses={200: {"model": Workbook}}, openapi_extra=openapi.DEFINITION_BODY)
def update(db: DB, definition: Text, namespace: str = "", scope: str = "private") -> Any:
    """Replace a workbook (found by the name in the text) and its members."""
    text.check_scope(scope)
    spec = lang.load_workbook(definition, namespace=namespace)
    with db.transaction() as session:
        workbook = rows.find_one(session, models.Workbook, name=spec.name, namespace=namespace)
        _drop_members(session, workbook)
        rows.update(session, workbook, **_columns(spec, definition, scope))
        _add_members(session, workbook, spec, definition)
        return body(workbook)


@router.post(
    "/validate", responses={200: {"model": text.Validation}}, openapi_extra=openapi.TEXT_BODY
)
async def validate(request: Request) -> Any:
    """Whether the text is a valid workbook, and why not."""
    return text.validation(lang.load_workbook, await text.body_text(request))


@router.get("", responses={200: {"model": Workbooks}})
def list_(request: Request, db: DB, listing: Listing) -> Any:
    """A page of workbooks."""
    return paging.stored_page(
        request,
        db,
        listing,
        model=models.Workbook,
        resource="workbooks",
        render_row=body,
        fields=FIELDS,
    )


@router.get("/{name}", responses={200: {"model": Workbook}})
def get(db: DB, name: str, namespace: str = "", fields: str = "") -> Any:
    """The workbook named (or with id) ``name``."""
    wanted = paging.make_fields(fields, FIELDS)
    with db.transaction(readonly=True) as session:
        return render.project(body(definitions.get_workbook(session, name, namespace)), wanted)


@router.delete("/{name}", status_code=204)
def delete(db: DB, name: str, namespace: str = "") -> None:
    """Delete a workbook with its workflows and actions."""
    with db.transaction() as session:
        definitions.delete(session, models.Workbook, name, namespace)
