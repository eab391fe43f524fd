"""meltemi.expr: YAQL and Jinja expressions over workflow data, with Mistral's functions.

Public API (import the package, e.g. ``from meltemi import expr``):

* :func:`evaluate` ``(value, ctx) -> Any``: evaluate expressions in nested data.
* :func:`check` ``(text) -> str | None``: static syntax check of a string's expressions.
* :func:`is_expression` ``(text) -> bool``: whether a value is a string holding one.
* :class:`Context`, :class:`Facts`, :class:`NoFacts`, :class:`Limits`: what an
  evaluation can see and how much it may consume.
"""

from __future__ import annotations

from meltemi.expr.context import Context, Facts, NoFacts
from meltemi.expr.evaluator import evaluate, evaluate_string, render
from meltemi.expr.functions import FUNCTIONS
from meltemi.expr.limits import Limits
from meltemi.expr.syntax import check, has_jinja, has_yaql, is_expression

__all__ = [
    "FUNCTIONS",
    "Context",
    "Facts",
    "Limits",
    "NoFacts",
    "check",
    "evaluate",
    "evaluate_string",
    "has_jinja",
    "has_yaql",
    "is_expression",
    "render",
]
