"""Task and action rows match the engine state they are projected from."""

from __future__ import annotations

from meltemi.engine.state import ExecutionState
from meltemi.store import executions

from .conftest import Harness

FLOW = """
version: '2.0'
projected:
  tasks:
    a:
      with-items: x in <% [1, 2, 3] %>
      action: std.echo output=<% $.x %>
      publish: {xs: <% task().result %>}
      on-success: [b]
    b:
      action: std.fail
      on-error: [c]
    c:
      action: std.echo output=<% $.xs %>
"""


def test_rows_equal_engine_state(harness: Harness) -> None:
    """Every engine task/action has a row with the same state, result and attempt."""
    run = harness.execute(FLOW)
    assert run.state == "SUCCESS", run.execution.state_info
    with harness.db.transaction(readonly=True) as session:
        state = ExecutionState.from_json(
            executions.get(session, run.execution.id, with_state=True).engine_state
        )
    assert str(state.state) == run.state
    task_rows = {t.id: t for t in run.tasks}
    assert set(task_rows) == set(state.tasks)
    for task_id, task in state.tasks.items():
        row = task_rows[task_id]
        assert (row.name, row.state, row.published) == (task.name, str(task.state), task.published)
        assert row.result == task.result
    action_rows = {a.id: a for a in run.actions}
    assert set(action_rows) == {a.id for a in state.actions.values() if a.kind == "action"}
    for act in state.actions.values():
        act_row = action_rows[act.id]
        assert (act_row.state, act_row.attempt, act_row.item_index) == (
            str(act.state),
            act.attempt,
            act.item,
        )
        assert act_row.output == {"result": act.output}
        assert act_row.task_execution_id == act.task_execution_id
    assert run.task("c").result == [1, 2, 3]
