"""ScriptedAction answers from its script in order and records every call."""

from __future__ import annotations

import pytest

from meltemi import actions, testing


@pytest.mark.anyio
async def test_outcomes_in_order_and_calls_recorded() -> None:
    """Each call takes the next outcome; inputs and contexts are recorded."""
    fake = testing.ScriptedAction(
        "crm.lookup", [{"output": {"id": 7}}, {"error": {"code": 503}}, {"pending": True}]
    )
    first = await testing.call_action(fake.definition, {"email": "a@example.com"})
    second = await testing.call_action(fake.definition, {"email": "b@example.com"})
    third = await testing.call_action(fake.definition)
    assert first == actions.Succeeded({"id": 7})
    assert second == actions.Failed("{'code': 503}", {"code": 503})
    assert third == actions.Pending()
    assert fake.calls == [{"email": "a@example.com"}, {"email": "b@example.com"}, {}]
    assert [c.action_execution_id for c in fake.contexts] == [testing.FAKE_ACTION_EXECUTION_ID] * 3


@pytest.mark.anyio
async def test_exhausted_script_fails() -> None:
    """A call beyond the script fails, naming the action and the call number."""
    fake = testing.ScriptedAction("crm.lookup", [{"output": 1}])
    await testing.call_action(fake.definition)
    outcome = await testing.call_action(fake.definition)
    assert isinstance(outcome, actions.Failed)
    assert outcome.message == "crm.lookup: no scripted outcome left for call 2"


def test_registers_like_a_real_action() -> None:
    """Its definition goes into a Registry under its name."""
    fake = testing.ScriptedAction("crm.lookup", [])
    registry = actions.Registry([fake.definition])
    assert registry.get("crm.lookup").name == "crm.lookup"
