"""One-line shorthands of DSL v2, expanded into plain data.

* ``action: std.echo output="Hi" n=1`` and ``workflow: wf a=1``: a name plus inline
  parameters. Unquoted values are parsed as JSON (numbers, ``true``, ``null``, lists,
  ...); quoted values are kept verbatim without their quotes; expressions are kept
  as text. An unquoted bare word (``output=hello``) is not a value: it passes nothing.
* ``retry: count=3 delay=1``: the same ``key=value`` syntax.
* Transition targets with parameters: ``fail msg="x"`` and ``fail(msg="x")``.
* ``with-items: x in <% $.list %>`` and ``x in [1, 2]``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from meltemi.lang import syntax

_NAME = re.compile(r"[\w.]+[^=(\s\"]*|<%.*?%>|{{.*?}}|{%.*?%}")
_VALUE = "|".join(
    (
        r"\"[^\"]*\"",
        r"'[^']*'",
        syntax.YAQL.pattern,
        syntax.JINJA.pattern,
        r"\[.*\]",
        r"\{.*\}",
        "true",
        "false",
        "null",
        r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?",
    )
)
_PARAM = re.compile(rf"([-\w]+)=({_VALUE})(?=\s|$)")
_FUNC = re.compile(r"(\w+)\((.*)\)\s*", re.DOTALL)
_WITH_ITEMS = re.compile(r"\s*([\w-]+)\s+in\s+(.+?)\s*", re.DOTALL)


def split_call(text: str) -> tuple[str, dict[str, Any]] | None:
    """Split ``name k=v ...`` into the name and its inline parameters.

    Returns ``None`` when no name can be read at the start of ``text``.
    """
    if " " not in text.strip():
        return text.strip(), {}
    found = _NAME.match(text.strip())
    if found is None:
        return None
    rest = text.strip()[found.end() :]
    return found.group(), parse_params(rest)


def parse_params(text: str) -> dict[str, Any]:
    """Parse ``k=v`` pairs; values that are neither quoted, JSON nor expressions are skipped."""
    params: dict[str, Any] = {}
    for key, raw in _PARAM.findall(text):
        params[key] = _param_value(raw.strip())
    return params


def _param_value(raw: str) -> Any:
    if raw[0] in "\"'":
        return raw[1:-1]
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def split_target(text: str) -> tuple[str, dict[str, Any]]:
    """Split a transition target: ``t2``, ``fail msg="x"`` or ``fail(msg="x")``."""
    func = _FUNC.fullmatch(text.strip())
    if func is not None:
        return func.group(1), parse_params(func.group(2))
    name, _, rest = text.strip().partition(" ")
    return name, parse_params(rest)


def split_with_items(text: str) -> tuple[str, Any] | str:
    """Parse ``var in <collection>``; returns ``(var, source)`` or a reason it is invalid.

    ``source`` is the expression text, or the list parsed from a ``[...]`` literal.
    """
    found = _WITH_ITEMS.fullmatch(text)
    if found is None:
        return f"'{text}' is not of the form 'var in <% $.list %>' or 'var in [1, 2]'"
    var, source = found.groups()
    if syntax.is_expression(source):
        return var, source.strip()
    if not source.startswith("["):
        return f"'{source}' is neither an expression nor a [...] list"
    try:
        items = json.loads(source)
    except ValueError as exc:
        return f"invalid list '{source}': {exc}"
    if not isinstance(items, list):
        return f"'{source}' is not a list"
    return var, items
