"""The typed, immutable spec of DSL v2 documents.

This is the normalized shape every other layer reads: shorthands (inline parameters,
one-line transitions, ``retry: count=3 delay=1``, ...) are already expanded, and
``task-defaults`` are already applied to every task. Values that the DSL allows to be
either a literal or an expression keep the expression text (``"<% $.n %>"``); the
engine evaluates them. Each field is declared once, here: the pydantic models are the
schema too (STYLE.md, convention 11).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ENGINE_COMMANDS = ("fail", "succeed", "pause", "noop")
"""Transition targets that are engine commands unless a task has the same name."""

WorkflowType = Literal["direct", "reverse"]
JoinSpec = Literal["all", "one"] | int
"""``all``, ``one``, or how many inbound transitions must have fired."""


def _hyphen(name: str) -> str:
    return name.rstrip("_").replace("_", "-")


class SpecModel(BaseModel):
    """Base of every spec model: frozen, strict about unknown keys, hyphenated aliases."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        populate_by_name=True,
        alias_generator=_hyphen,
        arbitrary_types_allowed=False,
    )


class InputParam(SpecModel):
    """One declared input of a workflow or ad-hoc action."""

    name: str
    has_default: bool = False
    """True when the declaration gives a default (``- name: value``)."""
    default: Any = None
    """The default value (may be an expression); meaningful only if ``has_default``."""


class Publish(SpecModel):
    """Variables a task publishes, by scope. A plain ``publish:`` dict is ``branch``."""

    branch: dict[str, Any] = Field(default_factory=dict)
    global_: dict[str, Any] = Field(default_factory=dict)
    atomic: dict[str, Any] = Field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """True when nothing is published in any scope."""
        return not (self.branch or self.global_ or self.atomic)


class Transition(SpecModel):
    """One entry of an ``on-*`` clause, normalized.

    ``target`` is a task name, or an engine command (``fail``, ``succeed``, ``pause``,
    ``noop``) when ``command`` is set. A task named like a command wins over the command.
    """

    target: str
    condition: Any = True
    """``True`` or an expression (YAQL/Jinja text) that must be truthy to fire."""
    command: Literal["fail", "succeed", "pause", "noop"] | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    """Command parameters, e.g. ``{"msg": "<% task().result %>"}``."""


class OnClause(SpecModel):
    """An ``on-success``/``on-error``/``on-complete``/``on-skip`` clause."""

    publish: Publish = Field(default_factory=Publish)
    """Only in the advanced form (``publish:`` + ``next:``)."""
    next: tuple[Transition, ...] = ()


class RetrySpec(SpecModel):
    """The ``retry`` policy."""

    count: int | str
    """How many times to retry (int or expression)."""
    delay: int | float | str
    """Seconds between attempts (number or expression)."""
    break_on: str | None = None
    """Stop retrying when this expression is true."""
    continue_on: str | None = None
    """Keep retrying while this expression is true (even on success)."""


class WithItem(SpecModel):
    """One ``var in <collection>`` of ``with-items``."""

    var: str
    source: Any
    """An expression text, or a literal list."""


class TaskSpec(SpecModel):
    """A task, with ``task-defaults`` already applied."""

    name: str
    description: str | None = None
    tags: tuple[str, ...] = ()
    action: str | None = None
    """Action name (may be an expression). Exactly one of ``action``/``workflow``,
    or neither: a task with neither runs ``std.noop``."""
    workflow: str | None = None
    """Sub-workflow name (may be an expression)."""
    input: dict[str, Any] | str = Field(default_factory=dict)
    """Action/sub-workflow input: a dict (values may be expressions) or one expression
    that yields a dict. Inline parameters are merged here; ``input:`` keys win."""
    publish: Publish = Field(default_factory=Publish)
    publish_on_error: Publish = Field(default_factory=Publish)
    publish_on_skip: Publish = Field(default_factory=Publish)
    """Published when the task is skipped (Mistral's ``publish-on-skip``)."""
    with_items: tuple[WithItem, ...] = ()
    concurrency: int | str | None = None
    keep_result: bool | str = True
    target: str | None = None
    pause_before: bool | str = False
    wait_before: int | float | str | None = None
    wait_after: int | float | str | None = None
    timeout: int | float | str | None = None
    fail_on: str | None = None
    retry: RetrySpec | None = None
    join: JoinSpec | None = None
    safe_rerun: bool | str = False
    requires: tuple[str, ...] = ()
    """Reverse workflows only."""
    on_success: OnClause | None = None
    on_error: OnClause | None = None
    on_complete: OnClause | None = None
    on_skip: OnClause | None = None
    namespace: str | None = None


class TaskDefaults(SpecModel):
    """``task-defaults`` as written (already applied to tasks; kept for display)."""

    on_success: OnClause | None = None
    on_error: OnClause | None = None
    on_complete: OnClause | None = None
    on_skip: OnClause | None = None
    retry: RetrySpec | None = None
    wait_before: int | float | str | None = None
    wait_after: int | float | str | None = None
    timeout: int | float | str | None = None
    pause_before: bool | str | None = None
    concurrency: int | str | None = None
    fail_on: str | None = None
    safe_rerun: bool | str | None = None
    requires: tuple[str, ...] = ()


class WorkflowSpec(SpecModel):
    """One workflow. ``name`` is qualified (``wb.wf``) when it comes from a workbook."""

    name: str
    version: str = "2.0"
    type: WorkflowType = "direct"
    description: str | None = None
    tags: tuple[str, ...] = ()
    input: tuple[InputParam, ...] = ()
    output: Any = None
    """``None`` when absent: the output is then the workflow's published context."""
    output_on_error: Any = None
    vars: dict[str, Any] = Field(default_factory=dict)
    task_defaults: TaskDefaults | None = None
    tasks: dict[str, TaskSpec] = Field(default_factory=dict)
    """In definition order."""
    namespace: str = ""
    workbook: str | None = None
    """Name of the workbook this workflow belongs to, for local name resolution."""


class AdHocActionSpec(SpecModel):
    """An ad-hoc action: a base action with preset input and an output transformation."""

    name: str
    base: str
    base_input: dict[str, Any] | str = Field(default_factory=dict)
    input: tuple[InputParam, ...] = ()
    output: Any = None
    description: str | None = None
    tags: tuple[str, ...] = ()
    namespace: str = ""
    workbook: str | None = None


class WorkbookSpec(SpecModel):
    """A workbook: workflows and ad-hoc actions under one name."""

    name: str
    version: str = "2.0"
    description: str | None = None
    tags: tuple[str, ...] = ()
    workflows: dict[str, WorkflowSpec] = Field(default_factory=dict)
    """Keyed by qualified name (``wb.wf``)."""
    actions: dict[str, AdHocActionSpec] = Field(default_factory=dict)
    """Keyed by qualified name (``wb.action``)."""
    namespace: str = ""
