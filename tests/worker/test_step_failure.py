"""A step that raises is rolled back whole, and its job is tried again later."""

from __future__ import annotations

from typing import Any

import pytest

from meltemi.worker import step

from .conftest import Harness

WAITS = """
version: '2.0'
waits:
  tasks:
    nap:
      action: std.sleep seconds=0
      on-success: [after]
    after:
      action: std.echo
      input: {output: done}
      publish: {said: <% task().result %>}
  output:
    said: <% $.said %>
"""


def test_a_failing_step_is_retried_and_the_execution_finishes(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The step carrying the sleep's result fails once (as a bug or a lost lock would):
    nothing of it is written, its job comes back after a delay, and the second attempt
    finishes the execution as if nothing had happened."""
    real = step.step_in
    failures: list[str] = []

    def flaky(*args: Any, **kwargs: Any) -> Any:
        if not failures:
            failures.append("once")
            raise RuntimeError("injected failure")
        return real(*args, **kwargs)

    monkeypatch.setattr(step, "step_in", flaky)
    name = harness.workflows(WAITS)[0]
    execution_id = harness.start(name)  # runs at once: the sleep becomes a job
    run = harness.run(execution_id)
    assert failures == ["once"]
    assert run.state == "SUCCESS", run.execution.state_info
    assert run.output == {"said": "done"}
    assert [t.name for t in run.tasks] == ["nap", "after"]
    assert harness.jobs_left(execution_id) == 0
