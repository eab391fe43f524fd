"""Tasks: listed per execution (following next links), read with result, rerun."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

if TYPE_CHECKING:
    from api.conftest import FakeControl, Seeder

SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
"""For request checks that do not depend on the database: run them once."""


def test_execution_tasks_follow_next_links(client: TestClient, seed: Seeder) -> None:
    """/v2/executions/{id}/tasks pages through that execution's tasks only."""
    execution_id = seed.execution()
    other = seed.execution()
    seed.task(other, name="elsewhere")
    made = [seed.task(execution_id, name=f"t{i}") for i in range(3)]
    seen: list[str] = []
    url: str | None = f"/v2/executions/{execution_id}/tasks?limit=2"
    while url:
        body = client.get(url).json()
        seen += [t["id"] for t in body["tasks"]]
        url = body.get("next")
    assert seen == made


@SQLITE_ONLY
def test_tasks_of_unknown_execution_is_404(client: TestClient) -> None:
    """Listing the tasks of an execution that does not exist answers 404."""
    assert client.get("/v2/executions/nope/tasks").status_code == 404


def test_task_json_fields_are_text_and_result_only_in_get(client: TestClient, seed: Seeder) -> None:
    """published/runtime_context are JSON text; result appears in GET, not in lists."""
    execution_id = seed.execution()
    task_id = seed.task(
        execution_id, published={"v": 1}, runtime_context={"retry": 0}, result={"out": [1, 2]}
    )
    [listed] = client.get("/v2/tasks").json()["tasks"]
    assert "result" not in listed
    assert json.loads(listed["published"]) == {"v": 1}
    got = client.get(f"/v2/tasks/{task_id}").json()
    assert json.loads(got["result"]) == {"out": [1, 2]}
    assert json.loads(got["runtime_context"]) == {"retry": 0}
    assert got["workflow_execution_id"] == execution_id


def test_task_filters(client: TestClient, seed: Seeder) -> None:
    """Tasks filter by name and state."""
    execution_id = seed.execution()
    seed.task(execution_id, name="a", state="ERROR")
    seed.task(execution_id, name="b")
    got = client.get("/v2/tasks", params={"state": "ERROR"}).json()["tasks"]
    assert [t["name"] for t in got] == ["a"]


def test_rerun_of_failed_task_goes_through_control(
    client: TestClient, seed: Seeder, control: FakeControl
) -> None:
    """PUT {"state": "RUNNING", "reset": true} reruns an ERROR task."""
    task_id = seed.task(seed.execution(), state="ERROR")
    got = client.put(
        f"/v2/tasks/{task_id}",
        json={"id": task_id, "state": "RUNNING", "reset": True, "env": '{"a": 1}'},
    )
    assert got.status_code == 200
    assert got.json()["state"] == "RUNNING"
    assert control.calls == [("rerun_task", {"reset": True, "env": {"a": 1}})]


@SQLITE_ONLY
def test_rerun_is_refused_when_not_allowed(
    client: TestClient, seed: Seeder, control: FakeControl
) -> None:
    """Rerun needs an ERROR task, state RUNNING and reset; no reset only for with-items."""
    execution_id = seed.execution()
    ok_task = seed.task(execution_id, state="SUCCESS")
    failed = seed.task(execution_id, state="ERROR", name="t2")
    cases = [
        (ok_task, {"state": "RUNNING", "reset": True}),
        (failed, {"state": "SUCCESS", "reset": True}),
        (failed, {"state": "RUNNING"}),
        (failed, {"state": "RUNNING", "reset": False}),
        (failed, {"state": "RUNNING", "reset": True, "name": "other"}),
    ]
    for task_id, body in cases:
        assert client.put(f"/v2/tasks/{task_id}", json=body).status_code == 400, body
    assert client.put("/v2/tasks/nope", json={"state": "RUNNING"}).status_code == 404
    assert control.calls == []


def test_task_action_executions_and_subworkflows(client: TestClient, seed: Seeder) -> None:
    """A task lists its action executions and its sub-workflow executions."""
    execution_id = seed.execution()
    task_id = seed.task(execution_id)
    action_id = seed.action(task_execution_id=task_id, workflow_execution_id=execution_id)
    seed.action()
    child = seed.execution(parent_task_execution_id=task_id)
    actions = client.get(f"/v2/tasks/{task_id}/action_executions").json()["action_executions"]
    assert [a["id"] for a in actions] == [action_id]
    subs = client.get(f"/v2/tasks/{task_id}/workflow_executions").json()["executions"]
    assert [e["id"] for e in subs] == [child]
