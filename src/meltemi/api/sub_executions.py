"""``/v2/executions/{id}/executions`` and ``/v2/tasks/{id}/executions``: execution trees.

An execution's tree is the execution itself followed, depth first, by the trees of the
sub-workflows its tasks started. ``max_depth`` (negative: unlimited) bounds the depth;
``errors_only`` follows only tasks in ERROR.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import APIRouter

from meltemi.api import executions, render
from meltemi.api.deps import DB
from meltemi.store import executions as stored_executions
from meltemi.store import models, query, rows
from meltemi.store.db import Session

router = APIRouter(tags=["executions"], route_class=render.DataRoute)
EVERY = query.Page(limit=None)


@dataclasses.dataclass(frozen=True)
class Walk:
    """How far and where to walk the tree."""

    session: Session
    max_depth: int
    errors_only: bool
    include_output: bool

    def execution(self, execution_id: str, depth: int) -> list[dict[str, Any]]:
        """The tree of one workflow execution at ``depth``."""
        if 0 <= self.max_depth < depth:
            return []
        row = stored_executions.get(self.session, execution_id)
        found = [executions.body(row, with_output=self.include_output)]
        tasks = rows.list_page(
            self.session, models.TaskExecution, EVERY, {"workflow_execution_id": execution_id}
        )
        for task in tasks:
            found += self.task(task, depth + 1)
        return found

    def task(self, task: models.TaskExecution, depth: int) -> list[dict[str, Any]]:
        """The trees of the sub-workflows one task execution started."""
        if self.errors_only and task.state != "ERROR":
            return []
        children = rows.list_page(
            self.session, models.WorkflowExecution, EVERY, {"parent_task_execution_id": task.id}
        )
        return [e for child in children for e in self.execution(child.id, depth)]


@router.get(
    "/v2/executions/{execution_id}/executions",
    responses={200: {"model": executions.ExecutionList}},
)
def of_execution(
    db: DB,
    execution_id: str,
    errors_only: bool = False,
    max_depth: int = -1,
    include_output: bool = False,
) -> Any:
    """The execution and every execution below it."""
    with db.transaction(readonly=True) as session:
        walk = Walk(session, max_depth, errors_only, include_output)
        return {"executions": walk.execution(execution_id, 0)}


@router.get("/v2/tasks/{task_id}/executions", responses={200: {"model": executions.ExecutionList}})
def of_task(
    db: DB,
    task_id: str,
    errors_only: bool = False,
    max_depth: int = -1,
    include_output: bool = False,
) -> Any:
    """Every execution below a task execution."""
    with db.transaction(readonly=True) as session:
        walk = Walk(session, max_depth, errors_only, include_output)
        return {"executions": walk.task(rows.get(session, models.TaskExecution, task_id), 0)}
