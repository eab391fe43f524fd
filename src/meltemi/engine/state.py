"""The state of one workflow execution: plain frozen data that round-trips through JSON.

The store keeps :meth:`ExecutionState.to_json` in a JSON column; a step resumes from
:meth:`ExecutionState.from_json` after a crash. Values the workflow produced (input,
published variables, results) are JSON data and are never mutated in place.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar

from meltemi.engine.states import ActionState, TaskState, WorkflowState

JSON = dict[str, Any]
_TUPLES = ("item_vars", "item_states", "item_results", "attempts", "unit_actions", "arrivals")

# why no slots on the state's dataclasses: a step copies tasks and actions often, and
# ``evolve`` copies an instance's ``__dict__`` in one C call where ``dataclasses.replace``
# goes through ``__init__`` (an ``object.__setattr__`` per field, 25 for a task).


@dataclasses.dataclass(frozen=True)
class ActionExecution:
    """One run of an action, or one child workflow execution, for a task."""

    id: str
    task_execution_id: str
    kind: str
    """``action`` or ``workflow``."""
    name: str
    input: Any
    attempt: int
    item: int | None
    state: str = ActionState.RUNNING
    output: Any = None
    """The result on success, the error on failure."""
    state_info: str | None = None

    def to_json(self) -> JSON:
        """Plain JSON data."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ActionExecution:
        """Rebuild from :meth:`to_json` output."""
        return cls(**data)


@dataclasses.dataclass(frozen=True)
class TaskExecution:
    """One execution of a task (a task in a cycle has several)."""

    id: str
    name: str
    state: str = TaskState.IDLE
    state_info: str | None = None
    in_context: JSON = dataclasses.field(default_factory=dict)
    """The branch context it started from: variables published upstream."""
    published: JSON = dataclasses.field(default_factory=dict)
    result: Any = None
    with_items: bool = False
    item_vars: tuple[JSON, ...] = ({},)
    """Per run unit (one per with-items item, else one): variables it adds to ``$``."""
    item_states: tuple[str, ...] = ("",)
    """Per run unit: ``""`` not started, else an :class:`ActionState`."""
    item_results: tuple[Any, ...] = (None,)
    attempts: tuple[int, ...] = (0,)
    unit_actions: tuple[str, ...] = ("",)
    """Per run unit: id of its latest action execution (or child execution)."""
    concurrency: int = 0
    """Max run units at once; 0 means no limit."""
    arrivals: tuple[str, ...] = ()
    """Joins: names of inbound tasks whose transition arrived."""
    error_handled: bool = False
    processed: bool = False
    """Its outbound transitions were evaluated."""
    fired: bool = False
    """At least one of its transitions started a task (so it is not an end task)."""
    pause_released: bool = False
    outcome: str | None = None
    """Final state decided while ``wait-after`` delays it."""
    run: int = 0
    """How many times it was (re)run; stale timers carry an older value."""
    created_at: str = ""
    finished_at: str | None = None

    def to_json(self) -> JSON:
        """Plain JSON data."""
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        for key in _TUPLES:
            data[key] = list(data[key])
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TaskExecution:
        """Rebuild from :meth:`to_json` output."""
        fields = dict(data)
        for key in _TUPLES:
            fields[key] = tuple(fields[key])
        return cls(**fields)


@dataclasses.dataclass(frozen=True, slots=True)
class Fired:
    """A transition that fired but waits (after a ``pause`` command) for resume."""

    task_execution_id: str
    target: str
    command: str | None = None
    params: JSON = dataclasses.field(default_factory=dict)

    def to_json(self) -> JSON:
        """Plain JSON data."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


@dataclasses.dataclass(frozen=True)
class ExecutionState:
    """Everything the engine knows about one workflow execution."""

    id: str
    workflow_name: str
    state: str = WorkflowState.IDLE
    state_info: str | None = None
    input: JSON = dataclasses.field(default_factory=dict)
    params: JSON = dataclasses.field(default_factory=dict)
    env: JSON = dataclasses.field(default_factory=dict)
    vars: JSON = dataclasses.field(default_factory=dict)
    globals: JSON = dataclasses.field(default_factory=dict)
    """Variables published with the ``global`` scope (``published_global``)."""
    output: Any = dataclasses.field(default_factory=dict)
    root_execution_id: str | None = None
    parent_task_execution_id: str | None = None
    depth: int = 0
    """0 for a top-level execution, parent's depth + 1 for a sub-workflow."""
    max_depth: int = 20
    created_at: str = ""
    counter: int = 0
    """Source of deterministic ids for new task and action executions."""
    tasks: dict[str, TaskExecution] = dataclasses.field(default_factory=dict)
    """Task executions by id, in creation order."""
    actions: dict[str, ActionExecution] = dataclasses.field(default_factory=dict)
    """Action executions and child workflow executions by id, in creation order."""
    deferred: tuple[Fired, ...] = ()

    def to_json(self) -> JSON:
        """Plain JSON data (what the store keeps)."""
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        data["tasks"] = [t.to_json() for t in self.tasks.values()]
        data["actions"] = [a.to_json() for a in self.actions.values()]
        data["deferred"] = [d.to_json() for d in self.deferred]
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ExecutionState:
        """Rebuild from :meth:`to_json` output."""
        fields = dict(data)
        tasks = (TaskExecution.from_json(t) for t in fields["tasks"])
        actions = (ActionExecution.from_json(a) for a in fields["actions"])
        fields["tasks"] = {t.id: t for t in tasks}
        fields["actions"] = {a.id: a for a in actions}
        fields["deferred"] = tuple(Fired(**d) for d in fields["deferred"])
        return cls(**fields)

    def task_executions(self, name: str | None = None) -> list[TaskExecution]:
        """Task executions in creation order, optionally only those of task ``name``."""
        return [t for t in self.tasks.values() if name is None or t.name == name]


Frozen = TypeVar("Frozen", ActionExecution, TaskExecution, ExecutionState)


_FIELDS: Mapping[type, frozenset[str]] = {
    cls: frozenset(f.name for f in dataclasses.fields(cls))
    for cls in (ActionExecution, TaskExecution, ExecutionState)
}


def evolve(obj: Frozen, **changes: Any) -> Frozen:
    """A copy of ``obj`` with ``changes`` applied: ``dataclasses.replace``, faster.

    The copy is ``obj``'s attribute dict copied and updated (C-level) instead of a call
    of ``__init__``; unknown field names raise ``TypeError`` as ``replace`` does.
    """
    values = vars(obj).copy()
    values.update(changes)
    fields = _FIELDS[type(obj)]
    if len(values) != len(fields):  # a name that is no field was added
        unknown = sorted(set(changes) - fields)
        raise TypeError(f"{type(obj).__name__} has no field {', '.join(unknown)}")
    new = object.__new__(type(obj))
    object.__setattr__(new, "__dict__", values)
    return new
