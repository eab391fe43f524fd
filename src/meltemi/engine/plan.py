"""What the engine derives from a workflow spec alone, computed once per spec object.

A spec is immutable, so the tasks a direct workflow starts with, the inbound tasks of
each task, the publish blocks of a task by outcome and the JSON that ``task().spec``
shows are worked out once and kept beside the spec for as long as it lives (every
step of an execution reads them).
"""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Mapping
from typing import Any

from meltemi.lang.spec import OnClause, Publish, TaskSpec, WorkflowSpec


@dataclasses.dataclass(frozen=True)
class Plan:
    """Facts about one workflow spec (it holds no reference to the spec)."""

    start_tasks: tuple[str, ...]
    """Direct workflows: the tasks no transition leads to, in definition order."""
    inbound: Mapping[str, tuple[str, ...]]
    """For each task, the tasks with a transition to it, in definition order."""
    blocks: dict[tuple[str, str], tuple[Publish, ...]] = dataclasses.field(default_factory=dict)
    """Publish blocks by task name and final state, found on first use."""
    dumps: dict[str | None, Any] = dataclasses.field(default_factory=dict)
    """``task().spec`` by task name, dumped on first use; ``None``: ``execution().spec``."""


_PLANS: dict[int, Plan] = {}
"""Plans by ``id(spec)``; an entry goes when its spec is collected."""


def of(spec: WorkflowSpec) -> Plan:
    """The plan of ``spec``, built on first use."""
    key = id(spec)
    found = _PLANS.get(key)
    if found is None:
        found = _PLANS[key] = _build(spec)
        weakref.finalize(spec, _PLANS.pop, key, None)
    return found


def _clauses(spec: TaskSpec) -> tuple[OnClause | None, ...]:
    return (spec.on_success, spec.on_error, spec.on_complete, spec.on_skip)


def _targets(spec: TaskSpec) -> set[str]:
    return {t.target for c in _clauses(spec) if c is not None for t in c.next if not t.command}


def _build(spec: WorkflowSpec) -> Plan:
    targets = {name: _targets(task) for name, task in spec.tasks.items()}
    inbound = {name: tuple(s for s in spec.tasks if name in targets[s]) for name in spec.tasks}
    targeted = set().union(*targets.values())
    start = tuple(name for name in spec.tasks if name not in targeted)
    return Plan(start_tasks=start, inbound=inbound)


def publish_blocks(spec: WorkflowSpec, name: str, state: str) -> tuple[Publish, ...]:
    """The non-empty publish blocks of task ``name`` ended in ``state`` (SUCCESS, ERROR
    or SKIPPED), in evaluation order: its own, then its ``on-*`` clause's and
    ``on-complete``'s."""
    blocks = of(spec).blocks
    found = blocks.get((name, state))
    if found is None:
        task = spec.tasks[name]
        own = {"SUCCESS": task.publish, "ERROR": task.publish_on_error}
        own["SKIPPED"] = task.publish_on_skip
        clause = {"SUCCESS": task.on_success, "ERROR": task.on_error, "SKIPPED": task.on_skip}
        # why: Mistral merges on-complete's publish for a skipped task too.
        clauses = (clause[state], task.on_complete)
        every = (own[state], *(c.publish for c in clauses if c is not None))
        found = blocks[name, state] = tuple(b for b in every if not b.empty)
    return found


def task_json(spec: WorkflowSpec, name: str) -> Any:
    """``task().spec`` of task ``name`` (``None`` when the spec has no such task).

    Shared between calls: expression values are never changed in place.
    """
    dumps = of(spec).dumps
    if name not in dumps:
        task = spec.tasks.get(name)
        dumps[name] = None if task is None else task.model_dump(by_alias=True)
    return dumps[name]


def workflow_json(spec: WorkflowSpec) -> Any:
    """``execution().spec``: the workflow spec as data, dumped once."""
    dumps = of(spec).dumps
    if None not in dumps:
        dumps[None] = spec.model_dump(by_alias=True)
    return dumps[None]
