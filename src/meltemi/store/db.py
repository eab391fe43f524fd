"""Opening the database, migrating it, and running one explicit transaction at a time.

Usage::

    database = db.open_database("sqlite:///~/.meltemi/meltemi.db")
    db.migrate(database.engine)
    with database.transaction() as session:
        executions.create(session, workflow_name="wf", state="RUNNING")
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import event, exc
from sqlalchemy.orm import Session, sessionmaker

from meltemi import errors
from meltemi.store import dialects

__all__ = ["Database", "Session", "migrate", "open_database"]

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclasses.dataclass(frozen=True)
class Database:
    """An engine, its session factories and (SQLite) the in-process notification hub."""

    engine: sa.Engine
    sessions: sessionmaker[Session]
    readonly_sessions: sessionmaker[Session]
    hub: dialects.LocalHub

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextlib.contextmanager
    def transaction(self, *, readonly: bool = False) -> Iterator[Session]:
        """One explicit transaction: committed on success, rolled back on error.

        Unique-key violations and stale optimistic updates surface as
        :class:`errors.Conflict`, never as SQLAlchemy exceptions. On SQLite a write
        transaction takes the write lock at once (``BEGIN IMMEDIATE``); pass
        ``readonly=True`` for queries that only read.
        """
        factory = self.readonly_sessions if readonly else self.sessions
        with factory() as session:
            try:
                with self._unavailable_on_disconnect(), translate_errors(), session.begin():
                    yield session
            finally:
                session.close()

    @contextlib.contextmanager
    def _unavailable_on_disconnect(self) -> Iterator[None]:
        """Turn a lost connection into :class:`errors.StoreUnavailable`, and drop the
        pooled connections, which the same outage has broken too."""
        try:
            yield
        except Exception as exc:
            if not dialects.is_disconnect(exc):
                raise
            self.engine.dispose()
            raise errors.StoreUnavailable(
                f"The database is unreachable ({dialects.reason(exc)}); nothing was"
                " written: try again once it answers"
            ) from exc

    def listener(self, channel: str) -> dialects.Listener:
        """A listener woken by :func:`dialects.notify` on ``channel`` (after commit)."""
        if self.dialect == "sqlite":
            return self.hub.subscribe(channel)
        return dialects.PgListener(self.engine.url, channel)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


@contextlib.contextmanager
def translate_errors() -> Iterator[None]:
    """Turn integrity and stale-data errors into :class:`errors.Conflict`."""
    try:
        yield
    except exc.IntegrityError as err:
        raise errors.Conflict(f"Duplicate or invalid entry: {err.orig}") from err
    except dialects.RawIntegrityError as err:  # from the bulk writes, sent without SQLAlchemy
        raise errors.Conflict(f"Duplicate or invalid entry: {err}") from err
    except sa.orm.exc.StaleDataError as err:
        raise errors.Conflict(f"Concurrent update: {err}") from err


def open_database(url: str | sa.URL) -> Database:
    """Connect to ``url`` (``sqlite:///path`` or ``postgresql://...``); no migration."""
    engine = dialects.create_engine(url)
    hub = dialects.LocalHub()
    info: dict[str, Any] = {}
    dialects.install_hub(info, hub)
    readonly_engine = engine.execution_options(**dialects.readonly_options(engine))
    sessions = sessionmaker(engine, expire_on_commit=False, info=info)
    readonly = sessionmaker(readonly_engine, expire_on_commit=False, info=info)
    for factory in (sessions, readonly):
        event.listen(factory, "before_commit", dialects.before_commit)
        event.listen(factory, "after_commit", dialects.after_commit)
        event.listen(factory, "after_soft_rollback", _after_rollback)
    return Database(engine=engine, sessions=sessions, readonly_sessions=readonly, hub=hub)


def _after_rollback(session: Session, _previous: Any) -> None:
    dialects.after_rollback(session)


def alembic_config(engine: sa.Engine | None = None) -> Config:
    """An Alembic configuration pointing at the migrations shipped in this package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        url = engine.url.render_as_string(hide_password=False)
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(engine: sa.Engine, revision: str = "head") -> None:
    """Upgrade the database behind ``engine`` to ``revision`` (default: the newest)."""
    config = alembic_config(engine)
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.commit()
