"""Workflow, workbook and ad-hoc action definitions: lookups by name or id.

Plain create/update/delete/list go through :mod:`meltemi.store.rows` with the model
(``models.WorkflowDefinition``, ``models.Workbook``, ``models.ActionDefinition``).
"""

from __future__ import annotations

import uuid
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from meltemi import errors
from meltemi.store import models, rows

Definition = TypeVar(
    "Definition", models.WorkflowDefinition, models.Workbook, models.ActionDefinition
)


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def get(
    session: Session, model: type[Definition], identifier: str, namespace: str = ""
) -> Definition:
    """The definition named (or with id) ``identifier``.

    A name is looked up in ``namespace`` first, then in the default namespace ``""``,
    as Mistral resolves names. Raises :class:`errors.NotFound`.
    """
    if _is_uuid(identifier):
        return rows.get(session, model, identifier)
    candidates = session.scalars(
        sa.select(model).where(model.name == identifier, model.namespace.in_({namespace, ""}))
    ).all()
    for row in sorted(candidates, key=lambda r: r.namespace != namespace):
        return row
    raise errors.NotFound(rows.kind_of(model), identifier)


def get_workflow(
    session: Session, identifier: str, namespace: str = ""
) -> models.WorkflowDefinition:
    """The workflow named (or with id) ``identifier``; see :func:`get`."""
    return get(session, models.WorkflowDefinition, identifier, namespace)


def get_action(session: Session, identifier: str, namespace: str = "") -> models.ActionDefinition:
    """The ad-hoc action named (or with id) ``identifier``; see :func:`get`."""
    return get(session, models.ActionDefinition, identifier, namespace)


def get_workbook(session: Session, identifier: str, namespace: str = "") -> models.Workbook:
    """The workbook named (or with id) ``identifier``; see :func:`get`."""
    return get(session, models.Workbook, identifier, namespace)


def delete(session: Session, model: type[Definition], identifier: str, namespace: str = "") -> None:
    """Delete a definition; a workbook takes its workflows and actions with it."""
    rows.delete(session, get(session, model, identifier, namespace))
