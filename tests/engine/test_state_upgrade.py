"""A state stored in the first JSON layout (before values were shared) loads and goes on."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from meltemi import engine
from meltemi.engine import events
from meltemi.testing import load

DATA = Path(__file__).parent / "data"
SPEC, _ = load((DATA / "upgrade.yaml").read_text())


def _stored() -> engine.ExecutionState:
    """The execution upgrade.yaml left waiting for its human step, as stored then."""
    data = json.loads((DATA / "upgrade_state_v1.json").read_text())
    assert "format" not in data  # the first layout: every value in place
    return engine.ExecutionState.from_json(data)


def test_first_layout_loads() -> None:
    """Every task, action and value of the stored state is there."""
    state = _stored()
    assert [(t.name, t.state) for t in state.tasks.values()] == [
        ("each", "SUCCESS"),
        ("left", "SUCCESS"),
        ("right", "SUCCESS"),
        ("both", "SUCCESS"),
        ("approve", "RUNNING"),
    ]
    each = state.task_executions("each")[0]
    assert (each.result, each.item_results, each.published) == (
        [10, 20, 30],
        (10, 20, 30),
        {"xs": [10, 20, 30]},
    )
    assert state.task_executions("approve")[0].in_context["text"] == "Hello, Ada"
    assert state.globals == {"seen": 3}
    assert len(state.actions) == 7


def test_first_layout_state_goes_on_and_round_trips() -> None:
    """The loaded state finishes when its pending action completes, and rewrites itself."""
    state = _stored()
    assert engine.ExecutionState.from_json(json.loads(json.dumps(state.to_json()))) == state
    pending = next(a for a in state.actions.values() if a.state == "RUNNING")
    done = engine.decide(
        SPEC, state, events.ActionSucceeded(pending.id, "yes"), datetime(2024, 1, 2, tzinfo=UTC)
    )
    assert done.state.state == "SUCCESS"
    assert done.state.output == {
        "text": "Hello, Ada",
        "answer": "yes",
        "xs": [10, 20, 30],
        "seen": 3,
    }
