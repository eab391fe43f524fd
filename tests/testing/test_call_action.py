"""call_action runs a plugin as the worker does and reports an outcome."""

from __future__ import annotations

import pytest

from meltemi import actions, testing

from .conftest import refuse, slugify, where


@pytest.mark.anyio
async def test_result_is_succeeded() -> None:
    """A plugin's return value comes back as Succeeded."""
    outcome = await testing.call_action(slugify, {"text": "Hello Big World"})
    assert outcome == actions.Succeeded("hello-big-world")


@pytest.mark.anyio
async def test_action_error_is_failed_with_data() -> None:
    """An ActionError comes back as Failed carrying its message and data."""
    outcome = await testing.call_action(refuse, {"reason": "closed"})
    assert outcome == actions.Failed("refused: closed", {"reason": "closed"})


@pytest.mark.anyio
async def test_input_is_checked_against_the_signature() -> None:
    """Missing input fails the way the worker reports it, without calling the action."""
    outcome = await testing.call_action(slugify, {"separator": "_"})
    assert isinstance(outcome, actions.Failed)
    assert "missing required parameter(s) 'text'" in outcome.message


def test_sync_form_runs_blocking_actions_with_the_fake_context() -> None:
    """call_action_sync runs a blocking action in a thread with the given context."""
    ctx = testing.action_context(env={"region": "north"})
    outcome = testing.call_action_sync(where, ctx=ctx)
    assert outcome == actions.Succeeded(
        {
            "execution": testing.FAKE_EXECUTION_ID,
            "action_execution": testing.FAKE_ACTION_EXECUTION_ID,
            "callback": ctx.callback_url,
            "region": "north",
        }
    )
