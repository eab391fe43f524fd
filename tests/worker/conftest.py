"""Worker test helpers: store definitions from YAML, start an execution, run a Worker.

``harness`` (parametrized over SQLite and PostgreSQL through ``db``) is a
:class:`Harness`; ``run`` drives a real :class:`loop.Worker` until the execution is
final or PAUSED (``Worker.run(until=...)``, no sleeps) and returns a :class:`Run`
snapshot of the execution, task and action rows.
"""

from __future__ import annotations

import dataclasses
import json
import selectors
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import pytest
import sqlalchemy as sa

from meltemi import actions, errors, lang
from meltemi.settings import Settings
from meltemi.store import executions, history, models, rows
from meltemi.store.db import Database
from meltemi.worker import catalog, control, loop, step

FINAL = frozenset({"SUCCESS", "ERROR", "CANCELLED"})
STOPPED = FINAL | {"PAUSED"}
RUN_LIMIT = 30.0
"""Seconds a ``run`` may take before the test fails (a hang is a bug, not a wait)."""


@dataclasses.dataclass(frozen=True)
class Run:
    """A snapshot of one execution: its row, task rows and action rows (by creation)."""

    execution: models.WorkflowExecution
    tasks: list[models.TaskExecution]
    actions: list[models.ActionExecution]

    @property
    def state(self) -> str:
        """The execution's state."""
        return self.execution.state

    @property
    def output(self) -> dict[str, Any]:
        """The execution's output."""
        return self.execution.output

    def task(self, name: str) -> models.TaskExecution:
        """The one task execution named ``name``."""
        found = [t for t in self.tasks if t.name == name]
        assert len(found) == 1, f"{len(found)} task executions named {name!r}"
        return found[0]

    def actions_of(self, name: str) -> list[models.ActionExecution]:
        """The action executions of task ``name``, ordered by item then attempt."""
        found = [a for a in self.actions if a.task_name == name]
        return sorted(found, key=lambda a: (a.item_index or 0, a.attempt))


class Harness:
    """Stores definitions and runs executions on one database with a real Worker."""

    def __init__(self, db: Database, settings: Settings, registry: actions.Registry) -> None:
        self.db = db
        self.rt = step.Runtime(db=db, settings=settings, catalog=catalog.Catalog(registry))

    def workflows(self, text: str, *, namespace: str = "") -> list[str]:
        """Store every workflow of ``text``; their names."""
        specs = lang.load_workflows(text, namespace=namespace)
        with self.db.transaction() as session:
            for spec in specs:
                rows.create(
                    session,
                    models.WorkflowDefinition,
                    name=spec.name,
                    namespace=namespace,
                    definition=text,
                    spec=catalog.spec_json(spec),
                )
        return [s.name for s in specs]

    def workbook(self, text: str) -> list[str]:
        """Store a workbook with its workflows (``wb.wf``) and actions; workflow names."""
        spec = lang.load_workbook(text)
        with self.db.transaction() as session:
            book = rows.create(
                session,
                models.Workbook,
                name=spec.name,
                definition=text,
                spec=spec.model_dump(mode="json"),
            )
            for name, flow in spec.workflows.items():
                rows.create(
                    session,
                    models.WorkflowDefinition,
                    name=name,
                    definition=text,
                    spec=catalog.spec_json(flow),
                    workbook_id=book.id,
                )
            for name, act in spec.actions.items():
                rows.create(
                    session,
                    models.ActionDefinition,
                    name=name,
                    definition=text,
                    spec=catalog.spec_json(act),
                    workbook_id=book.id,
                )
        return list(spec.workflows)

    def adhoc_actions(self, text: str) -> list[str]:
        """Store the ad-hoc actions of ``text``; their names."""
        specs = lang.load_actions(text)
        with self.db.transaction() as session:
            for spec in specs:
                rows.create(
                    session,
                    models.ActionDefinition,
                    name=spec.name,
                    definition=text,
                    spec=catalog.spec_json(spec),
                )
        return [s.name for s in specs]

    def start(
        self,
        name: str,
        input: dict[str, Any] | None = None,  # noqa: A002 - Mistral's word
        params: dict[str, Any] | None = None,
    ) -> str:
        """Start an execution of the stored workflow ``name``; its id."""
        return control.start_execution(
            self.rt, workflow_identifier=name, input=input, params=params
        ).id

    def state_of(self, execution_id: str) -> str:
        """The execution's current state column."""
        with self.db.transaction(readonly=True) as session:
            return executions.get(session, execution_id).state

    def drive(self, until: Callable[[], bool]) -> None:
        """Run a Worker until ``until()`` holds (checked after every job)."""
        if until():
            return
        worker = loop.Worker(self.rt)

        async def main() -> None:
            with anyio.fail_after(RUN_LIMIT):
                await worker.run(until)

        anyio.run(main)

    def run(self, execution_id: str, stop: frozenset[str] = STOPPED) -> Run:
        """Drive the worker until the execution's state is in ``stop``; its snapshot."""
        self.drive(lambda: self.state_of(execution_id) in stop)
        return self.load(execution_id)

    def execute(
        self,
        text: str,
        input: dict[str, Any] | None = None,  # noqa: A002 - Mistral's word
        params: dict[str, Any] | None = None,
    ) -> Run:
        """Store ``text``'s workflows, start the first and run it until it stops."""
        names = self.workflows(text)
        return self.run(self.start(names[0], input, params))

    def load(self, execution_id: str) -> Run:
        """The execution row with its task and action rows."""
        with self.db.transaction(readonly=True) as session:
            row = executions.get(session, execution_id)
            tasks = list(
                session.scalars(
                    sa.select(models.TaskExecution)
                    .where(models.TaskExecution.workflow_execution_id == execution_id)
                    .order_by(models.TaskExecution.created_at, models.TaskExecution.id)
                )
            )
            acts = list(
                session.scalars(
                    sa.select(models.ActionExecution)
                    .where(models.ActionExecution.workflow_execution_id == execution_id)
                    .order_by(models.ActionExecution.created_at, models.ActionExecution.id)
                )
            )
        return Run(row, tasks, acts)

    def children(self, execution_id: str) -> list[Run]:
        """Snapshots of the sub-workflow executions started by tasks of ``execution_id``."""
        parent = self.load(execution_id)
        ids = {t.id for t in parent.tasks}
        with self.db.transaction(readonly=True) as session:
            found = session.scalars(
                sa.select(models.WorkflowExecution.id).where(
                    models.WorkflowExecution.parent_task_execution_id.in_(ids)
                )
            ).all()
        return [self.load(i) for i in found]

    def history(self, execution_id: str) -> list[history.Recorded]:
        """The history events of ``execution_id``, in order."""
        with self.db.transaction(readonly=True) as session:
            return history.list_for_execution(session, execution_id)

    def jobs_left(self, execution_id: str) -> int:
        """How many jobs remain queued for ``execution_id``."""
        with self.db.transaction(readonly=True) as session:
            return rows.count(session, models.JobRow, {"execution_id": execution_id})


def registry_with(*definitions: actions.ActionDef) -> actions.Registry:
    """The std actions (no plugins) plus ``definitions``."""
    registry = actions.Registry.default(plugins=False)
    for definition in definitions:
        registry.add(definition)
    return registry


@dataclasses.dataclass
class Calls:
    """A record of calls of the ``test.count`` action: its inputs, in call order."""

    seen: list[Any] = dataclasses.field(default_factory=list)


def counting_action(calls: Calls) -> actions.ActionDef:
    """``test.count(value, fail_times=0)``: records ``value``; fails its first calls."""

    @actions.action(name="test.count")
    def count(value: Any = None, fail_times: int = 0) -> Any:
        calls.seen.append(value)
        if calls.seen.count(value) <= fail_times:
            raise errors.ActionError(f"planned failure {calls.seen.count(value)}")
        return value

    return actions.definition_of(count)


@pytest.fixture
def calls() -> Calls:
    """Calls of the ``test.count`` action of this test's harness."""
    return Calls()


@pytest.fixture
def harness(db: Database, db_url: str, calls: Calls) -> Harness:
    """A :class:`Harness` on a fresh database (SQLite, then PostgreSQL)."""
    settings = Settings(db_url=db_url, poll_seconds=0.5, worker_concurrency=8)
    return Harness(db, settings, registry_with(counting_action(calls)))


DRIVER = Path(__file__).with_name("crash_driver.py")
LINE_LIMIT = 30.0
"""Seconds to wait for the driver's next line before failing."""


class Driver:
    """A ``crash_driver.py`` subprocess, read line by line from its stdout."""

    def __init__(self, db_url: str, side: Path, execution_id: str | None = None) -> None:
        args = [sys.executable, str(DRIVER), db_url, str(side)]
        if execution_id is not None:
            args.append(execution_id)
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        self._selector = selectors.DefaultSelector()
        assert self.proc.stdout is not None
        self._selector.register(self.proc.stdout, selectors.EVENT_READ)

    def next_line(self) -> dict[str, Any]:
        """The next JSON line; fails the test after ``LINE_LIMIT`` seconds of silence."""
        assert self.proc.stdout is not None
        if not self._selector.select(LINE_LIMIT):
            self.kill()
            pytest.fail("crash driver went silent")
        line = self.proc.stdout.readline()
        if not line:
            pytest.fail(f"crash driver exited with {self.proc.wait()}")
        print("driver:", line.strip())  # noqa: T201 - shown when a test fails
        found: dict[str, Any] = json.loads(line)
        return found

    def read_until(self, wanted: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """Read lines until one satisfies ``wanted``; that line."""
        while True:
            line = self.next_line()
            if wanted(line):
                return line

    def kill(self) -> None:
        """SIGKILL the process and reap it."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.close()

    def finish(self) -> None:
        """Wait for the driver to report it finished, and for it to exit cleanly."""
        self.read_until(lambda line: line["event"] == "finished")
        assert self.proc.wait(LINE_LIMIT) == 0
        self.close()

    def close(self) -> None:
        """Release the pipe."""
        self._selector.close()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def side_log(side: Path) -> list[str]:
    """The lines ``test.append`` wrote."""
    path = side / "side.log"
    return path.read_text().splitlines() if path.exists() else []
