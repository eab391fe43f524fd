"""Bounds on one evaluation: time, iteration counts, memory and result size.

Time is enforced by a watchdog thread that raises :class:`DeadlineExceeded` inside the
evaluating thread when its deadline passes (pure-Python loops of YAQL and Jinja are
interrupted at the next bytecode). Sizes are enforced by YAQL's own iterator limit and
memory quota, by the Jinja sandbox's operator hooks and by a final size check.
"""

from __future__ import annotations

import ctypes
import dataclasses
import heapq
import itertools
import math
import threading
import time
from collections.abc import Callable, Collection, Mapping
from typing import Any, TypeVar

T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Limits:
    """How much one expression may consume."""

    timeout: float = 5.0
    """Seconds one expression may run (``settings.expression_timeout``)."""
    max_iterations: int = 1_000_000
    """Most items any one YAQL iterator may yield."""
    max_memory: int = 64 * 1024 * 1024
    """YAQL memory quota in bytes for intermediate collections."""
    max_items: int = 1_000_000
    """Most items (list elements, characters) a Jinja ``*``/``**`` result may have."""
    max_result_bytes: int = 16 * 1024 * 1024
    """Most bytes (roughly) a result, or a rendered text, may take."""


class DeadlineExceeded(BaseException):
    """Raised asynchronously in a thread whose evaluation ran out of time.

    A ``BaseException`` so that ``except Exception`` in library code does not swallow it.
    """


class TooLarge(Exception):
    """A value exceeds a size limit; the message says which."""


@dataclasses.dataclass(eq=False, slots=True)
class _Ticket:
    thread_id: int
    deadline: float
    fired: bool = False
    done: bool = False


class Watchdog:
    """One background thread that interrupts evaluations past their deadline.

    Registering costs a heap push and no wake-up of the thread unless the new deadline
    comes before the one the thread sleeps towards, which with one timeout for all
    evaluations happens about once per timeout period.
    """

    def __init__(self) -> None:
        self._lock = threading.Condition(threading.Lock())  # never re-entered: no RLock
        self._heap: list[tuple[float, int, _Ticket]] = []
        self._seq = itertools.count()
        self._thread: threading.Thread | None = None
        self._wake_at = math.inf
        """When the thread wakes next by itself (``inf``: only when notified)."""

    def run(self, fn: Callable[[], T], timeout: float) -> T:
        """Call ``fn``; raise :class:`DeadlineExceeded` if it runs past ``timeout`` s."""
        ticket = self._register(timeout)
        try:
            try:
                return fn()
            finally:
                self._unregister(ticket)
        except DeadlineExceeded:
            self._unregister(ticket)
            raise

    def _register(self, timeout: float) -> _Ticket:
        ticket = _Ticket(threading.get_ident(), time.monotonic() + timeout)
        with self._lock:
            heapq.heappush(self._heap, (ticket.deadline, next(self._seq), ticket))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._loop, name="meltemi-expr-watchdog", daemon=True
                )
                self._thread.start()
            if ticket.deadline < self._wake_at:
                self._wake_at = ticket.deadline
                self._lock.notify()
        return ticket

    def _unregister(self, ticket: _Ticket) -> None:
        with self._lock:
            if ticket.done:
                return
            ticket.done = True
            self._drop_done()
            if ticket.fired:
                # The exception may still be pending (not yet raised): drop it so it
                # never surfaces outside the evaluation it was meant for.
                _set_async_exc(ticket.thread_id, None)

    def _drop_done(self) -> None:
        """Forget finished evaluations at the front, so the heap holds the live ones."""
        heap = self._heap
        while heap and heap[0][2].done:
            heapq.heappop(heap)

    def _loop(self) -> None:
        with self._lock:
            while True:
                self._drop_done()
                if not self._heap:
                    self._wake_at = math.inf
                    self._lock.wait()
                    continue
                deadline, _, ticket = self._heap[0]
                delay = deadline - time.monotonic()
                if delay > 0:
                    self._wake_at = deadline
                    self._lock.wait(delay)
                    continue
                heapq.heappop(self._heap)
                ticket.fired = True
                _set_async_exc(ticket.thread_id, DeadlineExceeded)


def _set_async_exc(thread_id: int, exc: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc is not None else None
    )


def check_size(value: Any, limit: int) -> None:
    """Raise :class:`TooLarge` when ``value`` takes (roughly) more than ``limit`` bytes.

    Text counts its length plus 8, a collection 8 per item plus 8 and then its items,
    anything else 16. The walk stops as soon as the limit is passed, so its cost is
    bounded by the limit, whatever the value (shared parts count each time they occur).
    """
    if _left(value, limit) < 0:
        raise TooLarge("the result is too large")


_LEAVES = frozenset({int, float, bool, type(None)})


def _left(value: Any, budget: int) -> int:
    """``budget`` less the size of ``value``: negative when spent (the walk then stops).

    Exact built-in types first, without ``isinstance`` on abstract classes, which costs
    more than the counting: this runs over every result, often thousands of values.
    """
    kind = type(value)
    if kind is str or kind is bytes:
        return budget - len(value) - 8
    if kind in _LEAVES:
        return budget - 16
    if kind is dict:
        return _left_mapping(value, budget)
    if kind is list or kind is tuple:
        return _left_items(value, budget)
    return _left_other(value, budget)


def _left_mapping(value: Mapping[Any, Any], budget: int) -> int:
    budget -= 8 * len(value) + 8
    if budget < 0:
        return budget
    for key, item in value.items():
        # Text keys and leaf values inline: a call for each would cost more than the sum.
        budget = budget - len(key) - 8 if type(key) is str else _left(key, budget)
        kind = type(item)
        if kind is str:
            budget -= len(item) + 8
        elif kind in _LEAVES:
            budget -= 16
        else:
            budget = _left(item, budget)
        if budget < 0:
            return budget
    return budget


def _left_items(value: Collection[Any], budget: int) -> int:
    budget -= 8 * len(value) + 8
    if budget < 0:
        return budget
    for item in value:
        kind = type(item)
        if kind is str:
            budget -= len(item) + 8
        elif kind in _LEAVES:
            budget -= 16
        else:
            budget = _left(item, budget)
        if budget < 0:
            return budget
    return budget


def _left_other(value: Any, budget: int) -> int:
    """Subclasses, other mappings and sets: counted as their base kind."""
    if isinstance(value, str | bytes):
        return budget - len(value) - 8
    if isinstance(value, Mapping):
        return _left_mapping(value, budget)
    if isinstance(value, list | tuple | set | frozenset):
        return _left_items(value, budget)
    return budget - 16
