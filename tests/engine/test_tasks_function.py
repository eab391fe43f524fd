"""``tasks()`` over the state and the ``child_tasks`` snapshot follows Mistral's filters."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from meltemi import engine
from meltemi.engine import events, facts
from meltemi.engine.step import Step
from meltemi.testing import load

SPEC, _ = load("""
version: '2.0'
calls:
  tasks:
    call:
      workflow: child
""")
NOW = datetime(2024, 1, 1, tzinfo=UTC)


def _step(child_state: str, child_tasks: list[dict[str, Any]]) -> tuple[Step, str]:
    state = engine.initial_state(SPEC, execution_id="p", input={}, now=NOW)
    started = engine.decide(SPEC, state, events.StartExecution(), NOW)
    call = started.state.task_executions("call")[0]
    child_id = call.unit_actions[0]
    child = {"id": child_id, "state": child_state, "parent_task_execution_id": call.id}
    child_tasks = [{**t, "workflow_execution_id": child_id} for t in child_tasks]
    step = Step(
        SPEC, started.state, NOW, lambda v, _c: v, executions=[child], child_tasks=child_tasks
    )
    return step, call.id


def test_flat_drops_workflow_tasks_in_their_child_state() -> None:
    """``flat`` hides a workflow task whose child is in the same state, keeps it otherwise."""
    inner = {
        "id": "i",
        "name": "inner",
        "state": "RUNNING",
        "workflow_execution_id": "c",
        "type": "ACTION",
    }
    step, _ = _step("RUNNING", [inner])
    found = facts.StateFacts(step).tasks("p", True, None, True)
    assert [t["name"] for t in found] == ["inner"]
    step, _ = _step("SUCCESS", [inner])
    found = facts.StateFacts(step).tasks("p", True, None, True)
    assert [t["name"] for t in found] == ["call", "inner"]


def test_without_id_every_visible_task_and_not_recursive_stays_local() -> None:
    """No id: this execution's and the snapshot's tasks; an id without recursive: its own."""
    other = {
        "id": "o",
        "name": "other",
        "state": "ERROR",
        "workflow_execution_id": "z",
        "type": "ACTION",
    }
    step, _ = _step("RUNNING", [other])
    view = facts.StateFacts(step)
    assert [t["name"] for t in view.tasks(None, False, None, False)] == ["call", "other"]
    assert [t["name"] for t in view.tasks(None, False, "ERROR", False)] == ["other"]
    assert [t["name"] for t in view.tasks("p", False, None, False)] == ["call"]
