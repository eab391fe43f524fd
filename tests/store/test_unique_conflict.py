"""A taken unique key raises Conflict, never a raw IntegrityError."""

from __future__ import annotations

import pytest

from meltemi import errors
from meltemi.store import models, rows
from meltemi.store.db import Database


def test_duplicate_name_in_namespace_raises_conflict(db: Database) -> None:
    """A second workflow with the same name and namespace is a Conflict."""
    values = {"name": "wf", "namespace": "", "definition": "x"}
    with db.transaction() as s:
        rows.create(s, models.WorkflowDefinition, **values)
    with pytest.raises(errors.Conflict), db.transaction() as s:
        rows.create(s, models.WorkflowDefinition, **values)


def test_same_name_in_another_namespace_is_allowed(db: Database) -> None:
    """Names are unique per namespace only."""
    with db.transaction() as s:
        rows.create(s, models.WorkflowDefinition, name="wf", definition="x")
        rows.create(s, models.WorkflowDefinition, name="wf", namespace="ns", definition="x")
    with db.transaction(readonly=True) as s:
        assert rows.count(s, models.WorkflowDefinition, {"name": "wf"}) == 2


def test_conflict_raised_at_commit_is_translated_too(db: Database) -> None:
    """A violation found only when the transaction flushes at commit is a Conflict."""
    with db.transaction() as s:
        rows.create(s, models.Environment, name="env")
    with pytest.raises(errors.Conflict), db.transaction() as s:
        s.add(models.Environment(name="env"))
