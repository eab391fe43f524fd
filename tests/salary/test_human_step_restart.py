"""A human step survives a killed server: after a restart it completes through the API."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from .server_process import Server, execution_state, start_server

__all__ = ["start_server"]  # the fixture, imported for this module

HUMAN = """
version: '2.0'
human_restart:
  output:
    answer: <% $.answer %>
  tasks:
    ask:
      action: std.async_noop
      publish:
        answer: <% task().result %>
"""


@pytest.mark.slow
def test_waiting_action_completes_after_server_restart(
    tmp_path: Path, start_server: Callable[[str], Server]
) -> None:
    """Kill the server while a human step waits; after a restart a PUT completes it."""
    db_url = f"sqlite:///{tmp_path / 'x.db'}"
    first = start_server(db_url)
    with httpx.Client(timeout=30) as client:
        created = client.post(
            f"{first.base}/workflows", content=HUMAN, headers={"Content-Type": "text/plain"}
        )
        assert created.status_code == 201, created.text
        started = client.post(
            f"{first.base}/executions", json={"workflow_name": "human_restart", "input": "{}"}
        )
        assert started.status_code == 201, started.text
        execution_id = started.json()["id"]
        first.wait_for_line("action finished")  # the async action started: now it waits
        first.kill()

        second = start_server(db_url)
        listed = client.get(
            f"{second.base}/action_executions", params={"workflow_name": "human_restart"}
        ).json()["action_executions"]
        assert [a["state"] for a in listed] == ["RUNNING"]
        assert client.get(f"{second.base}/executions/{execution_id}").json()["state"] == "RUNNING"

        answer = {"state": "SUCCESS", "output": json.dumps({"approved": True, "by": "ana"})}
        url = f"{second.base}/action_executions/{listed[0]['id']}"
        completed = client.put(url, json=answer)
        assert completed.status_code == 200, completed.text
        assert completed.json()["state"] == "SUCCESS"

        done = execution_state(client, second.base, execution_id)
        assert done["state"] == "SUCCESS", done["state_info"]
        assert json.loads(done["output"]) == {"answer": {"approved": True, "by": "ana"}}
        again = client.put(url, json=answer)
        assert again.status_code == 409, again.text
