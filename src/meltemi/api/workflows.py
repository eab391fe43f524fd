"""``/v2/workflows``: workflow definitions, created from YAML text (several per text)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from meltemi import errors, lang
from meltemi.api import openapi, paging, render, text
from meltemi.api.deps import DB
from meltemi.lang import spec as specs
from meltemi.store import definitions, models, rows
from meltemi.worker import definitions as texts

router = APIRouter(prefix="/v2/workflows", tags=["workflows"], route_class=render.DataRoute)


class Workflow(BaseModel):
    """Mistral's Workflow resource."""

    id: str
    name: str
    namespace: str
    input: str
    """The input signature, e.g. ``a, b="x"``."""
    interface: str
    """JSON text: ``{"input": [...as declared...], "output": [output keys]}``."""
    definition: str
    checksum: str
    tags: list[str]
    scope: str
    project_id: str
    created_at: str | None
    updated_at: str | None


class Workflows(BaseModel):
    """A page of workflows."""

    workflows: list[Workflow]
    next: str | None = None


FIELDS = tuple(Workflow.model_fields)
FILTERS = {
    "name": paging.Kind.TEXT,
    "input": paging.Kind.TEXT,
    "definition": paging.Kind.TEXT,
    "tags": paging.Kind.TAG,
    "scope": paging.Kind.TEXT,
    "project_id": paging.Kind.TEXT,
    "created_at": paging.Kind.TEXT,
    "updated_at": paging.Kind.TEXT,
    "namespace": paging.Kind.TEXT,
}
Listing = Annotated[paging.Listing, Depends(paging.listing(FILTERS))]
Text = Annotated[str, Depends(text.definition_text)]


def _declared_input(spec: dict[str, Any]) -> list[Any]:
    params = spec.get("input") or []
    return [{p["name"]: p.get("default")} if p.get("has_default") else p["name"] for p in params]


def interface(spec: dict[str, Any]) -> dict[str, Any]:
    """The workflow's interface from its stored spec dump."""
    output = spec.get("output")
    return {
        "input": _declared_input(spec),
        "output": list(output or {}) if isinstance(output, dict) else [],
    }


def body(row: models.WorkflowDefinition) -> dict[str, Any]:
    """The resource for a stored workflow."""
    return {
        "id": row.id,
        "name": row.name,
        "namespace": row.namespace,
        "input": row.input,
        "interface": render.json_text(interface(row.spec)),
        "definition": row.definition,
        "checksum": hashlib.md5(row.definition.encode(), usedforsecurity=False).hexdigest(),
        "tags": list(row.tags or []),
        "scope": row.scope,
        "project_id": row.project_id,
        "created_at": render.timestamp(row.created_at),
        "updated_at": render.timestamp(row.updated_at),
    }


def split_definition(definition: str, names: Sequence[str]) -> dict[str, str]:
    """Each workflow's own text: the whole text if it holds one, else a cut per name."""
    if len(names) == 1:
        return {names[0]: definition}
    document = yaml.safe_load(definition)
    return {
        name: yaml.safe_dump(
            {"version": document.get("version"), name: document.get(name)}, sort_keys=False
        )
        for name in names
    }


def values(spec: specs.WorkflowSpec, definition: str, scope: str) -> dict[str, Any]:
    """The columns of a workflow definition row for ``spec``."""
    return {**texts.workflow_columns(spec, definition), "scope": scope}


def _parse(definition: str, namespace: str) -> list[tuple[specs.WorkflowSpec, str]]:
    parsed = lang.load_workflows(definition, namespace=namespace)
    texts = split_definition(definition, [s.name for s in parsed])
    return [(s, texts[s.name]) for s in parsed]


@router.post(
    "",
    status_code=201,
    responses={201: {"model": Workflows}},
    openapi_extra=openapi.DEFINITION_BODY,
)
def create(db: DB, definition: Text, namespace: str = "", scope: str = "private") -> Any:
    """Create every workflow of the text (409 if one exists already)."""
    text.check_scope(scope)
    parsed = _parse(definition, namespace)
    with db.transaction() as session:
        created = [
            rows.create(session, models.WorkflowDefinition, **values(s, t, scope))
            for s, t in parsed
        ]
        return {"workflows": [body(r) for r in created]}


def _update_all(
    session: Any, parsed: list[tuple[specs.WorkflowSpec, str]], scope: str, identifier: str | None
) -> list[models.WorkflowDefinition]:
    updated = []
    for spec, definition in parsed:
        if identifier is None:
            row = rows.find_one(
                session, models.WorkflowDefinition, name=spec.name, namespace=spec.namespace
            )
        else:
            row = definitions.get_workflow(session, identifier, spec.namespace)
        updated.append(rows.update(session, row, **values(spec, definition, scope)))
    return updated


@router.put("", responses={200: {"model": Workflows}}, openapi_extra=openapi.DEFINITION_BODY)
def update(db: DB, definition: Text, namespace: str = "", scope: str = "private") -> Any:
    """Replace the definitions of the text's workflows (each must exist)."""
    text.check_scope(scope)
    parsed = _parse(definition, namespace)
    with db.transaction() as session:
        return {"workflows": [body(r) for r in _update_all(session, parsed, scope, None)]}


@router.put(
    "/{identifier}", responses={200: {"model": Workflow}}, openapi_extra=openapi.DEFINITION_BODY
)
def update_one(
    db: DB, identifier: str, definition: Text, namespace: str = "", scope: str = "private"
) -> Any:
    """Replace the definition of the workflow ``identifier`` (the text holds one workflow)."""
    text.check_scope(scope)
    parsed = _parse(definition, namespace)
    if len(parsed) > 1:
        raise errors.InputError(
            "More than one workflows are not supported for update with identifier. "
            f"[identifier: {identifier}]"
        )
    with db.transaction() as session:
        return body(_update_all(session, parsed, scope, identifier)[0])


@router.post(
    "/validate", responses={200: {"model": text.Validation}}, openapi_extra=openapi.TEXT_BODY
)
async def validate(request: Request) -> Any:
    """Whether the text is a valid workflow list, and why not."""
    return text.validation(lang.load_workflows, await text.body_text(request))


@router.get("", responses={200: {"model": Workflows}})
def list_(request: Request, db: DB, listing: Listing) -> Any:
    """A page of workflows."""
    return paging.stored_page(
        request,
        db,
        listing,
        model=models.WorkflowDefinition,
        resource="workflows",
        render_row=body,
        fields=FIELDS,
    )


@router.get("/{identifier}", responses={200: {"model": Workflow}})
def get(db: DB, identifier: str, namespace: str = "", fields: str = "") -> Any:
    """The workflow named (or with id) ``identifier``."""
    wanted = paging.make_fields(fields, FIELDS)
    with db.transaction(readonly=True) as session:
        return render.project(
            body(definitions.get_workflow(session, identifier, namespace)), wanted
        )


@router.delete("/{identifier}", status_code=204)
def delete(db: DB, identifier: str, namespace: str = "") -> None:
    """Delete the workflow named (or with id) ``identifier``."""
    with db.transaction() as session:
        definitions.delete(session, models.WorkflowDefinition, identifier, namespace)
