"""``meltemi execution report``: the tree reaches into sub-workflows; ``--task-name``."""

from __future__ import annotations

from collections.abc import Callable

from .conftest import Cli

WF = """\
version: '2.0'
parent:
  tasks:
    call:
      workflow: child
child:
  tasks:
    inner:
      action: std.noop
target:
  type: reverse
  tasks:
    a:
      action: std.noop
    b:
      action: std.noop
      requires: [a]
    c:
      action: std.noop
"""


def test_report_includes_subworkflows(cli: Cli, write: Callable[[str, str], str]) -> None:
    """A task's sub-workflow appears under it, with its own tasks counted."""
    assert cli("workflow", "create", write("wf.yaml", WF)).code == 0
    execution_id = cli("execution", "start", "parent", "--json").json()["id"]
    assert cli("execution", "get", execution_id, "--watch", "--interval", "0.05").code == 0
    report = cli("execution", "report", execution_id, "--json").json()
    call = report["root_workflow_execution"]["task_executions"][0]
    assert call["name"] == "call"
    [child] = call["workflow_executions"]
    assert child["workflow_name"] == "child"
    assert [t["name"] for t in child["task_executions"]] == ["inner"]
    assert report["statistics"]["total_tasks_count"] == 2
    assert report["statistics"]["success_tasks_count"] == 2
    tree = cli("execution", "report", execution_id).out
    assert "workflow child SUCCESS" in tree
    assert "task inner SUCCESS" in tree


def test_task_name_targets_reverse_workflow(cli: Cli, write: Callable[[str, str], str]) -> None:
    """``--task-name`` runs a reverse workflow up to that task only."""
    assert cli("workflow", "create", write("wf.yaml", WF)).code == 0
    execution_id = cli("execution", "start", "target", "--task-name", "b", "--json").json()["id"]
    final = cli(
        "execution", "get", execution_id, "--tasks", "--watch", "--interval", "0.05", "--json"
    )
    assert final.code == 0, final.err
    assert sorted(t["name"] for t in final.json()["tasks"]) == ["a", "b"]
