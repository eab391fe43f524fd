"""``/v2/actions``: registered actions (std and plugins) and ad-hoc action definitions.

Registered actions are not rows, so this list is merged, filtered, sorted and paged in
memory, as Mistral does; its marker is an action's name.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from meltemi import errors, lang
from meltemi.actions import ActionInfo
from meltemi.api import openapi, paging, render, text, workflows
from meltemi.api.deps import DB, Actions
from meltemi.lang import spec as specs
from meltemi.store import definitions, models, query, rows
from meltemi.worker import definitions as texts

router = APIRouter(prefix="/v2/actions", tags=["actions"], route_class=render.DataRoute)


class Action(BaseModel):
    """Mistral's Action resource."""

    id: str
    name: str
    is_system: bool
    input: str
    description: str | None
    tags: list[str]
    definition: str | None
    scope: str
    project_id: str | None
    created_at: str | None
    updated_at: str | None
    namespace: str


class ActionList(BaseModel):
    """A page of actions."""

    actions: list[Action]
    next: str | None = None


FIELDS = tuple(Action.model_fields)
FILTERS = dict.fromkeys(
    (
        "name",
        "scope",
        "tags",
        "description",
        "definition",
        "is_system",
        "input",
        "created_at",
        "updated_at",
    ),
    paging.Kind.TEXT,
)
Listing = Annotated[
    paging.Listing, Depends(paging.listing(FILTERS, default_sort="name", key="name"))
]
Text = Annotated[str, Depends(text.definition_text)]


def body(row: models.ActionDefinition) -> dict[str, Any]:
    """The resource for an ad-hoc action definition."""
    return {
        "id": row.id,
        "name": row.name,
        "is_system": row.is_system,
        "input": row.input,
        "description": row.description,
        "tags": list(row.tags or []),
        "definition": row.definition,
        "scope": row.scope,
        "project_id": row.project_id,
        "created_at": render.timestamp(row.created_at),
        "updated_at": render.timestamp(row.updated_at),
        "namespace": row.namespace,
    }


def registered_body(info: ActionInfo) -> dict[str, Any]:
    """The resource for a registered (std or plugin) action."""
    return {
        "id": info.name,
        "name": info.name,
        "is_system": True,
        "input": info.input,
        "description": info.description,
        "tags": [],
        "definition": "",
        "scope": "public",
        "project_id": None,
        "created_at": None,
        "updated_at": None,
        "namespace": "",
    }


def values(spec: specs.AdHocActionSpec, definition: str, scope: str) -> dict[str, Any]:
    """The columns of an action definition row for ``spec``."""
    columns = texts.action_columns(spec, definition)
    return {**columns, "scope": scope, "is_system": False}


def _parse(definition: str, namespace: str) -> list[tuple[specs.AdHocActionSpec, str]]:
    parsed = lang.load_actions(definition, namespace=namespace)
    texts = workflows.split_definition(definition, [s.name for s in parsed])
    return [(s, texts[s.name]) for s in parsed]


@router.post(
    "",
    status_code=201,
    responses={201: {"model": ActionList}},
    openapi_extra=openapi.DEFINITION_BODY,
)
def create(db: DB, definition: Text, namespace: str = "", scope: str = "private") -> Any:
    """Create every ad-hoc action of the text (409 if one exists already)."""
    text.check_scope(scope)
    parsed = _parse(definition, namespace)
    with db.transaction() as session:
        made = [
            rows.create(session, models.ActionDefinition, **values(s, t, scope)) for s, t in parsed
        ]
        return {"actions": [body(r) for r in made]}


def _update(db: DB, definition: str, namespace: str, scope: str, identifier: str | None) -> Any:
    text.check_scope(scope)
    parsed = _parse(definition, namespace)
    if identifier is not None and len(parsed) > 1:
        raise errors.InputError("Only one action can be updated with an identifier.")
    with db.transaction() as session:
        updated = []
        for spec, own_text in parsed:
            row = (
                definitions.get_action(session, identifier, namespace)
                if identifier is not None
                else rows.find_one(
                    session, models.ActionDefinition, name=spec.name, namespace=namespace
                )
            )
            updated.append(rows.update(session, row, **values(spec, own_text, scope)))
        return {"actions": [body(r) for r in updated]}


@router.put("", responses={200: {"model": ActionList}}, openapi_extra=openapi.DEFINITION_BODY)
def update(db: DB, definition: Text, namespace: str = "", scope: str = "private") -> Any:
    """Replace the definitions of the text's actions (each must exist)."""
    return _update(db, definition, namespace, scope, None)


@router.put(
    "/{identifier}", responses={200: {"model": ActionList}}, openapi_extra=openapi.DEFINITION_BODY
)
def update_one(
    db: DB, identifier: str, definition: Text, namespace: str = "", scope: str = "private"
) -> Any:
    """Replace the definition of the action ``identifier``."""
    return _update(db, definition, namespace, scope, identifier)


@router.post(
    "/validate", responses={200: {"model": text.Validation}}, openapi_extra=openapi.TEXT_BODY
)
async def validate(request: Request) -> Any:
    """Whether the text is a valid list of ad-hoc actions, and why not."""
    return text.validation(lang.load_actions, await text.body_text(request))


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return json.dumps(value)
    return "" if value is None else str(value)


_TESTS: dict[str, Callable[[str, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "neq": lambda a, b: a != b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
    "in": lambda a, b: a in b,
    "nin": lambda a, b: a not in b,
    "has": lambda a, b: str(b) in a,
}


def matches(item: dict[str, Any], filters: dict[str, Any]) -> bool:
    """Whether ``item`` passes every filter (values compared as text, like query strings)."""
    for name, raw in filters.items():
        flt = query.parse_filter(raw)
        if not _TESTS[flt.op](_as_text(item.get(name)), flt.value):
            return False
    return True


def _sorted(items: list[dict[str, Any]], page: paging.Page) -> list[dict[str, Any]]:
    for key, direction in reversed(list(zip(page.sort_keys, page.sort_dirs, strict=True))):
        items.sort(key=lambda i, k=key: (i.get(k) is not None, _as_text(i.get(k))))  # type: ignore[misc]
        if direction == "desc":
            items.reverse()
    return items


def _after_marker(items: list[dict[str, Any]], marker: str | None) -> list[dict[str, Any]]:
    if marker is None:
        return items
    names = [i["name"] for i in items]
    if marker not in names:
        raise errors.NotFound("Action", marker)
    return items[names.index(marker) + 1 :]


def _all_actions(db: DB, registry: Actions, namespace: str) -> list[dict[str, Any]]:
    with db.transaction(readonly=True) as session:
        stored = rows.list_page(
            session, models.ActionDefinition, query.Page(limit=None), {"namespace": namespace}
        )
        adhoc = [body(r) for r in stored]
    return [registered_body(i) for i in registry.describe()] + adhoc


@router.get("", responses={200: {"model": ActionList}})
def list_(
    request: Request, db: DB, registry: Actions, listing: Listing, namespace: str = ""
) -> Any:
    """A page of actions: registered ones and the ad-hoc ones of ``namespace``."""
    page = listing.page
    page.check_fields(FIELDS)
    found = [i for i in _all_actions(db, registry, namespace) if matches(i, listing.filters)]
    selected = _after_marker(_sorted(found, page), page.marker)[: page.limit]
    items = [render.project(i, page.fields) for i in selected]
    return paging.collection(request, "actions", listing, items)


def _find(db: DB, registry: Actions, identifier: str, namespace: str) -> dict[str, Any]:
    with db.transaction(readonly=True) as session:
        try:
            return body(definitions.get_action(session, identifier, namespace))
        except errors.NotFound:
            pass
    info = next((i for i in registry.describe() if i.name == identifier), None)
    if info is None:
        raise errors.NotFound("Action", f"name={identifier}, namespace={namespace}")
    return registered_body(info)


@router.get("/{identifier}", responses={200: {"model": Action}})
@router.get("/{identifier}/", include_in_schema=False)
@router.get("/{identifier}/{namespace}", responses={200: {"model": Action}})
def get(db: DB, registry: Actions, identifier: str, namespace: str = "") -> Any:
    """The action named ``identifier`` (ad-hoc first, then registered)."""
    return _find(db, registry, identifier, namespace)


@router.delete("/{identifier}", status_code=204)
@router.delete("/{identifier}/", status_code=204, include_in_schema=False)
@router.delete("/{identifier}/{namespace}", status_code=204)
def delete(db: DB, registry: Actions, identifier: str, namespace: str = "") -> None:
    """Delete an ad-hoc action; registered actions cannot be deleted."""
    with db.transaction() as session:
        try:
            row = definitions.get_action(session, identifier, namespace)
        except errors.NotFound:
            if identifier in registry:
                raise errors.InputError(
                    f"Attempt to delete a system action: {identifier}"
                ) from None
            raise
        rows.delete(session, row)
