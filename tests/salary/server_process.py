"""``meltemi server`` as a real subprocess, for tests across restarts and signals."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

START_LIMIT = 60.0
"""Seconds a server may take to start, or an awaited log line to appear."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """``meltemi server`` in a subprocess; its output lines are read into a queue."""

    def __init__(self, db_url: str) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}/v2"
        command = [sys.executable, "-m", "meltemi.cli.main", "server"]
        self.proc = subprocess.Popen(
            [*command, "--db", db_url, "--port", str(self.port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "MELTEMI_POLL_SECONDS": "0.2"},
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        with self.proc.stdout:
            for line in self.proc.stdout:
                self.lines.put(line)
        self.lines.put(None)  # the process closed its output: it ended

    def wait_for_line(self, text: str) -> None:
        """Block until the server prints a line containing ``text``."""
        deadline = time.monotonic() + START_LIMIT
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None:
                pytest.fail(f"no {text!r} from the server; output:\n{''.join(self.seen)}")
            self.seen.append(line)
            if text in line:
                return

    def kill(self) -> None:
        """SIGKILL: no shutdown, no chance to finish anything."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self._reader.join(timeout=10)

    def stop(self) -> None:
        """SIGTERM and wait (SIGKILL if it lingers)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self._reader.join(timeout=10)


@pytest.fixture
def start_server() -> Iterator[Callable[[str], Server]]:
    """Starts a server on a database URL and waits until it serves; all are stopped at
    the end of the test."""
    started: list[Server] = []

    def start(db_url: str) -> Server:
        server = Server(db_url)
        started.append(server)
        server.wait_for_line("Uvicorn running on")
        return server

    yield start
    for server in started:
        server.stop()


def execution_state(client: httpx.Client, base: str, execution_id: str) -> dict[str, Any]:
    # Across a process boundary the API is the only window: poll it as a client
    # would, bounded, until the execution is final.
    deadline = time.monotonic() + START_LIMIT
    while time.monotonic() < deadline:
        body: dict[str, Any] = client.get(f"{base}/executions/{execution_id}").json()
        if body["state"] in {"SUCCESS", "ERROR", "CANCELLED"}:
            return body
        time.sleep(0.05)
    pytest.fail(f"execution {execution_id} did not finish")
