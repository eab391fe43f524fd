"""Initial schema: definitions, executions, jobs and history.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-23 00:23:51.111417
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Types spelled out here, not imported from the models: a revision must not change
# when the models do.
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "cron_triggers",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("pattern", sa.String(length=100), nullable=True),
        sa.Column("workflow_name", sa.String(length=255), nullable=False),
        sa.Column("workflow_id", sa.String(length=36), nullable=True),
        sa.Column("workflow_namespace", sa.String(length=255), nullable=False),
        sa.Column("workflow_input", JSON, nullable=False),
        sa.Column("workflow_params", JSON, nullable=False),
        sa.Column("first_execution_time", TIMESTAMP, nullable=True),
        sa.Column("next_execution_time", TIMESTAMP, nullable=True),
        sa.Column("remaining_executions", sa.Integer(), nullable=True),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("project_id", sa.String(length=128), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cron_triggers")),
        sa.UniqueConstraint("name", name=op.f("uq_cron_triggers_name")),
    )
    with op.batch_alter_table("cron_triggers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cron_triggers_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_cron_triggers_next_execution_time"),
            ["next_execution_time"],
            unique=False,
        )

    op.create_table(
        "environments",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("variables", JSON, nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("project_id", sa.String(length=128), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_environments")),
        sa.UniqueConstraint("name", name=op.f("uq_environments_name")),
    )
    with op.batch_alter_table("environments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_environments_created_at"), ["created_at"], unique=False
        )

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
        sa.Column("data", JSON, nullable=True),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_history_events")),
    )
    with op.batch_alter_table("history_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_history_events_execution_id_id", ["execution_id", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_history_events_root_execution_id"), ["root_execution_id"], unique=False
        )

    op.create_table(
        "jobs",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("execution_id", sa.String(length=36), nullable=True),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("run_at", TIMESTAMP, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("lease_owner", sa.String(length=255), nullable=True),
        sa.Column("lease_expires_at", TIMESTAMP, nullable=True),
        sa.Column("lease_epoch", sa.Integer(), nullable=False),
        sa.Column("dedup_key", sa.String(length=255), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_jobs_dedup_key")),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_jobs_execution_id"), ["execution_id"], unique=False)
        batch_op.create_index(
            "ix_jobs_free_run_at",
            ["run_at"],
            unique=False,
            postgresql_where=sa.text("lease_owner IS NULL"),
            sqlite_where=sa.text("lease_owner IS NULL"),
        )
        batch_op.create_index(
            "ix_jobs_leased_expiry",
            ["lease_expires_at"],
            unique=False,
            postgresql_where=sa.text("lease_owner IS NOT NULL"),
            sqlite_where=sa.text("lease_owner IS NOT NULL"),
        )

    op.create_table(
        "workbooks",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("namespace", sa.String(length=255), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("spec", JSON, nullable=False),
        sa.Column("tags", JSON, nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("project_id", sa.String(length=128), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workbooks")),
        sa.UniqueConstraint("name", "namespace", name=op.f("uq_workbooks_name_namespace")),
    )
    with op.batch_alter_table("workbooks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workbooks_created_at"), ["created_at"], unique=False)

    op.create_table(
        "workflow_executions",
        sa.Column("workflow_name", sa.String(length=255), nullable=False),
        sa.Column("workflow_id", sa.String(length=36), nullable=True),
        sa.Column("workflow_namespace", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("state_info", sa.Text(), nullable=True),
        sa.Column("input", JSON, nullable=False),
        sa.Column("output", JSON, nullable=False),
        sa.Column("params", JSON, nullable=False),
        sa.Column("published_global", JSON, nullable=False),
        sa.Column("tags", JSON, nullable=False),
        sa.Column("parent_task_execution_id", sa.String(length=36), nullable=True),
        sa.Column("root_execution_id", sa.String(length=36), nullable=True),
        sa.Column("engine_state", JSON, nullable=False),
        sa.Column("project_id", sa.String(length=128), nullable=False),
        sa.Column("finished_at", TIMESTAMP, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflow_executions")),
    )
    with op.batch_alter_table("workflow_executions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workflow_executions_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_workflow_executions_parent_task_execution_id"),
            ["parent_task_execution_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_workflow_executions_root_execution_id"),
            ["root_execution_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_workflow_executions_state"), ["state"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_workflow_executions_workflow_name"), ["workflow_name"], unique=False
        )

    op.create_table(
        "action_definitions",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("namespace", sa.String(length=255), nullable=False),
        sa.Column("definition", sa.Text(), nullable=True),
        sa.Column("spec", JSON, nullable=True),
        sa.Column("input", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("is_system", sa.Boolean(), nullable=False),
        sa.Column("tags", JSON, nullable=False),
        sa.Column("workbook_id", sa.String(length=36), nullable=True),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("project_id", sa.String(length=128), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["workbook_id"],
            ["workbooks.id"],
            name=op.f("fk_action_definitions_workbook_id_workbooks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_definitions")),
        sa.UniqueConstraint("name", "namespace", name=op.f("uq_action_definitions_name_namespace")),
    )
    with op.batch_alter_table("action_definitions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_definitions_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_action_definitions_workbook_id"), ["workbook_id"], unique=False
        )

    op.create_table(
        "task_executions",
        sa.Column("workflow_execution_id", sa.String(length=36), nullable=False),
        sa.Column("workflow_name", sa.String(length=255), nullable=False),
        sa.Column("workflow_namespace", sa.String(length=255), nullable=False),
        sa.Column("workflow_id", sa.String(length=36), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("state_info", sa.Text(), nullable=True),
        sa.Column("type", sa.String(length=10), nullable=False),
        sa.Column("spec", JSON, nullable=False),
        sa.Column("published", JSON, nullable=False),
        sa.Column("result", JSON, nullable=True),
        sa.Column("runtime_context", JSON, nullable=False),
        sa.Column("env", JSON, nullable=False),
        sa.Column("processed", sa.Boolean(), nullable=False),
        sa.Column("tags", JSON, nullable=False),
        sa.Column("project_id", sa.String(length=128), nullable=False),
        sa.Column("started_at", TIMESTAMP, nullable=True),
        sa.Column("finished_at", TIMESTAMP, nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["workflow_execution_id"],
            ["workflow_executions.id"],
            name=op.f("fk_task_executions_workflow_execution_id_workflow_executions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_executions")),
    )
    with op.batch_alter_table("task_executions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_task_executions_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_task_executions_state"), ["state"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_task_executions_workflow_execution_id"),
            ["workflow_execution_id"],
            unique=False,
        )

    op.create_table(
        "workflow_definitions",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("namespace", sa.String(length=255), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("spec", JSON, nullable=False),
        sa.Column("tags", JSON, nullable=False),
        sa.Column("input", sa.Text(), nullable=False),
        sa.Column("workbook_id", sa.String(length=36), nullable=True),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("project_id", sa.String(length=128), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["workbook_id"],
            ["workbooks.id"],
            name=op.f("fk_workflow_definitions_workbook_id_workbooks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflow_definitions")),
        sa.UniqueConstraint(
            "name", "namespace", name=op.f("uq_workflow_definitions_name_namespace")
        ),
    )
    with op.batch_alter_table("workflow_definitions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workflow_definitions_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_workflow_definitions_workbook_id"), ["workbook_id"], unique=False
        )

    op.create_table(
        "action_executions",
        sa.Column("task_execution_id", sa.String(length=36), nullable=True),
        sa.Column("workflow_execution_id", sa.String(length=36), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("task_name", sa.String(length=255), nullable=True),
        sa.Column("workflow_name", sa.String(length=255), nullable=True),
        sa.Column("workflow_namespace", sa.String(length=255), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("state_info", sa.Text(), nullable=True),
        sa.Column("input", JSON, nullable=False),
        sa.Column("output", JSON, nullable=True),
        sa.Column("params", JSON, nullable=False),
        sa.Column("tags", JSON, nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("item_index", sa.Integer(), nullable=True),
        sa.Column("safe_rerun", sa.Boolean(), nullable=False),
        sa.Column("is_sync", sa.Boolean(), nullable=False),
        sa.Column("project_id", sa.String(length=128), nullable=False),
        sa.Column("started_at", TIMESTAMP, nullable=True),
        sa.Column("finished_at", TIMESTAMP, nullable=True),
        sa.Column("last_heartbeat", TIMESTAMP, nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["task_execution_id"],
            ["task_executions.id"],
            name=op.f("fk_action_executions_task_execution_id_task_executions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workflow_execution_id"],
            ["workflow_executions.id"],
            name=op.f("fk_action_executions_workflow_execution_id_workflow_executions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_executions")),
    )
    with op.batch_alter_table("action_executions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_executions_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_action_executions_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_executions_state"), ["state"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_action_executions_task_execution_id"),
            ["task_execution_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_action_executions_workflow_execution_id"),
            ["workflow_execution_id"],
            unique=False,
        )


def downgrade() -> None:
    """Revert this revision (drops every table, children first)."""
    for table in (
        "action_executions",
        "task_executions",
        "workflow_executions",
        "action_definitions",
        "workflow_definitions",
        "workbooks",
        "jobs",
        "history_events",
        "environments",
        "cron_triggers",
    ):
        op.drop_table(table)
