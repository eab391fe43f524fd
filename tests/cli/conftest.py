"""CLI test fixtures: a real Meltemi server in a background thread, and a CLI runner.

``server`` serves ``create_app`` with uvicorn on a free 127.0.0.1 port (the socket is
bound before the thread starts, so requests queue until uvicorn accepts them) over a
SQLite file in ``tmp_path``, with a real worker running in the same event loop, as
``meltemi server`` does. ``LiveServer.wait_until`` re-checks a condition after each job
the worker finishes: tests wait on the worker, never on the clock.
``cli`` runs ``meltemi ...`` through ``main`` with ``MELTEMI_URL`` pointing at it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
import uvicorn

from meltemi.actions import Registry
from meltemi.api import create_app
from meltemi.cli import client as cli_client
from meltemi.cli.main import main
from meltemi.settings import Settings
from meltemi.store import db as dbm
from meltemi.worker import catalog, control, loop, step

WAIT_LIMIT = 20.0
"""Seconds a condition may take to hold before the test fails (a hang is a bug)."""


@dataclasses.dataclass(frozen=True)
class Result:
    """What one ``meltemi`` command did."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        """Standard output decoded as JSON."""
        return json.loads(self.out)


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

    def wait_until(self, condition: Callable[[], bool]) -> None:
        """Return once ``condition()`` holds, checking it again after each finished job."""
        deadline = time.monotonic() + WAIT_LIMIT
        while True:
            seen = self.jobs_done
            if condition():
                return
            left = deadline - time.monotonic()
            if left <= 0 or not self._next_job(seen, left):
                pytest.fail(f"condition not met within {WAIT_LIMIT}s")

    def _next_job(self, seen: int, timeout: float) -> bool:
        """Wait until a job finishes after the ``seen``-th; False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: self.jobs_done != seen, timeout)

    def api(self) -> cli_client.Client:
        """A client of this server."""
        return cli_client.Client(self.url)


async def _serve(
    worker: loop.Worker, web: uvicorn.Server, sock: socket.socket, live: LiveServer
) -> None:
    async with anyio.create_task_group() as tg:
        tg.start_soon(worker.run, live.job_done)
        await web.serve(sockets=[sock])
        worker.stop()


@pytest.fixture
def server(sqlite_template: Path, tmp_path: Path) -> Iterator[LiveServer]:
    """A Meltemi server (API and worker) on a fresh SQLite database."""
    path = tmp_path / "meltemi.db"
    shutil.copyfile(sqlite_template, path)
    settings = Settings(db_url=f"sqlite:///{path}")
    database = dbm.open_database(settings.db_url)
    registry = Registry.default(plugins=False)
    rt = step.Runtime(db=database, settings=settings, catalog=catalog.Catalog(registry))
    with contextlib.closing(database), socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        live = LiveServer(f"http://127.0.0.1:{sock.getsockname()[1]}")
        app = create_app(settings, database, control=control.Controller(rt), registry=registry)
        web = uvicorn.Server(uvicorn.Config(app, log_level="warning", ws="none", lifespan="off"))
        worker = loop.Worker(rt)
        thread = threading.Thread(target=anyio.run, args=(_serve, worker, web, sock, live))
        thread.start()
        try:
            yield live
        finally:
            web.should_exit = True
            thread.join(timeout=30)
    assert not thread.is_alive(), "the server did not stop"


Cli = Callable[..., Result]


@pytest.fixture
def cli(
    server: LiveServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Cli:
    """Run ``meltemi ARGS...`` against ``server``; its exit code and output."""
    monkeypatch.setenv("MELTEMI_URL", server.url)

    def run(*argv: str) -> Result:
        capsys.readouterr()
        code = main(list(argv))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], str]:
    """Write a file under ``tmp_path``; its path."""

    def make(name: str, text: str) -> str:
        target = tmp_path / name
        target.write_text(text, encoding="utf-8")
        return str(target)

    return make
