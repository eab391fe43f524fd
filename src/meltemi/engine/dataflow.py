"""Data flow: workflow input, vars and env; task input and with-items; publish; output."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from meltemi import errors
from meltemi.engine import facts, plan
from meltemi.engine.state import TaskExecution
from meltemi.engine.step import Evaluator, Step
from meltemi.expr.context import Context
from meltemi.lang.spec import Publish, TaskSpec, WorkflowSpec


def check_input(spec: WorkflowSpec, given: Mapping[str, Any]) -> None:
    """Raise :class:`errors.InputError` for missing required or unexpected input."""
    declared = {p.name for p in spec.input}
    unexpected = sorted(set(given) - declared)
    if unexpected:
        raise errors.InputError(
            f"Invalid input for workflow '{spec.name}': unexpected parameters "
            f"{', '.join(unexpected)} (declared: {', '.join(sorted(declared)) or 'none'})",
            field=unexpected[0],
        )
    missing = [p.name for p in spec.input if not p.has_default and p.name not in given]
    if missing:
        raise errors.InputError(
            f"Invalid input for workflow '{spec.name}': missing required parameters "
            f"{', '.join(missing)}",
            field=missing[0],
        )


def apply_defaults(
    spec: WorkflowSpec, given: Mapping[str, Any], evaluate: Evaluator
) -> dict[str, Any]:
    """The input with declared defaults applied (defaults may be expressions)."""
    result = dict(given)
    for param in spec.input:
        if param.name in result or not param.has_default:
            continue
        try:
            result[param.name] = evaluate(param.default, Context(data=dict(result)))
        except errors.ExpressionError as exc:
            raise errors.InputError(
                f"Invalid default of input '{param.name}' of workflow '{spec.name}': {exc}",
                field=param.name,
            ) from None
    return result


def merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` updated with ``extra``, merging nested dicts (``extra`` wins)."""
    result = dict(base)
    for key, value in extra.items():
        old = result.get(key)
        if isinstance(old, Mapping) and isinstance(value, Mapping):
            value = merge(old, value)
        result[key] = value
    return result


def evaluate_vars(step: Step) -> dict[str, Any]:
    """The workflow's ``vars``, evaluated over its input."""
    if not step.spec.vars:
        return {}
    data = dict(step.wf.input)
    try:
        value = step.evaluate(step.spec.vars, facts.context(step, data))
    except errors.ExpressionError as exc:
        raise errors.EngineError(f"Failed to evaluate workflow vars: {exc}") from None
    return dict(value)


def evaluate_env(step: Step, env: Mapping[str, Any]) -> dict[str, Any]:
    """The env, evaluated over the input unless ``params.evaluate_env`` is false."""
    if not env or step.wf.params.get("evaluate_env", True) is False:
        return dict(env)
    try:
        return dict(step.evaluate(dict(env), facts.context(step, dict(step.wf.input))))
    except errors.ExpressionError as exc:
        raise errors.EngineError(f"Failed to evaluate the environment: {exc}") from None


def evaluate_in_task(step: Step, task: TaskExecution, value: Any, item: int | None = None) -> Any:
    """Evaluate ``value`` as an expression of ``task`` (``task()`` is the task)."""
    if not facts.holds_expression(value):
        return value
    data = facts.task_data(step, task, item)
    return step.evaluate(value, facts.context(step, data, task.name))


def with_items(step: Step, spec: TaskSpec, task: TaskExecution) -> tuple[dict[str, Any], ...]:
    """The variables of each with-items item, zipped over every ``var in list``."""
    columns: list[tuple[str, list[Any]]] = []
    for entry in spec.with_items:
        values = evaluate_in_task(step, task, entry.source)
        if not isinstance(values, list | tuple):
            raise errors.EngineError(
                f"Invalid with-items of task '{task.name}': '{entry.var}' must be a list, "
                f"got {type(values).__name__} {values!r} from {entry.source!r}"
            )
        columns.append((entry.var, list(values)))
    lengths = {len(values) for _, values in columns}
    if len(lengths) > 1:
        raise errors.EngineError(
            f"Invalid with-items of task '{task.name}': the lists have different lengths "
            f"({', '.join(f'{var}: {len(values)}' for var, values in columns)})"
        )
    count = lengths.pop() if lengths else 0
    return tuple({var: values[i] for var, values in columns} for i in range(count))


def task_input(step: Step, spec: TaskSpec, task: TaskExecution, item: int | None) -> dict[str, Any]:
    """The evaluated input of the task's action or sub-workflow."""
    value = evaluate_in_task(step, task, spec.input, item)
    if type(value) is not dict and not isinstance(value, Mapping):  # dict: no ABC check
        raise errors.EngineError(
            f"Invalid input of task '{task.name}': expected a dict, got "
            f"{type(value).__name__} {value!r} from {spec.input!r}"
        )
    return dict(value)


def publish(step: Step, task: TaskExecution, state: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Evaluate what ``task``, ended in ``state`` (SUCCESS, ERROR or SKIPPED), publishes:
    ``(branch, global)`` variables.

    The task's ``publish`` (``publish-on-error``, ``publish-on-skip``), then the
    ``publish`` of the matching ``on-*`` clause and of ``on-complete``, each seeing what
    was published before it.
    """
    branch: dict[str, Any] = {}
    global_: dict[str, Any] = {}
    for block in plan.publish_blocks(step.spec, task.name, state):
        _publish_block(step, task, block, branch, global_)
    return branch, global_


def _publish_block(
    step: Step, task: TaskExecution, block: Publish, branch: dict[str, Any], global_: dict[str, Any]
) -> None:
    seen = dict(branch)  # what the block's expressions see: published before it
    ctx = facts.Once(
        lambda: facts.context(step, {**facts.task_data(step, task), **seen}, task.name)
    )
    for scope, variables, into in (
        ("branch", block.branch, branch),
        ("global", block.global_, global_),
        ("atomic", block.atomic, global_),
    ):
        for key, raw in variables.items():
            if not facts.holds_expression(raw):
                into[key] = raw
                continue
            try:
                into[key] = step.evaluate(raw, ctx())
            except errors.ExpressionError as exc:
                raise errors.EngineError(
                    f"Failed to evaluate {scope} publish of '{key}' in task '{task.name}': {exc}"
                ) from None


_ENDED = frozenset({"SUCCESS", "ERROR", "SKIPPED"})


def final_context(step: Step) -> dict[str, Any]:
    """The merged branch context of the end tasks (finished, nothing fired after them)."""
    result: dict[str, Any] = {}
    for task in step.tasks.values():
        if not task.fired and task.state in _ENDED:
            result.update(facts.outbound(task))
    return result


def workflow_output(step: Step, clause: Any, final: dict[str, Any]) -> Any:
    """Evaluate an ``output``/``output-on-error`` clause over the final context."""
    data = {**facts.base_data(step), **final}
    return step.evaluate(clause, facts.context(step, data))
