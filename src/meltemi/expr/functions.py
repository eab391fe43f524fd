"""Mistral's expression functions, shared by YAQL and Jinja.

Each function takes the evaluation :class:`~meltemi.expr.context.Context` first, then
the arguments an expression passes. The YAQL and Jinja evaluators adapt them (YAQL sees
camelCase keyword names, e.g. ``executions(rootExecutionId => ...)``; Jinja sees the
snake_case names). Nothing here touches the database: facts come from ``ctx.facts``.
"""

from __future__ import annotations

import json
import uuid as uuid_module
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import yaml

from meltemi.expr.context import Context


def to_plain(value: Any, leaf: Callable[[Any], Any] | None = None) -> Any:
    """Turn mappings into dicts and other non-string iterables into lists, deeply.

    ``leaf``, when given, maps every other value (it may also raise to refuse one).
    """
    if isinstance(value, Mapping):
        return {to_plain(k, leaf): to_plain(v, leaf) for k, v in value.items()}
    if isinstance(value, str | bytes):
        return value
    if isinstance(value, Iterable):
        return [to_plain(v, leaf) for v in value]
    return value if leaf is None else leaf(value)


def _dict_or_none(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if value is None else dict(value)


def task_view(ctx: Context, task_name: str | None = None) -> Mapping[str, Any] | None:
    """What ``task(name)`` copies: the facts' own mapping for the task, or ``None``."""
    return ctx.facts.task(task_name or None)


def task(ctx: Context, task_name: str | None = None) -> dict[str, Any] | None:
    """``task(name)``: the latest execution of a task; no name means the current task."""
    return _dict_or_none(task_view(ctx, task_name))


def tasks(
    ctx: Context,
    workflow_execution_id: str | None = None,
    recursive: bool = False,
    state: str | None = None,
    flat: bool = False,
) -> list[dict[str, Any]]:
    """``tasks(...)``: task executions, filtered by workflow execution and state."""
    found = ctx.facts.tasks(workflow_execution_id, bool(recursive), state, bool(flat))
    return [dict(t) for t in found]


def execution_view(ctx: Context) -> Mapping[str, Any] | None:
    """What ``execution()`` copies."""
    return ctx.execution


def execution(ctx: Context) -> dict[str, Any] | None:
    """``execution()``: the workflow execution being evaluated."""
    return _dict_or_none(execution_view(ctx))


def executions(  # noqa: PLR0917 - Mistral's positional parameters
    ctx: Context,
    id: str | None = None,  # noqa: A002 - Mistral's parameter name
    root_execution_id: str | None = None,
    state: str | None = None,
    from_time: str | None = None,
    to_time: str | None = None,
) -> list[dict[str, Any]]:
    """``executions(...)``: workflow executions matching every given filter."""
    found = ctx.facts.executions(id, root_execution_id, state, from_time, to_time)
    return [dict(e) for e in found]


def env_view(ctx: Context) -> Mapping[str, Any]:
    """What ``env()`` copies."""
    return ctx.env


def env(ctx: Context) -> dict[str, Any]:
    """``env()``: the execution's environment variables."""
    return dict(env_view(ctx))


def global_(ctx: Context, var_name: str) -> Any:
    """``global(name)``: a variable published with the ``global`` scope, or null."""
    return ctx.globals.get(var_name)


def json_dump(_ctx: Context, data: Any) -> str:
    """``json_dump(data)``: JSON text, indented by four spaces."""
    return json.dumps(to_plain(data), indent=4)


def json_parse(_ctx: Context, data: str) -> Any:
    """``json_parse(text)``: the value a JSON text denotes."""
    return json.loads(data)


def yaml_dump(_ctx: Context, data: Any) -> str:
    """``yaml_dump(data)``: YAML text in block style."""
    return yaml.safe_dump(to_plain(data), default_flow_style=False)


class _NoAliasLoader(yaml.SafeLoader):
    """A safe loader refusing anchors and aliases (no "billion laughs" expansion)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise ValueError("YAML aliases are not allowed")
        return super().compose_node(parent, index)


def yaml_parse(_ctx: Context, data: str) -> Any:
    """``yaml_parse(text)``: the value a YAML text denotes (aliases refused)."""
    return yaml.load(data, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass


def uuid(_ctx: Context | None = None) -> str:
    """``uuid()``: a new random UUID as text."""
    return str(uuid_module.uuid4())


FUNCTIONS: Mapping[str, Callable[..., Any]] = {
    "task": task,
    "tasks": tasks,
    "execution": execution,
    "executions": executions,
    "env": env,
    "global": global_,
    "json_dump": json_dump,
    "json_pp": json_dump,  # deprecated name kept by Mistral for old workflows
    "json_parse": json_parse,
    "yaml_dump": yaml_dump,
    "yaml_parse": yaml_parse,
    "uuid": uuid,
}
"""Every expression function by the name expressions call it."""

VIEWS: Mapping[str, Callable[..., Mapping[str, Any] | None]] = {
    "task": task_view,
    "execution": execution_view,
    "env": env_view,
}
"""The functions above whose value is a dict copy of a mapping the context holds, by
name: how to read that mapping itself (one field of it needs no copy of them all)."""

FILTERS: frozenset[str] = frozenset(
    {"task", "global", "json_dump", "json_pp", "json_parse", "yaml_dump", "yaml_parse"}
)
"""Functions also usable as Jinja filters (``{{ x | json_dump }}``)."""
