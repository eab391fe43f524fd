"""``/v2/environments``: named variable sets an execution can use as its ``env``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request
from pydantic import BaseModel

from meltemi import errors
from meltemi.api import paging, render, text
from meltemi.api.deps import DB
from meltemi.store import environments, models, rows

router = APIRouter(prefix="/v2/environments", tags=["environments"], route_class=render.DataRoute)


class Environment(BaseModel):
    """Mistral's Environment resource (``variables`` is JSON text)."""

    id: str
    name: str
    description: str | None
    variables: str
    scope: str
    project_id: str
    created_at: str | None
    updated_at: str | None


class Environments(BaseModel):
    """A page of environments."""

    environments: list[Environment]
    next: str | None = None


FIELDS = tuple(Environment.model_fields)
FILTERS = {
    "name": paging.Kind.TEXT,
    "description": paging.Kind.TEXT,
    "variables": paging.Kind.JSON,
    "scope": paging.Kind.TEXT,
    "created_at": paging.Kind.TEXT,
    "updated_at": paging.Kind.TEXT,
}
Listing = Annotated[paging.Listing, Depends(paging.listing(FILTERS))]
Payload = Annotated[dict[str, Any], Body(examples=[{"name": "prod", "variables": '{"k": 1}'}])]
EDITABLE = ("description", "variables", "scope")


def body(row: models.Environment) -> dict[str, Any]:
    """The resource for a stored environment."""
    return {
        "id": row.id,
        "name": row.name,
        "description": row.description,
        "variables": render.json_text(row.variables),
        "scope": row.scope,
        "project_id": row.project_id,
        "created_at": render.timestamp(row.created_at),
        "updated_at": render.timestamp(row.updated_at),
    }


def _columns(payload: dict[str, Any], legal: tuple[str, ...]) -> dict[str, Any]:
    """The columns a request body sets, checked as Mistral checks them."""
    if set(payload) - set(legal):
        raise errors.InputError(
            "Please, check your environment definition. Only: "
            f"{list(legal)} are allowed as definition keys."
        )
    columns = {k: v for k, v in payload.items() if k != "name"}
    if "variables" in columns:
        columns["variables"] = render.parse_json_object(columns["variables"], "variables")
    if "scope" in columns:
        columns["scope"] = text.check_scope(columns["scope"] or "private")
    return columns


def _name(payload: dict[str, Any]) -> str:
    name = payload.get("name")
    if not isinstance(name, str) or not name:
        raise errors.InputError("Name of the environment is not provided.", field="name")
    return name


@router.post("", status_code=201, responses={201: {"model": Environment}})
def create(db: DB, payload: Payload) -> Any:
    """Create an environment (409 if the name is taken)."""
    name = _name(payload)
    columns = _columns(payload, ("name", *EDITABLE))
    with db.transaction() as session:
        return body(rows.create(session, models.Environment, name=name, **columns))


@router.put("", responses={200: {"model": Environment}})
def update(db: DB, payload: Payload) -> Any:
    """Change an environment's description, variables or scope (found by ``name``)."""
    name = _name(payload)
    columns = _columns(payload, ("name", *EDITABLE))
    with db.transaction() as session:
        return body(rows.update(session, environments.get(session, name), **columns))


@router.get("", responses={200: {"model": Environments}})
def list_(request: Request, db: DB, listing: Listing) -> Any:
    """A page of environments."""
    return paging.stored_page(
        request,
        db,
        listing,
        model=models.Environment,
        resource="environments",
        render_row=body,
        fields=FIELDS,
    )


@router.get("/{name}", responses={200: {"model": Environment}})
def get(db: DB, name: str, fields: str = "") -> Any:
    """The environment named (or with id) ``name``."""
    wanted = paging.make_fields(fields, FIELDS)
    with db.transaction(readonly=True) as session:
        return render.project(body(environments.get(session, name)), wanted)


@router.delete("/{name}", status_code=204)
def delete(db: DB, name: str) -> None:
    """Delete an environment."""
    with db.transaction() as session:
        rows.delete(session, environments.get(session, name))
