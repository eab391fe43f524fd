"""Sample plugin actions used by the tests of meltemi.testing."""

from __future__ import annotations

import pytest

from meltemi import errors
from meltemi.actions import ActionContext, action


@pytest.fixture
def anyio_backend() -> str:
    """Run async tests on asyncio."""
    return "asyncio"


@action(name="sample.slugify")
async def slugify(text: str, separator: str = "-") -> str:
    """Turns text into a lower-case slug."""
    return separator.join(text.lower().split())


@action(name="sample.where")
def where(ctx: ActionContext) -> dict[str, object]:
    """Tells which execution, action execution and env it runs with (blocking)."""
    return {
        "execution": ctx.execution_id,
        "action_execution": ctx.action_execution_id,
        "callback": ctx.callback_url,
        "region": ctx.env.get("region"),
    }


@action(name="sample.refuse")
async def refuse(reason: str) -> None:
    """Always fails with ``reason`` as error data."""
    raise errors.ActionError(f"refused: {reason}", data={"reason": reason})
