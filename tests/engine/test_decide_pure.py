"""decide() is pure: the same inputs give the same decision, and the input state is untouched."""

from __future__ import annotations

from datetime import UTC, datetime

from meltemi import engine
from meltemi.engine import commands, events
from meltemi.testing import load

SPEC, _ = load("""
version: '2.0'
pure:
  tasks:
    a:
      action: std.echo output=1
      on-success: [b, c]
    b:
      action: std.noop
    c:
      action: std.noop
""")
NOW = datetime(2024, 5, 1, tzinfo=UTC)


def test_same_inputs_same_decision_and_no_mutation() -> None:
    """Two calls with equal inputs agree, ids included, and never change their input."""
    state = engine.initial_state(SPEC, execution_id="e-1", input={}, now=NOW)
    started = engine.decide(SPEC, state, events.StartExecution(), NOW)
    assert started == engine.decide(SPEC, state, events.StartExecution(), NOW)
    run = started.commands[0]
    assert isinstance(run, commands.RunAction)
    before = started.state.to_json()
    done = events.ActionSucceeded(run.action_execution_id, 1)
    first = engine.decide(SPEC, started.state, done, NOW)
    second = engine.decide(SPEC, started.state, done, NOW)
    assert first == second
    assert started.state.to_json() == before
    assert [c.task_name for c in first.commands if isinstance(c, commands.RunAction)] == ["b", "c"]
    assert all(h.at == NOW for h in first.history)
