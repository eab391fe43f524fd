"""``alembic upgrade head`` gives exactly the schema the models declare."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from meltemi.store import db as store_db
from meltemi.store import models


def _diff(url: str, metadata: sa.MetaData) -> list[object]:
    database = store_db.open_database(url)
    try:
        with database.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, metadata))
    finally:
        database.close()


def test_upgrade_head_on_empty_database_matches_models(empty_db_url: str) -> None:
    """After migrating an empty database, autogenerate finds no difference."""
    database = store_db.open_database(empty_db_url)
    try:
        store_db.migrate(database.engine)
        store_db.migrate(database.engine)  # a second run is a no-op
        with database.engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
    finally:
        database.close()
    head = ScriptDirectory.from_config(store_db.alembic_config()).get_current_head()
    assert current == head
    assert _diff(empty_db_url, models.Base.metadata) == []


def test_comparison_detects_a_model_the_migrations_lack(db_url: str) -> None:
    """The comparison is not vacuous: a table missing from the migrations shows up."""
    metadata = sa.MetaData()
    for table in models.Base.metadata.tables.values():
        table.to_metadata(metadata)
    sa.Table("extra", metadata, sa.Column("id", sa.Integer, primary_key=True))
    diff = _diff(db_url, metadata)
    assert [d[0] for d in diff if isinstance(d, tuple)] == ["add_table"]
