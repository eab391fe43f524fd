"""state.evolve and state.make are dataclasses.replace and the constructor of the engine's
state classes, only cheaper."""

from __future__ import annotations

import dataclasses

import pytest

from meltemi.engine.state import ActionExecution, ExecutionState, TaskExecution, evolve, make


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


def test_make_equals_the_constructor() -> None:
    """make() gives what the constructor gives, fresh defaults included."""
    task = make(TaskExecution, id="t", name="a", arrivals=("x",))
    assert task == TaskExecution(id="t", name="a", arrivals=("x",))
    assert task.in_context is not make(TaskExecution, id="u", name="b").in_context
    action = make(
        ActionExecution,
        id="x",
        task_execution_id="t",
        kind="action",
        name="n",
        input={},
        attempt=1,
        item=None,
    )
    assert action == ActionExecution("x", "t", "action", "n", {}, 1, None)
    with pytest.raises(TypeError, match="missing name"):
        make(TaskExecution, id="t")
    with pytest.raises(TypeError, match="unknown nope"):
        make(TaskExecution, id="t", name="a", nope=1)
