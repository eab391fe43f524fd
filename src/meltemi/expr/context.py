"""What an expression can see: the data root, the environment, and facts about the run.

``data`` is the root that YAQL calls ``$`` and Jinja calls ``_``: the workflow context
(input, vars, published variables) plus with-items variables. Facts about tasks and
executions come through :class:`Facts`, which the engine implements over its state, so
that evaluating an expression never touches the database.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from meltemi.expr.limits import Limits


class Facts(Protocol):
    """Read-only facts that Mistral's expression functions expose."""

    def task(self, name: str | None) -> Mapping[str, Any] | None:
        """``task(name)``: the latest execution of task ``name`` in this workflow
        execution (``None`` name = the task being evaluated), as a dict with ``id``,
        ``name``, ``spec``, ``state``, ``state_info``, ``result``, ``published``;
        ``None`` when there is no such task execution."""
        ...

    def tasks(
        self,
        workflow_execution_id: str | None,
        recursive: bool,
        state: str | None,
        flat: bool,
    ) -> Sequence[Mapping[str, Any]]:
        """``tasks(...)``: task executions, as dicts shaped like ``task()``'s."""
        ...

    def executions(
        self,
        id: str | None,  # noqa: A002 - Mistral's parameter name
        root_execution_id: str | None,
        state: str | None,
        from_time: str | None,
        to_time: str | None,
    ) -> Sequence[Mapping[str, Any]]:
        """``executions(...)``: workflow executions visible to this run, as dicts with
        ``id``, ``name``, ``workflow_name``, ``state``, ``input``, ``output``, ``params``,
        ``root_execution_id``, ``parent_task_execution_id``, ``created_at``."""
        ...


class NoFacts:
    """Facts for evaluation outside a workflow run: no tasks, no executions."""

    def task(self, name: str | None) -> Mapping[str, Any] | None:
        return None

    def tasks(
        self,
        workflow_execution_id: str | None,
        recursive: bool,
        state: str | None,
        flat: bool,
    ) -> Sequence[Mapping[str, Any]]:
        return ()

    def executions(
        self,
        id: str | None,  # noqa: A002
        root_execution_id: str | None,
        state: str | None,
        from_time: str | None,
        to_time: str | None,
    ) -> Sequence[Mapping[str, Any]]:
        return ()


_NO_FACTS = NoFacts()
_DEFAULT_LIMITS = Limits()
"""Shared defaults, being immutable: building a Limits costs more than an evaluation."""


@dataclasses.dataclass(frozen=True, slots=True)
class Context:
    """Everything one evaluation can read."""

    data: Any = dataclasses.field(default_factory=dict)
    """``$`` in YAQL, ``_`` in Jinja."""
    env: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    """``env()``."""
    execution: Mapping[str, Any] | None = None
    """``execution()``: ``id``, ``name``, ``spec``, ``input``, ``params``,
    ``root_execution_id``, ``created_at``, ``state``."""
    globals: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    """``global(name)``: variables published with the ``global`` scope."""
    facts: Facts = _NO_FACTS
    limits: Limits = _DEFAULT_LIMITS
    """Bounds on time and size; build with ``Limits(timeout=settings.expression_timeout)``."""
