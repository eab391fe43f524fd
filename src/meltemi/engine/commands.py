"""Commands the engine asks the worker to carry out: a closed union of frozen dataclasses.

Plus :class:`HistoryRecord`, one state change for the append-only audit trail.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from meltemi.engine import events


@dataclasses.dataclass(frozen=True, slots=True)
class RunAction:
    """Run action ``action`` with ``input`` for task execution ``task_execution_id``.

    The worker commits action execution ``action_execution_id`` as RUNNING, runs the
    action (ad-hoc actions expanded by the actions layer), then feeds back
    ``ActionSucceeded`` or ``ActionFailed`` (unknown action and invalid input included).
    """

    action_execution_id: str
    task_execution_id: str
    task_name: str
    action: str
    input: Mapping[str, Any]
    attempt: int
    """1 for the first run, then 2, 3... for retries and safe re-runs."""
    item: int | None
    """Index in ``with-items``, ``None`` for a task without with-items."""
    safe_rerun: bool
    timeout: float | None
    """Seconds, from the task's ``timeout`` (the engine also sets a timer)."""
    workbook: str | None = None
    """Workbook of the calling workflow, for local ad-hoc action names."""
    namespace: str = ""
    target: str | None = None
    """The task's evaluated ``target`` (Mistral's executor target): a worker serving
    that target may pick the action; ``None``: any worker."""


@dataclasses.dataclass(frozen=True, slots=True)
class StartSubworkflow:
    """Start child execution ``child_execution_id`` of workflow ``workflow`` for a task.

    ``workflow`` is already evaluated; the worker resolves it (workbook-local names
    first, via ``workbook``/``namespace``). Input keys the child does not declare go to
    the child's params (e.g. ``task_name`` for a reverse child). When the child cannot
    be created (unknown name, bad input) the worker feeds back ``SubworkflowFinished``
    with state ERROR and the reason in ``state_info``.
    """

    child_execution_id: str
    task_execution_id: str
    task_name: str
    workflow: str
    input: Mapping[str, Any]
    params: Mapping[str, Any]
    """``env``, ``evaluate_env``, ``depth``, ``root_execution_id``, ..."""
    item: int | None
    attempt: int
    root_execution_id: str
    workbook: str | None = None
    namespace: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class SetTimer:
    """Feed ``event`` back to this execution at ``at`` (a job with ``run_at``)."""

    at: datetime
    event: events.Event


@dataclasses.dataclass(frozen=True, slots=True)
class CancelAction:
    """Cancel running action execution ``action_execution_id`` (best effort)."""

    action_execution_id: str


@dataclasses.dataclass(frozen=True, slots=True)
class SignalChild:
    """Apply ``event`` (Pause, Resume or Cancel) to child execution ``child_execution_id``."""

    child_execution_id: str
    event: events.Event


@dataclasses.dataclass(frozen=True, slots=True)
class ExecutionFinished:
    """This execution reached a final state; notify the parent task, if any."""

    execution_id: str
    state: str
    output: Any
    state_info: str | None
    parent_task_execution_id: str | None


Command = RunAction | StartSubworkflow | SetTimer | CancelAction | SignalChild | ExecutionFinished


@dataclasses.dataclass(frozen=True, slots=True)
class HistoryRecord:
    """One state change of an execution, a task execution or an action execution."""

    entity: str
    """``workflow_execution``, ``task_execution`` or ``action_execution``."""
    entity_id: str
    name: str
    """Workflow, task or action name."""
    old_state: str | None
    new_state: str
    state_info: str | None
    at: datetime
