"""Meltemi's own action form: functions and classes marked with ``@action``."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import anyio

from meltemi import errors
from meltemi.actions.base import META_ATTRIBUTE, ActionContext, ActionDef, ActionMeta
from meltemi.actions.signature import Signature

CONTEXT_PARAM = "ctx"
"""A function action receives the ActionContext through a parameter of this name."""


def meta_of(obj: object) -> ActionMeta | None:
    """The ``@action`` marks of ``obj``, if any."""
    meta = getattr(obj, META_ATTRIBUTE, None)
    return meta if isinstance(meta, ActionMeta) else None


def definition_of(obj: Callable[..., Any]) -> ActionDef:
    """The :class:`ActionDef` of a function or class marked with ``@action``."""
    meta = meta_of(obj)
    if meta is None:
        raise errors.ConfigError(f"{obj!r} is not marked with @meltemi.actions.action")
    if inspect.isclass(obj):
        sig = Signature.of(obj.__init__, skip=("self",))
        invoke = functools.partial(_invoke_class, obj)
    else:
        sig = Signature.of(obj, skip=(CONTEXT_PARAM,))
        invoke = functools.partial(_invoke_function, obj)
    return ActionDef(
        name=meta.name,
        signature=sig,
        invoke=invoke,
        description=meta.description,
        is_async=meta.is_async,
    )


async def _invoke_function(
    fn: Callable[..., Any], given: dict[str, Any], ctx: ActionContext
) -> Any:
    kwargs = dict(given)
    if CONTEXT_PARAM in inspect.signature(fn).parameters:
        kwargs[CONTEXT_PARAM] = ctx
    return await call(functools.partial(fn, **kwargs))


async def _invoke_class(cls: type[Any], given: dict[str, Any], ctx: ActionContext) -> Any:
    instance = cls(**given)
    return await call(functools.partial(instance.run, ctx))


async def call(fn: functools.partial[Any]) -> Any:
    """Await ``fn()`` if it is a coroutine function, else run it in a worker thread.

    A blocking call that outlives its timeout is abandoned (its thread finishes on its
    own); it can watch ``ctx.cancellation.is_set`` to stop early.
    """
    if inspect.iscoroutinefunction(fn.func):
        return await fn()
    return await anyio.to_thread.run_sync(fn, abandon_on_cancel=True)
