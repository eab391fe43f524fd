"""``meltemi execution pause|resume|cancel|report|delete`` on a waiting execution."""

from __future__ import annotations

from collections.abc import Callable

from .conftest import Cli, Server

WF = """\
version: '2.0'
hold:
  tasks:
    first:
      action: std.echo output=1
      on-success: wait
    wait:
      action: std.async_noop
"""


def test_pause_resume_cancel_report_delete(
    cli: Cli, server: Server, write: Callable[[str, str], str]
) -> None:
    """State changes go through the API; the report shows the tree; delete removes it."""
    assert cli("workflow", "create", write("wf.yaml", WF)).code == 0
    execution_id = cli("execution", "start", "hold", "--json").json()["id"]

    def waiting() -> bool:
        tasks = cli("task", "list", "--execution", execution_id, "--state", "RUNNING", "--json")
        return [t["name"] for t in tasks.json()] == ["wait"]

    server.wait_until(waiting)
    assert cli("execution", "delete", execution_id).code == 1
    assert cli("execution", "pause", execution_id, "--json").json()["state"] == "PAUSED"
    assert cli("execution", "resume", execution_id, "--json").json()["state"] == "RUNNING"
    cancelled = cli("execution", "cancel", execution_id, "--reason", "not needed", "--json")
    assert cancelled.json()["state"] == "CANCELLED"
    assert cancelled.json()["state_info"] == "not needed"
    report = cli("execution", "report", execution_id, "--json").json()
    root = report["root_workflow_execution"]
    assert root["id"] == execution_id
    assert [t["name"] for t in root["task_executions"]] == ["first", "wait"]
    assert [a["name"] for a in root["task_executions"][0]["action_executions"]] == ["std.echo"]
    assert report["statistics"]["total_tasks_count"] == 2
    assert report["statistics"]["success_tasks_count"] == 1
    tree = cli("execution", "report", execution_id)
    assert "task first SUCCESS" in tree.out
    assert "action std.async_noop" in tree.out
    assert cli("execution", "delete", execution_id).code == 0
    assert cli("execution", "get", execution_id).code == 1
