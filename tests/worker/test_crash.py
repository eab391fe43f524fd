"""SIGKILL a worker process at three points; restarted, it finishes the workflow correctly."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from .conftest import Driver, Harness, side_log

CRASHY = """
version: '2.0'
crashy:
  output:
    first: <% $.first %>
    items: <% $.items %>
    unsafe: <% $.unsafe %>
    finish: <% $.finish %>
  tasks:
    first:
      action: test.append key='first'
      publish: {first: <% task().result %>}
      on-success: [timed]
    timed:
      wait-before: 2
      action: test.append key='timed'
      on-success: [items]
    items:
      with-items: k in <% ['i0', 'i1', 'i2', 'i3'] %>
      concurrency: 1
      safe-rerun: true
      action: test.append key=<% $.k %> block=<% $.k = 'i2' %>
      publish: {items: <% task().result %>}
      on-success: [unsafe]
    unsafe:
      action: test.append key='unsafe' block=true
      publish-on-error: {unsafe: failed}
      on-error: [finish]
    finish:
      action: test.append key='finish'
      publish: {finish: <% task().result %>}
"""


def _crash_at(db_url: str, side: Path, ex: str, event: str, key: str | None = None) -> None:
    driver = Driver(db_url, side, ex)
    if event == "timer":
        driver.read_until(lambda line: line["event"] == "status" and line.get("timers", 0) > 0)
    else:
        driver.read_until(lambda line: line["event"] == "blocked" and line["key"] == key)
    driver.kill()


def test_killed_worker_resumes_without_double_effects(
    harness: Harness, db_url: str, tmp_path: Path
) -> None:
    """Kills during a wait-before, a half-done with-items and an unsafe action all recover."""
    ex = harness.start(harness.workflows(CRASHY)[0])
    _crash_at(db_url, tmp_path, ex, "timer")
    assert harness.state_of(ex) == "RUNNING"
    assert harness.load(ex).task("timed").state in {"WAITING", "RUNNING_DELAYED", "RUNNING", "IDLE"}
    assert not any(a.task_name == "timed" for a in harness.load(ex).actions if a.state == "SUCCESS")
    _crash_at(db_url, tmp_path, ex, "blocked", "i2")
    done_items = [a for a in harness.load(ex).actions_of("items") if a.state == "SUCCESS"]
    assert [a.item_index for a in done_items] == [0, 1]
    (tmp_path / "release-i2").touch()
    _crash_at(db_url, tmp_path, ex, "blocked", "unsafe")
    (tmp_path / "release-unsafe").touch()
    Driver(db_url, tmp_path, ex).finish()

    run = harness.load(ex)
    assert run.state == "SUCCESS", run.execution.state_info
    assert run.output == {
        "first": "first",
        "items": ["i0", "i1", "i2", "i3"],
        "unsafe": "failed",
        "finish": "finish",
    }
    lines = Counter(side_log(tmp_path))
    for act in run.actions:
        assert lines[f"start {act.id}"] == 1, f"{act.task_name} #{act.item_index} started twice"
        assert lines[f"done {act.id}"] == (1 if act.state == "SUCCESS" else 0)
    [unsafe] = run.actions_of("unsafe")
    assert unsafe.state == "ERROR"
    assert "interrupted" in (unsafe.state_info or "")
    assert run.task("unsafe").state == "ERROR"
    rerun = [
        (a.item_index, a.attempt, a.state) for a in run.actions_of("items") if a.item_index == 2
    ]
    assert [s for *_, s in rerun] == ["ERROR", "SUCCESS"]
    assert "interrupted" in (run.actions_of("items")[2].state_info or "").lower()
    assert harness.jobs_left(ex) == 0
