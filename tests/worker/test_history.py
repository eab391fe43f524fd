"""The history table records every state change of execution, tasks and actions."""

from __future__ import annotations

import itertools

from .conftest import Harness

FLOW = """
version: '2.0'
recorded:
  tasks:
    a:
      action: std.echo output=1
      on-success: [b]
    b:
      action: std.fail
      on-error: [c]
    c:
      action: std.noop
"""


def test_history_has_every_transition(harness: Harness) -> None:
    """Each entity's history chains old->new states ending at its final row state."""
    run = harness.execute(FLOW)
    assert run.state == "SUCCESS", run.execution.state_info
    events = harness.history(run.execution.id)
    by_entity: dict[str, list[tuple[str | None, str]]] = {}
    for e in events:
        by_entity.setdefault(e.entity_id, []).append((e.old_state, e.new_state))
    final = {run.execution.id: run.state}
    final |= {t.id: t.state for t in run.tasks}
    final |= {a.id: a.state for a in run.actions}
    assert set(final) <= set(by_entity)
    for entity, changes in by_entity.items():
        for (_, new), (old, _) in itertools.pairwise(changes):
            assert old == new, f"{entity}: {changes}"
        if entity in final:
            assert changes[-1][1] == final[entity], f"{entity}: {changes}"
    workflow = [c for e in events if e.entity_kind == "workflow" for c in [e.new_state]]
    assert workflow[-1] == "SUCCESS"
    assert "RUNNING" in workflow
    kinds = {e.entity_kind for e in events}
    assert kinds == {"workflow", "task", "action"}
