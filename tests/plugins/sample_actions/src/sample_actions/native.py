"""Meltemi-style actions: a decorated function and a decorated class."""

from __future__ import annotations

from meltemi.actions import ActionContext, action


@action(name="sample.greet")
async def greet(ctx: ActionContext, name: str, greeting: str = "Hello") -> str:
    """Greets someone, saying which execution asked."""
    return f"{greeting}, {name}! ({ctx.execution_id})"


@action(name="sample.countdown")
class Countdown:
    """Counts down from ``start`` (a blocking action, run in a thread)."""

    def __init__(self, start: int, **options: object) -> None:
        self.start = start
        self.options = options

    def run(self, ctx: ActionContext) -> dict[str, object]:
        """Return the countdown and any extra options given."""
        return {"numbers": list(range(self.start, -1, -1)), "options": self.options}


def not_an_action() -> None:
    """An entry point that is no action: the registry skips it."""
