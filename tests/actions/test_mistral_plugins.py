"""Actions written for Mistral against mistral-lib run unchanged."""

from __future__ import annotations

import pytest

from meltemi import actions


@pytest.fixture(scope="module")
def registry() -> actions.Registry:
    """The default registry, plugins included."""
    return actions.Registry.default()


@pytest.mark.anyio
async def test_mistral_action_returns_its_value(registry: actions.Registry) -> None:
    """Constructor takes the input, run(context) returns the result."""
    definition = registry.get("sample.concat")
    assert definition.kind == "mistral"
    assert str(definition.signature) == 'left, right="!"'
    outcome = await actions.run_action(definition, {"left": "hi"}, actions.ActionContext())
    assert outcome == actions.Succeeded("hi!")


@pytest.mark.anyio
async def test_error_result_fails_with_its_data(registry: actions.Registry) -> None:
    """Result(error=...) fails the action with that error value."""
    outcome = await actions.run_action(
        registry.get("sample.error_result"), {"code": 7}, actions.ActionContext()
    )
    assert isinstance(outcome, actions.Failed)
    assert outcome.data == {"code": 7}


@pytest.mark.anyio
async def test_not_sync_action_is_pending(registry: actions.Registry) -> None:
    """is_sync() False makes the action asynchronous."""
    definition = registry.get("sample.approval")
    assert definition.is_async
    outcome = await actions.run_action(definition, {}, actions.ActionContext())
    assert outcome == actions.Pending()


@pytest.mark.anyio
async def test_context_carries_the_execution_ids(registry: actions.Registry) -> None:
    """The mistral-lib context exposes execution, task and action execution ids."""
    ctx = actions.ActionContext(
        execution_id="ex", task_id="task", action_execution_id="ae", workflow_name="wf"
    )
    outcome = await actions.run_action(registry.get("sample.whoami"), {}, ctx)
    assert outcome == actions.Succeeded(
        {
            "workflow_execution_id": "ex",
            "task_execution_id": "task",
            "action_execution_id": "ae",
            "workflow_name": "wf",
        }
    )


@pytest.mark.anyio
async def test_missing_input_is_invalid_input(registry: actions.Registry) -> None:
    """Binding applies to Mistral actions too."""
    outcome = await actions.run_action(registry.get("sample.concat"), {}, actions.ActionContext())
    assert isinstance(outcome, actions.Failed)
    assert outcome.message.startswith("Invalid input")
    assert "'left'" in outcome.message
