"""Workflow definitions: create, read by name or id, update, delete."""

from __future__ import annotations

import datetime as dt

import pytest

from meltemi import errors
from meltemi.store import definitions, models, rows
from meltemi.store.db import Database


def _create(db: Database, name: str = "wf", namespace: str = "") -> str:
    with db.transaction() as s:
        row = rows.create(
            s,
            models.WorkflowDefinition,
            name=name,
            namespace=namespace,
            definition="version: '2.0'",
            spec={"tasks": {"t1": {}}},
            input="a, b=1",
        )
        return row.id


def test_created_definition_reads_back_by_name_and_id(db: Database) -> None:
    """A created workflow is found by name and by id with its columns and timestamps."""
    wf_id = _create(db)
    with db.transaction(readonly=True) as s:
        by_name = definitions.get_workflow(s, "wf")
        by_id = definitions.get_workflow(s, wf_id)
    assert by_name.id == by_id.id == wf_id
    assert by_name.spec == {"tasks": {"t1": {}}}
    assert by_name.tags == []
    assert by_name.scope == "private"
    assert by_name.created_at.tzinfo is not None
    assert abs(by_name.created_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)


def test_name_in_namespace_falls_back_to_default_namespace(db: Database) -> None:
    """A name is looked up in the given namespace first, then in the default one."""
    default_id = _create(db, "wf")
    ns_id = _create(db, "wf", "ns1")
    with db.transaction(readonly=True) as s:
        assert definitions.get_workflow(s, "wf", "ns1").id == ns_id
        assert definitions.get_workflow(s, "wf", "ns2").id == default_id
        assert definitions.get_workflow(s, "wf").id == default_id


def test_update_moves_updated_at_and_keeps_created_at(db: Database) -> None:
    """Updating sets the new values and a later updated_at."""
    _create(db)
    with db.transaction() as s:
        row = definitions.get_workflow(s, "wf")
        created, updated = row.created_at, row.updated_at
        rows.update(s, row, definition="changed", tags=["a"])
    with db.transaction(readonly=True) as s:
        again = definitions.get_workflow(s, "wf")
    assert (again.definition, again.tags) == ("changed", ["a"])
    assert again.created_at == created
    assert again.updated_at >= updated


def test_delete_then_get_raises_not_found(db: Database) -> None:
    """A deleted definition is gone; looking it up raises NotFound naming it."""
    _create(db)
    with db.transaction() as s:
        definitions.delete(s, models.WorkflowDefinition, "wf")
    with db.transaction(readonly=True) as s, pytest.raises(errors.NotFound, match="wf"):
        definitions.get_workflow(s, "wf")
