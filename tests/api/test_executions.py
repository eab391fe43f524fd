"""Executions: started and changed through control, read from the store."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

if TYPE_CHECKING:
    from api.conftest import FakeControl, Seeder

SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
"""For request checks that do not depend on the database: run them once."""


def _start(client: TestClient, **extra: object) -> dict[str, object]:
    body = {
        "workflow_name": "wf",
        "input": json.dumps({"name": "x"}),
        "params": json.dumps({"env": {"k": 1}}),
        "description": "first",
        **extra,
    }
    got = client.post("/v2/executions", json=body)
    assert got.status_code == 201, got.text
    return dict(got.json())


def test_start_answers_201_with_json_text_fields(
    client: TestClient, seed: Seeder, control: FakeControl
) -> None:
    """POST as the mistral client sends it answers the RUNNING execution; JSON fields are text."""
    seed.workflow()
    made = _start(client)
    assert made["state"] == "RUNNING"
    assert made["description"] == "first"
    assert json.loads(str(made["input"])) == {"name": "x"}
    assert json.loads(str(made["params"]))["env"] == {"k": 1}
    assert made["output"] == "{}"
    assert made["published_global"] == "{}"
    assert control.calls[0] == (
        "start_execution",
        {"input": {"name": "x"}, "params": {"env": {"k": 1}}},
    )


@SQLITE_ONLY
def test_input_may_be_a_json_object(client: TestClient, seed: Seeder) -> None:
    """Input and params sent as objects are accepted, as Mistral does."""
    seed.workflow()
    made = _start(client, input={"name": "y"}, params={})
    assert json.loads(str(made["input"])) == {"name": "y"}


def test_unknown_workflow_is_404(client: TestClient) -> None:
    """Starting an unknown workflow answers 404 and creates nothing."""
    got = client.post("/v2/executions", json={"workflow_name": "nope"})
    assert got.status_code == 404
    assert client.get("/v2/executions").json()["executions"] == []


@SQLITE_ONLY
def test_bad_input_is_400(client: TestClient, seed: Seeder) -> None:
    """An InputError from control answers 400."""
    seed.workflow()
    got = client.post("/v2/executions", json={"workflow_name": "wf", "input": '{"bad": 1}'})
    assert got.status_code == 400
    assert "Invalid input" in got.json()["faultstring"]


@SQLITE_ONLY
def test_missing_workflow_identifier_is_400(client: TestClient) -> None:
    """Without workflow_name or workflow_id the request answers 400."""
    assert client.post("/v2/executions", json={"input": "{}"}).status_code == 400


@SQLITE_ONLY
def test_input_that_is_not_an_object_is_400(client: TestClient, seed: Seeder) -> None:
    """Input must be a JSON object."""
    seed.workflow()
    got = client.post("/v2/executions", json={"workflow_name": "wf", "input": "[1]"})
    assert got.status_code == 400


def test_resume_with_env_goes_through_control(
    client: TestClient, seed: Seeder, control: FakeControl
) -> None:
    """PUT {"state": "RUNNING", "params": "{\\"env\\": ...}"} resumes with the new env."""
    execution_id = seed.execution(state="PAUSED", params={"env": {}})
    got = client.put(
        f"/v2/executions/{execution_id}",
        json={"state": "RUNNING", "params": json.dumps({"env": {"k": 2}})},
    )
    assert got.status_code == 200
    assert got.json()["state"] == "RUNNING"
    assert control.calls[-1] == ("set_execution_state", {"state": "RUNNING", "env": {"k": 2}})


def test_description_update_is_stored(client: TestClient, seed: Seeder) -> None:
    """PUT {"description": ...} changes only the description."""
    execution_id = seed.execution()
    got = client.put(f"/v2/executions/{execution_id}", json={"description": "new"})
    assert got.status_code == 200
    assert got.json()["description"] == "new"


@SQLITE_ONLY
def test_invalid_updates_are_400(client: TestClient, seed: Seeder) -> None:
    """Empty updates, description with state, env when not resuming, bad states: 400."""
    execution_id = seed.execution(state="PAUSED")
    url = f"/v2/executions/{execution_id}"
    env = json.dumps({"env": {"a": 1}})
    assert client.put(url, json={}).status_code == 400
    assert client.put(url, json={"state": "RUNNING", "description": "d"}).status_code == 400
    assert client.put(url, json={"state": "PAUSED", "params": env}).status_code == 400
    assert client.put(url, json={"state": "IDLE"}).status_code == 400


@SQLITE_ONLY
def test_update_of_unknown_execution_is_404(client: TestClient) -> None:
    """PUT on an unknown id answers 404."""
    assert client.put("/v2/executions/nope", json={"description": "d"}).status_code == 404


def test_list_leaves_output_out_unless_asked(client: TestClient, seed: Seeder) -> None:
    """The list has no output field unless include_output=true."""
    seed.execution(output={"r": 1})
    [listed] = client.get("/v2/executions").json()["executions"]
    assert "output" not in listed
    [full] = client.get("/v2/executions", params={"include_output": "true"}).json()["executions"]
    assert json.loads(full["output"]) == {"r": 1}


def test_get_shows_output_and_parent_links(client: TestClient, seed: Seeder) -> None:
    """GET shows output, the parent task id and the root execution id."""
    root = seed.execution()
    task = seed.task(root)
    child = seed.execution(parent_task_execution_id=task, root_execution_id=root, output={"x": 1})
    got = client.get(f"/v2/executions/{child}").json()
    assert json.loads(got["output"]) == {"x": 1}
    assert got["task_execution_id"] == task
    assert got["root_execution_id"] == root
    listed = client.get("/v2/executions", params={"task_execution_id": task}).json()
    assert [e["id"] for e in listed["executions"]] == [child]


def test_delete_needs_a_finished_execution_or_force(
    client: TestClient, seed: Seeder, control: FakeControl
) -> None:
    """A running execution is deleted only with force=true; a finished one at once."""
    running = seed.execution(state="RUNNING")
    assert client.delete(f"/v2/executions/{running}").status_code == 409
    assert client.delete(f"/v2/executions/{running}", params={"force": "true"}).status_code == 204
    done = seed.execution(state="SUCCESS")
    assert client.delete(f"/v2/executions/{done}").status_code == 204
    assert client.get(f"/v2/executions/{done}").status_code == 404
    assert [c[0] for c in control.calls] == ["delete_execution", "delete_execution"]


def test_post_with_existing_id_returns_that_execution(client: TestClient, seed: Seeder) -> None:
    """POST with the id of an existing execution answers it without starting anything."""
    existing = seed.execution()
    got = client.post("/v2/executions", json={"id": existing, "workflow_name": "wf"})
    assert got.status_code == 201
    assert got.json()["id"] == existing


def test_source_execution_supplies_workflow_and_input(client: TestClient, seed: Seeder) -> None:
    """source_execution_id re-runs a previous execution's workflow with its input."""
    seed.workflow()
    first = _start(client)
    got = client.post("/v2/executions", json={"source_execution_id": first["id"]})
    assert got.status_code == 201
    assert json.loads(got.json()["input"]) == {"name": "x"}
    assert f"Based on the execution '{first['id']}'" in got.json()["description"]
