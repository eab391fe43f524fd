"""Where the worker finds definitions: workflow specs and actions, by name.

Parsed specs are cached per process, keyed by definition id and ``updated_at``, so a
step never re-validates a spec it has seen; an updated definition gets a new key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from meltemi import actions, errors
from meltemi.lang.spec import AdHocActionSpec, WorkflowSpec
from meltemi.store import definitions, executions, models, rows
from meltemi.store.db import Database, Session

ActionLookup = Callable[[str], "actions.ActionDef | AdHocActionSpec | None"]


@dataclasses.dataclass
class Catalog:
    """Resolves workflow and action names for one process; caches parsed specs."""

    registry: actions.Registry
    _workflows: dict[tuple[str, dt.datetime], WorkflowSpec] = dataclasses.field(
        default_factory=dict
    )
    _actions: dict[tuple[str, dt.datetime], AdHocActionSpec] = dataclasses.field(
        default_factory=dict
    )
    _snapshots: dict[tuple[str, dt.datetime], dict[str, Any]] = dataclasses.field(
        default_factory=dict
    )
    _uses_executions: dict[int, bool] = dataclasses.field(default_factory=dict)
    _task_json: dict[tuple[int, str], dict[str, Any]] = dataclasses.field(default_factory=dict)

    def task_json(self, spec: WorkflowSpec, name: str) -> dict[str, Any]:
        """The JSON of task ``name`` of ``spec`` (``{}`` if absent), dumped once."""
        key = (id(spec), name)
        found = self._task_json.get(key)
        if found is None:
            task = spec.tasks.get(name)
            found = {} if task is None else task.model_dump(mode="json", by_alias=True)
            self._task_json[key] = found
        return found

    def uses_executions(self, spec: WorkflowSpec) -> bool:
        """True when the workflow calls ``executions()`` (its steps then load a snapshot)."""
        found = self._uses_executions.get(id(spec))
        if found is None:
            found = "executions(" in spec.model_dump_json()
            self._uses_executions[id(spec)] = found
        return found

    def workflow(self, row: models.WorkflowDefinition) -> WorkflowSpec:
        """The parsed spec of a stored workflow definition."""
        key = (row.id, row.updated_at)
        spec = self._workflows.get(key)
        if spec is None:
            spec = WorkflowSpec.model_validate(row.spec)
            self._workflows[key] = spec
            self._snapshots[key] = row.spec
            self._uses_executions[id(spec)] = "executions(" in row.definition
        return spec

    def spec(self, session: Session, stamp: definitions.Stamp) -> WorkflowSpec:
        """The parsed spec of the definition version ``stamp`` (loaded on a cache miss)."""
        spec = self._workflows.get((stamp.id, stamp.updated_at))
        if spec is None:
            spec = self.workflow(rows.get(session, models.WorkflowDefinition, stamp.id))
        return spec

    def snapshot(self, stamp: definitions.Stamp, spec: WorkflowSpec) -> dict[str, Any]:
        """The JSON of ``spec``, the version ``stamp`` of a definition, for a new
        execution to keep (the stored JSON when it was read, else dumped once)."""
        key = (stamp.id, stamp.updated_at)
        found = self._snapshots.get(key)
        if found is None:
            found = self._snapshots[key] = spec_json(spec)
        return found

    def execution_spec(self, session: Session, row: models.WorkflowExecution) -> WorkflowSpec:
        """The spec execution ``row`` runs: the snapshot it started with, from the cache
        by definition version (read from its row on a miss); for an execution stored
        before snapshots, its definition's current spec."""
        if row.workflow_id is None:
            raise errors.EngineError(f"Execution {row.id} has no workflow definition")
        if row.spec_version is None:
            return self.spec(session, definitions.workflow_stamp(session, row.workflow_id))
        key = (row.workflow_id, row.spec_version)
        spec = self._workflows.get(key)
        if spec is None:
            snapshot = executions.spec_of(session, row.id) or {}
            spec = self._workflows[key] = WorkflowSpec.model_validate(snapshot)
            self._snapshots[key] = snapshot
        return spec

    def find_workflow(
        self, session: Session, name: str, *, workbook: str | None = None, namespace: str = ""
    ) -> definitions.Stamp:
        """The workflow ``name``: workbook-local (``wb.name``) first, then global.

        Raises :class:`errors.NotFound`.
        """
        if workbook and not name.startswith(f"{workbook}."):
            try:
                return definitions.workflow_stamp(session, f"{workbook}.{name}", namespace)
            except errors.NotFound:
                pass
        return definitions.workflow_stamp(session, name, namespace)

    def action_lookup(self, db: Database, namespace: str = "") -> ActionLookup:
        """A lookup for :func:`actions.adhoc.runnable`: registered actions, then ad-hoc.

        Ad-hoc actions are read in a short read-only transaction of their own, since
        a nested ad-hoc action resolves its base while it runs.
        """

        def lookup(name: str) -> actions.ActionDef | AdHocActionSpec | None:
            found = self.registry.find(name)
            if found is not None:
                return found
            with db.transaction(readonly=True) as session:
                try:
                    row = definitions.get_action(session, name, namespace)
                except errors.NotFound:
                    return None
                return self._adhoc(row)

        return lookup

    def _adhoc(self, row: models.ActionDefinition) -> AdHocActionSpec | None:
        if row.spec is None:
            return None
        key = (row.id, row.updated_at)
        spec = self._actions.get(key)
        if spec is None:
            spec = AdHocActionSpec.model_validate(row.spec)
            self._actions[key] = spec
        return spec


def spec_json(spec: WorkflowSpec | AdHocActionSpec) -> dict[str, Any]:
    """The JSON form of a spec, as definitions store it."""
    return spec.model_dump(mode="json")
