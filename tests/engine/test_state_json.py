"""An execution state after any sequence of decisions round-trips through JSON exactly."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from meltemi import engine
from meltemi.engine import events
from meltemi.testing import Driver, load

TEXT = """
version: '2.0'
mixed:
  vars:
    base: 1
  tasks:
    items:
      with-items: x in [1, 2, 3]
      concurrency: 2
      action: std.echo output=<% $.x %>
      retry: {count: 1, delay: 2}
      publish: {all: <% task().result %>}
      on-complete: [join_here]
    single:
      action: std.noop
      safe-rerun: true
      wait-after: 1
      on-success:
        publish:
          global: {g: <% task().result %>}
        next: [join_here]
      on-error: [join_here, pause]
    join_here:
      join: all
      publish: {done: true}
"""
SPEC, _ = load(TEXT)

outcome = st.one_of(
    st.builds(lambda v: {"output": v}, st.integers() | st.text(max_size=5) | st.none()),
    st.builds(lambda e: {"error": e}, st.text(max_size=5)),
    st.just({"interrupt": True}),
)


class CheckingDriver(Driver):
    """Checks the JSON round trip of the state after every decision."""

    checked = 0

    def _step(self, execution_id: str, event: events.Event) -> None:
        super()._step(execution_id, event)
        state = self.states[execution_id]
        data: Any = json.loads(json.dumps(state.to_json()))
        assert engine.ExecutionState.from_json(data) == state
        self.checked += 1


@settings(max_examples=40, deadline=None)
@given(
    items=st.lists(outcome, max_size=8),
    single=st.lists(outcome, max_size=3),
    resume=st.booleans(),
)
def test_state_round_trips_after_every_decision(
    items: list[dict[str, Any]], single: list[dict[str, Any]], resume: bool
) -> None:
    """from_json(to_json(state)) equals the state after each step of random runs."""
    driver = CheckingDriver(SPEC, results={"items": items, "single": single})
    driver.start({})
    driver.run()
    if resume:
        driver.send(events.Resume())
        driver.run()
    assert driver.checked >= 2
