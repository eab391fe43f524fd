"""``on-success``/``on-error``/``on-complete``/``on-skip`` clauses, in every form.

Forms accepted (as Mistral does):

* a target: ``on-success: t2``
* a target with a condition: ``on-success: {t2: <% $.x > 1 %>}``
* a list of either: ``- t2``, ``- t3: <% ... %>``
* the advanced form: ``{publish: {branch: ..., global: ..., atomic: ...}, next: ...}``
  where ``next`` takes any of the forms above.

A target is a task name, or an engine command (``fail``, ``succeed``, ``pause``,
``noop``) with optional parameters: ``fail msg="x"`` or ``fail(msg="x")``. A task
named like a command wins over the command.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from meltemi.lang import loader, problems, shorthand, spec, syntax

CLAUSES = ("on-success", "on-error", "on-complete", "on-skip")
SCOPES = ("branch", "global", "atomic")
_ADVANCED = {"publish", "next"}


class _Context:
    """What normalizing a clause needs to know."""

    def __init__(self, names: Collection[str], collector: problems.Collector, what: str) -> None:
        self.names = names
        self.collector = collector
        self.what = what

    def add(self, message: str, path: loader.Path, *, key: bool = False) -> None:
        self.collector.add(f"{message} (in {self.what})", path, key=key)


def normalize(
    raw: Any,
    path: loader.Path,
    names: Collection[str],
    collector: problems.Collector,
    what: str,
) -> spec.OnClause | None:
    """Normalize one clause; ``names`` are the task names of the workflow."""
    ctx = _Context(names, collector, what)
    if isinstance(raw, dict) and raw and set(raw) <= _ADVANCED:
        return _advanced(raw, path, ctx)
    targets = _targets(raw, path, ctx)
    return None if targets is None else spec.OnClause(next=targets)


def _advanced(raw: dict[str, Any], path: loader.Path, ctx: _Context) -> spec.OnClause | None:
    publish = (
        normalize_publish(raw["publish"], (*path, "publish"), ctx) if "publish" in raw else None
    )
    targets = _targets(raw["next"], (*path, "next"), ctx) if "next" in raw else ()
    if targets is None or ("publish" in raw and publish is None):
        return None
    return spec.OnClause(publish=publish or spec.Publish(), next=targets)


def normalize_publish(raw: Any, path: loader.Path, ctx: _Context) -> spec.Publish | None:
    """The ``publish`` of the advanced form: scopes ``branch``, ``global``, ``atomic``."""
    if not isinstance(raw, dict) or not raw:
        ctx.add("'publish' must be a mapping of scopes (branch, global, atomic)", path)
        return None
    fine = True
    for scope, values in raw.items():
        if scope not in SCOPES:
            ctx.add(
                f"'publish' scope '{scope}' is not one of {', '.join(SCOPES)}",
                (*path, scope),
                key=True,
            )
            fine = False
        elif not isinstance(values, dict) or not values:
            ctx.add(f"'publish.{scope}' must be a non-empty mapping", (*path, scope))
            fine = False
    if not fine:
        return None
    return spec.Publish(
        branch=raw.get("branch", {}), global_=raw.get("global", {}), atomic=raw.get("atomic", {})
    )


def _targets(raw: Any, path: loader.Path, ctx: _Context) -> tuple[spec.Transition, ...] | None:
    if isinstance(raw, str | dict):
        items: list[tuple[Any, loader.Path]] = [(raw, path)]
    elif isinstance(raw, list) and raw:
        items = [(item, (*path, index)) for index, item in enumerate(raw)]
    else:
        ctx.add("a transition must be a task name, a list of them, or 'publish'/'next'", path)
        return None
    found: list[spec.Transition] = []
    seen: set[str] = set()
    for item, where in items:
        transition = _transition(item, where, ctx)
        if transition is None:
            continue
        identity = transition.model_dump_json()
        if identity in seen:
            ctx.add(f"duplicate transition to '{transition.target}'", where)
        seen.add(identity)
        found.append(transition)
    return tuple(found) if len(found) == len(items) else None


def _transition(item: Any, path: loader.Path, ctx: _Context) -> spec.Transition | None:
    condition: Any = True
    if isinstance(item, dict) and len(item) == 1:
        text, condition = next(iter(item.items()))
        if not syntax.is_expression(condition):
            ctx.add(f"the condition of '{text}' must be an expression", (*path, text))
            return None
    elif isinstance(item, str):
        text = item
    else:
        ctx.add("a transition must be 'task' or 'task: <% condition %>'", path)
        return None
    name, params = shorthand.split_target(text)
    if name in ctx.names:
        return spec.Transition(target=name, condition=condition, params=params)
    if name in spec.ENGINE_COMMANDS:
        return spec.Transition(target=name, condition=condition, command=name, params=params)
    ctx.add(f"transition to unknown task '{name}'", path)
    return None
