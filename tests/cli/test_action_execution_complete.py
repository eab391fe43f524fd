"""``meltemi action-execution complete`` answers a waiting ``std.async_noop`` task."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .conftest import Cli, Server

WF = """\
version: '2.0'
approve:
  output:
    answer: <% $.answer %>
  tasks:
    ask:
      action: std.async_noop
      publish:
        answer: <% task().result %>
"""


def running_actions(cli: Cli) -> list[dict[str, Any]]:
    """The RUNNING action executions, through the CLI."""
    found: list[dict[str, Any]] = cli(
        "action-execution", "list", "--state", "RUNNING", "--json"
    ).json()
    return found


def test_complete_finishes_execution(
    cli: Cli, server: Server, write: Callable[[str, str], str]
) -> None:
    """Completing the running action with an output lets its execution succeed with it."""
    assert cli("workflow", "create", write("wf.yaml", WF)).code == 0
    execution_id = cli("execution", "start", "approve", "--json").json()["id"]
    server.wait_until(lambda: bool(running_actions(cli)))
    waiting = running_actions(cli)
    assert [(a["name"], a["task_name"]) for a in waiting] == [("std.async_noop", "ask")]
    done = cli(
        "action-execution", "complete", waiting[0]["id"], "--output", '{"ok": true}', "--json"
    )
    assert done.code == 0, done.err
    assert done.json()["state"] == "SUCCESS"
    final = cli("execution", "get", execution_id, "--watch", "--interval", "0.05", "--json")
    assert final.code == 0, final.err
    assert final.json()["state"] == "SUCCESS"
    assert final.json()["output"] == {"answer": {"ok": True}}
    again = cli("action-execution", "complete", waiting[0]["id"])
    assert again.code == 1
    assert "already SUCCESS" in again.err
