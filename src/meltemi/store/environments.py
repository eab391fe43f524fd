"""Stored environments: lookup by name or id."""

from __future__ import annotations

from sqlalchemy.orm import Session

from meltemi.store import models, rows


def get(session: Session, identifier: str) -> models.Environment:
    """The environment named (or with id) ``identifier``; :class:`errors.NotFound` if none."""
    row = rows.find(session, models.Environment, name=identifier)
    return row if row is not None else rows.get(session, models.Environment, identifier)
