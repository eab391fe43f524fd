"""Fakes for action plugin authors: a context as the worker builds it, running one
action through the worker's runner, and scripted fake actions."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping
from typing import Any

import anyio

from meltemi import actions, errors
from meltemi.settings import Settings

Outcome = Mapping[str, Any]
"""A scripted outcome: ``{"output": v}``, ``{"error": v}`` or ``{"pending": True}``."""

FAKE_EXECUTION_ID = "00000000-0000-4000-8000-00000000e001"
FAKE_TASK_ID = "00000000-0000-4000-8000-00000000f001"
FAKE_ACTION_EXECUTION_ID = "00000000-0000-4000-8000-00000000a001"


def action_context(
    *,
    env: Mapping[str, Any] | None = None,
    settings: Settings | None = None,
    execution_id: str | None = FAKE_EXECUTION_ID,
    task_id: str | None = FAKE_TASK_ID,
    action_execution_id: str | None = FAKE_ACTION_EXECUTION_ID,
    workflow_name: str | None = "test_workflow",
) -> actions.ActionContext:
    """An :class:`~meltemi.actions.ActionContext` like the worker builds for a task's
    action: fixed fake ids, the callback URL of the action execution, ``env`` and
    ``settings`` (defaults: empty, :class:`Settings` defaults), a fresh cancellation."""
    settings = settings or Settings()
    callback = None
    if action_execution_id is not None:
        base = f"http://{settings.host}:{settings.port}/v2"
        callback = f"{base}/action_executions/{action_execution_id}"
    return actions.ActionContext(
        execution_id=execution_id,
        task_id=task_id,
        action_execution_id=action_execution_id,
        workflow_name=workflow_name,
        callback_url=callback,
        env=dict(env or {}),
        settings=settings,
    )


async def call_action(
    action: actions.ActionDef | Callable[..., Any],
    input: Mapping[str, Any] | None = None,  # noqa: A002 - Mistral's word
    *,
    ctx: actions.ActionContext | None = None,
    timeout: float | None = None,  # noqa: ASYNC109 - the task's timeout, as the worker applies it
) -> actions.Outcome:
    """Run an action (an ``@action`` function or class, or an ActionDef) as the worker
    does: input checked against its signature, ``timeout``, cancellation, result size.

    Returns ``Succeeded(result)``, ``Failed(message, data, timed_out)``, ``Pending()``
    or ``Cancelled()``; never raises for what the action does. ``ctx`` defaults to
    :func:`action_context`.
    """
    definition = action if isinstance(action, actions.ActionDef) else actions.definition_of(action)
    return await actions.run_action(
        definition, dict(input or {}), ctx or action_context(), timeout=timeout
    )


def call_action_sync(
    action: actions.ActionDef | Callable[..., Any],
    input: Mapping[str, Any] | None = None,  # noqa: A002 - Mistral's word
    *,
    ctx: actions.ActionContext | None = None,
    timeout: float | None = None,
) -> actions.Outcome:
    """:func:`call_action` from synchronous code (starts its own event loop)."""
    return anyio.run(functools.partial(call_action, action, input, ctx=ctx, timeout=timeout))


@dataclasses.dataclass
class ScriptedAction:
    """A fake action answering from a script, one outcome per call, recording its calls.

    Outcomes as for :func:`run_until_done`: ``{"output": value}``, ``{"error": value}``
    (fails with ``value`` as error data) or ``{"pending": True}`` (an asynchronous
    start). It accepts any input. Register :attr:`definition` where a real action
    would go (a ``Registry``, ``run_until_done(actions=...)``)::

        sms = ScriptedAction("sms.send", [{"output": {"id": 1}}, {"error": "down"}])
        registry.add(sms.definition)
        ...
        assert sms.calls == [{"to": "+30...", "text": "..."}, ...]
    """

    name: str
    script: list[Outcome]
    calls: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    """The input of every call, in order."""
    contexts: list[actions.ActionContext] = dataclasses.field(default_factory=list)
    """The context of every call, in order."""

    @property
    def definition(self) -> actions.ActionDef:
        """The runnable definition of this fake (accepts any input)."""
        signature = actions.Signature(params=(), var_keyword="input")
        return actions.ActionDef(
            name=self.name, signature=signature, invoke=self._invoke, description="scripted"
        )

    async def _invoke(self, given: dict[str, Any], ctx: actions.ActionContext) -> Any:
        self.calls.append(dict(given))
        self.contexts.append(ctx)
        if len(self.calls) > len(self.script):
            raise errors.ActionError(
                f"{self.name}: no scripted outcome left for call {len(self.calls)}"
            )
        outcome = self.script[len(self.calls) - 1]
        if outcome.get("pending"):
            return actions.Pending()
        if "error" in outcome:
            error = outcome["error"]
            raise errors.ActionError(str(error), data=error)
        return outcome.get("output")
