"""Execution trees: an execution with the sub-workflows its tasks started, depth first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi.testclient import TestClient

if TYPE_CHECKING:
    from api.conftest import Seeder


def _tree(seed: Seeder) -> dict[str, str]:
    root = seed.execution(state="ERROR")
    ok_task = seed.task(root, name="ok")
    bad_task = seed.task(root, name="bad", state="ERROR")
    ok_child = seed.execution(parent_task_execution_id=ok_task, root_execution_id=root)
    bad_child = seed.execution(
        parent_task_execution_id=bad_task, root_execution_id=root, state="ERROR"
    )
    grand_task = seed.task(bad_child, name="deep", state="ERROR")
    grandchild = seed.execution(parent_task_execution_id=grand_task, root_execution_id=root)
    return {
        "root": root,
        "ok_child": ok_child,
        "bad_task": bad_task,
        "bad_child": bad_child,
        "grandchild": grandchild,
    }


def _ids(client: TestClient, url: str, **params: str) -> list[str]:
    got = client.get(url, params=params)
    assert got.status_code == 200, got.text
    return [e["id"] for e in got.json()["executions"]]


def test_execution_tree_depth_first(client: TestClient, seed: Seeder) -> None:
    """The tree lists the root, then each task's sub-workflow trees."""
    t = _tree(seed)
    url = f"/v2/executions/{t['root']}/executions"
    assert _ids(client, url) == [t["root"], t["ok_child"], t["bad_child"], t["grandchild"]]
    assert _ids(client, url, max_depth="1") == [t["root"], t["ok_child"], t["bad_child"]]
    assert _ids(client, url, errors_only="true") == [t["root"], t["bad_child"], t["grandchild"]]


def test_task_tree_and_unknown_ids(client: TestClient, seed: Seeder) -> None:
    """A task's tree starts at its sub-workflows; unknown ids answer 404."""
    t = _tree(seed)
    assert _ids(client, f"/v2/tasks/{t['bad_task']}/executions") == [
        t["bad_child"],
        t["grandchild"],
    ]
    assert client.get("/v2/tasks/nope/executions").status_code == 404
    assert client.get("/v2/executions/nope/executions").status_code == 404
