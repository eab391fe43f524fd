"""check() reports the first faulty expression of a string, or None."""

from __future__ import annotations

import pytest

from meltemi import expr

VALID = [
    "plain text",
    "<% $.a %>",
    "<% $.a %> and <% $.b.c %>",
    "<% switch($.n > 2 => big, true => small) %>",
    "{{ _.a }}",
    "{% if _.a %}x{% endif %}",
    "{{ {'a': {'b': 1}} }}",
    "<% unclosed",
    "{{ _.a }}\n{{ _.b }}",
]
INVALID = [
    ("<% $.a + %>", "invalid YAQL expression '<% $.a + %>': unexpected end of statement"),
    ("ok <% 1 %> bad <% ) %>", "invalid YAQL expression '<% ) %>': unexpected ')'"),
    ("{{ * }}", "invalid Jinja expression '{{ * }}': unexpected '*'"),
    ("{% if x %}", "invalid Jinja expression '{% if x %}': Unexpected end of template"),
    ("<% $.a %> and {{ _.a }}", "YAQL and Jinja expressions are mixed in one string"),
]


@pytest.mark.parametrize("text", VALID)
def test_valid_strings_pass(text: str) -> None:
    """A valid string (or one without expressions) has no problem."""
    assert expr.check(text) is None


@pytest.mark.parametrize(("text", "reason"), INVALID)
def test_invalid_strings_are_named(text: str, reason: str) -> None:
    """The reason names the faulty expression and says what is wrong."""
    found = expr.check(text)
    assert found is not None
    assert found.startswith(reason)


def test_is_expression() -> None:
    """is_expression tells strings holding expressions from everything else."""
    assert expr.is_expression("a <% 1 %>")
    assert expr.is_expression("{% if x %}{% endif %}")
    assert not expr.is_expression("a % b {x}")
    assert not expr.is_expression(42)
