"""Every rehearsal file in tests/engine/cases runs against the pure engine (STYLE 7)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from meltemi import errors
from meltemi.engine import events
from meltemi.testing import Driver, FakeClock, Record, load

CASES = Path(__file__).parent / "cases"


def _texts(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _max_concurrent(record: Record) -> int:
    running = peak = 0
    for h in record.history:
        if h.entity == "action_execution" and h.old_state is None:
            running += 1
            peak = max(peak, running)
        elif h.entity == "action_execution" and h.old_state == "RUNNING":
            running -= 1
    return peak


def _check_task(record: Record, name: str, want: Any) -> None:
    want = {"state": want} if isinstance(want, str) else want
    found = record.task_states(name)
    if want.get("state") == "ABSENT":
        assert not found, f"{name} should not have run"
        return
    assert found, f"{name} did not run"
    task = record.task(name)
    checks: dict[str, Any] = {
        "state": lambda: set(found) == {want["state"]},
        "count": lambda: len(found) == want["count"],
        "published": lambda: task.published == want["published"],
        "result": lambda: task.result == want["result"],
        "action_count": lambda: record.action_count(name) == want["action_count"],
        "state_info_contains": lambda: want["state_info_contains"] in (task.state_info or ""),
    }
    for key in want:
        assert checks[key](), f"task {name}: {key} expected {want[key]!r}, got {task!r}"


def check(record: Record, expect: Mapping[str, Any], clock: FakeClock, start: Any) -> None:
    """Assert every expectation of a rehearsal's ``expect`` block."""
    checks: dict[str, Any] = {
        "state": lambda v: record.status == v,
        "state_info": lambda v: record.state_info == v,
        "state_info_contains": lambda v: all(t in (record.state_info or "") for t in _texts(v)),
        "output": lambda v: record.output == v,
        "output_subset": lambda v: all(record.output.get(k) == x for k, x in v.items()),
        "output_contains": lambda v: all(x in str(record.output.get(k)) for k, x in v.items()),
        "sequence": lambda v: record.sequence == v,
        "task_count": lambda v: len(record.sequence) == v,
        "published_global": lambda v: record.state.globals == v,
        "input": lambda v: record.state.input == v,
        "elapsed": lambda v: (clock.now() - start).total_seconds() == v,
        "max_concurrent_actions": lambda v: _max_concurrent(record) == v,
    }
    for key, value in expect.items():
        if key == "tasks":
            for name, want in value.items():
                _check_task(record, name, want)
            continue
        assert checks[key](value), (
            f"{key}: expected {value!r}; state={record.status} info={record.state_info!r} "
            f"output={record.output!r} sequence={record.sequence}"
        )


def rehearse(path: Path) -> None:
    """Run one rehearsal file and check its expectations."""
    case = yaml.safe_load(path.read_text())
    first, known = load(case["workflow"])
    spec = known[case["workflow_name"]] if "workflow_name" in case else first
    clock = FakeClock()
    start = clock.now()
    driver = Driver(spec, results=case.get("results"), workflows=known, clock=clock)
    expect = case["expect"]
    if "start_error" in expect:
        with pytest.raises(errors.InputError, match=re.escape(expect["start_error"])):
            driver.start(case.get("input") or {}, case.get("params"))
        return
    driver.start(case.get("input") or {}, case.get("params"))
    if case.get("cancel_after_start"):
        driver.run(timers=False)
        driver.send(events.Cancel())
    check(driver.run(), expect, clock, start)
    for key in ("resume", "rerun", "skip"):
        if key in case:
            driver.send(_follow_up(driver, key, case[key]))
            check(driver.run(), case[key]["expect"], clock, start)


def _follow_up(driver: Driver, key: str, step: Mapping[str, Any]) -> events.Event:
    """The event of a rehearsal's ``resume``, ``rerun`` or ``skip`` block."""
    if key == "resume":
        return events.Resume(step.get("env"))
    task = driver.root.task_executions(step["task"])[-1]
    if key == "skip":
        return events.SkipTask(task.id, env=step.get("env"))
    return events.RerunTask(task.id, reset=step.get("reset", True), env=step.get("env"))


FILES = sorted(CASES.glob("*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_rehearsal(path: Path) -> None:
    """The workflow reaches the states, data and output its rehearsal expects."""
    rehearse(path)


def test_enough_rehearsals() -> None:
    """The rehearsal corpus covers at least forty constructs."""
    assert len(FILES) >= 40
