"""A task timeout stops a long std.sleep and fails the task."""

from __future__ import annotations

import time

from .conftest import Harness

TIMEOUT = """
version: '2.0'
slow:
  tasks:
    nap:
      action: std.sleep seconds=30
      timeout: 1
"""


def test_timeout_fails_sleeping_task(harness: Harness) -> None:
    """The 30 s sleep is cut at about 1 s: task and execution in ERROR."""
    began = time.monotonic()
    run = harness.execute(TIMEOUT)
    assert time.monotonic() - began < 10
    assert run.state == "ERROR"
    nap = run.task("nap")
    assert nap.state == "ERROR"
    assert (
        "timeout" in (nap.state_info or "").lower() or "timed out" in (nap.state_info or "").lower()
    )
