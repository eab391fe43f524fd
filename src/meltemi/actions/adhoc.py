"""Ad-hoc actions: a base action with preset input and an output transformation.

Running one goes through four stages, each failing with an ``ActionError`` that names
the ad-hoc action and the stage:

1. *input*: the given input is checked against the declared input; defaults applied;
2. *base-input*: ``base-input`` is evaluated with that input as root data (``$``/``_``)
   and the execution's ``env()``;
3. *base*: the base action (built-in, plugin, or another ad-hoc action, workbook-local
   names first) runs with the evaluated input;
4. *output*: ``output`` is evaluated with the base result as root data. For nested
   ad-hoc actions the inner output applies first, then the outer.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from meltemi import errors, expr
from meltemi.actions import signature
from meltemi.actions.base import ActionContext, ActionDef, Cancelled, Pending
from meltemi.actions.signature import Signature
from meltemi.expr.context import Context
from meltemi.lang import spec

Lookup = Callable[[str], "ActionDef | spec.AdHocActionSpec | None"]
"""Finds an action by its full name: a runnable definition, an ad-hoc spec, or None."""
Evaluate = Callable[[Any, Context], Any]
"""``meltemi.expr.evaluate``: evaluates every expression inside a value."""


def definition(
    adhoc: spec.AdHocActionSpec, lookup: Lookup, *, evaluate: Evaluate | None = None
) -> ActionDef:
    """The runnable :class:`ActionDef` of ad-hoc action ``adhoc``.

    ``lookup`` resolves base action names; ``evaluate`` defaults to
    ``meltemi.expr.evaluate``.
    """
    return ActionDef(
        name=adhoc.name,
        signature=Signature.declared(adhoc.input),
        invoke=functools.partial(_invoke, adhoc, lookup, evaluate),
        description=adhoc.description or "",
        kind="adhoc",
    )


def resolve(
    name: str, lookup: Lookup, *, workbook: str | None = None
) -> ActionDef | spec.AdHocActionSpec:
    """Find action ``name``, trying ``<workbook>.<name>`` first when in a workbook.

    Raises:
        errors.ActionNotFound: "Failed to find action [name=...]".
    """
    candidates = [f"{workbook}.{name}", name] if workbook else [name]
    for candidate in candidates:
        found = lookup(candidate)
        if found is not None:
            return found
    raise errors.ActionNotFound(f"Failed to find action [name={name}]")


def runnable(
    name: str, lookup: Lookup, *, workbook: str | None = None, evaluate: Evaluate | None = None
) -> ActionDef:
    """Like :func:`resolve`, turning an ad-hoc spec into its :class:`ActionDef`."""
    found = resolve(name, lookup, workbook=workbook)
    if isinstance(found, spec.AdHocActionSpec):
        return definition(found, lookup, evaluate=evaluate)
    return found


async def _invoke(
    adhoc: spec.AdHocActionSpec,
    lookup: Lookup,
    evaluate: Evaluate | None,
    given: dict[str, Any],
    ctx: ActionContext,
) -> Any:
    evaluate = evaluate or expr.evaluate
    data = signature.bind(adhoc.name, Signature.declared(adhoc.input), given, with_defaults=True)
    base_input = _stage(
        adhoc, "base-input", evaluate, adhoc.base_input, Context(data=data, env=ctx.env)
    )
    if not isinstance(base_input, dict):
        raise errors.ActionError(
            f"Ad-hoc action '{adhoc.name}': base-input must give a dict,"
            f" not {type(base_input).__name__}"
        )
    try:
        base = runnable(adhoc.base, lookup, workbook=adhoc.workbook, evaluate=evaluate)
    except errors.ActionNotFound as e:
        raise errors.ActionNotFound(f"{e} (base of ad-hoc action '{adhoc.name}')") from None
    result = await _run_base(adhoc, base, base_input, ctx)
    if isinstance(result, Pending | Cancelled) or adhoc.output is None:
        return result
    return _stage(adhoc, "output", evaluate, adhoc.output, Context(data=result, env=ctx.env))


async def _run_base(
    adhoc: spec.AdHocActionSpec, base: ActionDef, base_input: dict[str, Any], ctx: ActionContext
) -> Any:
    try:
        bound = signature.bind(base.name, base.signature, base_input)
        result = await base.invoke(bound, ctx)
    except errors.ActionError as e:
        raise errors.ActionError(
            f"Ad-hoc action '{adhoc.name}': base action '{base.name}' failed: {e}", data=e.data
        ) from None
    if base.is_async and not isinstance(result, Cancelled):
        # The output transformation of an asynchronous base is not applied (yet).
        return Pending()
    return result


def _stage(
    adhoc: spec.AdHocActionSpec, stage: str, evaluate: Evaluate, value: Any, context: Context
) -> Any:
    try:
        return evaluate(value, context)
    except errors.MeltemiError as e:
        raise errors.ActionError(
            f"Ad-hoc action '{adhoc.name}': failed to evaluate {stage}: {e}"
        ) from None
