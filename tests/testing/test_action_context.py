"""action_context builds a context like the worker's, with fixed fake ids."""

from __future__ import annotations

from meltemi import testing
from meltemi.settings import Settings


def test_ids_env_and_callback_url() -> None:
    """The context carries fake ids, the env, and the action execution's callback URL."""
    ctx = testing.action_context(env={"a": 1}, settings=Settings(port=9999))
    assert ctx.execution_id == testing.FAKE_EXECUTION_ID
    assert ctx.task_id == testing.FAKE_TASK_ID
    assert ctx.env == {"a": 1}
    assert ctx.callback_url == (
        f"http://127.0.0.1:9999/v2/action_executions/{testing.FAKE_ACTION_EXECUTION_ID}"
    )
    assert not ctx.cancellation.is_set


def test_standalone_action_has_no_callback() -> None:
    """Without an action execution id there is no callback URL (an action run alone)."""
    ctx = testing.action_context(execution_id=None, task_id=None, action_execution_id=None)
    assert ctx.callback_url is None
    assert ctx.execution_id is None
