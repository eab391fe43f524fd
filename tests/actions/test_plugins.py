"""Plugins installed through entry points are registered and run (tests/plugins)."""

from __future__ import annotations

import pytest

from meltemi import actions, errors


@pytest.fixture(scope="module")
def registry() -> actions.Registry:
    """The default registry, plugins included."""
    return actions.Registry.default()


@pytest.mark.anyio
async def test_decorated_function_plugin_runs_with_context(registry: actions.Registry) -> None:
    """A @action function from the meltemi.actions group gets its input and context."""
    definition = registry.get("sample.greet")
    assert str(definition.signature) == 'name, greeting="Hello"'
    ctx = actions.ActionContext(execution_id="ex-1")
    outcome = await actions.run_action(definition, {"name": "Ada"}, ctx)
    assert outcome == actions.Succeeded("Hello, Ada! (ex-1)")


@pytest.mark.anyio
async def test_decorated_class_plugin_runs_in_a_thread(registry: actions.Registry) -> None:
    """A @action class gets its input in the constructor; **options accepts extras."""
    definition = registry.get("sample.countdown")
    outcome = await actions.run_action(
        definition, {"start": 2, "colour": "red"}, actions.ActionContext()
    )
    assert outcome == actions.Succeeded({"numbers": [2, 1, 0], "options": {"colour": "red"}})


def test_broken_entry_point_is_skipped(registry: actions.Registry) -> None:
    """An entry point that is no action is skipped; the rest still load."""
    assert registry.find("broken") is None
    assert "sample.greet" in registry


def test_plugin_cannot_replace_a_std_action(registry: actions.Registry) -> None:
    """A plugin registered as std.echo does not shadow the built-in."""
    assert registry.get("std.echo").kind == "python"


def test_unknown_action_is_not_found(registry: actions.Registry) -> None:
    """get() of an unknown name raises ActionNotFound with Mistral's wording."""
    with pytest.raises(errors.ActionNotFound, match=r"Failed to find action \[name=no.such\]"):
        registry.get("no.such")
