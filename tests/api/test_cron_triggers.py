"""Cron triggers: created for an existing workflow with a valid schedule."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

if TYPE_CHECKING:
    from api.conftest import Seeder

SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
"""For request checks that do not depend on the database: run them once."""


def _in(minutes: int) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M")


def test_create_with_pattern(client: TestClient, seed: Seeder) -> None:
    """A pattern gives a next execution time in the future; JSON fields are text."""
    seed.workflow()
    got = client.post(
        "/v2/cron_triggers",
        json={
            "name": "every",
            "workflow_name": "wf",
            "pattern": "*/5 * * * *",
            "workflow_input": json.dumps({"name": "n"}),
            "remaining_executions": 3,
        },
    )
    assert got.status_code == 201, got.text
    body = got.json()
    assert body["workflow_name"] == "wf"
    assert body["workflow_id"]
    assert json.loads(body["workflow_input"]) == {"name": "n"}
    assert body["remaining_executions"] == 3
    assert body["next_execution_time"] > dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


@SQLITE_ONLY
def test_first_time_only_runs_once(client: TestClient, seed: Seeder) -> None:
    """Without a pattern, the first execution time is the next, and the count is 1."""
    seed.workflow()
    first = _in(10)
    got = client.post(
        "/v2/cron_triggers",
        json={"name": "once", "workflow_name": "wf", "first_execution_time": first},
    )
    assert got.status_code == 201, got.text
    assert got.json()["next_execution_time"].startswith(first)
    assert got.json()["remaining_executions"] == 1


@SQLITE_ONLY
def test_invalid_schedules_are_400(client: TestClient, seed: Seeder) -> None:
    """No schedule, a bad pattern, a past first time, or a count without pattern: 400."""
    seed.workflow()
    base = {"name": "t", "workflow_name": "wf"}
    bad: list[dict[str, object]] = [
        {},
        {"pattern": "not a pattern"},
        {"first_execution_time": _in(-5)},
        {"first_execution_time": _in(10), "remaining_executions": 2},
        {"first_execution_time": "tomorrow"},
    ]
    for extra in bad:
        assert client.post("/v2/cron_triggers", json={**base, **extra}).status_code == 400, extra


def test_unknown_workflow_is_404(client: TestClient) -> None:
    """A trigger for a workflow that does not exist answers 404."""
    got = client.post(
        "/v2/cron_triggers", json={"name": "t", "workflow_name": "nope", "pattern": "* * * * *"}
    )
    assert got.status_code == 404


def test_list_get_delete_and_conflict(client: TestClient, seed: Seeder) -> None:
    """Triggers are listed, read by name, unique by name and deleted."""
    seed.workflow()
    body = {"name": "t", "workflow_name": "wf", "pattern": "* * * * *"}
    assert client.post("/v2/cron_triggers", json=body).status_code == 201
    assert client.post("/v2/cron_triggers", json=body).status_code == 409
    assert [t["name"] for t in client.get("/v2/cron_triggers").json()["cron_triggers"]] == ["t"]
    assert client.get("/v2/cron_triggers/t").json()["pattern"] == "* * * * *"
    assert client.delete("/v2/cron_triggers/t").status_code == 204
    assert client.get("/v2/cron_triggers/t").status_code == 404
