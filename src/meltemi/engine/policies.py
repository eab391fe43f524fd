"""Task policies: retry, wait-before, wait-after, timeout, pause-before, concurrency,
fail-on, keep-result, safe-rerun. Values may be expressions; a value of the wrong type
is an :class:`errors.EngineError` that names the task, the policy and the value."""

from __future__ import annotations

from typing import Any

from meltemi import errors
from meltemi.engine import facts
from meltemi.engine.state import TaskExecution
from meltemi.engine.step import Step
from meltemi.lang.spec import TaskSpec


def _value(step: Step, task: TaskExecution, raw: Any, item: int | None = None) -> Any:
    if not isinstance(raw, str) or not facts.holds_expression(raw):
        return raw
    data = facts.task_data(step, task, item)
    return step.evaluate(raw, facts.context(step, data, task.name))


def _number(step: Step, task: TaskExecution, raw: Any, policy: str) -> float:
    value = _value(step, task, raw)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise errors.EngineError(
            f"Invalid data type in {policy} of task '{task.name}': expected a "
            f"non-negative number, got {type(value).__name__} {value!r} from {raw!r}"
        )
    return float(value)


def _flag(step: Step, task: TaskExecution, raw: Any, policy: str, item: int | None = None) -> bool:
    if type(raw) is bool:  # the usual literal: nothing to evaluate or check
        return raw
    value = _value(step, task, raw, item)
    if not isinstance(value, bool | int | type(None)):
        raise errors.EngineError(
            f"Invalid data type in {policy} of task '{task.name}': expected a boolean, "
            f"got {type(value).__name__} {value!r} from {raw!r}"
        )
    return bool(value)


def wait_before(step: Step, spec: TaskSpec, task: TaskExecution) -> float:
    """Seconds to wait before running the task (0 when absent)."""
    raw = spec.wait_before
    return 0.0 if raw is None else _number(step, task, raw, "WaitBeforePolicy")


def wait_after(step: Step, spec: TaskSpec, task: TaskExecution) -> float:
    """Seconds to wait after the task's actions finished (0 when absent)."""
    raw = spec.wait_after
    return 0.0 if raw is None else _number(step, task, raw, "WaitAfterPolicy")


def timeout(step: Step, spec: TaskSpec, task: TaskExecution) -> float | None:
    """Seconds the task may run, ``None`` for no limit."""
    raw = spec.timeout
    if raw is None:
        return None
    seconds = _number(step, task, raw, "TimeoutPolicy")
    return seconds or None


def pause_before(step: Step, spec: TaskSpec, task: TaskExecution) -> bool:
    """True when the execution must pause before running the task."""
    return _flag(step, task, spec.pause_before, "PauseBeforePolicy")


def safe_rerun(step: Step, spec: TaskSpec, task: TaskExecution) -> bool:
    """True when the task's actions may run again after a crash."""
    return _flag(step, task, spec.safe_rerun, "SafeRerunPolicy")


def keep_result(step: Step, spec: TaskSpec, task: TaskExecution) -> bool:
    """False when the task's result must be dropped after publishing."""
    return _flag(step, task, spec.keep_result, "keep-result")


def fail_on(step: Step, spec: TaskSpec, task: TaskExecution) -> bool:
    """True when ``fail-on`` says the successful task must fail."""
    return spec.fail_on is not None and _flag(step, task, spec.fail_on, "FailOnPolicy")


def concurrency(step: Step, spec: TaskSpec, task: TaskExecution) -> int:
    """How many with-items units may run at once; 0 means no limit."""
    raw = spec.concurrency
    if raw is None:
        return 0
    value = _value(step, task, raw)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise errors.EngineError(
            f"Invalid data type in ConcurrencyPolicy of task '{task.name}': expected a "
            f"non-negative integer, got {type(value).__name__} {value!r} from {raw!r}"
        )
    return value


def retry_delay(
    step: Step, spec: TaskSpec, task: TaskExecution, item: int, succeeded: bool
) -> float | None:
    """Seconds before the next attempt of unit ``item``, or ``None`` not to retry.

    ``task.result`` holds the unit's latest result, so ``task()`` sees it.
    """
    retry = spec.retry
    if retry is None or not may_retry(spec, succeeded=succeeded):
        return None
    count = _value(step, task, retry.count, _unit(task, item))
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise errors.EngineError(
            f"Invalid data type in RetryPolicy of task '{task.name}': count must be a "
            f"non-negative integer, got {count!r}"
        )
    if task.attempts[item] > count:
        return None
    unit = _unit(task, item)
    if retry.break_on is not None and _flag(step, task, retry.break_on, "RetryPolicy", unit):
        return None
    if retry.continue_on is not None and not _flag(
        step, task, retry.continue_on, "RetryPolicy", unit
    ):
        return None
    return _number(step, task, retry.delay, "RetryPolicy")


def may_retry(spec: TaskSpec, *, succeeded: bool) -> bool:
    """Whether the retry policy may run a unit again (no expression evaluated yet)."""
    retry = spec.retry
    return retry is not None and (not succeeded or retry.continue_on is not None)


def _unit(task: TaskExecution, item: int) -> int | None:
    return item if task.with_items else None
