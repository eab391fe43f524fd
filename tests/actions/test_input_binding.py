"""Given input is checked against the action's signature before anything runs."""

from __future__ import annotations

import pytest

from meltemi import actions, errors


async def run(name: str, given: dict[str, object]) -> actions.Outcome:
    registry = actions.Registry.default(plugins=False)
    return await actions.run_action(registry.get(name), given, actions.ActionContext())


@pytest.mark.anyio
async def test_missing_required_parameter_is_invalid_input() -> None:
    """Leaving out ``output`` of std.echo fails with 'Invalid input' naming both."""
    outcome = await run("std.echo", {})
    assert isinstance(outcome, actions.Failed)
    assert outcome.message.startswith("Invalid input")
    assert "'output'" in outcome.message
    assert "std.echo" in outcome.message


@pytest.mark.anyio
async def test_unexpected_parameter_is_invalid_input() -> None:
    """An unknown parameter fails with 'Invalid input' naming it and the action."""
    outcome = await run("std.echo", {"output": "x", "not_a_param": "oops"})
    assert isinstance(outcome, actions.Failed)
    assert outcome.message.startswith("Invalid input")
    assert "'not_a_param'" in outcome.message
    assert "std.echo" in outcome.message


def test_var_keyword_accepts_any_extra_parameter() -> None:
    """A signature with ``**kwargs`` accepts unknown parameters."""

    def fn(a: int, **rest: object) -> None: ...

    sig = actions.Signature.of(fn)
    assert actions.bind("x", sig, {"a": 1, "b": 2}) == {"a": 1, "b": 2}


def test_defaults_are_applied_only_when_asked() -> None:
    """bind() keeps the given input as is unless with_defaults is set."""

    def fn(a: int, b: int = 5) -> None: ...

    sig = actions.Signature.of(fn)
    assert actions.bind("x", sig, {"a": 1}) == {"a": 1}
    assert actions.bind("x", sig, {"a": 1}, with_defaults=True) == {"a": 1, "b": 5}


def test_bind_raises_action_error() -> None:
    """bind() raises ActionError for a missing parameter."""
    sig = actions.Signature((actions.Param("needed"),))
    with pytest.raises(errors.ActionError, match="Invalid input for action 'x'"):
        actions.bind("x", sig, {})
