"""CLI test fixtures: a real Meltemi server in a background thread, and a CLI runner.

``server`` is :func:`meltemi.testing.live_server` (API and worker on a free 127.0.0.1
port) over a SQLite file in ``tmp_path``; its ``wait_until`` re-checks a condition after
each job the worker finishes: tests wait on the worker, never on the clock.
``cli`` runs ``meltemi ...`` through ``main`` with ``MELTEMI_URL`` pointing at it.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from meltemi import testing
from meltemi.cli import client as cli_client
from meltemi.cli.main import main
from meltemi.settings import Settings

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


class Server:
    """The live server of a test (:class:`meltemi.testing.LiveServer`) and a client."""

    def __init__(self, live: testing.LiveServer) -> None:
        self.url = live.url
        self.live = live

    def wait_until(self, condition: Callable[[], bool]) -> None:
        """Return once ``condition()`` holds, re-checked after each job the worker ends."""
        try:
            self.live.wait_until(condition)
        except TimeoutError as exc:
            pytest.fail(str(exc))

    def api(self) -> cli_client.Client:
        """A client of this server."""
        return cli_client.Client(self.url)


@pytest.fixture
def server(sqlite_template: Path, tmp_path: Path) -> Iterator[Server]:
    """A Meltemi server (API and worker) on a fresh SQLite database."""
    path = tmp_path / "meltemi.db"
    shutil.copyfile(sqlite_template, path)
    with testing.live_server(Settings(db_url=f"sqlite:///{path}")) as live:
        yield Server(live)


Cli = Callable[..., Result]


@pytest.fixture
def cli(server: Server, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
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
