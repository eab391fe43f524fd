"""Workflow, workbook and ad-hoc action definitions: lookups by name or id.

Plain create/update/delete/list go through :mod:`meltemi.store.rows` with the model
(``models.WorkflowDefinition``, ``models.Workbook``, ``models.ActionDefinition``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from meltemi import errors
from meltemi.store import dialects, models, rows

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


@dataclasses.dataclass(frozen=True)
class Stamp:
    """What identifies one version of a workflow definition, without its text."""

    id: str
    name: str
    namespace: str
    updated_at: dt.datetime


def workflow_stamp(session: Session, identifier: str, namespace: str = "") -> Stamp:
    """The stamp of the workflow named (or with id) ``identifier``; see :func:`get`.

    Reads four small columns: callers that cache parsed specs by stamp never load a
    definition's text or spec twice.
    """
    # Prebuilt Core queries on the session's connection: this runs at every start and
    # step, and needs none of the ORM's machinery.
    if _is_uuid(identifier):
        found = dialects.fetch_all(session, _STAMP_BY_ID, {"id": identifier})
    else:
        names = {"name": identifier, "namespace": namespace}
        found = dialects.fetch_all(session, _STAMP_BY_NAME, names)
    for row in sorted(found, key=lambda r: r[2] != namespace):  # its own namespace first
        return Stamp(*row)
    raise errors.NotFound(rows.kind_of(models.WorkflowDefinition), identifier)


_W = models.WorkflowDefinition
_STAMP = sa.select(_W.id, _W.name, _W.namespace, _W.updated_at)
_STAMP_BY_ID = _STAMP.where(_W.id == sa.bindparam("id"))
_STAMP_BY_NAME = _STAMP.where(
    _W.name == sa.bindparam("name"),
    sa.or_(_W.namespace == sa.bindparam("namespace"), _W.namespace == ""),
)


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
