"""Values of task policies (retry, waits, timeout, flags, join), checked and normalized.

The pydantic spec says which Python types a field holds; the DSL is narrower: a
literal string is only accepted where it is an expression, counts are non-negative,
``join`` is ``all``, ``one`` or a positive count. Each rule is a function from the raw
value to a reason (or ``None`` when the value is fine), in one table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from meltemi.lang import loader, problems, shorthand, syntax

Rule = Callable[[Any], str | None]


def _number(value: Any) -> str | None:
    if syntax.is_expression(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return None
    return "a non-negative number or an expression"


def _count(value: Any) -> str | None:
    if syntax.is_expression(value):
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return None
    return "a non-negative integer or an expression"


def _flag(value: Any) -> str | None:
    if isinstance(value, bool) or syntax.is_expression(value):
        return None
    return "true, false or an expression"


def _expression(value: Any) -> str | None:
    return None if syntax.is_expression(value) else "an expression"


def _join(value: Any) -> str | None:
    if value in ("all", "one"):
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return None
    return "'all', 'one' or a positive integer"


RULES: dict[str, Rule] = {
    "wait-before": _number,
    "wait-after": _number,
    "timeout": _number,
    "concurrency": _count,
    "pause-before": _flag,
    "fail-on": _flag,
    "keep-result": _flag,
    "safe-rerun": _flag,
    "join": _join,
}
"""Rules for task (and task-defaults) keys whose values are constrained."""

RETRY_RULES: dict[str, Rule] = {
    "count": _count,
    "delay": _number,
    "break-on": _expression,
    "continue-on": _expression,
}


def check(raw: dict[str, Any], path: loader.Path, collector: problems.Collector, what: str) -> bool:
    """Check every constrained key of ``raw``; True when all are fine."""
    fine = True
    for key, rule in RULES.items():
        if key in raw:
            reason = rule(raw[key])
            if reason is not None:
                collector.add(f"'{key}' of {what} must be {reason}", (*path, key))
                fine = False
    return fine


def normalize_fail_on(value: Any) -> str | None:
    """``fail-on: true`` becomes the expression ``<% true %>``; ``false`` means no check."""
    if value is True:
        return "<% true %>"
    if value is False:
        return None
    return str(value)


def normalize_retry(
    raw: Any, path: loader.Path, collector: problems.Collector, what: str
) -> dict[str, Any] | None:
    """Expand ``retry`` (a mapping or ``count=3 delay=1``) and check it."""
    values = shorthand.parse_params(raw) if isinstance(raw, str) else raw
    if not isinstance(values, dict) or not values:
        collector.add(f"'retry' of {what} must be a mapping or 'count=N delay=SECONDS'", path)
        return None
    collector.unknown_keys(values, RETRY_RULES, path, f"'retry' of {what}")
    fine = True
    for key in ("count", "delay"):
        if key not in values:
            collector.add(f"'retry' of {what} needs '{key}'", path)
            fine = False
    for key, rule in RETRY_RULES.items():
        reason = rule(values[key]) if key in values else None
        if reason is not None:
            collector.add(f"'retry.{key}' of {what} must be {reason}", (*path, key))
            fine = False
    known = {key: value for key, value in values.items() if key in RETRY_RULES}
    return known if fine else None
