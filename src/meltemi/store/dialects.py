"""Every difference between SQLite and PostgreSQL, in one place.

* URLs: ``postgresql://`` means psycopg 3; a SQLite file's parent directory is created.
* SQLite: WAL, ``busy_timeout``, foreign keys on, ``BEGIN IMMEDIATE`` for write
  transactions (so a write transaction holds the write lock from its first statement and
  SQLite serializes writers instead of failing them with "database is locked").
* The database clock: :class:`utcnow` compiles to ``statement_timestamp()`` on
  PostgreSQL and to ``strftime('now')`` on SQLite, optionally shifted by some seconds.
* Timestamps: :class:`UtcDateTime` always returns timezone-aware UTC datetimes.
* Wake-ups: :func:`notify` is ``pg_notify`` on PostgreSQL and an in-process signal
  (fired after commit) on SQLite; :class:`PgListener` / :class:`LocalListener` wait.
"""

from __future__ import annotations

import datetime as dt
import select
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import psycopg
import psycopg.errors
import psycopg.types.json
import sqlalchemy as sa
from psycopg import sql as pgsql
from sqlalchemy import event
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

SQLITE_BUSY_TIMEOUT_MS = 30_000
READONLY_OPTION = "meltemi_readonly"
"""Execution option marking a read-only transaction (plain deferred ``BEGIN`` on SQLite)."""
_HUB_KEY = "meltemi.hub"
_PENDING_KEY = "meltemi.pending_notify"
_SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now'{shift}) || '000'"
"""SQLite's clock in SQLAlchemy's own storage format (microseconds, 6 digits), so that
timestamps written by the database and by Python compare correctly as text."""

Json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
"""JSON column type: JSONB on PostgreSQL, JSON text on SQLite."""


class UtcDateTime(sa.types.TypeDecorator[dt.datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite has no time zones: values are stored as naive UTC text.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: sa.Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware datetime")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # raw text from a SQLite expression
            value = dt.datetime.fromisoformat(value)
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)  # type: ignore[no-any-return]
        return value.astimezone(dt.UTC)  # type: ignore[no-any-return]


class utcnow(FunctionElement[dt.datetime]):  # noqa: N801 - reads like the SQL function it is
    """The database's current time, optionally shifted by ``seconds`` (a bind value)."""

    type = UtcDateTime()
    inherit_cache = True

    def __init__(self, seconds: float | sa.ColumnElement[Any] | None = None) -> None:
        args = [] if seconds is None else [sa.cast(seconds, sa.Float)]
        super().__init__(*args)


@compiles(utcnow, "postgresql")
def _pg_utcnow(element: utcnow, compiler: SQLCompiler, **kw: Any) -> str:
    args = list(element.clauses)
    if not args:
        return "statement_timestamp()"
    return f"(statement_timestamp() + make_interval(secs => {compiler.process(args[0], **kw)}))"


@compiles(utcnow, "sqlite")
def _sqlite_utcnow(element: utcnow, compiler: SQLCompiler, **kw: Any) -> str:
    args = list(element.clauses)
    if not args:
        return _SQLITE_NOW.format(shift="")
    secs = compiler.process(args[0], **kw)
    return _SQLITE_NOW.format(shift=f", printf('%+.6f seconds', {secs})")


def normalize_url(url: str | URL) -> URL:
    """Map ``postgresql://`` to psycopg 3 and leave other URLs as they are."""
    parsed = make_url(url)
    if parsed.drivername in {"postgresql", "postgres"}:
        return parsed.set(drivername="postgresql+psycopg")
    return parsed


def create_engine(url: str | URL) -> Engine:
    """An engine for ``url`` with this dialect's session settings installed."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    return sa.create_engine(parsed, pool_pre_ping=True)


def _sqlite_engine(url: URL) -> Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    )
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred).
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    for pragma in (
        "journal_mode=WAL",
        f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
        "foreign_keys=ON",
        "synchronous=NORMAL",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_on_begin(conn: sa.Connection) -> None:
    readonly = conn.get_execution_options().get(READONLY_OPTION, False)
    conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


def insert_ignore(session: Session, table: sa.Table, values: Mapping[str, Any]) -> Any:
    """``INSERT .. ON CONFLICT DO NOTHING RETURNING id``: the new ``id``, or ``None``."""
    insert = sqlite_dialect.insert if _is_sqlite(session) else postgresql.insert
    stmt = insert(table).values(**values).on_conflict_do_nothing().returning(table.c.id)
    return session.execute(stmt).scalar_one_or_none()


def insert_many(session: Session, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows fast: one pipelined executemany on PostgreSQL (every row sent,
    one round trip), a plain executemany on SQLite.

    An engine step writes dozens of history, task and action rows; through SQLAlchemy
    each row would cost its own parameter processing and wait. The statement is
    psycopg's own, so SQLAlchemy's column defaults are filled here from the table.
    """
    if not rows:
        return
    if _is_sqlite(session):
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row in rows:  # an executemany takes rows with equal keys
            groups.setdefault(tuple(sorted(row)), []).append(row)
        for group in groups.values():
            session.execute(sa.insert(table), group)
        return
    columns = [c for c in table.columns if not (c.primary_key and c.autoincrement is True)]
    fill = _defaults([c for c in columns if any(c.name not in r for r in rows)])
    names = [c.name for c in columns]
    json_columns = {c.name for c in columns if isinstance(c.type, sa.JSON)}
    stmt = pgsql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
        pgsql.Identifier(table.name),
        pgsql.SQL(", ").join(map(pgsql.Identifier, names)),
        pgsql.SQL(", ").join(pgsql.Placeholder() * len(names)),
    )
    raw = session.connection().connection.driver_connection
    params = [
        [_param(n in json_columns, row[n] if n in row else fill[n]) for n in names] for row in rows
    ]
    with raw.pipeline(), raw.cursor() as cursor:  # type: ignore[union-attr]
        cursor.executemany(stmt, params)


def _defaults(columns: list[sa.Column[Any]]) -> dict[str, Any]:
    """Python values of the defaults of ``columns`` (``None`` for nullable ones without).

    A clock default becomes this process's clock: these are record stamps
    (``created_at``, a history event's ``at``), never lease times, which stay on the
    database's clock; reading ``now()`` would cost a round trip per batch.
    """
    filled: dict[str, Any] = {}
    for column in columns:
        default = column.default
        arg = getattr(default, "arg", None)
        if isinstance(arg, utcnow):
            filled[column.name] = dt.datetime.now(dt.UTC)
        elif default is not None and default.is_callable:
            filled[column.name] = arg(None)  # type: ignore[misc]
        else:
            filled[column.name] = arg
    return filled


def _param(is_json: bool, value: Any) -> Any:
    if is_json and value is not None:
        return psycopg.types.json.Jsonb(value)
    return value


def is_unique_violation(error: BaseException | None) -> bool:
    """True when ``error`` (an IntegrityError) is a unique-key violation, not e.g. a
    foreign-key or not-null one."""
    orig = getattr(error, "orig", None)
    if isinstance(orig, psycopg.errors.UniqueViolation):
        return True
    return "UNIQUE constraint failed" in str(orig)


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


# -- wake-ups ---------------------------------------------------------------------------


class Listener(Protocol):
    """Blocks until a channel is notified (after the notifying commit) or a timeout."""

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds; True when notified (pending ones count)."""
        ...

    def close(self) -> None:
        """Stop listening and free the connection."""
        ...


class LocalHub:
    """In-process notifications for SQLite: one event per channel and listener."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: dict[str, set[threading.Event]] = {}

    def subscribe(self, channel: str) -> LocalListener:
        """A new listener on ``channel``."""
        listener = LocalListener(self, channel)
        with self._lock:
            self._events.setdefault(channel, set()).add(listener.event)
        return listener

    def unsubscribe(self, channel: str, ev: threading.Event) -> None:
        """Forget one listener's event."""
        with self._lock:
            self._events.get(channel, set()).discard(ev)

    def signal(self, channel: str) -> None:
        """Wake every listener of ``channel``."""
        with self._lock:
            events = list(self._events.get(channel, ()))
        for ev in events:
            ev.set()


class LocalListener:
    """A :class:`Listener` fed by a :class:`LocalHub` (same process only)."""

    def __init__(self, hub: LocalHub, channel: str) -> None:
        self.hub = hub
        self.channel = channel
        self.event = threading.Event()

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds; True when notified."""
        woke = self.event.wait(timeout)
        self.event.clear()
        return woke

    def close(self) -> None:
        """Stop listening."""
        self.hub.unsubscribe(self.channel, self.event)


class PgListener:
    """A :class:`Listener` on a dedicated autocommit psycopg connection (``LISTEN``)."""

    def __init__(self, url: URL, channel: str) -> None:
        conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._conn = psycopg.connect(conninfo, autocommit=True)
        listen = pgsql.SQL("LISTEN {}").format(pgsql.Identifier(channel))
        self._conn.execute(listen)

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds; True when notified."""
        if self._drain():
            return True
        ready, _, _ = select.select([self._conn.fileno()], [], [], timeout)
        return bool(ready) and self._drain()

    def _drain(self) -> bool:
        got = False
        for _ in self._conn.notifies(timeout=0):
            got = True
        return got

    def close(self) -> None:
        """Close the listening connection."""
        self._conn.close()


def install_hub(session_info: dict[str, Any], hub: LocalHub) -> None:
    """Make sessions created with ``session_info`` deliver SQLite notifications to ``hub``."""
    session_info[_HUB_KEY] = hub


def notify(session: Session, channel: str) -> None:
    """Wake the listeners of ``channel`` once this session's transaction commits."""
    if not _is_sqlite(session):
        session.execute(sa.select(sa.func.pg_notify(channel, "")))
        return
    session.info.setdefault(_PENDING_KEY, set()).add(channel)


def after_commit(session: Session) -> None:
    """Deliver the in-process notifications of a committed SQLite transaction."""
    pending: set[str] = session.info.pop(_PENDING_KEY, set())
    hub: LocalHub | None = session.info.get(_HUB_KEY)
    if hub is not None:
        for channel in pending:
            hub.signal(channel)


def after_rollback(session: Session) -> None:
    """Drop the notifications of a rolled-back transaction."""
    session.info.pop(_PENDING_KEY, None)
