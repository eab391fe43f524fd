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


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None)
@given(outputs=st.lists(json_values, min_size=1, max_size=6))
def test_any_values_round_trip(outputs: list[Any]) -> None:
    """Results of any JSON shape, published and passed along, round-trip after each step."""
    items = [{"output": v} for v in outputs]
    driver = CheckingDriver(SPEC, results={"items": items, "single": items[:1]})
    driver.start({})
    driver.run()
    driver.send(events.Resume())
    driver.run()
    assert driver.checked >= 2


CHAIN = """
version: '2.0'
chain:
  input: [big]
  tasks:
    first:
      action: std.echo output=<% $.big %>
      publish: {a: <% task().result %>}
      on-success: [second]
    second:
      action: std.echo output=<% $.a %>
      publish: {b: <% task().result %>}
      on-success: [third]
    third:
      action: std.echo output=<% $.b %>
      publish: {c: <% task().result %>}
"""


def test_each_value_is_stored_once() -> None:
    """A value passed along a chain (action input and output, result, published
    variable, the context of later tasks, the workflow output) is written once."""
    big = "x" * 10_000
    driver = CheckingDriver(load(CHAIN)[0])
    driver.start({"big": big})
    driver.run()
    state = driver.root
    assert state.state == "SUCCESS"
    assert state.output == {"a": big, "b": big, "c": big}
    text = json.dumps(state.to_json())
    assert text.count(big) == 1
    assert len(text) < len(big) + 5_000


REWRAPPED = """
version: '2.0'
rewrap:
  input: [data]
  tasks:
    first:
      action: std.echo output=<% $.data %>
      publish:
        data: <% dict(payload => task().result.payload, step => task().result.step + 1) %>
      on-success: [second]
    second:
      action: std.echo output=<% $.data %>
      publish:
        data: <% dict(payload => task().result.payload, step => task().result.step + 1) %>
        listed: <% [task().result.payload, task().result.payload] %>
"""


def test_a_long_text_copied_into_new_values_is_stored_once() -> None:
    """A payload every task puts into a new dict (and a list) is written once, and the
    state still round-trips after every decision."""
    payload = "p" * 10_000
    driver = CheckingDriver(load(REWRAPPED)[0])
    driver.start({"data": {"payload": payload, "step": 0}})
    driver.run()
    state = driver.root
    assert state.state == "SUCCESS", state.state_info
    assert state.tasks[next(reversed(state.tasks))].published["listed"] == [payload, payload]
    text = json.dumps(state.to_json())
    assert text.count(payload) == 1
    assert driver.checked >= 3


def test_a_state_stored_without_lifted_texts_still_loads() -> None:
    """A state written in the second layout (before texts were lifted) loads the same."""
    driver = Driver(load(REWRAPPED)[0])
    driver.start({"data": {"payload": "q" * 2_000, "step": 0}})
    driver.run()
    data: Any = json.loads(json.dumps(driver.root.to_json()))
    texts, refs = data.pop("texts"), data.pop("text_refs")
    for *path, last, index in refs:  # put the texts back in place: the second layout
        container = data["values"]
        for step in path:
            container = container[step]
        container[last] = texts[index]
    data["format"] = 2
    assert engine.ExecutionState.from_json(data) == driver.root
