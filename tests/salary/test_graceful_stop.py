"""SIGTERM stops a server gracefully: the action in flight finishes and its result is
kept, no lease is left behind, and the workflow goes on after a restart."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from .server_process import Server, execution_state, start_server

NAP_THEN_ASK = """
version: '2.0'
nap_then_ask:
  output:
    answer: <% $.answer %>
  tasks:
    nap:
      action: std.sleep seconds=1
      on-success: [ask]
    ask:
      action: std.async_noop
      publish:
        answer: <% task().result %>
"""


__all__ = ["start_server"]  # the fixture, imported for this module


def _rows(path: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as db:
        return db.execute(query).fetchall()


@pytest.mark.slow
def test_sigterm_lets_the_running_action_finish(
    tmp_path: Path, start_server: Callable[[str], Server]
) -> None:
    """A SIGTERM mid-action exits 0 after the action finished; a restart continues."""
    path = tmp_path / "x.db"
    first = start_server(f"sqlite:///{path}")
    with httpx.Client(timeout=30) as client:
        created = client.post(
            f"{first.base}/workflows", content=NAP_THEN_ASK, headers={"Content-Type": "text/plain"}
        )
        assert created.status_code == 201, created.text
        started = client.post(f"{first.base}/executions", json={"workflow_name": "nap_then_ask"})
        execution_id = started.json()["id"]
        first.wait_for_line("action started")  # std.sleep is sleeping now
        first.stop()
        assert first.proc.returncode == 0
        # The nap finished and its result is kept; the engine step it queued waits,
        # unleased, for the next server.
        naps = _rows(path, "select output from action_executions where name = 'std.sleep'")
        assert [json.loads(str(output)) for (output,) in naps] == [{"result": None}]
        assert _rows(path, "select kind, lease_owner from jobs") == [("step", None)]

        second = start_server(f"sqlite:///{path}")
        second.wait_for_line("action finished")  # the async action started after the nap
        waiting = client.get(
            f"{second.base}/action_executions", params={"state": "RUNNING"}
        ).json()["action_executions"]
        assert [a["name"] for a in waiting] == ["std.async_noop"]
        answer = {"state": "SUCCESS", "output": json.dumps("yes")}
        assert client.put(f"{second.base}/action_executions/{waiting[0]['id']}", json=answer)
        final = execution_state(client, second.base, execution_id)
        assert final["state"] == "SUCCESS"
        assert json.loads(final["output"]) == {"answer": "yes"}
