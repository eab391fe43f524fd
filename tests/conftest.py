"""Shared fixtures: a real, migrated database per test (SQLite and PostgreSQL).

``db_url`` / ``db`` are parametrized over SQLite (a WAL file in ``tmp_path``) and
PostgreSQL (127.0.0.1:5432, database ``test``, user ``postgres`` or ``root``). Both are
copies of a template migrated once per session: a file copy for SQLite, ``CREATE
DATABASE .. TEMPLATE`` for PostgreSQL. Without a reachable PostgreSQL the ``postgres``
params are skipped, unless ``CI=true``, where they fail.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
import pytest
from psycopg import sql

if TYPE_CHECKING:
    from meltemi.store.db import Database

PG_HOST = os.environ.get("MELTEMI_TEST_PG_HOST", "127.0.0.1:5432")
PG_USERS = ("postgres", "root")
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _pg_url(user: str, database: str) -> str:
    return f"postgresql://{user}@{PG_HOST}/{database}"


def _admin(url: str, *statements: sql.SQL | sql.Composed) -> None:
    with psycopg.connect(url, autocommit=True, connect_timeout=3) as conn:
        for statement in statements:
            conn.execute(statement)


def _ident(name: str) -> sql.Identifier:
    return sql.Identifier(name)


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    """A URL to the ``test`` database with rights to create databases."""
    problems = []
    for user in PG_USERS:
        url = _pg_url(user, "test")
        try:
            _admin(url, sql.SQL("SELECT 1"))
        except psycopg.Error as err:
            problems.append(f"{user}: {err}")
            continue
        return url
    message = f"PostgreSQL at {PG_HOST} is unreachable: {'; '.join(problems)}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def _new_pg_database(admin_url: str, template: str | None) -> str:
    name = f"meltemi_{uuid.uuid4().hex[:12]}"
    stmt = sql.SQL("CREATE DATABASE {}").format(_ident(name))
    if template is not None:
        stmt = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(_ident(name), _ident(template))
    _admin(admin_url, stmt)
    return name


def _drop_pg_database(admin_url: str, name: str) -> None:
    _admin(admin_url, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(_ident(name)))


def _migrated(url: str) -> None:
    from meltemi.store import db

    database = db.open_database(url)
    try:
        db.migrate(database.engine)
    finally:
        database.close()


@pytest.fixture(scope="session")
def pg_template(pg_admin_url: str) -> Iterator[str]:
    """Name of a PostgreSQL database migrated to head, cloned by every test."""
    name = _new_pg_database(pg_admin_url, None)
    try:
        _migrated(pg_admin_url.rsplit("/", 1)[0] + f"/{name}")
        yield name
    finally:
        _drop_pg_database(pg_admin_url, name)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head (WAL checkpointed, so the file alone is complete)."""
    path = tmp_path_factory.mktemp("template") / "meltemi.db"
    _migrated(f"sqlite:///{path}")
    return path


def _backend_url(
    request: pytest.FixtureRequest, tmp_path: Path, *, migrated: bool
) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "db" / "meltemi.db"
        if migrated:
            path.parent.mkdir()
            shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    admin: str = request.getfixturevalue("pg_admin_url")
    template = request.getfixturevalue("pg_template") if migrated else None
    name = _new_pg_database(admin, template)
    try:
        yield admin.rsplit("/", 1)[0] + f"/{name}"
    finally:
        _drop_pg_database(admin, name)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh database migrated to head, private to this test."""
    yield from _backend_url(request, tmp_path, migrated=True)


@pytest.fixture(params=BACKENDS)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh, empty database (no tables), private to this test."""
    yield from _backend_url(request, tmp_path, migrated=False)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """An open :class:`~meltemi.store.db.Database` on ``db_url``."""
    from meltemi.store import db as store_db

    database = store_db.open_database(db_url)
    try:
        yield database
    finally:
        database.close()
