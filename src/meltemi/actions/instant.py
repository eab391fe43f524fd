"""Instant actions: pure std actions (noop, echo without delay, fail, test_dict) that a
worker runs inside the engine step that scheduled them, like Temporal's local activities.

They have no side effect and take no time, so running them in the step's transaction
keeps every guarantee (a crash rolls the whole step back) and saves a job round trip
per task.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from meltemi import errors
from meltemi.actions import runner, signature, std
from meltemi.actions.base import ActionContext, ActionDef, Failed, Outcome


def run_instant(
    definition: ActionDef, given: Mapping[str, Any], ctx: ActionContext
) -> Outcome | None:
    """The outcome of running ``definition`` now, or ``None`` when it is not instant."""
    # Plugins can not take std.* names (the registry refuses them), so the name is enough.
    impl = std.INSTANT.get(definition.name)
    if impl is None or definition.kind != "python":
        return None
    try:
        bound = signature.bind(definition.name, definition.signature, given)
        value = impl(**bound)
    except std.NotInstant:
        return None
    except errors.ActionError as e:
        return Failed(str(e), e.data)
    return runner.settle(definition, value, ctx)
