"""Running Mistral plugins unchanged: subclasses of ``mistral_lib.actions.Action``.

mistral-lib is optional: without it, nothing here is loaded and Mistral plugins are
skipped. A Mistral action's constructor takes the input; ``run(context)`` is blocking
(it runs in a worker thread) and returns a value or a ``mistral_lib.actions.Result``;
``is_sync()`` False makes it asynchronous.
"""

from __future__ import annotations

import functools
import inspect
import json
from typing import Any

from meltemi import errors
from meltemi.actions import native
from meltemi.actions.base import ActionContext, ActionDef, Cancelled, Pending, first_paragraph
from meltemi.actions.signature import Signature

try:
    from mistral_lib import actions as mistral_actions
    from mistral_lib.actions import context as mistral_context
except ImportError:  # pragma: no cover - exercised only without mistral-lib
    mistral_actions = None
    mistral_context = None


def available() -> bool:
    """True when mistral-lib is installed."""
    return mistral_actions is not None


def is_mistral_action(obj: object) -> bool:
    """True when ``obj`` is a subclass of ``mistral_lib.actions.Action``."""
    return (
        mistral_actions is not None
        and inspect.isclass(obj)
        and issubclass(obj, mistral_actions.Action)
    )


def definition_of(cls: type[Any], name: str) -> ActionDef:
    """The :class:`ActionDef` of Mistral action class ``cls`` registered as ``name``."""
    return ActionDef(
        name=name,
        signature=Signature.of(cls.__init__, skip=("self",)),
        invoke=functools.partial(_invoke, cls),
        description=first_paragraph(inspect.getdoc(cls) or ""),
        is_async=_is_async_class(cls),
        kind="mistral",
    )


def _is_async_class(cls: type[Any]) -> bool:
    # is_sync() is an instance method; most implementations only return a constant.
    try:
        return not cls.is_sync(object.__new__(cls))
    except Exception:
        return False


async def _invoke(cls: type[Any], given: dict[str, Any], ctx: ActionContext) -> Any:
    try:
        instance = cls(**given)
    except TypeError as e:
        raise errors.ActionError(f"Invalid input for action '{cls.__name__}': {e}") from e
    result = await native.call(functools.partial(instance.run, _context(ctx)))
    if not instance.is_sync():
        return Pending()
    return _unwrap(result)


def _context(ctx: ActionContext) -> Any:
    assert mistral_context is not None  # _invoke only runs for mistral-lib classes
    execution = mistral_context.ExecutionContext(
        workflow_execution_id=ctx.execution_id,
        task_execution_id=ctx.task_id,
        action_execution_id=ctx.action_execution_id,
        workflow_name=ctx.workflow_name,
        callback_url=ctx.callback_url,
    )
    return mistral_context.ActionContext(
        security_ctx=mistral_context.SecurityContext(), execution_ctx=execution
    )


def _unwrap(result: Any) -> Any:
    if mistral_actions is None or not isinstance(result, mistral_actions.Result):
        return result
    if result.is_cancel():
        return Cancelled()
    if result.is_error():
        error = result.error
        message = error if isinstance(error, str) else json.dumps(error, default=str)
        raise errors.ActionError(message, data=error)
    return result.data
