"""Running one action: input binding, timeout, cancellation and the result size limit.

:func:`run_action` never raises for anything the action does: whatever happens is
reported as an :data:`~meltemi.actions.base.Outcome`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import anyio

from meltemi import errors, jsontext
from meltemi.actions import redaction, signature
from meltemi.actions.base import (
    ActionContext,
    ActionDef,
    Cancelled,
    Failed,
    Outcome,
    Pending,
    Succeeded,
)

log = logging.getLogger(__name__)


async def run_action(
    definition: ActionDef,
    given: Mapping[str, Any],
    ctx: ActionContext,
    *,
    timeout: float | None = None,  # noqa: ASYNC109 - a timeout is part of the outcome
) -> Outcome:
    """Run ``definition`` with input ``given``; bounded by ``timeout`` seconds if set.

    Cancelling ``ctx.cancellation`` stops the run and yields :class:`Cancelled`.
    """
    try:
        bound = signature.bind(definition.name, definition.signature, given)
    except errors.ActionError as e:
        return Failed(str(e), e.data)
    log.info(
        "action started",
        extra={
            "event": "action_started",
            "action": definition.name,
            "input": redaction.redact(definition.name, bound),
            "action_execution_id": ctx.action_execution_id,
        },
    )
    outcome: Outcome = Cancelled()
    async with anyio.create_task_group() as tg:
        tg.start_soon(_cancel_on_signal, ctx, tg.cancel_scope)
        outcome = await _attempt(definition, bound, ctx, timeout)
        tg.cancel_scope.cancel()
    log.info(
        "action finished",
        extra={
            "event": "action_finished",
            "action": definition.name,
            "outcome": type(outcome).__name__,
        },
    )
    return outcome


async def _cancel_on_signal(ctx: ActionContext, scope: anyio.CancelScope) -> None:
    await ctx.cancellation.wait()
    scope.cancel()


async def _attempt(
    definition: ActionDef,
    bound: dict[str, Any],
    ctx: ActionContext,
    timeout: float | None,  # noqa: ASYNC109
) -> Outcome:
    with anyio.move_on_after(timeout) as scope:
        try:
            value = await definition.invoke(bound, ctx)
        except errors.ActionError as e:
            return Failed(str(e), e.data)
        except Exception as e:
            message = f"{type(e).__name__}: {e}"
            return Failed(f"Action '{definition.name}' raised {message}", message)
        return settle(definition, value, ctx)
    # Only reached when the timeout cancelled the run: tell threads left behind to stop.
    if scope.cancelled_caught:
        ctx.cancellation.cancel()
    message = f"Action '{definition.name}' timed out after {timeout} seconds"
    return Failed(message, message, timed_out=True)


def settle(definition: ActionDef, value: Any, ctx: ActionContext) -> Outcome:
    """Turn what ``invoke`` returned into an outcome (async start, size limit)."""
    if isinstance(value, Pending | Cancelled):
        return value
    if definition.is_async:
        return Pending()
    size = result_size(value)
    limit = ctx.settings.max_result_bytes
    if size > limit:
        message = (
            f"Action '{definition.name}' result is too large: {size} bytes,"
            f" more than the limit of {limit} bytes (max_result_bytes)"
        )
        return Failed(message, message)
    return Succeeded(value)


def result_size(value: Any) -> int:
    """Size in bytes of ``value`` as JSON (what the store will keep)."""
    return jsontext.size(value)
