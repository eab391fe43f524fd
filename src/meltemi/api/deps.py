"""FastAPI dependencies: what a route needs from the application's state.

The API changes executions only through a :class:`Control`: the functions of
:mod:`meltemi.worker.control` bound to one runtime (``worker.control.Controller``);
reads go straight to the store.
"""

from __future__ import annotations

from typing import Annotated, Any, Protocol, cast

from fastapi import Depends, Request

from meltemi.actions import Registry
from meltemi.store.db import Database
from meltemi.store.models import WorkflowExecution


class Control(Protocol):
    """The commands the API sends to the workflow machinery (``worker.control.Controller``)."""

    def start_execution(
        self,
        *,
        workflow_identifier: str,
        namespace: str = "",
        input: dict[str, Any],  # noqa: A002 - Mistral's name
        params: dict[str, Any],
        description: str = "",
    ) -> WorkflowExecution:
        """Start a workflow; the new execution's row. NotFound/InputError create nothing."""
        ...

    def set_execution_state(
        self,
        execution_id: str,
        *,
        state: str,
        state_info: str | None = None,
        env: dict[str, Any] | None = None,
    ) -> None:
        """Pause, resume (optionally with a new env), cancel, fail or succeed an execution."""
        ...

    def rerun_task(
        self,
        task_execution_id: str,
        *,
        reset: bool = True,
        env: dict[str, Any] | None = None,
    ) -> None:
        """Run a failed task again."""
        ...

    def complete_action(self, action_execution_id: str, *, state: str, output: Any) -> None:
        """Finish a RUNNING (asynchronous) action execution; Conflict if it is not running."""
        ...

    def run_action(
        self,
        name: str,
        input: dict[str, Any],  # noqa: A002 - Mistral's name
        *,
        run_sync: bool,
        save_result: bool,
        timeout: float | None = None,
    ) -> str:
        """Run an action outside any workflow; the action execution's id."""
        ...

    def delete_execution(self, execution_id: str, *, force: bool = False) -> None:
        """Delete an execution with its tasks, action executions, history and
        sub-workflows; ``force`` even when it is not finished."""
        ...


# The dependencies are coroutines though they await nothing: FastAPI runs a plain
# function dependency in its thread pool, a hop costing more than the function.


async def database(request: Request) -> Database:
    """The application's database (``app.state.db``)."""
    return cast(Database, request.app.state.db)


async def control(request: Request) -> Control:
    """The application's control (``app.state.control``)."""
    return cast(Control, request.app.state.control)


async def registry(request: Request) -> Registry:
    """The registered actions (``app.state.registry``)."""
    return cast(Registry, request.app.state.registry)


DB = Annotated[Database, Depends(database)]
"""A route parameter receiving the database."""
Ctl = Annotated[Control, Depends(control)]
"""A route parameter receiving the control."""
Actions = Annotated[Registry, Depends(registry)]
"""A route parameter receiving the action registry."""
