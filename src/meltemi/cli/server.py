"""``meltemi server``: the API, the engine, the executor and the scheduler in one process.

With ``--role`` a process runs only some roles; several processes with different roles
on one PostgreSQL database form one service.
"""

from __future__ import annotations

import argparse
import logging
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
            db_url=args.db, host=args.host, port=args.port, roles=roles_of(args.role)
        )
    except errors.ConfigError as exc:
        log.error("%s", exc)  # noqa: TRY400 - a usage error needs no traceback
        return 2
    database = dbm.open_database(settings.db_url)
    dbm.migrate(database.engine)
    rt = step.Runtime.create(database, settings)
    anyio.run(serve, rt)
    database.close()
    return 0


async def serve(rt: step.Runtime) -> None:
    """Run this process's roles until the API server (or a signal) stops them."""
    from meltemi.api.app import create_app  # noqa: PLC0415 - only when serving
    from meltemi.worker import control  # noqa: PLC0415

    settings = rt.settings
    worker = loop.Worker(rt, roles=settings.roles)
    stopping = anyio.Event()
    async with anyio.create_task_group() as tg:
        if worker.kinds:
            tg.start_soon(worker.run)
        if "scheduler" in settings.roles:
            tg.start_soon(cron.run, rt, stopping)
        if "api" in settings.roles:
            app = create_app(settings, rt.db, control=control.Controller(rt))
            config = uvicorn.Config(app, host=settings.host, port=settings.port, log_level="info")
            await uvicorn.Server(config).serve()
        else:
            await _wait_for_signal()
        log.info("shutting down: finishing in-flight work", extra={"event": "shutdown"})
        stopping.set()
        worker.stop()


async def _wait_for_signal() -> None:
    import signal  # noqa: PLC0415

    with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
        async for _ in signals:
            return
