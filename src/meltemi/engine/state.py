"""The state of one workflow execution: plain frozen data that round-trips through JSON.

The store keeps :meth:`ExecutionState.to_json` in a JSON column; a step resumes from
:meth:`ExecutionState.from_json` after a crash. Values the workflow produced (input,
published variables, results) are JSON data and are never mutated in place.

Stored layout (``"format": 3``): every workflow value is written once, in the list
``values``, and the fields holding values refer to it. A value passed along a chain
(an action's output, its task's result, the variable it publishes, the context of every
later task) is shared in memory, so it is shared in the JSON too; fields left at their
default are not written. A long text inside values (a payload that every task copies
into a new dict) is written once too: in ``texts``, its places in ``text_refs`` as
``[value index, key or index..., text index]``, an empty string standing in for it.
``from_json`` also reads the earlier layouts (1: no ``format`` key, every value in
place; 2: no ``texts``), so executions stored by earlier versions go on after an
upgrade.
A task that echoed the input ``big`` and published it, abridged::

    {"format": 2, "input": {"big": 0}, ...,
     "tasks": [{"name": "t0", "published": {"v0": 0}, "result": 0, "item_results": [0], ...}],
     "actions": [{"input": {"output": 0}, "output": 0, ...}],
     "values": ["xxxxxxxx..."]}
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
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
        """Plain JSON data (what the store keeps): each value once, see the module."""
        values = _Values()
        data: JSON = {"format": FORMAT, **_store(self, values)}
        data["tasks"] = [_store(t, values) for t in self.tasks.values()]
        data["actions"] = [_store(a, values) for a in self.actions.values()]
        data["deferred"] = [_store(d, values) for d in self.deferred]
        data["values"], texts = _lift_texts(values.values)
        if texts.texts:
            data["texts"], data["text_refs"] = texts.texts, texts.refs
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ExecutionState:
        """Rebuild from :meth:`to_json` output, of this layout or the first one."""
        layout = data.get("format", 1)
        if layout == 1:
            return _from_first_layout(data)
        if layout not in (2, FORMAT):
            raise ValueError(f"Unknown execution state format {layout!r}")
        values = _restore_texts(data["values"], data.get("texts", ()), data.get("text_refs", ()))
        own = {k: v for k, v in data.items() if k not in _NOT_OWN}
        fields = _load(cls, own, values)
        tasks = (_build(TaskExecution, _load(TaskExecution, t, values)) for t in data["tasks"])
        actions = (
            _build(ActionExecution, _load(ActionExecution, a, values)) for a in data["actions"]
        )
        fields["tasks"] = {t.id: t for t in tasks}
        fields["actions"] = {a.id: a for a in actions}
        fields["deferred"] = tuple(Fired(**_load(Fired, d, values)) for d in data["deferred"])
        return _build(cls, fields)

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


def _from_first_layout(data: Mapping[str, Any]) -> ExecutionState:
    """A state stored before values were shared: every field written, values in place."""
    fields = dict(data)
    tasks = (TaskExecution.from_json(t) for t in fields["tasks"])
    actions = (ActionExecution.from_json(a) for a in fields["actions"])
    fields["tasks"] = {t.id: t for t in tasks}
    fields["actions"] = {a.id: a for a in actions}
    fields["deferred"] = tuple(Fired(**d) for d in fields["deferred"])
    return ExecutionState(**fields)


FORMAT = 3
"""The layout :meth:`ExecutionState.to_json` writes (1: the first, without ``format``)."""
LONG_TEXT = 1024
"""Texts at least this long are written once however many values hold them."""


@dataclasses.dataclass
class _Texts:
    """The long texts found in values, and where they were found."""

    texts: list[str] = dataclasses.field(default_factory=list)
    refs: list[list[Any]] = dataclasses.field(default_factory=list)
    _index: dict[str, int] = dataclasses.field(default_factory=dict)

    def lift(self, text: str, path: list[Any]) -> str:
        """Note ``text`` found at ``path``; the empty string that stands in for it."""
        found = self._index.get(text)
        if found is None:
            found = self._index[text] = len(self.texts)
            self.texts.append(text)
        self.refs.append([*path, found])
        return ""


def _lift_texts(values: list[Any]) -> tuple[list[Any], _Texts]:
    """``values`` with their long texts lifted out (copies of the containers holding
    them, the state's own values untouched), and the texts."""
    texts = _Texts()
    return [_lifted(v, [i], texts) for i, v in enumerate(values)], texts


def _lifted(value: Any, path: list[Any], texts: _Texts) -> Any:
    kind = type(value)
    if kind is str:
        return texts.lift(value, path) if len(value) >= LONG_TEXT else value
    if kind is dict:
        copy = None
        for key, item in value.items():
            new = _lifted(item, [*path, key], texts)
            if new is not item:
                copy = copy or dict(value)
                copy[key] = new
        return value if copy is None else copy
    if kind is list or kind is tuple:
        items = [_lifted(item, [*path, i], texts) for i, item in enumerate(value)]
        changed = any(new is not old for new, old in zip(items, value, strict=True))
        return items if changed else value
    return value


def _restore_texts(values: list[Any], texts: Sequence[str], refs: Sequence[Any]) -> list[Any]:
    """Put the lifted texts back in place (``values`` was just decoded: nothing shares it)."""
    for ref in refs:
        *path, last, index = ref
        container = values
        for step in path:
            container = container[step]
        container[last] = texts[index]
    return values


class _Values:
    """The ``values`` list of a stored state, filled as fields refer to it.

    A field holding one workflow value stores its index in ``values``; a field holding
    variables (a dict with text keys) stores ``{name: index}``; a tuple of values (the
    per-unit variables and results of a task) a list of indexes. Two values are the
    same when they are one object, or equal strings.
    """

    def __init__(self) -> None:
        self.values: list[Any] = []
        # keyed by a string's text, else by id(): ``values`` keeps each object alive
        self._seen: dict[Any, int] = {}

    def value(self, value: Any) -> int:
        """The index of ``value`` in ``values``, added on first sight."""
        key = value if type(value) is str else id(value)
        found = self._seen.get(key)
        if found is None:
            found = self._seen[key] = len(self.values)
            self.values.append(value)
        return found

    def each(self, items: tuple[Any, ...]) -> list[int]:
        """The index of each of ``items`` (one call for a with-items task's units)."""
        seen, values = self._seen, self.values
        found = []
        for item in items:
            key = item if type(item) is str else id(item)
            index = seen.get(key)
            if index is None:
                index = seen[key] = len(values)
                values.append(item)
            found.append(index)
        return found

    def variables(self, value: Any) -> dict[str, int] | int:
        """``{name: index}`` for a dict with text keys, else the index of ``value``."""
        if type(value) is dict and all(map(_is_text, value)):
            index = self.value
            return {key: index(item) for key, item in value.items()}
        return self.value(value)


_is_text = str.__instancecheck__


def _variables(values: list[Any], stored: Any) -> Any:
    """The value of a field stored by :meth:`_Values.variables`."""
    if type(stored) is dict:
        return {key: values[index] for key, index in stored.items()}
    return values[stored]


_Codec = tuple[Callable[[_Values, Any], Any], Callable[[list[Any], Any], Any]]
"""How a kind of field is stored, and read back."""

_CODECS: Mapping[str, _Codec] = {
    "value": (_Values.value, lambda values, stored: values[stored]),
    "variables": (_Values.variables, _variables),
    "values": (_Values.each, lambda values, stored: tuple(map(values.__getitem__, stored))),
    "tuple": (lambda _table, value: list(value), lambda _values, stored: tuple(stored)),
}


@dataclasses.dataclass(frozen=True)
class _Layout:
    """How the fields of one state class are stored."""

    required: tuple[str, ...]
    """Fields without a default, in field order: always written."""
    optional: Mapping[str, Any]
    """Fields with a default, and the default: written unless at their default."""
    factories: Mapping[str, Callable[[], Any]]
    """Fields whose default is made by a factory (a fresh ``{}``)."""
    codecs: tuple[tuple[str, _Codec], ...]
    """The fields not stored as they are, and how they are stored."""
    fields: frozenset[str]
    """Every field stored by :func:`_store` (nested tasks and actions apart)."""
    names: frozenset[str]
    """Every field."""


_NESTED = frozenset({"tasks", "actions", "deferred"})
_NOT_OWN = _NESTED | {"format", "values", "texts", "text_refs"}
"""Keys of a stored state that are not fields of :class:`ExecutionState` itself."""


def _layout(cls: type, **kinds: str) -> _Layout:
    required: list[str] = []
    optional: dict[str, Any] = {}
    factories: dict[str, Callable[[], Any]] = {}
    for f in dataclasses.fields(cls):
        if f.name in _NESTED:
            continue
        if f.default_factory is not dataclasses.MISSING:
            factories[f.name] = f.default_factory
            optional[f.name] = f.default_factory()
        elif f.default is dataclasses.MISSING:
            required.append(f.name)
        else:
            optional[f.name] = f.default
    codecs = tuple((name, _CODECS[kind]) for name, kind in kinds.items())
    every = frozenset(required) | optional.keys()
    names = frozenset(f.name for f in dataclasses.fields(cls))
    return _Layout(tuple(required), optional, factories, codecs, every, names)


_LAYOUTS: Mapping[type, _Layout] = {
    ExecutionState: _layout(
        ExecutionState,
        **dict.fromkeys(("input", "params", "env", "vars", "globals", "output"), "variables"),
    ),
    TaskExecution: _layout(
        TaskExecution,
        in_context="variables",
        published="variables",
        result="value",
        item_vars="values",
        item_results="values",
        **dict.fromkeys(("item_states", "attempts", "unit_actions", "arrivals"), "tuple"),
    ),
    ActionExecution: _layout(ActionExecution, input="variables", output="value"),
    Fired: _layout(Fired, params="variables"),
}


def _store(obj: Any, values: _Values) -> JSON:
    """The stored fields of ``obj``: defaults left out, values referred to."""
    layout = _LAYOUTS[type(obj)]
    # why the instance dict and comprehensions: a state is stored after every step
    own = vars(obj) if hasattr(obj, "__dict__") else {n: getattr(obj, n) for n in layout.fields}
    data = {name: own[name] for name in layout.required}
    data.update({k: own[k] for k, default in layout.optional.items() if own[k] != default})
    for name, (store, _) in layout.codecs:
        if name in data:
            data[name] = store(values, data[name])
    return data


def _load(cls: type, data: Mapping[str, Any], values: list[Any]) -> dict[str, Any]:
    """The fields of a ``cls`` stored by :func:`_store`."""
    layout = _LAYOUTS[cls]
    fields = dict(data)
    for name, (_, load) in layout.codecs:
        if name in fields:
            fields[name] = load(values, fields[name])
    return fields


def make(cls: type[Frozen], **fields: Any) -> Frozen:
    """``cls(**fields)``, built as :func:`evolve` builds: one dict, no ``__init__``
    (a task has 25 fields; each step creates tasks and actions)."""
    return _build(cls, fields)


def _build(cls: type[Frozen], fields: dict[str, Any]) -> Frozen:
    """A ``cls`` of ``fields`` and defaults for the rest, built as :func:`evolve` builds
    (one dict, no ``__init__``: a stored state has many tasks and actions)."""
    layout = _LAYOUTS[cls]
    if not fields.keys() >= set(layout.required) or not layout.names >= fields.keys():
        missing = ", ".join(name for name in layout.required if name not in fields)
        unknown = ", ".join(sorted(fields.keys() - layout.names))
        raise TypeError(f"{cls.__name__}: missing {missing or '-'}, unknown {unknown or '-'}")
    values = {**layout.optional, **fields}
    for name, factory in layout.factories.items():
        if name not in fields:
            values[name] = factory()  # a default of its own, as __init__ gives
    new = object.__new__(cls)
    object.__setattr__(new, "__dict__", values)
    return new
