"""Actions written for OpenStack Mistral against mistral-lib, kept unchanged."""

from __future__ import annotations

from typing import Any

from mistral_lib import actions


class ConcatAction(actions.Action):  # type: ignore[misc]
    """Concatenates two strings."""

    def __init__(self, left: str, right: str = "!") -> None:
        super().__init__()
        self.left = left
        self.right = right

    def run(self, context: Any) -> str:
        return self.left + self.right


class ErrorResultAction(actions.Action):  # type: ignore[misc]
    """Fails by returning an error Result carrying data."""

    def __init__(self, code: int) -> None:
        super().__init__()
        self.code = code

    def run(self, context: Any) -> Any:
        return actions.Result(error={"code": self.code})


class ApprovalAction(actions.Action):  # type: ignore[misc]
    """An asynchronous action: the result arrives later through the API."""

    def run(self, context: Any) -> None:
        return None

    def is_sync(self) -> bool:
        return False


class WhoAmIAction(actions.Action):  # type: ignore[misc]
    """Returns what the execution context says about the run."""

    def run(self, context: Any) -> Any:
        execution = context.execution
        return actions.Result(
            data={
                "workflow_execution_id": execution.workflow_execution_id,
                "task_execution_id": execution.task_execution_id,
                "action_execution_id": execution.action_execution_id,
                "workflow_name": execution.workflow_name,
            }
        )
