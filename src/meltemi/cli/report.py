"""An execution's report: its tree of tasks, action executions and sub-workflows.

Built from the API's collections (``/v2/executions/{id}/tasks``,
``/v2/tasks/{id}/action_executions``, ``/v2/tasks/{id}/workflow_executions``) in the
shape of Mistral's report: ``root_workflow_execution`` and ``statistics``.
"""

from __future__ import annotations

import collections
from typing import Any
from urllib.parse import quote

from rich.console import Group, RenderableType
from rich.text import Text
from rich.tree import Tree

from meltemi.cli import output
from meltemi.cli.client import Client

COUNTED = ("RUNNING", "SUCCESS", "ERROR", "IDLE", "PAUSED", "WAITING", "CANCELLED")


def _tasks(api: Client, execution_id: str) -> list[dict[str, Any]]:
    body = api.get(f"/v2/executions/{quote(execution_id, safe='')}/tasks")
    return output.decode_all(body["tasks"])


def _task_node(api: Client, task: dict[str, Any]) -> dict[str, Any]:
    base = f"/v2/tasks/{quote(task['id'], safe='')}"
    actions = api.get(f"{base}/action_executions")["action_executions"]
    children = api.get(f"{base}/workflow_executions")["executions"]
    return {
        **task,
        "action_executions": output.decode_all(actions),
        "workflow_executions": [_execution_node(api, output.decode(c)) for c in children],
    }


def _execution_node(api: Client, execution: dict[str, Any]) -> dict[str, Any]:
    tasks = [_task_node(api, t) for t in _tasks(api, execution["id"])]
    return {**execution, "task_executions": tasks}


def _all_tasks(node: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for task in node["task_executions"]:
        found.append(task)
        for child in task["workflow_executions"]:
            found.extend(_all_tasks(child))
    return found


def statistics(root: dict[str, Any]) -> dict[str, int]:
    """Task counts over the whole tree, by state, as Mistral's report names them."""
    counts = collections.Counter(t["state"] for t in _all_tasks(root))
    stats = {"total_tasks_count": sum(counts.values())}
    stats.update({f"{state.lower()}_tasks_count": counts[state] for state in COUNTED})
    return stats


def build(api: Client, execution_id: str) -> dict[str, Any]:
    """The report of execution ``execution_id``."""
    execution = output.decode(api.get(f"/v2/executions/{quote(execution_id, safe='')}"))
    root = _execution_node(api, execution)
    return {"root_workflow_execution": root, "statistics": statistics(root)}


def _label(kind: str, name: str, item: dict[str, Any]) -> Text:
    state = str(item.get("state"))
    text = Text(f"{kind} {name} ")
    text.append(state, style=output.COLOURS.get(state, "white"))
    text.append(f" ({item['id']})", style="dim")
    if item.get("state_info"):
        text.append(f": {item['state_info']}")
    return text


def _grow(tree: Tree, node: dict[str, Any]) -> None:
    for task in node["task_executions"]:
        branch = tree.add(_label("task", task["name"], task))
        for action in task["action_executions"]:
            branch.add(_label("action", action["name"], action))
        for child in task["workflow_executions"]:
            _grow(branch.add(_label("workflow", child["workflow_name"], child)), child)


def render(report: dict[str, Any]) -> RenderableType:
    """The report for people: a tree, then the counts."""
    root = report["root_workflow_execution"]
    tree = Tree(_label("workflow", root["workflow_name"], root))
    _grow(tree, root)
    counts = ", ".join(
        f"{k.removesuffix('_tasks_count')}: {v}" for k, v in report["statistics"].items() if v
    )
    return Group(tree, Text(f"tasks: {counts or 'none'}"))
