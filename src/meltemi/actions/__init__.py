"""meltemi.actions: the Action protocol, the registry, the std actions, ad-hoc actions.

The worker's path::

    registry = actions.Registry.default()              # once, at start-up
    definition = actions.adhoc.runnable(name, lookup, workbook=wb)  # or registry.get(name)
    outcome = await actions.run_action(definition, input, ctx, timeout=task_timeout)
    history_input = actions.redact(definition.name, input)
"""

from __future__ import annotations

from meltemi.actions import adhoc
from meltemi.actions.base import (
    ActionContext,
    ActionDef,
    Cancellation,
    Cancelled,
    Failed,
    Outcome,
    Pending,
    Succeeded,
    action,
)
from meltemi.actions.egress import EgressPolicy
from meltemi.actions.instant import run_instant
from meltemi.actions.native import definition_of
from meltemi.actions.redaction import redact
from meltemi.actions.registry import ActionInfo, Registry
from meltemi.actions.runner import run_action
from meltemi.actions.signature import Param, Signature, bind

__all__ = [
    "ActionContext",
    "ActionDef",
    "ActionInfo",
    "Cancellation",
    "Cancelled",
    "EgressPolicy",
    "Failed",
    "Outcome",
    "Param",
    "Pending",
    "Registry",
    "Signature",
    "Succeeded",
    "action",
    "adhoc",
    "bind",
    "definition_of",
    "redact",
    "run_action",
    "run_instant",
]
