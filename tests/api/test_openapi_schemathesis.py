"""Every operation in /openapi.json, fuzzed: never a 5xx, and answers match the document.

Schemathesis generates requests (valid and invalid) per operation from the OpenAPI
document and sends them to the ASGI app in process, on a SQLite database seeded with one
of each resource (workflows, a workbook, an environment, a cron trigger, a finished
execution and one waiting on an asynchronous action), so that listings answer real rows.
Examples per operation are bounded to keep the run short.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import hypothesis
import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from schemathesis import checks

from meltemi.actions import Registry
from meltemi.api import create_app
from meltemi.settings import Settings
from meltemi.store import db as dbm
from meltemi.worker import catalog, control, loop, step

WORKFLOWS = """\
version: '2.0'
greet:
  input:
    - name
  output:
    text: <% $.greeting %>
  tasks:
    hello:
      action: std.echo output="hi <% $.name %>"
      publish:
        greeting: <% task().result %>
ask:
  tasks:
    wait:
      action: std.async_noop
"""
BOOK = """\
version: '2.0'
name: book
workflows:
  inner:
    tasks:
      t:
        action: std.noop
"""
TEXT = {"content-type": "text/plain"}
MAX_EXAMPLES = 12
"""Examples per operation: enough to reach each route's error paths, bounded in time."""


def _post(client: TestClient, path: str, **kwargs: Any) -> Any:
    answer = client.post(path, **kwargs)
    assert answer.status_code == 201, answer.text
    return answer.json()


def _seed(client: TestClient) -> list[str]:
    """Create one of each resource through the API; the ids of the started executions."""
    _post(client, "/v2/workflows", content=WORKFLOWS, headers=TEXT)
    _post(client, "/v2/workbooks", content=BOOK, headers=TEXT)
    _post(client, "/v2/environments", json={"name": "env1", "variables": json.dumps({"k": 1})})
    trigger = {"name": "nightly", "workflow_name": "ask", "pattern": "0 3 * * *"}
    _post(client, "/v2/cron_triggers", json=trigger)
    started = [
        _post(client, "/v2/executions", json={"workflow_name": "greet", "input": {"name": "x"}}),
        _post(client, "/v2/executions", json={"workflow_name": "ask"}),
    ]
    return [str(e["id"]) for e in started]


def _settled(client: TestClient, ids: list[str]) -> bool:
    """The first execution finished; the second waits on its asynchronous action."""
    states = [client.get(f"/v2/executions/{i}").json()["state"] for i in ids]
    actions = client.get("/v2/action_executions").json()["action_executions"]
    return states[0] == "SUCCESS" and any(a["state"] == "RUNNING" for a in actions)


@pytest.fixture(scope="module")
def app(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    """The app with the real control on a seeded SQLite database (worker run until settled)."""
    path = tmp_path_factory.mktemp("schemathesis") / "meltemi.db"
    shutil.copyfile(sqlite_template, path)
    settings = Settings(db_url=f"sqlite:///{path}")
    database = dbm.open_database(settings.db_url)
    registry = Registry.default(plugins=False)
    rt = step.Runtime(db=database, settings=settings, catalog=catalog.Catalog(registry))
    with contextlib.closing(database):
        application = create_app(
            settings, database, control=control.Controller(rt), registry=registry
        )
        with TestClient(application) as client:
            ids = _seed(client)
            anyio.run(loop.Worker(rt).run, lambda: _settled(client, ids))
        yield application


def _document_app() -> FastAPI:
    """An app serving the same OpenAPI document, built at import (its database is never used)."""
    database = dbm.open_database("sqlite://")
    rt = step.Runtime.create(database, Settings())
    return create_app(Settings(), database, control=control.Controller(rt), registry=Registry())


# The schema is loaded when the module is collected (schemathesis' fixture-based loader does
# not support this pytest); each case is then sent to the seeded app of the `app` fixture.
schema = schemathesis.openapi.from_asgi("/openapi.json", _document_app())


@schema.parametrize()
@hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_operation_conforms(case: schemathesis.Case[Any], app: FastAPI) -> None:
    """Generated requests never get a 5xx, and every answer matches its documented schema."""
    case.call_and_validate(
        checks=[checks.not_a_server_error, checks.response_schema_conformance], app=app
    )


def test_document_declares_faults_not_422() -> None:
    """The document lists Mistral's fault body for errors, never FastAPI's unused 422."""
    doc = _document_app().openapi()
    operations = [op for ops in doc["paths"].values() for op in ops.values()]
    assert not [op["operationId"] for op in operations if "422" in op["responses"]]
    create = doc["paths"]["/v2/workflows"]["post"]
    assert set(create["requestBody"]["content"]) == {"text/plain"}
    assert {"201", "400", "406", "409"} <= set(create["responses"])
    fault = create["responses"]["400"]["content"]["application/json"]["schema"]
    assert fault == {"$ref": "#/components/schemas/Fault"}
    assert "HTTPValidationError" not in doc["components"]["schemas"]
