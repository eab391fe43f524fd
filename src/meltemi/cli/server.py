"""``meltemi server``: the API, the engine, the executor and the scheduler in one process.

With ``--role`` a process runs only some roles; several processes with different roles
on one PostgreSQL database form one service.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
from collections.abc import Iterator
from typing import Any

import anyio
import uvicorn

from meltemi import errors
from meltemi.settings import ROLES, Settings
from meltemi.store import db as dbm
from meltemi.worker import cron, loop, step

log = logging.getLogger("meltemi.server")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``server`` subcommand."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "server",
        help="serve the REST API and run workflows",
        description="Serve the Mistral-compatible API v2 and run the worker roles.",
    )
    parser.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port (default 8989)")
    parser.add_argument("--db", default=None, help="database URL (default: embedded SQLite)")
    parser.add_argument(
        "--access-log",
        action="store_const",
        const=True,
        default=None,
        help="log every HTTP request (MELTEMI_ACCESS_LOG)",
    )
    parser.add_argument(
        "--role",
        default="all",
        help=f"comma-separated roles among {', '.join(ROLES)}, or 'all' (default)",
    )
    return parser


def roles_of(text: str) -> tuple[str, ...]:
    """Parse ``--role``; raises :class:`errors.ConfigError` for an unknown role."""
    if text == "all":
        return ROLES
    roles = tuple(r.strip() for r in text.split(",") if r.strip())
    unknown = [r for r in roles if r not in ROLES]
    if unknown or not roles:
        raise errors.ConfigError(f"Unknown role {unknown}: use {', '.join(ROLES)} or all")
    return roles


def run(args: argparse.Namespace) -> int:
    """Carry out ``meltemi server`` until SIGINT/SIGTERM."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        settings = Settings.from_env(
            db_url=args.db,
            host=args.host,
            port=args.port,
            roles=roles_of(args.role),
            access_log=args.access_log,
        )
    except errors.ConfigError as exc:
        log.error("%s", exc)  # noqa: TRY400 - a usage error needs no traceback
        return 2
    database = dbm.open_database(settings.db_url)
    dbm.migrate(database.engine)
    rt = step.Runtime.create(database, settings)
    anyio.run(serve, rt, backend_options=_event_loop())
    database.close()
    return 0


def _event_loop() -> dict[str, Any]:
    """uvloop where it is installed (not on Windows): a faster asyncio event loop."""
    try:
        import uvloop  # noqa: F401, PLC0415 - optional, only to know it is there
    except ImportError:
        return {}
    return {"use_uvloop": True}


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: :func:`serve` handles SIGINT/SIGTERM,
    so that the worker's in-flight jobs finish before the process exits (uvicorn would
    re-raise the signal once its own shutdown is done)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve(rt: step.Runtime) -> None:
    """Run this process's roles until SIGINT/SIGTERM, then shut down gracefully.

    Shutdown: stop accepting requests and claiming jobs, let in-flight engine steps and
    actions finish (at most ``settings.shutdown_grace`` seconds; a job cut short keeps
    its lease until it expires, and recovery treats its action as interrupted).
    """
    from meltemi.api.app import create_app  # noqa: PLC0415 - only when serving
    from meltemi.worker import control  # noqa: PLC0415

    settings = rt.settings
    worker = loop.Worker(rt, roles=settings.roles)
    stopping = anyio.Event()
    server: _Server | None = None
    if "api" in settings.roles:
        app = create_app(settings, rt.db, control=control.Controller(rt))
        config = uvicorn.Config(
            app,
            host=settings.host,
            port=settings.port,
            log_level="info",
            access_log=settings.access_log,
        )
        server = _Server(config)
    _settle_heap()
    async with anyio.create_task_group() as tg:
        if worker.kinds:
            tg.start_soon(worker.run)
        if "scheduler" in settings.roles:
            tg.start_soon(cron.run, rt, stopping)
        served = anyio.Event()
        if server is not None:
            tg.start_soon(_serve_http, server, served)
        await _wait_for_signal()
        log.info("shutting down: finishing in-flight work", extra={"event": "shutdown"})
        if server is not None:
            server.should_exit = True
        stopping.set()
        worker.stop()
        with anyio.move_on_after(settings.shutdown_grace):
            if worker.kinds:
                await worker.stopped.wait()
            if server is not None:
                await served.wait()
        tg.cancel_scope.cancel()
    log.info("stopped", extra={"event": "stopped"})


GC_THRESHOLDS = (20_000, 20, 20)
"""The garbage collector's thresholds while serving (Python's are 700, 10, 10): a step
allocates tens of thousands of short-lived containers, and collecting every 700 of them
costs more than the cycles it frees."""


def _settle_heap() -> None:
    """Move everything built at startup (modules, the app, the registry: some 170,000
    objects) out of the collector's sight, and collect less often: otherwise every full
    collection walks them all, a pause of about 100 ms in the middle of a request."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


async def _serve_http(server: _Server, served: anyio.Event) -> None:
    try:
        await server.serve()
    finally:
        served.set()


async def _wait_for_signal() -> None:
    import signal  # noqa: PLC0415

    with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
        async for _ in signals:
            return
