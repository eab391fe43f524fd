"""Riding out a database outage: retry store work until the database answers again.

A restarted database or a cut network must not lose a workflow, nor stop the worker:
whatever the worker was about to write is written once the database is back. Every
function retried here is safe to repeat. A step or a job write that did commit, but
whose answer was lost with the connection, finds on its next attempt that its job is
gone (:class:`errors.LeaseLost`), so it is never applied twice; an action is never run
again by a retry, since only its start and its finish transactions are retried.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any, TypeVar

import anyio
import anyio.to_thread

from meltemi import errors

log = logging.getLogger(__name__)
T = TypeVar("T")

FIRST_DELAY = 0.05
"""Seconds before the first retry; doubled after every failure."""
MOST_DELAY = 2.0
"""The longest wait between two attempts: the worker notices a recovery this fast."""


class Backoff:
    """The growing waits between attempts while the database is unreachable."""

    def __init__(self) -> None:
        self.delay = FIRST_DELAY
        self.failing = False

    async def failed(self, exc: errors.StoreUnavailable) -> None:
        """Note a failure (logged once per outage), then wait before the next attempt."""
        if not self.failing:
            log.warning("database unavailable: %s", exc, extra={"event": "store_unavailable"})
            self.failing = True
        await anyio.sleep(self.delay)
        self.delay = min(self.delay * 2, MOST_DELAY)

    def succeeded(self) -> None:
        """Note a success: the outage (if any) is over."""
        if self.failing:
            log.info("database available again", extra={"event": "store_available"})
        self.failing = False
        self.delay = FIRST_DELAY


async def until_stored(fn: Callable[..., T], *args: Any, give_up_after: float = math.inf) -> T:
    """``fn(*args)`` in a worker thread, tried again while it raises
    :class:`errors.StoreUnavailable`, for at most ``give_up_after`` seconds (then the
    last error is raised)."""
    backoff = Backoff()
    deadline = anyio.current_time() + give_up_after
    while True:
        try:
            result = await anyio.to_thread.run_sync(fn, *args)
        except errors.StoreUnavailable as exc:
            if anyio.current_time() + backoff.delay > deadline:
                raise
            await backoff.failed(exc)
            continue
        backoff.succeeded()
        return result
