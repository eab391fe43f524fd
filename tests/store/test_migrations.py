"""``alembic upgrade head`` gives exactly the schema the models declare."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from meltemi.store import db as store_db
from meltemi.store import history, models


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


_EVENTS = [
    ("ex1", "root", "task", "t-1", "t1", None, "RUNNING", None, None),
    ("ex1", "root", "task", "t-1", "t1", "RUNNING", "ERROR", "boom: x", '{"n": 1}'),
    ("ex2", None, "workflow", "ex2", "wf", None, "RUNNING", None, None),
]


def _insert_0002_events(conn: sa.Connection) -> None:
    columns = "execution_id, root_execution_id, entity_kind, entity_id, name, old_state"
    for values in _EVENTS:
        conn.execute(
            sa.text(
                f"INSERT INTO history_events ({columns}, new_state, state_info, data, at)"
                " VALUES (:e, :r, :k, :i, :n, :o, :s, :info, :d, :at)"
            ),
            dict(zip(("e", "r", "k", "i", "n", "o", "s", "info", "d"), values, strict=True))
            | {"at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)},
        )


def test_history_events_survive_the_move_to_steps_and_back(empty_db_url: str) -> None:
    """Events stored one per row (0002) read back the same after 0003, in order, and a
    downgrade restores them one per row."""
    database = store_db.open_database(empty_db_url)
    try:
        store_db.migrate(database.engine, "0002")
        with database.engine.begin() as conn:
            _insert_0002_events(conn)
        store_db.migrate(database.engine, "0003")
        with database.transaction(readonly=True) as session:
            got = history.list_for_execution(session, "ex1")
            other = history.list_for_execution(session, "ex2")
        with database.transaction() as session:  # new steps get new ids
            history.append(session, [history.Event("ex1", "task", "t-2", "IDLE")])
        with database.transaction(readonly=True) as session:
            after = history.list_for_execution(session, "ex1", after_id=got[-1].id)
        command.downgrade(store_db.alembic_config(database.engine), "0002")
        with database.engine.connect() as conn:
            back = conn.execute(
                sa.text(
                    "SELECT execution_id, new_state, state_info FROM history_events ORDER BY id"
                )
            ).all()
    finally:
        database.close()
    assert [(e.old_state, e.new_state, e.state_info, e.data) for e in got] == [
        (None, "RUNNING", None, None),
        ("RUNNING", "ERROR", "boom: x", {"n": 1}),
    ]
    assert got[0].root_execution_id == "root"
    assert [(e.entity_kind, e.name) for e in other] == [("workflow", "wf")]
    assert [e.entity_id for e in after] == ["t-2"]
    assert [tuple(r) for r in back] == [
        ("ex1", "RUNNING", None),
        ("ex1", "ERROR", "boom: x"),
        ("ex2", "RUNNING", None),
        ("ex1", "IDLE", None),
    ]
