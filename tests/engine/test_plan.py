"""A spec's plan: start tasks, inbound tasks and spec dumps, kept only while the spec lives."""

from __future__ import annotations

import gc

from meltemi.engine import plan
from meltemi.testing import load

TEXT = """
version: '2.0'
joins:
  tasks:
    a:
      on-success: [c]
    b:
      on-error: [c, fail]
    c:
      join: all
"""


def test_plan_lists_start_and_inbound_tasks() -> None:
    """Start tasks are the untargeted ones; inbound lists sources in definition order."""
    spec, _ = load(TEXT)
    found = plan.of(spec)
    assert found.start_tasks == ("a", "b")
    assert found.inbound == {"a": (), "b": (), "c": ("a", "b")}
    assert plan.of(spec) is found


def test_spec_dumps_are_made_once() -> None:
    """task().spec and execution().spec are the spec's dumps, made on first use."""
    spec, _ = load(TEXT)
    assert plan.task_json(spec, "c") == spec.tasks["c"].model_dump(by_alias=True)
    assert plan.task_json(spec, "c") is plan.task_json(spec, "c")
    assert plan.task_json(spec, "missing") is None
    assert plan.workflow_json(spec) == spec.model_dump(by_alias=True)


def test_plan_goes_with_its_spec() -> None:
    """No plan outlives its spec (the cache never keeps a spec alive)."""
    spec = load(TEXT)[0]
    kept = plan.of(spec)
    del spec
    gc.collect()
    assert all(p is not kept for p in plan._PLANS.values())
