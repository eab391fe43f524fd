"""The in-memory driver keeps asynchronous actions pending until complete() answers."""

from __future__ import annotations

import pytest

from meltemi import errors, testing

HUMAN = """
version: '2.0'
human:
  output: {answer: <% $.answer %>}
  tasks:
    ask:
      action: std.async_noop
      publish: {answer: <% task().result %>}
"""


def _waiting() -> testing.Driver:
    spec, _ = testing.load(HUMAN)
    driver = testing.Driver(spec)
    driver.start({})
    record = driver.run()
    assert record.status == "RUNNING"
    assert record.task_states("ask") == ["RUNNING"]
    return driver


def test_complete_with_output_finishes_the_task() -> None:
    """complete(task, output) succeeds the waiting action; the workflow carries on."""
    driver = _waiting()
    driver.complete("ask", {"approved": True})
    record = driver.run()
    assert record.status == "SUCCESS"
    assert record.output == {"answer": {"approved": True}}


def test_complete_with_error_fails_the_task() -> None:
    """complete(task, error=...) fails the waiting action."""
    driver = _waiting()
    driver.complete("ask", error="rejected by operator")
    record = driver.run()
    assert record.status == "ERROR"
    assert record.task_states("ask") == ["ERROR"]


def test_scripted_pending_and_nothing_to_complete() -> None:
    """A scripted {"pending": True} waits too; completing twice is refused."""
    spec, _ = testing.load(HUMAN.replace("std.async_noop", "std.noop"))
    driver = testing.Driver(spec, results={"ask": [{"pending": True}]})
    driver.start({})
    assert driver.run().status == "RUNNING"
    driver.complete("ask", 42)
    assert driver.run().output == {"answer": 42}
    with pytest.raises(errors.EngineError, match="no pending action for task 'ask'"):
        driver.complete("ask", 43)
