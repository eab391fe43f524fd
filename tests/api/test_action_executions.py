"""Action executions: listed, read, run directly and completed through control."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

if TYPE_CHECKING:
    from api.conftest import FakeControl, Seeder

SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
"""For request checks that do not depend on the database: run them once."""


def test_read_shows_input_and_output_as_json_text(client: TestClient, seed: Seeder) -> None:
    """GET shows input/output as JSON text; lists leave output out unless asked."""
    action_id = seed.action(input={"output": "hi"}, output={"result": "hi"})
    got = client.get(f"/v2/action_executions/{action_id}").json()
    assert json.loads(got["input"]) == {"output": "hi"}
    assert json.loads(got["output"]) == {"result": "hi"}
    [listed] = client.get("/v2/action_executions").json()["action_executions"]
    assert "output" not in listed
    params = {"include_output": "true"}
    [full] = client.get("/v2/action_executions", params=params).json()["action_executions"]
    assert json.loads(full["output"]) == {"result": "hi"}


def test_complete_running_action(client: TestClient, seed: Seeder, control: FakeControl) -> None:
    """PUT with state and output completes a RUNNING action through control."""
    action_id = seed.action(state="RUNNING")
    got = client.put(
        f"/v2/action_executions/{action_id}", json={"state": "SUCCESS", "output": '{"ok": true}'}
    )
    assert got.status_code == 200
    assert got.json()["state"] == "SUCCESS"
    assert control.calls == [("complete_action", {"state": "SUCCESS", "output": {"ok": True}})]


def test_completing_a_finished_action_is_a_conflict(client: TestClient, seed: Seeder) -> None:
    """A Conflict from control answers 409."""
    action_id = seed.action(state="SUCCESS")
    got = client.put(f"/v2/action_executions/{action_id}", json={"state": "ERROR"})
    assert got.status_code == 409


@SQLITE_ONLY
def test_error_without_output_says_unknown_error(
    client: TestClient, seed: Seeder, control: FakeControl
) -> None:
    """Failing an action without output reports "Unknown error", as Mistral does."""
    action_id = seed.action(state="RUNNING")
    assert (
        client.put(f"/v2/action_executions/{action_id}", json={"state": "ERROR"}).status_code == 200
    )
    assert control.calls[-1] == ("complete_action", {"state": "ERROR", "output": "Unknown error"})


@SQLITE_ONLY
def test_invalid_state_is_400(client: TestClient, seed: Seeder) -> None:
    """Only SUCCESS, ERROR, CANCELLED, PAUSED and RUNNING may be set."""
    action_id = seed.action(state="RUNNING")
    assert (
        client.put(f"/v2/action_executions/{action_id}", json={"state": "IDLE"}).status_code == 400
    )


def test_run_action_directly(client: TestClient, control: FakeControl) -> None:
    """POST runs an action with JSON-text input and params; answers 201."""
    got = client.post(
        "/v2/action_executions",
        json={
            "name": "std.echo",
            "input": '{"output": 1}',
            "params": '{"run_sync": true, "timeout": 5}',
        },
    )
    assert got.status_code == 201
    assert got.json()["name"] == "std.echo"
    assert json.loads(got.json()["input"]) == {"output": 1}
    assert control.calls == [("run_action", {"run_sync": True, "timeout": 5.0})]


@SQLITE_ONLY
def test_run_without_name_is_400(client: TestClient) -> None:
    """An action name is required."""
    assert client.post("/v2/action_executions", json={"input": "{}"}).status_code == 400


def test_delete_only_finished_adhoc_runs(client: TestClient, seed: Seeder) -> None:
    """Only a finished action execution run outside a workflow can be deleted."""
    running = seed.action(state="RUNNING")
    in_task = seed.action(task_execution_id=seed.task(seed.execution()))
    done = seed.action()
    assert client.delete(f"/v2/action_executions/{running}").status_code == 409
    assert client.delete(f"/v2/action_executions/{in_task}").status_code == 409
    assert client.delete(f"/v2/action_executions/{done}").status_code == 204
    assert client.get(f"/v2/action_executions/{done}").status_code == 404
