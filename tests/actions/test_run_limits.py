"""Every run is bounded: timeout, cancellation, result size, unexpected exceptions."""

from __future__ import annotations

import threading
from collections.abc import Callable

import anyio
import pytest

from meltemi import actions
from meltemi.settings import Settings


@actions.action(name="test.forever")
async def forever() -> None:
    """Never finishes on its own."""
    await anyio.sleep_forever()


@actions.action(name="test.blocking")
def blocking(ctx: actions.ActionContext, release: threading.Event) -> str:
    """Blocks its thread until released or cancelled."""
    while not release.wait(0.01):
        if ctx.cancellation.is_set:
            return "stopped"
    return "released"


@actions.action(name="test.big")
def big(size: int) -> str:
    """Returns a string of ``size`` characters."""
    return "x" * size


@actions.action(name="test.crash")
def crash() -> None:
    """Raises an exception that is not an ActionError."""
    raise KeyError("boom")


def definition(fn: Callable[..., object]) -> actions.ActionDef:
    return actions.definition_of(fn)


@pytest.mark.anyio
async def test_timeout_fails_the_run() -> None:
    """A coroutine action running past the timeout fails with timed_out set."""
    outcome = await actions.run_action(
        definition(forever), {}, actions.ActionContext(), timeout=0.05
    )
    assert isinstance(outcome, actions.Failed)
    assert outcome.timed_out
    assert "timed out" in outcome.message


@pytest.mark.anyio
async def test_timeout_abandons_a_blocking_action_and_signals_it() -> None:
    """A blocking action times out promptly and its thread sees the cancellation."""
    ctx = actions.ActionContext()
    release = threading.Event()
    outcome = await actions.run_action(
        definition(blocking), {"release": release}, ctx, timeout=0.05
    )
    assert isinstance(outcome, actions.Failed)
    assert outcome.timed_out
    assert ctx.cancellation.is_set


@pytest.mark.anyio
async def test_blocking_action_runs_in_a_thread() -> None:
    """A blocking function action returns its value (run off the event loop)."""
    release = threading.Event()
    release.set()
    outcome = await actions.run_action(
        definition(blocking), {"release": release}, actions.ActionContext()
    )
    assert outcome == actions.Succeeded("released")


@pytest.mark.anyio
async def test_cancellation_stops_the_run() -> None:
    """Cancelling the context's cancellation ends the run as Cancelled."""
    ctx = actions.ActionContext()
    outcome: actions.Outcome | None = None

    async def run() -> None:
        nonlocal outcome
        outcome = await actions.run_action(definition(forever), {}, ctx)

    async with anyio.create_task_group() as tg:
        tg.start_soon(run)
        await anyio.wait_all_tasks_blocked()
        ctx.cancellation.cancel()
    assert outcome == actions.Cancelled()


@pytest.mark.anyio
async def test_result_above_the_limit_fails_clearly() -> None:
    """A result larger than max_result_bytes fails and names the limit."""
    ctx = actions.ActionContext(settings=Settings(max_result_bytes=100))
    outcome = await actions.run_action(definition(big), {"size": 200}, ctx)
    assert isinstance(outcome, actions.Failed)
    assert "max_result_bytes" in outcome.message
    small = await actions.run_action(definition(big), {"size": 10}, ctx)
    assert small == actions.Succeeded("x" * 10)


@pytest.mark.anyio
async def test_unexpected_exception_becomes_a_failure() -> None:
    """An exception other than ActionError fails the run with its type and text."""
    outcome = await actions.run_action(definition(crash), {}, actions.ActionContext())
    assert isinstance(outcome, actions.Failed)
    assert "KeyError" in outcome.message
    assert "boom" in outcome.message
