"""The std actions that need no outside system: noop, echo, fail, sleep, test_dict,
async_noop. Parameters and results follow Mistral's."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import anyio

from meltemi import errors
from meltemi.actions.base import action


@action(name="std.noop")
async def noop() -> None:
    """Does nothing; the result is null."""


@action(name="std.async_noop", is_async=True)
async def async_noop() -> None:
    """Does nothing and completes later, when its result is delivered through the API."""


@action(name="std.echo")
async def echo(output: Any, delay: Any = 0) -> Any:
    """Returns ``output`` as the result, after ``delay`` seconds."""
    await anyio.sleep(_seconds(delay, float))
    return output


def _echo_now(output: Any, delay: Any = 0) -> Any:
    if _seconds(delay, float) > 0:
        raise NotInstant
    return output


@action(name="std.fail")
async def fail(error_data: Any = None) -> None:
    """Always fails; with ``error_data``, that is the error value."""
    _fail_now(error_data)


def _fail_now(error_data: Any = None) -> None:
    if error_data:
        message = error_data if isinstance(error_data, str) else json.dumps(error_data)
        raise errors.ActionError(message, data=error_data)
    raise errors.ActionError("Fail action expected exception.")


@action(name="std.sleep")
async def sleep(seconds: Any = 1) -> None:
    """Sleeps ``seconds`` (whole seconds); the result is null."""
    await anyio.sleep(_seconds(seconds, int))


@action(name="std.test_dict")
async def make_test_dict(size: int = 0, key_prefix: str = "", val: Any = "") -> dict[str, Any]:
    """Returns a dict of ``size`` keys ``<key_prefix><i>``, each with value ``val``."""
    return _test_dict_now(size, key_prefix, val)


def _test_dict_now(size: int = 0, key_prefix: str = "", val: Any = "") -> dict[str, Any]:
    return {f"{key_prefix}{i}": val for i in range(int(size))}


class NotInstant(Exception):
    """This run of an instant-capable action needs the full runner (e.g. a delay)."""


INSTANT: dict[str, Callable[..., Any]] = {
    "std.noop": lambda: None,
    "std.echo": _echo_now,
    "std.fail": _fail_now,
    "std.test_dict": _test_dict_now,
}
"""Pure std actions a worker may run inside an engine step, by name: no I/O, no wait."""


def _seconds(value: Any, kind: type[int | float]) -> float:
    # Mistral reads these leniently: unreadable or negative values mean no wait.
    try:
        return max(0, kind(value))
    except (TypeError, ValueError):
        return 0


ACTIONS = (noop, async_noop, echo, fail, sleep, make_test_dict)
