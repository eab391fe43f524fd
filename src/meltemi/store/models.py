"""The tables, as SQLAlchemy 2 typed models.

Columns follow the resources of Mistral's REST API v2 so that the API can serve them
without reshaping; JSON fields hold native values (the API encodes them as strings).
Timestamps are timezone-aware UTC and default to the database's clock.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from meltemi.store.dialects import Json, UtcDateTime, utcnow

DEFAULT_PROJECT = "<default-project>"
"""Mistral's project id when authentication is off."""

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
"""Autoincrement key: BIGINT on PostgreSQL, INTEGER (the rowid) on SQLite."""


def new_id() -> str:
    """A new random identifier (UUID text, as Mistral uses)."""
    return str(uuid.uuid4())


def _now_column(*, onupdate: bool = False, index: bool = False) -> Mapped[dt.datetime]:
    return mapped_column(
        UtcDateTime(), default=utcnow(), onupdate=utcnow() if onupdate else None, index=index
    )


def _json(factory: type[dict[str, Any] | list[Any]] | None = None) -> Any:
    """A JSON column; without a ``factory`` (``dict`` or ``list``) it is nullable."""
    return mapped_column(Json, default=factory, nullable=factory is None)


class Base(DeclarativeBase):
    """Base of every model; ``eager_defaults`` reads DB-side defaults via RETURNING."""

    metadata = sa.MetaData(naming_convention=NAMING)
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy's own protocol


class _Stamped:
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    created_at: Mapped[dt.datetime] = _now_column(index=True)
    updated_at: Mapped[dt.datetime] = _now_column(onupdate=True)


class _Owned(_Stamped):
    scope: Mapped[str] = mapped_column(sa.String(16), default="private")
    project_id: Mapped[str] = mapped_column(sa.String(128), default=DEFAULT_PROJECT)


class Workbook(_Owned, Base):
    """A workbook: workflows and actions defined together."""

    __tablename__ = "workbooks"
    __table_args__ = (sa.UniqueConstraint("name", "namespace"),)

    name: Mapped[str] = mapped_column(sa.String(255))
    namespace: Mapped[str] = mapped_column(sa.String(255), default="")
    definition: Mapped[str] = mapped_column(sa.Text)
    spec: Mapped[dict[str, Any]] = _json(dict)
    tags: Mapped[list[str]] = _json(list)


class WorkflowDefinition(_Owned, Base):
    """A stored workflow (standalone, or ``wb.wf`` from a workbook)."""

    __tablename__ = "workflow_definitions"
    __table_args__ = (sa.UniqueConstraint("name", "namespace"),)

    name: Mapped[str] = mapped_column(sa.String(255))
    namespace: Mapped[str] = mapped_column(sa.String(255), default="")
    definition: Mapped[str] = mapped_column(sa.Text)
    spec: Mapped[dict[str, Any]] = _json(dict)
    """The parsed spec dump, so an execution need not re-parse the text."""
    tags: Mapped[list[str]] = _json(list)
    input: Mapped[str] = mapped_column(sa.Text, default="")
    """The input signature as Mistral shows it, e.g. ``a, b="x"``."""
    workbook_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("workbooks.id", ondelete="CASCADE"), index=True
    )


class ActionDefinition(_Owned, Base):
    """An ad-hoc action (or a system action listed for the API)."""

    __tablename__ = "action_definitions"
    __table_args__ = (sa.UniqueConstraint("name", "namespace"),)

    name: Mapped[str] = mapped_column(sa.String(255))
    namespace: Mapped[str] = mapped_column(sa.String(255), default="")
    definition: Mapped[str | None] = mapped_column(sa.Text)
    spec: Mapped[dict[str, Any] | None] = _json()
    input: Mapped[str] = mapped_column(sa.Text, default="")
    description: Mapped[str | None] = mapped_column(sa.Text)
    is_system: Mapped[bool] = mapped_column(default=False)
    tags: Mapped[list[str]] = _json(list)
    workbook_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("workbooks.id", ondelete="CASCADE"), index=True
    )


class Environment(_Owned, Base):
    """A named set of variables usable as an execution's ``env``."""

    __tablename__ = "environments"

    name: Mapped[str] = mapped_column(sa.String(255), unique=True)
    variables: Mapped[dict[str, Any]] = _json(dict)
    description: Mapped[str | None] = mapped_column(sa.Text)


class CronTrigger(_Owned, Base):
    """Starts a workflow on a cron pattern."""

    __tablename__ = "cron_triggers"

    name: Mapped[str] = mapped_column(sa.String(255), unique=True)
    pattern: Mapped[str | None] = mapped_column(sa.String(100))
    workflow_name: Mapped[str] = mapped_column(sa.String(255))
    workflow_id: Mapped[str | None] = mapped_column(sa.String(36))
    workflow_namespace: Mapped[str] = mapped_column(sa.String(255), default="")
    workflow_input: Mapped[dict[str, Any]] = _json(dict)
    workflow_params: Mapped[dict[str, Any]] = _json(dict)
    first_execution_time: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    next_execution_time: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), index=True)
    remaining_executions: Mapped[int | None]


class WorkflowExecution(_Stamped, Base):
    """One run of a workflow; ``engine_state`` is the pure engine's whole state."""

    __tablename__ = "workflow_executions"
    __table_args__ = (
        # The list pages filter by state or workflow and show the newest first; these
        # serve filters by state or workflow alone too.
        sa.Index("ix_workflow_executions_state_created_at", "state", "created_at"),
        sa.Index("ix_workflow_executions_workflow_name_created_at", "workflow_name", "created_at"),
    )

    workflow_name: Mapped[str] = mapped_column(sa.String(255))
    workflow_id: Mapped[str | None] = mapped_column(sa.String(36))
    workflow_namespace: Mapped[str] = mapped_column(sa.String(255), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[str] = mapped_column(sa.String(20))
    state_info: Mapped[str | None] = mapped_column(sa.Text)
    input: Mapped[dict[str, Any]] = _json(dict)
    output: Mapped[dict[str, Any]] = _json(dict)
    params: Mapped[dict[str, Any]] = _json(dict)
    published_global: Mapped[dict[str, Any]] = _json(dict)
    tags: Mapped[list[str]] = _json(list)
    parent_task_execution_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    root_execution_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    engine_state: Mapped[dict[str, Any]] = mapped_column(
        sa.JSON, default=dict, deferred=True, deferred_raiseload=True
    )
    """Opaque to the store; loaded only on request (it can be large). Plain ``json`` on
    PostgreSQL: kept as text, never parsed into ``jsonb``, since nothing queries it."""
    spec: Mapped[dict[str, Any] | None] = mapped_column(
        sa.JSON, deferred=True, deferred_raiseload=True
    )
    """The workflow spec this execution runs, as it was when it started (``None`` for
    executions stored before this column: they run their definition's)."""
    spec_version: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    """``updated_at`` of the definition :attr:`spec` came from: with ``workflow_id``,
    the key of the parsed spec in a worker's cache."""
    project_id: Mapped[str] = mapped_column(sa.String(128), default=DEFAULT_PROJECT)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(default=1)
    """Bumped by every update; an update from a stale read fails (optimistic check)."""

    __mapper_args__ = {"version_id_col": version, "eager_defaults": True}  # noqa: RUF012


class TaskExecution(_Stamped, Base):
    """A task's execution, projected from the engine state for the API."""

    __tablename__ = "task_executions"

    workflow_execution_id: Mapped[str] = mapped_column(
        sa.ForeignKey("workflow_executions.id", ondelete="CASCADE"), index=True
    )
    workflow_name: Mapped[str] = mapped_column(sa.String(255), default="")
    workflow_namespace: Mapped[str] = mapped_column(sa.String(255), default="")
    workflow_id: Mapped[str | None] = mapped_column(sa.String(36))
    name: Mapped[str] = mapped_column(sa.String(255))
    state: Mapped[str] = mapped_column(sa.String(20), index=True)
    state_info: Mapped[str | None] = mapped_column(sa.Text)
    type: Mapped[str] = mapped_column(sa.String(10), default="ACTION")
    """``ACTION`` or ``WORKFLOW``."""
    spec: Mapped[dict[str, Any]] = _json(dict)
    published: Mapped[dict[str, Any]] = _json(dict)
    result: Mapped[Any] = _json()
    """``None`` when the task does not keep its result."""
    runtime_context: Mapped[dict[str, Any]] = _json(dict)
    env: Mapped[dict[str, Any]] = _json(dict)
    processed: Mapped[bool] = mapped_column(default=False)
    tags: Mapped[list[str]] = _json(list)
    project_id: Mapped[str] = mapped_column(sa.String(128), default=DEFAULT_PROJECT)
    started_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class ActionExecution(_Stamped, Base):
    """One attempt of one action, in a task or run directly through the API."""

    __tablename__ = "action_executions"
    __table_args__ = (
        # "Waiting for people": running actions, oldest first (and any filter by state).
        sa.Index("ix_action_executions_state_created_at", "state", "created_at"),
    )

    task_execution_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("task_executions.id", ondelete="CASCADE"), index=True
    )
    workflow_execution_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("workflow_executions.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(255), index=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    task_name: Mapped[str | None] = mapped_column(sa.String(255))
    workflow_name: Mapped[str | None] = mapped_column(sa.String(255))
    workflow_namespace: Mapped[str] = mapped_column(sa.String(255), default="")
    state: Mapped[str] = mapped_column(sa.String(20))
    state_info: Mapped[str | None] = mapped_column(sa.Text)
    input: Mapped[dict[str, Any]] = _json(dict)
    output: Mapped[Any] = _json()
    params: Mapped[dict[str, Any]] = _json(dict)
    tags: Mapped[list[str]] = _json(list)
    accepted: Mapped[bool] = mapped_column(default=False)
    attempt: Mapped[int] = mapped_column(default=1)
    item_index: Mapped[int | None]
    safe_rerun: Mapped[bool] = mapped_column(default=False)
    is_sync: Mapped[bool] = mapped_column(default=True)
    project_id: Mapped[str] = mapped_column(sa.String(128), default=DEFAULT_PROJECT)
    started_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    last_heartbeat: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())


class JobRow(Base):
    """A unit of work for the worker, held under a lease while it runs."""

    __tablename__ = "jobs"
    __table_args__ = (
        # Takes and claims read the free jobs of a kind by due time, and the leased jobs
        # of a kind by lease expiry, each in the index's order, stopping at the first
        # they need: jobs of kinds nobody serves here never stand in the way.
        sa.Index(
            "ix_jobs_free_kind_run_at_id",
            "kind",
            "run_at",
            "id",
            postgresql_where=sa.text("lease_owner IS NULL"),
            sqlite_where=sa.text("lease_owner IS NULL"),
        ),
        sa.Index(
            "ix_jobs_leased_kind_expiry",
            "kind",
            "lease_expires_at",
            postgresql_where=sa.text("lease_owner IS NOT NULL"),
            sqlite_where=sa.text("lease_owner IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    execution_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    payload: Mapped[dict[str, Any]] = _json(dict)
    run_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), default=utcnow())
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=10)
    lease_owner: Mapped[str | None] = mapped_column(sa.String(255))
    lease_expires_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    lease_epoch: Mapped[int] = mapped_column(default=0)
    dedup_key: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    created_at: Mapped[dt.datetime] = _now_column()


class HistoryStep(Base):
    """The state changes of workflow, task and action executions that one engine step
    made to one execution (append-only): one row per step, not per change, since a
    step often makes dozens at once."""

    __tablename__ = "history"
    __table_args__ = (sa.Index("ix_history_execution_id_id", "execution_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    execution_id: Mapped[str] = mapped_column(sa.String(36))
    root_execution_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    at: Mapped[dt.datetime] = _now_column()
    events: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    """The changes in order: ``entity_kind`` (``workflow``, ``task`` or ``action``),
    ``entity_id``, ``name``, ``old_state``, ``new_state``, ``state_info``, ``data``."""
