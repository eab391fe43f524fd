"""state.evolve is dataclasses.replace for the engine's state classes, only cheaper."""

from __future__ import annotations

import dataclasses

import pytest

from meltemi.engine.state import ActionExecution, ExecutionState, TaskExecution, evolve


def test_evolve_equals_replace_and_leaves_the_original() -> None:
    """The copy equals dataclasses.replace's, is frozen, and the original is unchanged."""
    task = TaskExecution(id="t", name="a", item_states=("RUNNING",))
    changed = evolve(task, state="SUCCESS", processed=True)
    assert changed == dataclasses.replace(task, state="SUCCESS", processed=True)
    assert (task.state, task.processed) == ("IDLE", False)
    with pytest.raises(dataclasses.FrozenInstanceError):
        changed.state = "ERROR"  # type: ignore[misc]
    action = ActionExecution("x", "t", "action", "std.noop", {}, 1, None)
    assert evolve(action, output=3) == dataclasses.replace(action, output=3)
    execution = ExecutionState(id="e", workflow_name="wf")
    assert evolve(execution, counter=2) == dataclasses.replace(execution, counter=2)


def test_evolve_refuses_unknown_fields() -> None:
    """A name that is no field raises TypeError, as dataclasses.replace does."""
    with pytest.raises(TypeError, match="no field nope"):
        evolve(TaskExecution(id="t", name="a"), nope=1)
