"""The example actions run through Meltemi's runner."""

from __future__ import annotations

import anyio
from meltemi_example_actions import text

from meltemi import actions


def test_slugify() -> None:
    """example.slugify lower-cases and joins the words."""
    outcome = anyio.run(
        actions.run_action,
        actions.definition_of(text.slugify),
        {"text": "Hello World"},
        actions.ActionContext(),
    )
    assert outcome == actions.Succeeded("hello-world")
