"""Dashboard test fixtures: the whole server on a real SQLite file, and a real browser.

``server`` runs what ``meltemi server`` runs (the app with the dashboard, and a Worker
with every role) in a background thread, on a socket bound to a free 127.0.0.1 port
before the thread starts, so that requests never race the start-up. ``page`` is a
Playwright page of Debian's chromium (``/usr/bin/chromium``, installed by
``scripts/install --test``); without it browser tests are skipped, except under
``CI=true`` where they fail saying how to install it.
"""

from __future__ import annotations

import dataclasses
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from meltemi.actions import Registry
from meltemi.api import create_app
from meltemi.settings import Settings
from meltemi.store import db as store_db
from meltemi.store import executions
from meltemi.worker import catalog, control, loop, step

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
"""Screenshots land here (git-ignored)."""


@dataclasses.dataclass
class Server:
    """A running Meltemi server: its base URL and an HTTP client on it."""

    url: str
    client: httpx.Client
    db: store_db.Database

    def workflow(self, text: str) -> None:
        """Store workflow definitions through the API, as a user would."""
        answer = self.client.post(
            "/v2/workflows", content=text, headers={"content-type": "text/plain"}
        )
        assert answer.status_code == 201, answer.text

    def start(self, name: str, **body: Any) -> str:
        """Start an execution through the API; its id."""
        answer = self.client.post("/v2/executions", json={"workflow_name": name, **body})
        assert answer.status_code == 201, answer.text
        return str(answer.json()["id"])


def _serve(rt: step.Runtime, sock: socket.socket, stop: threading.Event) -> None:
    app = create_app(rt.settings, rt.db, control=control.Controller(rt))
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    worker = loop.Worker(rt, roles=rt.settings.roles)

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            tg.start_soon(worker.run)
            tg.start_soon(_stopper, server, stop)
            await server.serve(sockets=[sock])
            worker.stop()

    anyio.run(main)


async def _stopper(server: uvicorn.Server, stop: threading.Event) -> None:
    await anyio.to_thread.run_sync(stop.wait)
    server.should_exit = True


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """The API, the dashboard and a Worker on a fresh SQLite file, in a background thread."""
    url = f"sqlite:///{tmp_path / 'meltemi.db'}"
    database = store_db.open_database(url)
    store_db.migrate(database.engine)
    settings = Settings(db_url=url, poll_seconds=0.2, worker_concurrency=8)
    rt = step.Runtime.create(database, settings)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    stop = threading.Event()
    thread = threading.Thread(target=_serve, args=(rt, sock, stop), daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    try:
        with httpx.Client(base_url=base, timeout=10) as client:
            yield Server(base, client, database)
    finally:
        stop.set()
        thread.join(timeout=15)
        sock.close()
        database.close()


def _chromium_or_skip() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    message = (
        f"{CHROMIUM} is missing: run `scripts/install --test` as root "
        "(it runs `apt-get install -y chromium`)"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Headless Debian chromium driven by Playwright (never a downloaded browser)."""
    path = _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    """A fresh browser page (1440x900) with a 15 s limit on every wait."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=server.url)
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under ``artifacts/``; its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def client(db: store_db.Database) -> Iterator[TestClient]:
    """A test client of the whole app (API and dashboard) on ``db``, with no worker."""
    settings = Settings()
    rt = step.Runtime(
        db=db, settings=settings, catalog=catalog.Catalog(Registry.default(plugins=False))
    )
    app = create_app(
        settings, db, control=control.Controller(rt), registry=Registry.default(plugins=False)
    )
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as test_client:
        yield test_client


def seed_execution(db: store_db.Database, **values: Any) -> str:
    """Insert a workflow execution row as the worker would; its id."""
    with db.transaction() as session:
        row = executions.create(session, **{"workflow_name": "wf", "state": "SUCCESS", **values})
        return row.id
