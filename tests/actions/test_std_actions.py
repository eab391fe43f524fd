"""The std actions that need no outside system return Mistral's results."""

from __future__ import annotations

import pytest

from meltemi import actions


async def run(name: str, given: dict[str, object]) -> actions.Outcome:
    registry = actions.Registry.default(plugins=False)
    return await actions.run_action(registry.get(name), given, actions.ActionContext())


@pytest.mark.anyio
async def test_noop_and_sleep_return_null() -> None:
    """std.noop and std.sleep succeed with a null result."""
    assert await run("std.noop", {}) == actions.Succeeded(None)
    assert await run("std.sleep", {"seconds": 0}) == actions.Succeeded(None)


@pytest.mark.anyio
async def test_echo_returns_its_output_after_the_delay() -> None:
    """std.echo returns ``output`` unchanged, also with a delay given as text."""
    value = {"a": [1, 2]}
    assert await run("std.echo", {"output": value, "delay": "0.01"}) == actions.Succeeded(value)


@pytest.mark.anyio
async def test_fail_with_error_data_fails_with_that_data() -> None:
    """std.fail fails; error_data becomes the error value."""
    outcome = await run("std.fail", {"error_data": {"why": "testing"}})
    assert isinstance(outcome, actions.Failed)
    assert outcome.data == {"why": "testing"}


@pytest.mark.anyio
async def test_fail_without_data_fails_with_a_message() -> None:
    """std.fail without error_data fails with Mistral's message."""
    outcome = await run("std.fail", {})
    assert isinstance(outcome, actions.Failed)
    assert outcome.message == "Fail action expected exception."


@pytest.mark.anyio
async def test_test_dict_builds_the_requested_dict() -> None:
    """std.test_dict makes ``size`` keys with the prefix and value."""
    outcome = await run("std.test_dict", {"size": 3, "key_prefix": "k", "val": "v"})
    assert outcome == actions.Succeeded({"k0": "v", "k1": "v", "k2": "v"})


@pytest.mark.anyio
async def test_async_noop_only_starts() -> None:
    """std.async_noop is asynchronous: running it gives Pending, not a result."""
    assert await run("std.async_noop", {}) == actions.Pending()
