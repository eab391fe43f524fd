"""The Action protocol: what an action is given, and what running one can come to.

An action is called with its input as keyword arguments and an :class:`ActionContext`.
It returns a result, or raises :class:`meltemi.errors.ActionError` (message and error
data). Asynchronous actions (``is_async``) only *start* something: their result arrives
later from outside (e.g. a person approving a step through the API).

Every definition, whatever its origin (built-in, entry-point plugin, mistral-lib class,
ad-hoc action), is normalised into one :class:`ActionDef`, whose ``invoke`` is the only
way anything runs. :func:`meltemi.actions.runner.run_action` wraps ``invoke`` with input
binding, a timeout, cancellation and the result size limit, and reports an
:data:`Outcome`.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import anyio

from meltemi.actions.signature import Signature
from meltemi.settings import Settings


class Cancellation:
    """A one-shot cancellation signal, readable from async code and from threads.

    ``cancel()`` must be called from the event loop thread; ``is_set`` may be read
    anywhere (blocking actions running in a thread poll it to stop early).
    """

    def __init__(self) -> None:
        self._flag = threading.Event()
        self._event: anyio.Event | None = None

    @property
    def is_set(self) -> bool:
        """True once :meth:`cancel` was called."""
        return self._flag.is_set()

    def cancel(self) -> None:
        """Ask the running action to stop."""
        self._flag.set()
        if self._event is not None:
            self._event.set()

    async def wait(self) -> None:
        """Return once :meth:`cancel` was called."""
        if self._flag.is_set():
            return
        if self._event is None:
            self._event = anyio.Event()
        await self._event.wait()


@dataclasses.dataclass(frozen=True)
class ActionContext:
    """What an action may know about the run it belongs to."""

    execution_id: str | None = None
    """The workflow execution id (``None`` for an action run on its own)."""
    task_id: str | None = None
    """The task execution id."""
    action_execution_id: str | None = None
    workflow_name: str | None = None
    callback_url: str | None = None
    """Where an asynchronous action's result is to be sent (``PUT`` action execution)."""
    env: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    """The execution's environment (``env()`` in ad-hoc actions' expressions)."""
    settings: Settings = dataclasses.field(default_factory=Settings)
    cancellation: Cancellation = dataclasses.field(default_factory=Cancellation)
    """Set when the run is cancelled or times out."""


@dataclasses.dataclass(frozen=True)
class Succeeded:
    """The action finished with ``result``."""

    result: Any


@dataclasses.dataclass(frozen=True)
class Failed:
    """The action failed; ``data`` is the error value shown as the task's result."""

    message: str
    data: Any = None
    timed_out: bool = False
    """True when the run was stopped by its timeout."""


@dataclasses.dataclass(frozen=True)
class Pending:
    """An asynchronous action started; its result will be delivered from outside."""


@dataclasses.dataclass(frozen=True)
class Cancelled:
    """The run was cancelled before it finished."""


Outcome = Succeeded | Failed | Pending | Cancelled
"""What running an action came to."""

Invoke = Callable[[dict[str, Any], ActionContext], Awaitable[Any]]
"""Runs an action with bound input. Returns the result, or a :class:`Pending` /
:class:`Cancelled` instance to say so explicitly; raises ``ActionError`` on failure."""


@dataclasses.dataclass(frozen=True)
class ActionDef:
    """One runnable action, normalised from whatever defined it."""

    name: str
    signature: Signature
    invoke: Invoke
    description: str = ""
    is_async: bool = False
    """True when a run only starts the action (its result comes later)."""
    kind: str = "python"
    """Where it comes from: ``python`` (built-in or plugin), ``mistral`` or ``adhoc``."""


@dataclasses.dataclass(frozen=True)
class ActionMeta:
    """What :func:`action` attaches to a function or class."""

    name: str
    description: str
    is_async: bool


META_ATTRIBUTE = "__meltemi_action__"
_T = TypeVar("_T")


def action(
    *, name: str, description: str | None = None, is_async: bool = False
) -> Callable[[_T], _T]:
    """Mark a function or class as a Meltemi action named ``name``.

    A function receives the input as keyword arguments, plus the
    :class:`ActionContext` if it has a parameter named ``ctx``. A class receives the
    input in its constructor and the context in ``run(ctx)``. Either may be a
    coroutine function or a blocking one (run in a worker thread). The input
    signature is read from the function (or ``__init__``) signature.
    """

    def mark(obj: _T) -> _T:
        doc = description if description is not None else (obj.__doc__ or "")
        meta = ActionMeta(name=name, description=first_paragraph(doc), is_async=is_async)
        setattr(obj, META_ATTRIBUTE, meta)
        return obj

    return mark


def first_paragraph(doc: str) -> str:
    return " ".join(doc.strip().split("\n\n", 1)[0].split())
