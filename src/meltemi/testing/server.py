"""A whole Meltemi server (API and worker) in a background thread, for end-to-end tests.

::

    with testing.live_server(Settings(db_url=f"sqlite:///{tmp_path / 'x.db'}")) as server:
        httpx.post(f"{server.url}/v2/executions", json={...})
        server.wait_until(lambda: execution_is_done())

The socket is bound before the thread starts, so requests queue until uvicorn accepts
them; :meth:`LiveServer.wait_until` re-checks its condition after each job the worker
finishes, so tests wait on the worker, never on the clock.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator

import anyio
import uvicorn

from meltemi.actions import Registry
from meltemi.settings import Settings
from meltemi.store import db as dbm
from meltemi.worker import catalog, control, loop, step

WAIT_LIMIT = 20.0
"""Seconds a condition may take to hold before :meth:`LiveServer.wait_until` gives up."""


class LiveServer:
    """A running server: its URL, and a way to wait for the worker's progress."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.jobs_done = 0
        self._changed = threading.Condition()

    def job_done(self) -> bool:
        """Called by the worker after each job; never asks it to stop."""
        with self._changed:
            self.jobs_done += 1
            self._changed.notify_all()
        return False

    def wait_until(self, condition: Callable[[], bool], limit: float = WAIT_LIMIT) -> None:
        """Return once ``condition()`` holds, checking it again after each finished job.

        Raises:
            TimeoutError: it did not hold within ``limit`` seconds (a hang is a bug).
        """
        deadline = time.monotonic() + limit
        while True:
            seen = self.jobs_done
            if condition():
                return
            left = deadline - time.monotonic()
            if left <= 0 or not self._next_job(seen, left):
                raise TimeoutError(f"condition not met within {limit}s")

    def _next_job(self, seen: int, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self.jobs_done != seen, timeout)


async def _serve(
    worker: loop.Worker, web: uvicorn.Server, sock: socket.socket, live: LiveServer
) -> None:
    async with anyio.create_task_group() as tg:
        tg.start_soon(worker.run, live.job_done)
        await web.serve(sockets=[sock])
        worker.stop()


@contextlib.contextmanager
def live_server(settings: Settings, *, registry: Registry | None = None) -> Iterator[LiveServer]:
    """Serve the API with a worker on ``settings.db_url`` (migrated here) on a free
    127.0.0.1 port until the block ends."""
    from meltemi.api import create_app  # noqa: PLC0415 - the API only when serving

    database = dbm.open_database(settings.db_url)
    dbm.migrate(database.engine)
    registry = registry or Registry.default(plugins=False)
    rt = step.Runtime(db=database, settings=settings, catalog=catalog.Catalog(registry))
    with contextlib.closing(database), socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        live = LiveServer(f"http://127.0.0.1:{sock.getsockname()[1]}")
        app = create_app(settings, database, control=control.Controller(rt), registry=registry)
        web = uvicorn.Server(uvicorn.Config(app, log_level="warning", ws="none", lifespan="off"))
        thread = threading.Thread(target=anyio.run, args=(_serve, loop.Worker(rt), web, sock, live))
        thread.start()
        try:
            yield live
        finally:
            web.should_exit = True
            thread.join(timeout=30)
    if thread.is_alive():
        raise RuntimeError("the live server did not stop within 30 s")
