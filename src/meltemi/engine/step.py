"""The working copy one call of ``decide()`` builds its decision in.

A :class:`Step` starts from an immutable :class:`ExecutionState`, shallow-copies its
task and action tables, and collects commands and history records. Nothing outside
the step is ever mutated; :meth:`Step.decision` freezes the result.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from meltemi.engine import states
from meltemi.engine.commands import Command, HistoryRecord
from meltemi.engine.state import ActionExecution, ExecutionState, TaskExecution, evolve
from meltemi.expr.context import Context
from meltemi.lang.spec import TaskSpec, WorkflowSpec

Evaluator = Callable[[Any, Context], Any]
"""The expression evaluator seam: ``meltemi.expr.evaluate`` in production."""


@dataclasses.dataclass(frozen=True, slots=True)
class Decision:
    """What one event did: the new state, commands for the worker, history records."""

    state: ExecutionState
    commands: tuple[Command, ...] = ()
    history: tuple[HistoryRecord, ...] = ()


@functools.cache
def default_evaluator() -> Evaluator:
    """``meltemi.expr.evaluate``, imported late so the engine loads without it."""
    from meltemi import expr  # noqa: PLC0415 - the evaluator is a seam, see STYLE 5

    return expr.evaluate  # type: ignore[no-any-return,attr-defined,unused-ignore]


class Step:
    """Mutable working copy of an execution during one ``decide()`` call."""

    def __init__(
        self,
        spec: WorkflowSpec,
        state: ExecutionState,
        now: datetime,
        evaluate: Evaluator,
        *,
        executions: Sequence[Mapping[str, Any]] = (),
        child_tasks: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        self.spec = spec
        self.wf = state
        self.now = now
        self._stamp: str | None = None
        self.evaluate = evaluate
        self.executions = executions
        self.child_tasks = child_tasks
        self.tasks: dict[str, TaskExecution] = dict(state.tasks)
        self.actions: dict[str, ActionExecution] = dict(state.actions)
        self.commands: list[Command] = []
        self.history: list[HistoryRecord] = []
        self.counter = state.counter
        # why: settling looks only at the tasks this step changed. A step that ended
        # RUNNING left no finished task unprocessed (settle's loop ran dry), so only
        # a state that was not RUNNING (paused, failed, new) has its tasks looked at.
        running = state.state == states.WorkflowState.RUNNING
        self._touched: dict[str, None] = {} if running else dict.fromkeys(state.tasks)

    @property
    def stamp(self) -> str:
        """``now`` as ISO 8601 text, for ``created_at``/``finished_at``."""
        if self._stamp is None:  # made on first use: many steps stamp nothing
            self._stamp = _iso(self.now, self.now.utcoffset())
        return self._stamp

    # -- ids ---------------------------------------------------------------------------

    def new_id(self) -> str:
        """A fresh id derived from the execution id and the state's counter."""
        self.counter += 1
        return uuid5(namespace(self.wf.id), str(self.counter))

    # -- lookups -----------------------------------------------------------------------

    def task_spec(self, name: str) -> TaskSpec:
        """The spec of task ``name``."""
        return self.spec.tasks[name]

    def latest(self, name: str) -> TaskExecution | None:
        """The latest execution of task ``name``, if any."""
        for task in reversed(self.tasks.values()):
            if task.name == name:
                return task
        return None

    def is_running(self) -> bool:
        """True while the execution is RUNNING."""
        return self.wf.state == states.WorkflowState.RUNNING

    def unprocessed(self) -> list[TaskExecution]:
        """Finished tasks whose transitions were not evaluated yet, in creation order."""
        tasks = self.tasks
        found = [
            task
            for task in map(tasks.__getitem__, self._touched)
            if task.state in states.TASK_DONE and not task.processed
        ]
        if len(found) > 1:
            order = {task_id: i for i, task_id in enumerate(tasks)}
            found.sort(key=lambda task: order[task.id])
        return found

    def any_active(self) -> bool:
        """True while a task runs or may still start (a join that waits does not count)."""
        touched = map(self.tasks.__getitem__, self._touched)
        # why the changed tasks first, then newest first: that is where active ones are.
        return any(map(_active, touched)) or any(map(_active, reversed(self.tasks.values())))

    # -- changes -----------------------------------------------------------------------

    def put_task(self, task: TaskExecution) -> TaskExecution:
        """Store ``task`` (new or changed) and return it."""
        self.tasks[task.id] = task
        self._touched[task.id] = None
        return task

    def set_task_state(
        self, task: TaskExecution, new: str, state_info: str | None = None, **changes: Any
    ) -> TaskExecution:
        """Move ``task`` to state ``new`` (checked), record history, apply ``changes``."""
        states.check_transition("task execution", task.state, new)
        if new in states.TASK_DONE:
            changes.setdefault("finished_at", self.stamp)
        updated = evolve(task, state=new, state_info=state_info, **changes)
        if task.state != new:
            self.record("task_execution", task.id, task.name, task.state, new, state_info)
        return self.put_task(updated)

    def put_action(self, action: ActionExecution) -> ActionExecution:
        """Store ``action`` (new or changed) and return it."""
        self.actions[action.id] = action
        return action

    def set_action_state(
        self, action: ActionExecution, new: str, output: Any, state_info: str | None = None
    ) -> ActionExecution:
        """Move ``action`` to state ``new`` (checked) with ``output``, record history."""
        states.check_transition("action execution", action.state, new)
        self.record("action_execution", action.id, action.name, action.state, new, state_info)
        changed = evolve(action, state=new, output=output, state_info=state_info)
        return self.put_action(changed)

    def set_workflow_state(self, new: str, state_info: str | None = None, **changes: Any) -> None:
        """Move the execution to state ``new`` (checked), record history."""
        old = self.wf.state
        states.check_transition("workflow execution", old, new)
        self.wf = evolve(self.wf, state=new, state_info=state_info, **changes)
        if old != new:
            self.record(
                "workflow_execution", self.wf.id, self.wf.workflow_name, old, new, state_info
            )

    def update(self, **changes: Any) -> None:
        """Change fields of the execution other than its state."""
        self.wf = evolve(self.wf, **changes)

    def emit(self, command: Command) -> None:
        """Ask the worker to carry out ``command``."""
        self.commands.append(command)

    def record(  # noqa: PLR0917 - one history row, in column order
        self, entity: str, entity_id: str, name: str, old: str | None, new: str, info: str | None
    ) -> None:
        """Append a history record stamped ``now``."""
        record = HistoryRecord(entity, entity_id, name, old, new, info, self.now)
        self.history.append(record)

    def decision(self) -> Decision:
        """Freeze the step into a :class:`Decision`."""
        state = evolve(self.wf, tasks=self.tasks, actions=self.actions, counter=self.counter)
        return Decision(state, tuple(self.commands), tuple(self.history))


@functools.lru_cache(maxsize=64)
def _iso(now: datetime, _offset: object) -> str:
    """``now.isoformat()``, made once per time: a worker decides the steps of one
    transaction at one ``now``. Keyed by the offset too: equal times in other zones
    read otherwise."""
    return now.isoformat()


def _active(task: TaskExecution) -> bool:
    return task.state not in states.TASK_DONE and task.state != states.TaskState.WAITING


@functools.lru_cache(maxsize=4096)
def namespace(execution_id: str) -> bytes:
    """The uuid5 namespace of an execution's ids: its id when it is a UUID, else the
    uuid5 of its id in the URL namespace (as bytes)."""
    try:
        return uuid.UUID(execution_id).bytes
    except ValueError:
        return uuid.uuid5(uuid.NAMESPACE_URL, execution_id).bytes


def uuid5(namespace: bytes, name: str) -> str:
    """``str(uuid.uuid5(uuid.UUID(bytes=namespace), name))``, without the two UUID
    objects (a step makes a couple of ids and ``UUID.__init__`` is the costly part)."""
    sha1 = _hashed(namespace).copy()  # a copy skips OpenSSL's look-up of the algorithm
    sha1.update(name.encode())
    digest = sha1.hexdigest()
    # version 5 in the 13th digit, the RFC 4122 variant in the top bits of the 17th
    variant = _VARIANT[digest[16]]
    return f"{digest[:8]}-{digest[8:12]}-5{digest[13:16]}-{variant}{digest[17:20]}-{digest[20:32]}"


_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


@functools.lru_cache(maxsize=4096)
def _hashed(namespace: bytes) -> Any:
    """SHA-1 fed with ``namespace``: never updated itself, only copied."""
    return hashlib.sha1(namespace, usedforsecurity=False)
