"""Two small actions: one as a function, one as a class."""

from __future__ import annotations

import re

from meltemi import errors
from meltemi.actions import ActionContext, action


@action(name="example.slugify")
async def slugify(text: str, separator: str = "-") -> str:
    """Turns ``text`` into a URL slug."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    if not words:
        raise errors.ActionError("nothing to slugify", data={"text": text})
    return separator.join(words)


@action(name="example.word_count")
class WordCount:
    """Counts the words of ``text`` (a blocking action: it runs in a worker thread)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def run(self, ctx: ActionContext) -> dict[str, int]:
        """Count the words."""
        return {"words": len(self.text.split())}
