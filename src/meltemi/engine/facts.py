"""What expressions see of a run: the ``Facts`` protocol over the engine's state, and
the evaluation contexts of a task and of the workflow."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from meltemi.engine.state import TaskExecution
from meltemi.engine.step import Step
from meltemi.expr.context import Context


class LazyDict(Mapping[str, Any]):
    """A read-only mapping whose costly values are computed on first access."""

    def __init__(self, values: dict[str, Any], lazy: Mapping[str, Callable[[], Any]]) -> None:
        self._values = values
        self._lazy = lazy

    def __getitem__(self, key: str) -> Any:
        if key not in self._values and key in self._lazy:
            self._values[key] = self._lazy[key]()
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        yield from self._values
        yield from (k for k in self._lazy if k not in self._values)

    def __len__(self) -> int:
        return len(self._values.keys() | self._lazy.keys())


class StateFacts:
    """:class:`meltemi.expr.context.Facts` over a :class:`Step`."""

    def __init__(self, step: Step, current: str | None = None) -> None:
        self._step = step
        self._current = current

    def task(self, name: str | None) -> Mapping[str, Any] | None:
        """The latest execution of task ``name`` (``None``: the current task)."""
        name = self._current if name is None else name
        task = None if name is None else self._step.latest(name)
        return None if task is None else task_view(self._step, task)

    def tasks(
        self,
        workflow_execution_id: str | None,
        recursive: bool,
        state: str | None,
        flat: bool,
    ) -> Sequence[Mapping[str, Any]]:
        """Task executions of this execution, optionally only those in ``state``."""
        if workflow_execution_id not in (None, self._step.wf.id):
            return ()
        found = self._step.tasks.values()
        return [task_view(self._step, t) for t in found if state in (None, t.state)]

    def executions(
        self,
        id: str | None,  # noqa: A002 - Mistral's parameter name
        root_execution_id: str | None,
        state: str | None,
        from_time: str | None,
        to_time: str | None,
    ) -> Sequence[Mapping[str, Any]]:
        """This execution and the snapshot of related ones, filtered."""
        found = [execution_view(self._step), *self._step.executions]
        return [
            e
            for e in found
            if id in (None, e.get("id"))
            and root_execution_id in (None, e.get("root_execution_id"))
            and state in (None, e.get("state"))
            and (from_time is None or str(e.get("created_at", "")) >= from_time)
            and (to_time is None or str(e.get("created_at", "")) < to_time)
        ]


def task_view(step: Step, task: TaskExecution) -> Mapping[str, Any]:
    """A task execution as ``task()`` shows it."""
    values = {
        "id": task.id,
        "name": task.name,
        "state": str(task.state),
        "state_info": task.state_info,
        "result": task.result,
        "published": task.published,
        "workflow_execution_id": step.wf.id,
        "created_at": task.created_at,
    }
    spec = step.spec.tasks.get(task.name)
    lazy = {"spec": lambda: None if spec is None else spec.model_dump(by_alias=True)}
    return LazyDict(values, lazy)


def execution_view(step: Step) -> Mapping[str, Any]:
    """This execution as ``execution()`` shows it."""
    wf = step.wf
    values = {
        "id": wf.id,
        "name": wf.workflow_name,
        "workflow_name": wf.workflow_name,
        "input": wf.input,
        "params": wf.params,
        "state": str(wf.state),
        "root_execution_id": wf.root_execution_id,
        "parent_task_execution_id": wf.parent_task_execution_id,
        "created_at": wf.created_at,
        "output": wf.output,
    }
    return LazyDict(values, {"spec": lambda: step.spec.model_dump(by_alias=True)})


def base_data(step: Step) -> dict[str, Any]:
    """Globals under input and vars: what every expression of the run sees."""
    wf = step.wf
    if not wf.globals:
        return {**wf.input, **wf.vars}
    return {**wf.globals, **wf.input, **wf.vars}


def context(step: Step, data: Any, current: str | None = None) -> Context:
    """An evaluation context over ``data``, with ``task()`` meaning task ``current``."""
    return Context(
        data=data,
        env=step.wf.env,
        execution=execution_view(step),
        globals=step.wf.globals,
        facts=StateFacts(step, current),
    )


def task_data(step: Step, task: TaskExecution, item: int | None = None) -> dict[str, Any]:
    """``$`` for expressions of ``task`` (its inbound context, plus item variables)."""
    data = {**base_data(step), **task.in_context}
    if item is not None:
        data.update(task.item_vars[item])
    return data


def outbound(task: TaskExecution) -> dict[str, Any]:
    """The branch context a task passes on: its inbound context plus what it published."""
    if not task.published:
        return task.in_context
    return {**task.in_context, **task.published}
