"""Events the engine applies to a workflow execution: a closed union of frozen dataclasses.

Every event round-trips through JSON (:func:`to_json` / :func:`from_json`) so that a
timer job can carry the event it will feed back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any


@dataclasses.dataclass(frozen=True, slots=True)
class StartExecution:
    """Start an execution created by :func:`meltemi.engine.initial_state`."""


@dataclasses.dataclass(frozen=True, slots=True)
class ActionSucceeded:
    """Action execution ``action_execution_id`` finished with ``output``."""

    action_execution_id: str
    output: Any = None


@dataclasses.dataclass(frozen=True, slots=True)
class ActionFailed:
    """Action execution ``action_execution_id`` failed; ``error`` is a string or data.

    Unknown actions and input-validation errors of an action also arrive as this event.
    """

    action_execution_id: str
    error: Any = None


@dataclasses.dataclass(frozen=True, slots=True)
class ActionInterrupted:
    """The worker found action execution ``action_execution_id`` RUNNING with no result
    after a crash: the action may or may not have had its effect."""

    action_execution_id: str


@dataclasses.dataclass(frozen=True, slots=True)
class SubworkflowFinished:
    """Child execution ``child_execution_id`` (started by a ``StartSubworkflow`` command)
    reached ``state`` (``SUCCESS``, ``ERROR`` or ``CANCELLED``) with ``output``."""

    child_execution_id: str
    state: str
    output: Any = None
    state_info: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class WaitBeforeElapsed:
    """Timer: the ``wait-before`` delay of a task execution is over."""

    task_execution_id: str


@dataclasses.dataclass(frozen=True, slots=True)
class WaitAfterElapsed:
    """Timer: the ``wait-after`` delay of a task execution is over."""

    task_execution_id: str


@dataclasses.dataclass(frozen=True, slots=True)
class RetryDue:
    """Timer: run attempt ``attempt`` of item ``item`` (``None``: no with-items)."""

    task_execution_id: str
    item: int | None
    attempt: int


@dataclasses.dataclass(frozen=True, slots=True)
class TaskTimedOut:
    """Timer: the ``timeout`` of a task execution is over (``run`` is the run counter
    of the task when the timer was set, so a stale timer after a rerun is ignored)."""

    task_execution_id: str
    run: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class Pause:
    """Pause the execution (API ``PUT state=PAUSED`` or a parent's cascade)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Resume:
    """Resume a paused execution, optionally replacing its ``env``."""

    env: Mapping[str, Any] | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Cancel:
    """Cancel the execution (API or a parent's cascade)."""

    state_info: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class RerunTask:
    """Rerun task execution ``task_execution_id``, which is in ERROR.

    With ``reset=False`` a with-items task reruns only its failed items.
    """

    task_execution_id: str
    reset: bool = True
    env: Mapping[str, Any] | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class SkipTask:
    """Skip task execution ``task_execution_id``, which is in ERROR (API ``PUT
    /v2/tasks/{id}`` with ``state: SKIPPED``).

    The task becomes SKIPPED ("Task was skipped."), publishes ``publish-on-skip`` and
    follows its ``on-skip`` transitions (``on-success`` when none fires); an execution
    in ERROR runs again, like a rerun. ``env`` is merged into the execution's env.
    """

    task_execution_id: str
    env: Mapping[str, Any] | None = None


Event = (
    StartExecution
    | ActionSucceeded
    | ActionFailed
    | ActionInterrupted
    | SubworkflowFinished
    | WaitBeforeElapsed
    | WaitAfterElapsed
    | RetryDue
    | TaskTimedOut
    | Pause
    | Resume
    | Cancel
    | RerunTask
    | SkipTask
)

EVENT_TYPES: Mapping[str, type[Event]] = {
    cls.__name__: cls
    for cls in (
        StartExecution,
        ActionSucceeded,
        ActionFailed,
        ActionInterrupted,
        SubworkflowFinished,
        WaitBeforeElapsed,
        WaitAfterElapsed,
        RetryDue,
        TaskTimedOut,
        Pause,
        Resume,
        Cancel,
        RerunTask,
        SkipTask,
    )
}


def to_json(event: Event) -> dict[str, Any]:
    """The event as JSON data: ``{"type": ClassName, ...fields}``."""
    data = {f.name: getattr(event, f.name) for f in dataclasses.fields(event)}
    return {"type": type(event).__name__, **data}


def from_json(data: Mapping[str, Any]) -> Event:
    """Rebuild an event from :func:`to_json` output."""
    fields = dict(data)
    cls = EVENT_TYPES[fields.pop("type")]
    return cls(**fields)
