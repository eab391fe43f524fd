"""Tasks and ``task-defaults``: raw mappings to :class:`spec.TaskSpec`, defaults applied.

Every problem is recorded on the collector; a key whose value is invalid is left out
of the data given to pydantic, so that the other keys are still checked.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from typing import Any

from pydantic import BaseModel

from meltemi.lang import loader, policies, problems, shorthand, spec, transitions

DIRECT_ONLY = frozenset({"join", *transitions.CLAUSES})
REVERSE_ONLY = frozenset({"requires"})
_INTERNAL = frozenset({"name", "namespace"})
_CLAUSE_FIELDS = ("on_success", "on_error", "on_complete", "on_skip")
_DEFAULTED = (
    "retry",
    "wait_before",
    "wait_after",
    "timeout",
    "pause_before",
    "concurrency",
    "fail_on",
    "safe_rerun",
)
"""TaskSpec fields that take the ``task-defaults`` value when the task is silent."""


def keys_of(model: type[BaseModel]) -> frozenset[str]:
    """The DSL keys of a spec model (its field aliases)."""
    return frozenset(field.alias or name for name, field in model.model_fields.items())


TASK_KEYS = keys_of(spec.TaskSpec) - _INTERNAL
DEFAULTS_KEYS = keys_of(spec.TaskDefaults)


@dataclasses.dataclass(frozen=True)
class Scope:
    """What building the tasks of one workflow needs to know."""

    names: Collection[str]
    """Every task name of the workflow."""
    kind: spec.WorkflowType
    collector: problems.Collector
    namespace: str = ""


def build_task(name: str, raw: Any, path: loader.Path, scope: Scope) -> spec.TaskSpec | None:
    """Normalize and validate one task (``task-defaults`` not applied yet)."""
    what = f"task '{name}'"
    col = scope.collector
    if not isinstance(raw, dict) or not raw:
        col.add(f"{what} must be a non-empty mapping", path, key=True)
        return None
    _check_kind_keys(raw, path, scope, what)
    data: dict[str, Any] = {k: v for k, v in raw.items() if k in _allowed(scope.kind)}
    data["name"] = name
    if scope.namespace:
        data["namespace"] = scope.namespace
    _call(raw, data, path, col, what)
    _with_items(raw, data, path, col, what)
    for key in ("publish", "publish-on-error", "publish-on-skip"):
        _publish(key, raw, data=data, path=path, col=col, what=what)
    _common(raw, data, path, scope, what)
    return col.validate(spec.TaskSpec, data, path)


def build_defaults(raw: Any, path: loader.Path, scope: Scope) -> spec.TaskDefaults | None:
    """Normalize and validate ``task-defaults``."""
    what = "task-defaults"
    col = scope.collector
    if not isinstance(raw, dict):
        col.add("'task-defaults' must be a mapping", path, key=True)
        return None
    col.unknown_keys(raw, DEFAULTS_KEYS, path, what)
    data: dict[str, Any] = {k: v for k, v in raw.items() if k in DEFAULTS_KEYS}
    _common(raw, data, path, scope, what)
    return col.validate(spec.TaskDefaults, data, path)


def _allowed(kind: spec.WorkflowType) -> frozenset[str]:
    return TASK_KEYS - (REVERSE_ONLY if kind == "direct" else DIRECT_ONLY)


def _check_kind_keys(raw: dict[str, Any], path: loader.Path, scope: Scope, what: str) -> None:
    col = scope.collector
    other = DIRECT_ONLY if scope.kind == "reverse" else REVERSE_ONLY
    for key in raw:
        if key in other:
            kind = "direct" if scope.kind == "reverse" else "reverse"
            col.add(
                f"'{key}' of {what} is only allowed in {kind} workflows", (*path, key), key=True
            )
    known = {k: v for k, v in raw.items() if k not in other}
    col.unknown_keys(known, TASK_KEYS, path, what)


def _common(
    raw: dict[str, Any], data: dict[str, Any], path: loader.Path, scope: Scope, what: str
) -> None:
    """Keys shared by tasks and task-defaults: policies, retry, transitions, requires."""
    col = scope.collector
    for key, rule in policies.RULES.items():
        if key in raw and rule(raw[key]) is not None:
            data.pop(key, None)
    policies.check(raw, path, col, what)
    if "fail-on" in data:
        data["fail-on"] = policies.normalize_fail_on(data["fail-on"])
    if "retry" in raw:
        retry = policies.normalize_retry(raw["retry"], (*path, "retry"), col, what)
        _put(data, "retry", retry)
    for key in transitions.CLAUSES:
        if key in data:
            clause = transitions.normalize(raw[key], (*path, key), scope.names, col, what)
            _put(data, key, clause)
    if "requires" in data:
        _put(data, "requires", _requires(raw["requires"], (*path, "requires"), col, what))


def _put(data: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        data.pop(key, None)
    else:
        data[key] = value


def _call(
    raw: dict[str, Any], data: dict[str, Any], path: loader.Path, col: problems.Collector, what: str
) -> None:
    """``action``/``workflow`` with inline parameters; neither means ``std.noop``."""
    if "action" in raw and "workflow" in raw:
        col.add(f"{what} has both 'action' and 'workflow'; keep one", (*path, "workflow"), key=True)
        data.pop("action")
        data.pop("workflow")
        return
    key = "workflow" if "workflow" in raw else "action"
    value = raw.get(key, "std.noop")
    split = shorthand.split_call(value) if isinstance(value, str) and value.strip() else None
    if split is None:
        col.add(f"'{key}' of {what} must be a name, optionally with parameters", (*path, key))
        data.pop(key, None)
        return
    data[key], params = split
    given = raw.get("input", {})
    if params and isinstance(given, dict):
        data["input"] = {**params, **given}
    elif params:
        col.add(
            f"inline parameters of {what} can not be combined with an 'input' expression",
            (*path, key),
        )


def _with_items(
    raw: dict[str, Any], data: dict[str, Any], path: loader.Path, col: problems.Collector, what: str
) -> None:
    if "with-items" not in raw:
        return
    value = raw["with-items"]
    entries = [(value, (*path, "with-items"))] if isinstance(value, str) else None
    if isinstance(value, list) and value:
        entries = [(item, (*path, "with-items", i)) for i, item in enumerate(value)]
    if entries is None:
        col.add(f"'with-items' of {what} must be 'x in <% ... %>' or a list of them", path)
        data.pop("with-items")
        return
    items: list[spec.WithItem] = []
    for entry, where in entries:
        parsed = shorthand.split_with_items(entry) if isinstance(entry, str) else "not a string"
        if isinstance(parsed, str):
            col.add(f"invalid 'with-items' of {what}: {parsed}", where)
        elif parsed[0] in {item.var for item in items}:
            col.add(f"'with-items' of {what} uses '{parsed[0]}' twice", where)
        else:
            items.append(spec.WithItem(var=parsed[0], source=parsed[1]))
    _put(data, "with-items", tuple(items) if len(items) == len(entries) else None)


def _publish(
    key: str,
    raw: dict[str, Any],
    *,
    data: dict[str, Any],
    path: loader.Path,
    col: problems.Collector,
    what: str,
) -> None:
    if key not in data:
        return
    value = raw[key]
    if isinstance(value, dict) and value:
        data[key] = spec.Publish(branch=value)
    else:
        col.add(f"'{key}' of {what} must be a non-empty mapping", (*path, key))
        data.pop(key)


def _requires(
    raw: Any, path: loader.Path, col: problems.Collector, what: str
) -> tuple[str, ...] | None:
    names = [raw] if isinstance(raw, str) else raw
    if not isinstance(names, list) or not names:
        col.add(f"'requires' of {what} must be a task name or a list of them", path)
        return None
    if not all(isinstance(name, str) and name for name in names):
        col.add(f"'requires' of {what} must list task names", path)
        return None
    if len(set(names)) != len(names):
        col.add(f"'requires' of {what} lists a task twice", path)
    return tuple(dict.fromkeys(names))


def apply_defaults(
    task: spec.TaskSpec, defaults: spec.TaskDefaults | None, kind: spec.WorkflowType
) -> spec.TaskSpec:
    """Give ``task`` the ``task-defaults`` it does not override (Mistral's merge rules).

    Policies apply where the task is silent. A transition clause of the defaults applies
    when the task's own clause has no targets, minus targets naming the task itself.
    In reverse workflows, ``requires`` is the union of both, minus the task itself.
    """
    if defaults is None:
        return task
    update: dict[str, Any] = {
        field: getattr(defaults, field)
        for field in _DEFAULTED
        if field not in task.model_fields_set and getattr(defaults, field) is not None
    }
    if kind == "reverse":
        merged = (*task.requires, *defaults.requires)
        update["requires"] = tuple(n for n in dict.fromkeys(merged) if n != task.name)
    else:
        for field in _CLAUSE_FIELDS:
            own, default = getattr(task, field), getattr(defaults, field)
            update[field] = _merge_clause(own, default, task.name)
    return task.model_copy(update=update)


def _merge_clause(
    own: spec.OnClause | None, default: spec.OnClause | None, name: str
) -> spec.OnClause | None:
    if default is None or (own is not None and own.next):
        return own
    inherited = tuple(t for t in default.next if t.target != name)
    if own is None:
        return spec.OnClause(next=inherited) if inherited else None
    return own.model_copy(update={"next": inherited})
