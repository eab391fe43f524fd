"""``meltemi task rerun`` runs a failed task again and its execution goes on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .conftest import Cli, Server

WF = """\
version: '2.0'
approve:
  tasks:
    ask:
      action: std.async_noop
"""


def running_actions(cli: Cli) -> list[dict[str, Any]]:
    """The RUNNING action executions, through the CLI."""
    found: list[dict[str, Any]] = cli(
        "action-execution", "list", "--state", "RUNNING", "--json"
    ).json()
    return found


def test_fail_then_rerun_then_complete(
    cli: Cli, server: Server, write: Callable[[str, str], str]
) -> None:
    """A task failed through ``action-execution fail`` is rerun and then succeeds."""
    assert cli("workflow", "create", write("wf.yaml", WF)).code == 0
    execution_id = cli("execution", "start", "approve", "--json").json()["id"]
    server.wait_until(lambda: bool(running_actions(cli)))
    first = running_actions(cli)[0]
    assert cli("action-execution", "fail", first["id"], "--error", "rejected").code == 0
    failed = cli(
        "execution", "get", execution_id, "--tasks", "--watch", "--interval", "0.05", "--json"
    )
    assert failed.code == 1
    assert failed.json()["state"] == "ERROR"
    task = failed.json()["tasks"][0]
    assert task["state"] == "ERROR"
    rerun = cli("task", "rerun", task["id"], "--json")
    assert rerun.code == 0, rerun.err
    server.wait_until(lambda: bool(running_actions(cli)))
    second = running_actions(cli)[0]
    assert second["id"] != first["id"]
    assert second["task_execution_id"] == task["id"]
    assert cli("action-execution", "complete", second["id"]).code == 0
    final = cli("execution", "get", execution_id, "--watch", "--interval", "0.05", "--json")
    assert (final.code, final.json()["state"]) == (0, "SUCCESS")
    attempts = cli("action-execution", "list", "--task", task["id"], "--json").json()
    assert sorted(a["state"] for a in attempts) == ["ERROR", "SUCCESS"]
