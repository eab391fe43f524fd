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

import contextlib
import datetime as dt
import functools
import select
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol

import psycopg
import psycopg.errors
import sqlalchemy as sa
from psycopg import sql as pgsql
from psycopg.types.json import Json as PgJson
from psycopg.types.json import Jsonb as PgJsonb
from sqlalchemy import event
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from meltemi import errors
from meltemi.jsontext import dumpb, dumps

RawIntegrityError = psycopg.IntegrityError
"""What a bulk write sent straight through psycopg raises on a key violation."""
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
    engine = sa.create_engine(parsed, json_serializer=dumps, pool_use_lifo=True)
    event.listen(engine.pool, "checkin", _note_checkin)
    event.listen(engine.pool, "checkout", functools.partial(_ping_if_idle, engine.dialect))
    return engine


PING_AFTER_IDLE_SECONDS = 1.0
"""A pooled connection unused this long is pinged before use (a server restart or a
dropped network would have closed it); one in steady use is not, saving a round trip
per transaction. Should the server go away in that second anyway, the statement fails,
SQLAlchemy invalidates the pool, and the caller's retry gets a new connection."""


def _note_checkin(_dbapi_conn: Any, record: Any) -> None:
    record.info["checked_in_at"] = time.monotonic()


def _ping_if_idle(dialect: sa.Dialect, dbapi_conn: Any, record: Any, _proxy: Any) -> None:
    """Pool ``checkout`` hook: ping a connection that sat idle; a dead one is replaced."""
    since = record.info.get("checked_in_at")
    if since is None or time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
        return  # new (just connected), or in steady use
    try:
        dialect.do_ping(dbapi_conn)
    except Exception as exc:  # any failure means: do not use this connection
        raise sa.exc.DisconnectionError(str(exc)) from exc


def _sqlite_engine(url: URL) -> Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        url,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        json_serializer=dumps,
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


def readonly_options(engine: Engine) -> dict[str, Any]:
    """Execution options of read-only transactions on ``engine``.

    SQLite: a deferred ``BEGIN`` (one snapshot for every statement). PostgreSQL:
    autocommit, saving the BEGIN and COMMIT round trips; under its READ COMMITTED
    isolation each statement takes its own snapshot inside a transaction too, so the
    reads see exactly what they would have seen.
    """
    if engine.dialect.name == "sqlite":
        return {READONLY_OPTION: True}
    return {READONLY_OPTION: True, "isolation_level": "AUTOCOMMIT"}


def _sqlite_on_begin(conn: sa.Connection) -> None:
    readonly = conn.get_execution_options().get(READONLY_OPTION, False)
    conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


def insert_ignore(session: Session, table: sa.Table, values: Mapping[str, Any]) -> Any:
    """``INSERT .. ON CONFLICT DO NOTHING RETURNING id``: the new ``id``, or ``None``."""
    insert = sqlite_dialect.insert if _is_sqlite(session) else postgresql.insert
    stmt = insert(table).values(**values).on_conflict_do_nothing().returning(table.c.id)
    return session.execute(stmt).scalar_one_or_none()


def insert_many(
    session: Session, table: sa.Table, rows: list[dict[str, Any]], *, skip_duplicates: bool = False
) -> None:
    """Insert many rows fast: one statement on PostgreSQL whatever their number, a plain
    executemany on SQLite. ``skip_duplicates`` leaves out rows whose unique key exists.

    An engine step writes dozens of task, action and job rows. On PostgreSQL they travel
    as one JSON array that ``json_populate_recordset`` turns into rows of the table's
    own type: one parameter to encode (orjson) instead of one per value, and one
    statement for the server to run. Defaults are filled here from the table, but for
    the clock: a timestamp a row leaves out is the database's ``now``, as everywhere.
    """
    if not rows:
        return
    if _is_sqlite(session):
        stmt = _sqlite_insert(table, skip_duplicates=skip_duplicates)
        for group in _by_columns(rows).values():  # an executemany takes rows with equal keys
            connection(session).execute(stmt, group)
        return
    columns = _insertable(table)
    given = rows[0].keys() if len(rows) == 1 else set(rows[0]).intersection(*rows[1:])
    missing = [c for c in _unclocked(table) if c.name not in given]
    if missing:
        rows = _filled(rows, missing)
    sql = _insert_sql(table, tuple(columns), skip_duplicates=skip_duplicates)
    _send(session, sql, _recordset(table)(rows, dumpb))


def update_many(session: Session, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Update many rows by primary key ``id``, each with its own values, in one statement
    per set of columns (one JSON array on PostgreSQL, as :func:`insert_many`)."""
    for names, group in _by_columns(rows).items():
        if _is_sqlite(session):
            keyed = [{**r, "_id": r["id"]} for r in group]
            connection(session).execute(_sqlite_update(table, names), keyed)
        else:
            _send(session, _update_sql(table, names), _recordset(table)(group, dumpb), len(group))


def _send(session: Session, sql: bytes, *params: Any) -> None:
    """Run one bulk statement on PostgreSQL, or queue it in the current :func:`batch`."""
    queued: list[tuple[bytes, tuple[Any, ...]]] | None = session.info.get(_BATCH_KEY)
    if queued is None:
        _execute(_raw(session), sql, params)
    else:
        queued.append((sql, params))


_BATCH_KEY = "meltemi.batch"


def _execute(raw: psycopg.Connection[Any], sql: bytes, params: Any) -> psycopg.Cursor[Any]:
    """``raw.execute``; the first statement of a transaction travels in one round trip
    with its ``BEGIN``, which psycopg would otherwise send and wait for on its own."""
    if raw.autocommit or raw.pgconn.transaction_status != _IDLE:
        return _run(raw, sql, params)
    with raw.pipeline():
        return _run(raw, sql, params)


def _run(raw: psycopg.Connection[Any], sql: bytes, params: Any) -> psycopg.Cursor[Any]:
    """``raw.execute``, leaving psycopg to prepare ``sql`` unless it is planned each time."""
    return raw.execute(sql, params, prepare=False if sql in _PLANNED_EACH_TIME else None)


_IDLE = psycopg.pq.TransactionStatus.IDLE


@contextlib.contextmanager
def batch(session: Session) -> Iterator[None]:
    """Send the bulk writes made inside together, at the end, in one round trip
    (PostgreSQL's pipeline mode; SQLite runs them as they come).

    Only for writes that nothing inside reads back: a statement run inside the batch
    through anything but :func:`insert_many` and :func:`update_many` runs at once,
    before the queued writes. Nested batches join the outer one. A failed write raises
    when the batch ends.
    """
    if _is_sqlite(session) or _BATCH_KEY in session.info:
        yield
        return
    queued: list[tuple[bytes, tuple[Any, ...]]] = []
    session.info[_BATCH_KEY] = queued
    try:
        yield
    finally:
        del session.info[_BATCH_KEY]
    commit = session.info.pop(_COMMIT_KEY, False)
    if not queued:
        return
    raw = _raw(session)
    with raw.pipeline():
        for sql, params in queued:
            _run(raw, sql, params)
        if commit:
            _send_unsent(session, raw)
            raw.commit()
            session.info[_COMMITTED_KEY] = True


def commit_with_batch(session: Session) -> None:
    """Let the next :func:`batch` of this transaction also end it: on PostgreSQL its
    writes and the ``COMMIT`` then travel in one round trip, instead of the commit
    waiting for the batch's answer first.

    For a transaction whose last writes are that batch (an engine step, a new
    execution): the session's own commit afterwards finds nothing left to do. A
    statement through this module or a change to ORM objects after that batch would
    land outside the transaction, and raises instead.
    """
    if not _is_sqlite(session):
        session.info[_COMMIT_KEY] = True


_COMMIT_KEY = "meltemi.commit_with_batch"
_COMMITTED_KEY = "meltemi.committed"


def _filled(rows: list[dict[str, Any]], missing: list[sa.Column[Any]]) -> list[dict[str, Any]]:
    """``rows`` with the defaults of the ``missing`` columns they lack: fixed defaults
    computed once, callable ones (a new id) per row."""
    fixed = _defaults([c for c in missing if not (c.default and c.default.is_callable)])
    made = [c for c in missing if c.default and c.default.is_callable]
    if not made:
        return [{**fixed, **row} for row in rows]
    return [{**fixed, **_defaults(made), **row} for row in rows]


def _by_columns(rows: list[dict[str, Any]]) -> dict[tuple[str, ...], list[dict[str, Any]]]:
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    return groups


# Statements are built once per table and set of columns: building a SQLAlchemy
# expression costs more than running it, and a step runs a handful of them.


@functools.cache
def _sqlite_insert(table: sa.Table, *, skip_duplicates: bool) -> sa.Insert:
    insert = sqlite_dialect.insert(table)
    return insert.on_conflict_do_nothing() if skip_duplicates else insert


@functools.cache
def _sqlite_update(table: sa.Table, names: tuple[str, ...]) -> sa.Update:
    stmt = sa.update(table).where(table.c.id == sa.bindparam("_id"))
    return stmt.values({n: sa.bindparam(n) for n in names if n != "id"})


def connection(session: Session) -> sa.Connection:
    """``session.connection()``, remembered for the session's current transaction: an
    engine step runs a dozen statements, and each lookup costs tens of microseconds."""
    if _COMMITTED_KEY in session.info:
        raise RuntimeError("Statement after the batch that committed the transaction")
    remembered = session.info.get(_CONNECTION_KEY)
    if remembered is not None and remembered[0] is session.get_transaction():
        return remembered[1]  # type: ignore[no-any-return]
    found = session.connection()
    session.info[_CONNECTION_KEY] = (session.get_transaction(), found)
    return found


_CONNECTION_KEY = "meltemi.connection"


def fetch_first(
    session: Session, stmt: sa.ClauseElement, params: Mapping[str, Any]
) -> tuple[Any, ...] | None:
    """The first row of ``stmt`` as a plain tuple, or ``None``.

    On PostgreSQL the statement goes straight to psycopg (compiled once), for the few
    statements every engine step runs: SQLAlchemy's execution around a statement costs
    more than psycopg's. JSON comes back decoded and timestamps timezone-aware (UTC),
    as through the column types; the statement must not need other result processing.
    """
    found = fetch_all(session, stmt, params, limit=1)
    return found[0] if found else None


def fetch_all(
    session: Session, stmt: sa.ClauseElement, params: Mapping[str, Any], *, limit: int = 0
) -> list[tuple[Any, ...]]:
    """The rows of ``stmt`` as plain tuples (the first ``limit`` if given): see
    :func:`fetch_first`."""
    if _is_sqlite(session):
        result = connection(session).execute(stmt, params)  # type: ignore[call-overload]
        return [tuple(r) for r in (result.fetchmany(limit) if limit else result.all())]
    sql, defaults = _compiled_for_psycopg(stmt)
    cursor = _execute(_raw(session), sql, {**defaults, **params})
    rows = cursor.fetchmany(limit) if limit else cursor.fetchall()
    return [
        tuple(v.astimezone(dt.UTC) if isinstance(v, dt.datetime) else v for v in row)
        for row in rows
    ]


@functools.cache
def _compiled_for_psycopg(stmt: sa.ClauseElement) -> tuple[bytes, dict[str, Any]]:
    compiled = stmt.compile(dialect=_PSYCOPG, compile_kwargs={"render_postcompile": True})
    return str(compiled).encode(), dict(compiled.params)


_PSYCOPG = postgresql.psycopg.dialect()  # type: ignore[no-untyped-call]


def _raw(session: Session) -> psycopg.Connection[Any]:
    """The psycopg connection under ``session``'s transaction."""
    return connection(session).connection.driver_connection  # type: ignore[return-value]


# Table and column names in these statements come from our own models, never from input.
_INSERT = 'INSERT INTO "{t}" ({c}) SELECT {v} FROM {f}_populate_recordset(NULL::"{t}", %s)'
_UPDATE = (
    'UPDATE "{t}" AS t SET {a} FROM (SELECT * FROM {f}_populate_recordset(NULL::"{t}", %s)'
    " LIMIT %s) AS v WHERE t.id = v.id"
)
"""The ``LIMIT`` (the number of rows sent) tells the planner how many rows come: it takes
any set-returning function for 100, and for that many it would rather scan a table of
up to some ten thousand rows whole than look each row up by its key."""
_PLANNED_EACH_TIME: set[bytes] = set()
"""Statements psycopg must not prepare (it prepares what runs five times): the plan of a
prepared statement is kept for the connection's life, and one made while a table was
small scans it whole however large it grows, until an ``ANALYZE`` of the table (never,
where autovacuum is off). Planned each time, the bulk updates know their row count."""


@functools.cache
def _keeps_text(table: sa.Table) -> bool:
    """Whether ``table`` has a plain ``json`` column, whose text (key order included)
    must come through as sent: then rows travel as ``json``, else as ``jsonb``, which
    PostgreSQL turns into its column values faster, large ones twice as fast."""
    return any(
        isinstance(c.type, sa.JSON)
        and not isinstance(c.type._variant_mapping.get("postgresql"), postgresql.JSONB)
        for c in table.columns
    )


def _recordset(table: sa.Table) -> type[PgJson | PgJsonb]:
    return PgJson if _keeps_text(table) else PgJsonb


def _function(table: sa.Table) -> str:
    return "json" if _keeps_text(table) else "jsonb"


@functools.cache
def _insert_sql(
    table: sa.Table, columns: tuple[sa.Column[Any], ...], *, skip_duplicates: bool
) -> bytes:
    names = ", ".join(f'"{c.name}"' for c in columns)
    values = ", ".join(
        f'COALESCE("{c.name}", statement_timestamp())' if _is_clock(c) else f'"{c.name}"'
        for c in columns
    )
    sql = _INSERT.format(t=table.name, c=names, v=values, f=_function(table))
    return (sql + " ON CONFLICT DO NOTHING" if skip_duplicates else sql).encode()


@functools.cache
def _unclocked(table: sa.Table) -> list[sa.Column[Any]]:
    """The columns an INSERT names whose default is not the database's clock."""
    return [c for c in _insertable(table) if not _is_clock(c)]


def _is_clock(column: sa.Column[Any]) -> bool:
    """Whether the column's default is the database's clock (:class:`utcnow`)."""
    return isinstance(getattr(column.default, "arg", None), utcnow)


@functools.cache
def _update_sql(table: sa.Table, names: tuple[str, ...]) -> bytes:
    assigned = ", ".join(f'"{n}" = v."{n}"' for n in names if n != "id")
    sql = _UPDATE.format(t=table.name, a=assigned, f=_function(table)).encode()
    _PLANNED_EACH_TIME.add(sql)
    return sql


def with_defaults(table: sa.Table, row: Mapping[str, Any]) -> dict[str, Any]:
    """``row`` completed with the defaults of the columns it lacks (see :func:`_defaults`)."""
    return {**_defaults([c for c in _insertable(table) if c.name not in row]), **row}


@functools.cache
def _insertable(table: sa.Table) -> list[sa.Column[Any]]:
    """The columns an INSERT names: all but an autoincrement key."""
    return [c for c in table.columns if not (c.primary_key and c.autoincrement is True)]


def _defaults(columns: list[sa.Column[Any]]) -> dict[str, Any]:
    """Python values of the defaults of ``columns`` (``None`` for nullable ones without).

    A clock default becomes this process's clock (:func:`with_defaults`, for a row the
    caller keeps: its record stamps), never in a lease or due time.
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


def is_disconnect(error: BaseException) -> bool:
    """Whether ``error`` means the connection to the database is lost or impossible
    (rather than a failed statement): SQLAlchemy says so for what it ran, psycopg's
    broken connection for what the bulk writes sent directly."""
    if isinstance(error, sa.exc.DBAPIError):
        return bool(error.connection_invalidated) or _is_pg_disconnect(error.orig)
    return _is_pg_disconnect(error)


_DISCONNECT_STATES = ("08", "57P")
"""SQLSTATE classes of a lost connection: connection exceptions, server shutting down."""


def _is_pg_disconnect(error: BaseException | None) -> bool:
    if isinstance(error, psycopg.InterfaceError):  # e.g. "the connection is closed"
        return True
    if not isinstance(error, psycopg.OperationalError):
        return False
    state = error.sqlstate  # None: the client saw the socket fail (no server answer)
    return state is None or state.startswith(_DISCONNECT_STATES)


def reason(error: BaseException) -> str:
    """The database driver's own words for ``error``, on one line."""
    orig = getattr(error, "orig", None) or error
    return " ".join(str(orig).split()) or type(orig).__name__


def is_unique_violation(error: BaseException | None) -> bool:
    """True when ``error`` (an IntegrityError) is a unique-key violation, not e.g. a
    foreign-key or not-null one."""
    orig = getattr(error, "orig", error)
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
        listen = pgsql.SQL("LISTEN {}").format(pgsql.Identifier(channel))
        with _unavailable():
            self._conn = psycopg.connect(conninfo, autocommit=True, connect_timeout=10)
            self._conn.execute(listen)

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds; True when notified.

        Raises :class:`errors.StoreUnavailable` once the connection is lost.
        """
        with _unavailable():
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


@contextlib.contextmanager
def _unavailable() -> Iterator[None]:
    try:
        yield
    except (psycopg.OperationalError, psycopg.InterfaceError, OSError, ValueError) as exc:
        # ValueError: select() on the descriptor of a connection closed meanwhile
        raise errors.StoreUnavailable(f"Lost the notification connection: {reason(exc)}") from exc


def install_hub(session_info: dict[str, Any], hub: LocalHub) -> None:
    """Make sessions created with ``session_info`` deliver SQLite notifications to ``hub``."""
    session_info[_HUB_KEY] = hub


def notify(session: Session, channel: str) -> None:
    """Wake the listeners of ``channel`` once this session's transaction commits.

    However many times a transaction asks, each channel is notified once, at commit.
    Inside a PostgreSQL :func:`batch`, the ``pg_notify`` travels with the batch (it is
    transactional: listeners get it once the commit is done), else just before commit.
    """
    pending = session.info.setdefault(_PENDING_KEY, set())
    if channel in pending:
        return
    pending.add(channel)
    queued: list[tuple[bytes, tuple[Any, ...]]] | None = session.info.get(_BATCH_KEY)
    if queued is not None:
        queued.append((_PG_NOTIFY_SQL, (channel,)))
        session.info.setdefault(_SENT_KEY, set()).add(channel)


def before_commit(session: Session) -> None:
    """Send the PostgreSQL notifications of the committing transaction not sent yet."""
    if _is_sqlite(session):
        return
    unsent = _unsent(session)
    if _COMMITTED_KEY in session.info:
        _forget(session)
        if unsent or session.new or session.dirty or session.deleted:
            raise RuntimeError("Written after the batch that committed the transaction")
        return
    if unsent:
        _send_unsent(session, _raw(session))
    _forget(session)


def _unsent(session: Session) -> set[str]:
    """The channels this transaction notifies that no batch has sent yet."""
    pending: set[str] = session.info.get(_PENDING_KEY, set())
    sent: set[str] = session.info.get(_SENT_KEY, set())
    return pending - sent


def _send_unsent(session: Session, raw: psycopg.Connection[Any]) -> None:
    """Send the ``pg_notify`` of every channel not sent yet (in a pipeline, queued)."""
    unsent = _unsent(session)
    for channel in sorted(unsent):
        raw.execute(_PG_NOTIFY_SQL, (channel,))
    session.info.setdefault(_SENT_KEY, set()).update(unsent)


def _forget(session: Session) -> None:
    """Drop what this module kept about the session's transaction, once it has ended."""
    for key in (_PENDING_KEY, _SENT_KEY, _COMMIT_KEY, _COMMITTED_KEY):
        session.info.pop(key, None)


_PG_NOTIFY_SQL = b"SELECT pg_notify(%s, '')"
_SENT_KEY = "meltemi.sent_notify"


def after_commit(session: Session) -> None:
    """Deliver the in-process notifications of a committed SQLite transaction."""
    pending: set[str] = session.info.pop(_PENDING_KEY, set())
    hub: LocalHub | None = session.info.get(_HUB_KEY)
    if hub is not None:
        for channel in pending:
            hub.signal(channel)


def after_rollback(session: Session) -> None:
    """Drop the notifications of a rolled-back transaction."""
    _forget(session)
