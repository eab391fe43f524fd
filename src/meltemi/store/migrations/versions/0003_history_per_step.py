"""History as one row per engine step; fewer indexes to maintain; cheaper large JSON.

- ``history`` replaces ``history_events``: the state changes one step made to one
  execution are one row (``events``, a JSON list), instead of one row each. A step of a
  5-task chain wrote 27 rows; it writes one. Every stored event is carried over, in
  order, as a step of its own.
- Indexes that a composite index of 0002 already covers go: executions by ``state``
  and by ``workflow_name``, action executions by ``state``.
- ``engine_state`` becomes ``json`` on PostgreSQL (kept as text, not parsed into
  ``jsonb`` at every step: nothing queries inside it).
- PostgreSQL 14 and newer built with lz4: the columns holding workflow data compress
  with lz4 instead of pglz, several times cheaper for large values.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSONB = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

COVERED = (
    ("ix_workflow_executions_state", "workflow_executions", ["state"]),
    ("ix_workflow_executions_workflow_name", "workflow_executions", ["workflow_name"]),
    ("ix_action_executions_state", "action_executions", ["state"]),
)
"""Indexes whose column leads a composite index of 0002."""

LARGE = {
    "workflow_executions": ("input", "output", "params", "published_global", "engine_state"),
    "task_executions": ("published", "result", "spec"),
    "action_executions": ("input", "output"),
    "history": ("events",),
}
"""Columns holding workflow data, which may be large."""

_FIELDS = ("entity_kind", "entity_id", "name", "old_state", "new_state", "state_info")

_PG_TO_STEPS = """
INSERT INTO history (id, execution_id, root_execution_id, at, events)
SELECT id, execution_id, root_execution_id, at,
       json_build_array(json_build_object({fields}, 'data', data))
FROM history_events ORDER BY id
"""
_SQLITE_TO_STEPS = """
INSERT INTO history (id, execution_id, root_execution_id, at, events)
SELECT id, execution_id, root_execution_id, at,
       json_array(json_object({fields}, 'data', json(data)))
FROM history_events ORDER BY id
"""
_PG_TO_EVENTS = """
INSERT INTO history_events (execution_id, root_execution_id, at, data, {columns})
SELECT h.execution_id, h.root_execution_id, h.at, (e.value -> 'data')::jsonb, {values}
FROM history h, json_array_elements(h.events) WITH ORDINALITY AS e (value, n)
ORDER BY h.id, e.n
"""
_SQLITE_TO_EVENTS = """
INSERT INTO history_events (execution_id, root_execution_id, at, data, {columns})
SELECT h.execution_id, h.root_execution_id, h.at, json_extract(e.value, '$.data'), {values}
FROM history h, json_each(h.events) AS e ORDER BY h.id, e.key
"""


def upgrade() -> None:
    """Apply this revision."""
    _create_history()
    pairs = ", ".join(f"'{f}', {f}" for f in _FIELDS)
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.execute((_SQLITE_TO_STEPS if sqlite else _PG_TO_STEPS).format(fields=pairs))
    if not sqlite:
        op.execute("SELECT setval(pg_get_serial_sequence('history', 'id'), max(id)) FROM history")
    op.drop_table("history_events")
    for name, table, _ in COVERED:
        op.drop_index(name, table_name=table)
    if not sqlite:
        op.alter_column(
            "workflow_executions",
            "engine_state",
            type_=sa.JSON(),
            postgresql_using="engine_state::text::json",
        )
        _compress_large_columns("lz4")


def _create_history() -> None:
    op.create_table(
        "history",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("execution_id", sa.String(length=36), nullable=False),
        sa.Column("root_execution_id", sa.String(length=36), nullable=True),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_history")),
    )
    op.create_index("ix_history_execution_id_id", "history", ["execution_id", "id"])
    op.create_index(op.f("ix_history_root_execution_id"), "history", ["root_execution_id"])


def _compress_large_columns(method: str) -> None:
    """``SET COMPRESSION`` on :data:`LARGE`, where the server offers ``method``."""
    offered = op.get_bind().scalar(
        sa.text(
            "SELECT count(*) FROM pg_settings"
            " WHERE name = 'default_toast_compression' AND :m = ANY(enumvals)"
        ),
        {"m": method},
    )
    if not offered:
        return
    for table, columns in LARGE.items():
        if op.get_bind().dialect.has_table(op.get_bind(), table):
            for column in columns:
                op.execute(
                    f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET COMPRESSION {method}'
                )


def downgrade() -> None:
    """Revert this revision: one row per event again."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if not sqlite:
        _compress_large_columns("pglz")
        op.alter_column(
            "workflow_executions",
            "engine_state",
            type_=JSONB,
            postgresql_using="engine_state::jsonb",
        )
    for name, table, indexed in COVERED:
        op.create_index(name, table, indexed)
    _create_history_events()
    columns = ", ".join(_FIELDS)
    if sqlite:
        values = ", ".join(f"json_extract(e.value, '$.{f}')" for f in _FIELDS)
        op.execute(_SQLITE_TO_EVENTS.format(columns=columns, values=values))
    else:
        values = ", ".join(f"e.value ->> '{f}'" for f in _FIELDS)
        op.execute(_PG_TO_EVENTS.format(columns=columns, values=values))
    op.drop_table("history")


def _create_history_events() -> None:
    op.create_table(
        "history_events",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("execution_id", sa.String(length=36), nullable=False),
        sa.Column("root_execution_id", sa.String(length=36), nullable=True),
        sa.Column("entity_kind", sa.String(length=10), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("old_state", sa.String(length=20), nullable=True),
        sa.Column("new_state", sa.String(length=20), nullable=False),
        sa.Column("state_info", sa.Text(), nullable=True),
        sa.Column("data", JSONB, nullable=True),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_history_events")),
    )
    op.create_index("ix_history_events_execution_id_id", "history_events", ["execution_id", "id"])
    op.create_index(
        op.f("ix_history_events_root_execution_id"), "history_events", ["root_execution_id"]
    )
