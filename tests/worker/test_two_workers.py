"""Two worker processes on one PostgreSQL database share 200 executions without overlap."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from meltemi.store import models

from .conftest import Driver, Harness, side_log

SHORT = """
version: '2.0'
short:
  input: [n]
  output:
    n: <% $.b %>
  tasks:
    a:
      action: test.append key=<% str($.n) %>
      publish: {a: <% task().result %>}
      on-success: [b]
    b:
      action: test.append key=<% $.a + '!' %>
      publish: {b: <% task().result %>}
"""
COUNT = 200


@pytest.mark.parametrize(
    "db_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_two_workers_run_each_action_and_job_once(
    harness: Harness, db_url: str, tmp_path: Path
) -> None:
    """All 200 executions succeed; every action and every job ran exactly once (on
    PostgreSQL: several processes on one database is its deployment)."""
    name = harness.workflows(SHORT)[0]
    ids = [harness.start(name, {"n": i}) for i in range(COUNT)]
    drivers = [Driver(db_url, tmp_path), Driver(db_url, tmp_path)]
    for driver in drivers:
        driver.finish()
    with harness.db.transaction(readonly=True) as session:
        states = Counter(session.scalars(sa.select(models.WorkflowExecution.state)))
        acts = list(session.scalars(sa.select(models.ActionExecution)))
        outputs = {e.id: e.output for e in session.scalars(sa.select(models.WorkflowExecution))}
        left = session.scalar(sa.select(sa.func.count()).select_from(models.JobRow))
    assert states == {"SUCCESS": COUNT}
    assert [outputs[i] for i in ids] == [{"n": f"{i}!"} for i in range(COUNT)]
    assert len(acts) == 2 * COUNT
    lines = Counter(side_log(tmp_path))
    assert all(lines[f"start {a.id}"] == 1 and lines[f"done {a.id}"] == 1 for a in acts)
    assert sum(lines.values()) == 4 * COUNT
    jobs = Counter(line.split()[0] for line in (tmp_path / "jobs.log").read_text().splitlines())
    assert jobs, "no job ran"
    assert max(jobs.values()) == 1, [j for j, n in jobs.items() if n > 1][:5]
    assert left == 0
