"""State machines of workflow, task and action executions, as tables (STYLE 2).

Each machine is a ``StrEnum`` of states and a dict from a state to the states it may
move to. :func:`check_transition` is the one place that enforces them.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from meltemi import errors


class WorkflowState(enum.StrEnum):
    """States of a workflow execution."""

    IDLE = "IDLE"
    RUNNING = "RUNNING"
    PAUSED = "PAUSED"
    SUCCESS = "SUCCESS"
    ERROR = "ERROR"
    CANCELLED = "CANCELLED"


class TaskState(enum.StrEnum):
    """States of a task execution."""

    IDLE = "IDLE"
    WAITING = "WAITING"
    RUNNING = "RUNNING"
    RUNNING_DELAYED = "RUNNING_DELAYED"
    SUCCESS = "SUCCESS"
    ERROR = "ERROR"
    CANCELLED = "CANCELLED"
    SKIPPED = "SKIPPED"
    """A task in ERROR that a user chose to skip; it follows its ``on-skip`` clause."""


class ActionState(enum.StrEnum):
    """States of an action execution (or of a sub-workflow seen from its task)."""

    RUNNING = "RUNNING"
    SUCCESS = "SUCCESS"
    ERROR = "ERROR"
    CANCELLED = "CANCELLED"


W = WorkflowState
T = TaskState
A = ActionState

WORKFLOW_TRANSITIONS: Mapping[WorkflowState, frozenset[WorkflowState]] = {
    W.IDLE: frozenset({W.RUNNING, W.ERROR, W.CANCELLED}),
    W.RUNNING: frozenset({W.PAUSED, W.SUCCESS, W.ERROR, W.CANCELLED}),
    W.PAUSED: frozenset({W.RUNNING, W.ERROR, W.CANCELLED}),
    W.SUCCESS: frozenset(),
    # why: a rerun of a failed task brings its execution back to life.
    W.ERROR: frozenset({W.RUNNING}),
    W.CANCELLED: frozenset(),
}

TASK_TRANSITIONS: Mapping[TaskState, frozenset[TaskState]] = {
    # why: IDLE -> ERROR when evaluating a policy of a task that never started fails.
    T.IDLE: frozenset({T.RUNNING, T.RUNNING_DELAYED, T.ERROR, T.CANCELLED, T.SUCCESS}),
    # why: a join that can no longer be satisfied goes straight to ERROR.
    T.WAITING: frozenset({T.RUNNING, T.RUNNING_DELAYED, T.IDLE, T.ERROR, T.CANCELLED}),
    T.RUNNING: frozenset({T.RUNNING_DELAYED, T.SUCCESS, T.ERROR, T.CANCELLED}),
    T.RUNNING_DELAYED: frozenset({T.RUNNING, T.SUCCESS, T.ERROR, T.CANCELLED}),
    # why: evaluating its publish or transition guards may fail after the action succeeded.
    T.SUCCESS: frozenset({T.ERROR}),
    # why: rerun of a failed task, or a user skipping it (PUT state=SKIPPED).
    T.ERROR: frozenset({T.RUNNING, T.SKIPPED}),
    T.CANCELLED: frozenset(),
    # why: evaluating its publish-on-skip or on-skip guards may fail.
    T.SKIPPED: frozenset({T.ERROR}),
}

ACTION_TRANSITIONS: Mapping[ActionState, frozenset[ActionState]] = {
    A.RUNNING: frozenset({A.SUCCESS, A.ERROR, A.CANCELLED}),
    A.SUCCESS: frozenset(),
    A.ERROR: frozenset(),
    A.CANCELLED: frozenset(),
}

_MACHINES: Mapping[str, Mapping[Any, frozenset[Any]]] = {
    "workflow execution": WORKFLOW_TRANSITIONS,
    "task execution": TASK_TRANSITIONS,
    "action execution": ACTION_TRANSITIONS,
}

WORKFLOW_DONE = frozenset({W.SUCCESS, W.ERROR, W.CANCELLED})
TASK_DONE = frozenset({T.SUCCESS, T.ERROR, T.CANCELLED, T.SKIPPED})
TASK_ACTIVE = frozenset({T.RUNNING, T.RUNNING_DELAYED, T.WAITING, T.IDLE})


def check_transition(kind: str, old: str, new: str) -> None:
    """Raise :class:`errors.TransitionError` unless ``kind`` may go from ``old`` to ``new``.

    ``kind`` is ``"workflow execution"``, ``"task execution"`` or ``"action execution"``.
    Staying in the same state is always allowed.
    """
    if old == new:
        return
    allowed = _MACHINES[kind].get(old)
    if allowed is None or new not in allowed:
        raise errors.TransitionError(kind, old, new)
