"""Retry with a delay: the action is attempted again after the delay, until it succeeds."""

from __future__ import annotations

import datetime as dt
import itertools

from .conftest import Calls, Harness

RETRY = """
version: '2.0'
retrying:
  output:
    got: <% $.got %>
  tasks:
    flaky:
      action: test.count value='v' fail_times=2
      retry:
        count: 3
        delay: 0.1
      publish: {got: <% task().result %>}
"""

EXHAUST = """
version: '2.0'
exhausting:
  tasks:
    flaky:
      action: test.count value='w' fail_times=5
      retry:
        count: 1
        delay: 0.1
"""


def test_retry_succeeds_after_delays(harness: Harness, calls: Calls) -> None:
    """Two failures, then success on the third attempt, each at least 0.1 s apart."""
    run = harness.execute(RETRY)
    assert run.state == "SUCCESS", run.execution.state_info
    assert run.output == {"got": "v"}
    assert calls.seen == ["v", "v", "v"]
    acts = run.actions_of("flaky")
    assert [(a.attempt, a.state) for a in acts] == [(1, "ERROR"), (2, "ERROR"), (3, "SUCCESS")]
    for before, after in itertools.pairwise(acts):
        assert before.finished_at is not None
        assert after.started_at is not None
        assert after.started_at - before.finished_at >= dt.timedelta(seconds=0.1)


def test_retry_exhausted_fails(harness: Harness, calls: Calls) -> None:
    """With one retry and more failures the task fails after two attempts."""
    run = harness.execute(EXHAUST)
    assert run.state == "ERROR"
    assert calls.seen == ["w", "w"]
    assert run.task("flaky").state == "ERROR"
