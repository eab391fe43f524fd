"""How the DSL recognises expressions inside strings (without evaluating them)."""

from __future__ import annotations

import re
from typing import Any

YAQL = re.compile(r"<%.*?%>")
"""An embedded YAQL expression, ``<% ... %>``."""
JINJA = re.compile(r"{{.*?}}|{%.*?%}")
"""An embedded Jinja expression ``{{ ... }}`` or statement ``{% ... %}``."""
_WHOLE_YAQL = re.compile(r"\s*<%.*%>\s*", re.DOTALL)
_WHOLE_JINJA = re.compile(r"\s*{{.*}}\s*", re.DOTALL)


def is_expression(value: Any) -> bool:
    """True when ``value`` is a string that is one YAQL or Jinja expression."""
    return isinstance(value, str) and bool(
        _WHOLE_YAQL.fullmatch(value) or _WHOLE_JINJA.fullmatch(value)
    )
