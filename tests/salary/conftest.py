"""The salary example's workflow on a real database and Worker, with its stand-ins.

The stand-ins (examples/salary/standins.py) serve on ephemeral 127.0.0.1 ports from a
background thread; the settings open loopback (``http_denied_cidrs=()``). A test starts
an execution, drives the Worker until the human step waits (no sleeps: the Worker
checks a predicate after every job), answers it with ``control.complete_action`` as
the API would, and drives on until the execution is final.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import anyio
import pytest
import sqlalchemy as sa

from meltemi import actions
from meltemi.settings import Settings
from meltemi.store import executions, models
from meltemi.store.db import Database
from meltemi.worker import catalog, control, definitions, loop, step

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "salary"
FINAL = frozenset({"SUCCESS", "ERROR", "CANCELLED"})
RUN_LIMIT = 30.0
"""Seconds a drive may take before the test fails (a hang is a bug, not a wait)."""


def load_standins() -> ModuleType:
    """examples/salary/standins.py as a module (examples are not a package)."""
    name = "salary_standins"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, EXAMPLE / "standins.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class Salary:
    """The salary workflow stored on one database, run by a real Worker."""

    def __init__(self, db: Database, settings: Settings, standins: Any) -> None:
        self.db = db
        self.standins = standins
        registry = actions.Registry.default(plugins=False)
        self.rt = step.Runtime(db=db, settings=settings, catalog=catalog.Catalog(registry))
        with db.transaction() as session:
            definitions.save(session, (EXAMPLE / "salary.yaml").read_text())

    def start(self, employee_id: str) -> str:
        """Start the salary process for ``employee_id`` against the stand-ins; its id."""
        urls = {f"{n}_url": self.standins.url(n) for n in ("accounting", "bonus", "sms")}
        return control.start_execution(
            self.rt, workflow_identifier="salary", input={"employee_id": employee_id, **urls}
        ).id

    def execution(self, execution_id: str) -> models.WorkflowExecution:
        """The execution row."""
        with self.db.transaction(readonly=True) as session:
            return executions.get(session, execution_id)

    def actions_of(self, execution_id: str, task_name: str) -> list[models.ActionExecution]:
        """The action execution rows of task ``task_name``."""
        with self.db.transaction(readonly=True) as session:
            return list(
                session.scalars(
                    sa.select(models.ActionExecution).where(
                        models.ActionExecution.workflow_execution_id == execution_id,
                        models.ActionExecution.task_name == task_name,
                    )
                )
            )

    def drive(self, until: Callable[[], bool]) -> None:
        """Run a Worker until ``until()`` holds (checked after every job)."""
        if until():
            return
        worker = loop.Worker(self.rt)

        async def main() -> None:
            with anyio.fail_after(RUN_LIMIT):
                await worker.run(until)

        anyio.run(main)

    def waiting_approval(self, execution_id: str) -> models.ActionExecution:
        """Drive until the approval action execution is RUNNING (waiting); its row."""

        def waiting() -> bool:
            return any(a.state == "RUNNING" for a in self.actions_of(execution_id, "approve"))

        self.drive(waiting)
        [row] = self.actions_of(execution_id, "approve")
        return row

    def answer(self, action_execution_id: str, output: dict[str, Any]) -> None:
        """Complete the approval as ``PUT /v2/action_executions/{id}`` does."""
        control.complete_action(self.rt, action_execution_id, state="SUCCESS", output=output)

    def finish(self, execution_id: str) -> models.WorkflowExecution:
        """Drive until the execution is final; its row."""
        self.drive(lambda: self.execution(execution_id).state in FINAL)
        return self.execution(execution_id)


@pytest.fixture
def standins() -> Iterator[Any]:
    """The three stand-ins, serving on ephemeral ports for this test."""
    with load_standins().running() as running:
        yield running


@pytest.fixture
def salary(db: Database, db_url: str, standins: Any) -> Salary:
    """The salary workflow stored on a fresh database (SQLite, then PostgreSQL)."""
    settings = Settings(db_url=db_url, http_denied_cidrs=(), poll_seconds=0.5, worker_concurrency=8)
    return Salary(db, settings, standins)
