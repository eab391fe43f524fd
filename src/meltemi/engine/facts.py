"""What expressions see of a run: the ``Facts`` protocol over the engine's state, and
the evaluation contexts of a task and of the workflow."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Generic, TypeVar

from meltemi.engine import plan
from meltemi.engine.state import ExecutionState, TaskExecution
from meltemi.engine.step import Step
from meltemi.expr.context import Context
from meltemi.expr.limits import Limits

T = TypeVar("T")


class Once(Generic[T]):
    """``make()``, computed on the first call and kept (lighter than ``functools.cache``,
    for the evaluation contexts a step builds only when an expression needs them)."""

    _value: T

    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        self._done = False

    def __call__(self) -> T:
        if not self._done:
            self._value = self._make()
            self._done = True
        return self._value


class Deferred(Mapping[str, Any]):
    """A read-only mapping built by ``make`` on first access.

    Why: each evaluation context carries ``execution()``'s view, which few
    expressions read; building it only when read keeps contexts cheap.
    """

    def __init__(self, make: Callable[[], Mapping[str, Any]]) -> None:
        self._make = make
        self._mapping: Mapping[str, Any] | None = None

    def _built(self) -> Mapping[str, Any]:
        if self._mapping is None:
            self._mapping = self._make()
        return self._mapping

    def __getitem__(self, key: str) -> Any:
        return self._built()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._built())

    def __len__(self) -> int:
        return len(self._built())


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
        """Task executions, as Mistral's ``tasks()``: every visible one without an id
        (this execution's and the ``child_tasks`` snapshot's), else those of execution
        ``workflow_execution_id`` and, with ``recursive``, of its sub-workflows, depth
        first. ``state`` keeps those in that state; ``flat`` drops the sub-workflow tasks
        whose child execution ended in the same state (the child's tasks tell why)."""
        step = self._step
        every = [*(task_view(step, t) for t in step.tasks.values()), *step.child_tasks]
        children = _children(step)
        if workflow_execution_id is None:
            found = every
        else:
            by_execution: dict[str, list[Mapping[str, Any]]] = {}
            for task in every:
                by_execution.setdefault(str(task.get("workflow_execution_id")), []).append(task)
            found = _tree(by_execution, children, workflow_execution_id, recursive)
        return [t for t in found if _passes(t, state, flat, children)]

    def executions(
        self,
        id: str | None,  # noqa: A002 - Mistral's parameter name
        root_execution_id: str | None,
        state: str | None,
        from_time: str | None,
        to_time: str | None,
    ) -> Sequence[Mapping[str, Any]]:
        """This execution and the snapshot of related ones, filtered."""
        own = execution_view(self._step)
        # The snapshot may hold this execution too (as stored): the live view wins.
        found = [own, *(e for e in self._step.executions if e.get("id") != own["id"])]
        return [
            e
            for e in found
            if id in (None, e.get("id"))
            and root_execution_id in (None, e.get("root_execution_id"))
            and state in (None, e.get("state"))
            and (from_time is None or str(e.get("created_at", "")) >= from_time)
            and (to_time is None or str(e.get("created_at", "")) < to_time)
        ]


def _children(step: Step) -> dict[str, list[Mapping[str, Any]]]:
    """Child executions (id, state) by the id of the task execution that started them."""
    found: dict[str, list[Mapping[str, Any]]] = {}
    seen: set[str] = set()
    for execution in step.executions:
        parent = execution.get("parent_task_execution_id")
        if parent is not None:
            found.setdefault(str(parent), []).append(execution)
            seen.add(str(execution.get("id")))
    for action in step.actions.values():
        if action.kind == "workflow" and action.id not in seen:
            child = {"id": action.id, "state": str(action.state)}
            found.setdefault(action.task_execution_id, []).append(child)
    return found


def _tree(
    by_execution: Mapping[str, list[Mapping[str, Any]]],
    children: Mapping[str, list[Mapping[str, Any]]],
    execution_id: str,
    recursive: bool,
) -> list[Mapping[str, Any]]:
    found = list(by_execution.get(execution_id, ()))
    if not recursive:
        return found
    nested: list[Mapping[str, Any]] = []
    for task in found:
        if task.get("type") == "WORKFLOW":
            for child in children.get(str(task["id"]), ()):
                nested += _tree(by_execution, children, str(child.get("id")), recursive)
    return found + nested


def _passes(
    task: Mapping[str, Any],
    state: str | None,
    flat: bool,
    children: Mapping[str, list[Mapping[str, Any]]],
) -> bool:
    if state is not None and task.get("state") != state:
        return False
    if not flat or task.get("type") == "ACTION":
        return True
    nested = children.get(str(task.get("id")), ())
    return all(child.get("state") != task.get("state") for child in nested)


def task_type(state: ExecutionState, task: TaskExecution) -> str:
    """``WORKFLOW`` for a task that runs sub-workflows, else ``ACTION``."""
    action = state.actions.get(task.unit_actions[0]) if task.unit_actions else None
    return "WORKFLOW" if action is not None and action.kind == "workflow" else "ACTION"


def task_record(state: ExecutionState, task: TaskExecution) -> dict[str, Any]:
    """A task execution as plain data, shaped like ``task()``'s view (without ``spec``)."""
    return {
        "id": task.id,
        "name": task.name,
        "state": str(task.state),
        "state_info": task.state_info,
        "result": task.result,
        "published": task.published,
        "type": task_type(state, task),
        "workflow_execution_id": state.id,
        "created_at": task.created_at,
    }


def task_records(state: ExecutionState) -> list[dict[str, Any]]:
    """Every task execution of ``state`` as plain data: what a worker passes as the
    ``child_tasks`` snapshot of a parent's ``decide()`` (see ``tasks()``)."""
    return [task_record(state, t) for t in state.tasks.values()]


def task_view(step: Step, task: TaskExecution) -> dict[str, Any]:
    """A task execution as ``task()`` shows it (``spec`` is dumped once per spec)."""
    spec = step.spec.tasks.get(task.name)
    return {
        "id": task.id,
        "name": task.name,
        "state": str(task.state),
        "state_info": task.state_info,
        "result": task.result,
        "published": task.published,
        "type": "WORKFLOW" if spec is not None and spec.workflow else "ACTION",
        "workflow_execution_id": step.wf.id,
        "created_at": task.created_at,
        "spec": plan.task_json(step.spec, task.name),
    }


def execution_view(step: Step) -> dict[str, Any]:
    """This execution as ``execution()`` shows it (``spec`` is dumped once per spec)."""
    wf = step.wf
    return {
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
        "spec": plan.workflow_json(step.spec),
    }


def base_data(step: Step) -> dict[str, Any]:
    """Globals under input and vars: what every expression of the run sees."""
    wf = step.wf
    if not wf.globals:
        return {**wf.input, **wf.vars}
    return {**wf.globals, **wf.input, **wf.vars}


_LIMITS = Limits()
"""The default limits, shared by every context (``Limits`` is frozen)."""


def context(step: Step, data: Any, current: str | None = None) -> Context:
    """An evaluation context over ``data``, with ``task()`` meaning task ``current``."""
    return Context(
        data=data,
        env=step.wf.env,
        execution=Deferred(lambda: execution_view(step)),
        globals=step.wf.globals,
        facts=StateFacts(step, current),
        limits=_LIMITS,
    )


def holds_expression(value: Any) -> bool:
    """Whether evaluating ``value`` might give anything but ``value`` itself.

    Plain data (dicts, lists, numbers, and strings without an expression mark) is
    returned as it is by the evaluator, so the engine skips building a context for it.
    Any other type, and any string with ``<%``, ``{{`` or ``{%``, counts as an
    expression: the evaluator then decides (data nested too deeply too).
    """
    try:
        return _holds(value)
    except RecursionError:
        return True


def _holds(value: Any) -> bool:
    kind = type(value)
    if kind is str:
        return "<%" in value or "{{" in value or "{%" in value
    if kind is dict:
        return any(_holds(k) or _holds(v) for k, v in value.items())
    if kind is list:
        return any(_holds(v) for v in value)
    return kind not in _PLAIN


_PLAIN = frozenset({int, float, bool, type(None)})


def task_data(step: Step, task: TaskExecution, item: int | None = None) -> dict[str, Any]:
    """``$`` for expressions of ``task`` (its inbound context, plus item variables)."""
    wf = step.wf
    data = {**wf.globals, **wf.input, **wf.vars, **task.in_context}  # base_data's, merged once
    if item is not None:
        data.update(task.item_vars[item])
    return data


def outbound(task: TaskExecution) -> dict[str, Any]:
    """The branch context a task passes on: its inbound context plus what it published."""
    if not task.published:
        return task.in_context
    return {**task.in_context, **task.published}
