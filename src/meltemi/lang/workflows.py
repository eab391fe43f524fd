"""One workflow: raw mapping to :class:`spec.WorkflowSpec`, tasks and defaults included."""

from __future__ import annotations

import uuid
from typing import Any

from meltemi.lang import checks, inputs, loader, problems, spec, syntax, tasks

WORKFLOW_KEYS = tasks.keys_of(spec.WorkflowSpec) - {"name", "version", "namespace", "workbook"}
WORKFLOW_TYPES = ("direct", "reverse")


def build(
    name: str,
    raw: Any,
    path: loader.Path,
    collector: problems.Collector,
    *,
    namespace: str = "",
    workbook: str | None = None,
) -> spec.WorkflowSpec | None:
    """Normalize, validate and check one workflow; ``name`` is already qualified."""
    what = f"workflow '{name}'"
    if not isinstance(raw, dict):
        collector.add(f"{what} must be a mapping", path, key=True)
        return None
    if _is_uuid(name):
        collector.add(f"{what}: a workflow name can not look like a UUID", path, key=True)
    collector.unknown_keys(raw, WORKFLOW_KEYS, path, what)
    data: dict[str, Any] = {k: v for k, v in raw.items() if k in WORKFLOW_KEYS}
    data.update(name=name, namespace=namespace, workbook=workbook)
    kind = _kind(raw, data, path, collector, what)
    _sections(raw, data, path, collector, what)
    built = _tasks(raw, data, path, tasks.Scope((), kind, collector, namespace), what)
    workflow = collector.validate(spec.WorkflowSpec, data, path)
    if workflow is not None and built:
        checks.check_workflow(workflow, path, collector)
    return workflow


def _is_uuid(name: str) -> bool:
    try:
        uuid.UUID(name)
    except ValueError:
        return False
    return True


def _kind(
    raw: dict[str, Any],
    data: dict[str, Any],
    path: loader.Path,
    collector: problems.Collector,
    what: str,
) -> spec.WorkflowType:
    value = raw.get("type", "direct")
    if value == "reverse":
        return "reverse"
    if value != "direct":
        collector.add(
            f"type '{value}' of {what} is invalid: use 'direct' or 'reverse'", (*path, "type")
        )
        data.pop("type")
    return "direct"


def _sections(
    raw: dict[str, Any],
    data: dict[str, Any],
    path: loader.Path,
    collector: problems.Collector,
    what: str,
) -> None:
    if "input" in raw:
        params = inputs.normalize(raw["input"], (*path, "input"), collector, what)
        if params is None:
            data.pop("input")
        else:
            data["input"] = params
    for key in ("output", "output-on-error"):
        value = raw.get(key)
        if key in raw and not (isinstance(value, dict) or syntax.is_expression(value)):
            collector.add(f"'{key}' of {what} must be a mapping or an expression", (*path, key))
            data.pop(key)
    if "vars" in raw and not isinstance(raw["vars"], dict):
        collector.add(f"'vars' of {what} must be a mapping", (*path, "vars"))
        data.pop("vars")


def _tasks(
    raw: dict[str, Any], data: dict[str, Any], path: loader.Path, scope: tasks.Scope, what: str
) -> bool:
    """Build every task into ``data``; True when all of them built."""
    col = scope.collector
    raw_tasks = raw.get("tasks")
    if not isinstance(raw_tasks, dict) or not raw_tasks:
        col.add(f"{what} has no tasks", (*path, "tasks") if "tasks" in raw else path, key=True)
        data.pop("tasks", None)
        return False
    scope = tasks.Scope(tuple(raw_tasks), scope.kind, col, scope.namespace)
    defaults = None
    if "task-defaults" in raw:
        defaults = tasks.build_defaults(raw["task-defaults"], (*path, "task-defaults"), scope)
    _put(data, "task-defaults", defaults)
    built: dict[str, spec.TaskSpec] = {}
    for name, body in raw_tasks.items():
        task = tasks.build_task(name, body, (*path, "tasks", name), scope)
        if task is not None:
            built[name] = tasks.apply_defaults(task, defaults, scope.kind)
    data["tasks"] = built
    return len(built) == len(raw_tasks)


def _put(data: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        data.pop(key, None)
    else:
        data[key] = value
