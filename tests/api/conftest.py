"""API test fixtures: the app on a real database, with a fake control.

``FakeControl`` stands in for ``meltemi.worker.control`` (the API's only way to change
executions): it writes the rows the real one would, synchronously, and records calls.
It is a fake, not a mock: routes are exercised end to end against the store.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from meltemi import errors
from meltemi.actions import Registry
from meltemi.api import create_app
from meltemi.settings import Settings
from meltemi.store import definitions, executions, models, rows
from meltemi.store.db import Database

TEXT = {"content-type": "text/plain", "accept": "*/*"}
"""The headers python-mistralclient sends with a definition."""
WF = """\
version: '2.0'
wf:
  input:
    - name
    - greeting: hello
  output:
    text: <% $.name %>
  tasks:
    t1:
      action: std.echo output=<% $.name %>
"""


@dataclasses.dataclass
class FakeControl:
    """Writes rows directly, as the real control eventually does; records every call."""

    db: Database
    calls: list[tuple[str, dict[str, Any]]] = dataclasses.field(default_factory=list)

    def start_execution(
        self,
        *,
        workflow_identifier: str,
        namespace: str = "",
        input: dict[str, Any],  # noqa: A002
        params: dict[str, Any],
        description: str = "",
    ) -> models.WorkflowExecution:
        """Create a RUNNING execution of an existing workflow (NotFound otherwise)."""
        self.calls.append(("start_execution", {"input": input, "params": params}))
        if input.get("bad"):
            raise errors.InputError("Invalid input [name=wf, unexpected=['bad']]")
        with self.db.transaction() as s:
            wf = definitions.get_workflow(s, workflow_identifier, namespace)
            row = executions.create(
                s,
                workflow_name=wf.name,
                workflow_id=wf.id,
                workflow_namespace=wf.namespace,
                description=description,
                state="RUNNING",
                input=input,
                params={**params, "namespace": namespace, "env": params.get("env", {})},
            )
            return row

    def set_execution_state(
        self,
        execution_id: str,
        *,
        state: str,
        state_info: str | None = None,
        env: dict[str, Any] | None = None,
    ) -> None:
        """Set the state (and env) of an execution."""
        self.calls.append(("set_execution_state", {"state": state, "env": env}))
        with self.db.transaction() as s:
            row = executions.get(s, execution_id)
            params = {**row.params, "env": env} if env is not None else row.params
            rows.update(s, row, state=state, state_info=state_info, params=params)

    def rerun_task(
        self,
        task_execution_id: str,
        *,
        reset: bool = True,
        env: dict[str, Any] | None = None,
    ) -> None:
        """Put a task back to RUNNING."""
        self.calls.append(("rerun_task", {"reset": reset, "env": env}))
        with self.db.transaction() as s:
            rows.update(s, rows.get(s, models.TaskExecution, task_execution_id), state="RUNNING")

    def complete_action(self, action_execution_id: str, *, state: str, output: Any) -> None:
        """Finish a RUNNING action execution (Conflict otherwise)."""
        self.calls.append(("complete_action", {"state": state, "output": output}))
        with self.db.transaction() as s:
            row = rows.get(s, models.ActionExecution, action_execution_id)
            if row.state != "RUNNING":
                raise errors.Conflict(f"Action execution {row.id} is not RUNNING")
            rows.update(s, row, state=state, output={"result": output})

    def run_action(
        self,
        name: str,
        input: dict[str, Any],  # noqa: A002
        *,
        run_sync: bool,
        save_result: bool,
        timeout: float | None = None,
    ) -> str:
        """Record a finished action execution echoing its input."""
        self.calls.append(("run_action", {"run_sync": run_sync, "timeout": timeout}))
        with self.db.transaction() as s:
            row = rows.create(
                s,
                models.ActionExecution,
                id=models.new_id(),
                name=name,
                state="SUCCESS",
                input=input,
                output={"result": input},
                params={"run_sync": run_sync, "save_result": save_result},
            )
            return row.id

    def delete_execution(self, execution_id: str, *, force: bool = False) -> None:
        """Delete the execution row."""
        self.calls.append(("delete_execution", {"id": execution_id, "force": force}))
        with self.db.transaction() as s:
            rows.delete(s, executions.get(s, execution_id))


@pytest.fixture
def control(db: Database) -> FakeControl:
    """A fresh fake control on the test's database."""
    return FakeControl(db)


@pytest.fixture
def client(db: Database, control: FakeControl) -> Iterator[TestClient]:
    """A test client of the app on ``db`` (every test runs on SQLite and PostgreSQL)."""
    app = create_app(
        Settings(),
        db,
        control=control,
        registry=Registry.default(plugins=False),
    )
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@dataclasses.dataclass(frozen=True)
class Seeder:
    """Inserts rows the worker would write, so that reads can be tested alone."""

    db: Database
    stamps: itertools.count[int] = dataclasses.field(default_factory=itertools.count)

    def workflow(self, text: str = WF, namespace: str = "") -> None:
        """Store workflow definitions through the language package."""
        from meltemi import lang
        from meltemi.api import workflows

        with self.db.transaction() as s:
            for spec in lang.load_workflows(text, namespace=namespace):
                rows.create(s, models.WorkflowDefinition, **workflows.values(spec, text, "private"))

    def execution(self, **values: Any) -> str:
        """Insert a workflow execution row; its id.

        Rows are stamped a millisecond apart: SQLite's clock has millisecond
        resolution, and listings order by ``created_at`` before ``id``.
        """
        values = {"workflow_name": "wf", "state": "SUCCESS", "created_at": self._stamp(), **values}
        with self.db.transaction() as s:
            return executions.create(s, **values).id

    def _stamp(self) -> dt.datetime:
        """Now, plus a millisecond per row seeded so far: distinct, increasing stamps."""
        return dt.datetime.now(dt.UTC) + dt.timedelta(milliseconds=next(self.stamps))

    def task(self, execution_id: str, **values: Any) -> str:
        """Insert a task execution row; its id."""
        defaults: dict[str, Any] = {"name": "t1", "state": "SUCCESS", "workflow_name": "wf"}
        defaults["created_at"] = self._stamp()
        with self.db.transaction() as s:
            row = rows.create(
                s,
                models.TaskExecution,
                id=models.new_id(),
                workflow_execution_id=execution_id,
                **{**defaults, **values},
            )
            return row.id

    def action(self, **values: Any) -> str:
        """Insert an action execution row; its id."""
        with self.db.transaction() as s:
            row = rows.create(
                s,
                models.ActionExecution,
                id=models.new_id(),
                **{"name": "std.echo", "state": "SUCCESS", "created_at": self._stamp(), **values},
            )
            return row.id


@pytest.fixture
def seed(db: Database) -> Seeder:
    """Row seeding helpers on the test's database."""
    return Seeder(db)
