"""Cancelling a parent cancels its running sub-workflow."""

from __future__ import annotations

from meltemi.worker import control

from .conftest import FINAL, Harness

CANCEL = """
version: '2.0'
outer:
  tasks:
    call:
      workflow: inner
inner:
  tasks:
    wait:
      action: std.async_noop
"""


def test_cancel_reaches_child(harness: Harness) -> None:
    """Parent and child end CANCELLED; the child's waiting task is not left RUNNING."""
    ex = harness.start(harness.workflows(CANCEL)[0])

    def child_waiting() -> bool:
        kids = harness.children(ex)
        return bool(kids) and any(a.state == "RUNNING" for a in kids[0].actions)

    harness.drive(child_waiting)
    control.set_execution_state(harness.rt, ex, state="CANCELLED", state_info="stop it")
    [child] = harness.children(ex)
    harness.drive(
        lambda: harness.state_of(child.execution.id) in FINAL and harness.state_of(ex) in FINAL
    )
    run = harness.load(ex)
    assert run.state == "CANCELLED"
    [child] = harness.children(ex)
    assert child.state == "CANCELLED"
    assert child.task("wait").state != "RUNNING"
