"""Finding expressions in strings, and checking their syntax without evaluating them."""

from __future__ import annotations

import functools
import re

from meltemi import errors
from meltemi.expr import jinja_eval, yaql_eval

YAQL_PATTERN = re.compile(r"<%(.*?)%>", re.DOTALL)
"""A YAQL expression: ``<% ... %>``."""
JINJA_PATTERN = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
"""A Jinja block: ``{{ ... }}`` or ``{% ... %}``."""


def has_yaql(text: str) -> bool:
    """Whether ``text`` holds at least one ``<% %>`` expression."""
    return "<%" in text and YAQL_PATTERN.search(text) is not None


def has_jinja(text: str) -> bool:
    """Whether ``text`` holds at least one ``{{ }}`` or ``{% %}`` block."""
    return ("{{" in text or "{%" in text) and JINJA_PATTERN.search(text) is not None


def is_expression(text: object) -> bool:
    """Whether ``text`` is a string holding at least one YAQL or Jinja expression."""
    return isinstance(text, str) and (has_yaql(text) or has_jinja(text))


def whole_yaql(text: str) -> str | None:
    """The inside of ``<% %>`` when ``text`` (stripped) is exactly one such expression."""
    stripped = text.strip()
    match = YAQL_PATTERN.fullmatch(stripped)
    if match is None or "%>" in match.group(1):
        return None
    return match.group(1)


@functools.lru_cache(maxsize=65536)
def check(text: str) -> str | None:
    """Check the syntax of every expression in ``text`` without evaluating anything.

    Returns:
        ``None`` when ``text`` is valid (or holds no expression), otherwise a sentence
        naming the faulty expression and saying what is wrong with it.
    """
    yaql, jinja = has_yaql(text), has_jinja(text)
    if yaql and jinja:
        return (
            f"YAQL and Jinja expressions are mixed in one string '{text}': "
            "use one expression language per string"
        )
    if yaql:
        for match in YAQL_PATTERN.finditer(text):
            try:
                yaql_eval.parse(match.group(1))
            except errors.ExpressionSyntaxError as exc:
                return f"invalid YAQL expression '{match.group(0)}': {exc.reason}"
    if jinja:
        reason = jinja_eval.syntax_error(text)
        if reason is not None:
            return f"invalid Jinja expression '{text}': {reason}"
    return None
