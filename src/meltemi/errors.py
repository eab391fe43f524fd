"""The one exception tree of Meltemi.

Every error Meltemi raises on purpose derives from :class:`MeltemiError`. Each carries
structured fields so that callers (the API, the CLI, the dashboard) can render it
without parsing messages. Only ``meltemi.api.errors`` maps these to HTTP codes.

::

    MeltemiError
    ├── DefinitionError          a workflow/workbook/action text is invalid (all problems)
    ├── ExpressionError          a YAQL/Jinja expression failed to parse or evaluate
    │   └── ExpressionSyntaxError
    ├── InputError               workflow/action input does not match its declaration
    ├── EngineError              the engine cannot apply an event (bug or bad state)
    │   └── TransitionError      a state machine forbids a transition
    ├── ActionError              an action failed; carries the action's error data
    │   ├── ActionNotFound
    │   └── ActionTimeout
    ├── EgressDenied             an outgoing call is refused by the egress policy
    ├── StoreError               persistence problems
    │   ├── NotFound             a named or identified resource does not exist
    │   ├── Conflict             a resource already exists, or a state forbids the change
    │   ├── QueryError           a list query names an unknown field or a malformed filter
    │   ├── LeaseLost            a worker's lease was taken over; its write is refused
    │   └── StoreUnavailable     the database did not answer; nothing was written
    ├── ConfigError              settings are invalid
    └── ClientError              the API refused a CLI request, or no server answered
"""

from __future__ import annotations

import dataclasses
from typing import Any


@dataclasses.dataclass(frozen=True)
class Problem:
    """One problem found in a definition, with its position in the source text."""

    message: str
    """What is wrong, phrased so that a person knows what to change."""
    path: tuple[str | int, ...] = ()
    """Keys from the document root to the offending value, e.g. ``("wf", "tasks", "t1")``."""
    line: int | None = None
    """1-based line in the source text, when known."""
    col: int | None = None
    """1-based column in the source text, when known."""
    source: str = "<string>"
    """The file name (or ``<string>``) the text came from."""

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}:{self.col or 1}"
        dotted = ".".join(str(p) for p in self.path)
        at = f" (at {dotted})" if dotted else ""
        return f"{where}: {self.message}{at}"


class MeltemiError(Exception):
    """Root of every error Meltemi raises on purpose."""


class DefinitionError(MeltemiError):
    """A definition text is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems) or "invalid definition")


class ExpressionError(MeltemiError):
    """An expression could not be evaluated.

    ``expression`` is the text of the expression, ``reason`` says what went wrong in
    words a workflow author understands (never a Python traceback).
    """

    def __init__(self, expression: str, reason: str, language: str = "") -> None:
        self.expression = expression
        self.reason = reason
        self.language = language
        """``YAQL``, ``Jinja`` or empty when unknown."""
        kind = f"{language} expression" if language else "expression"
        super().__init__(f"Can not evaluate {kind} '{expression}': {reason}")


class ExpressionSyntaxError(ExpressionError):
    """An expression does not parse."""

    def __init__(self, expression: str, reason: str, language: str = "") -> None:
        super().__init__(expression, reason, language)
        kind = f"{language} expression" if language else "expression"
        self.args = (f"Invalid {kind} '{expression}': {reason}",)


class InputError(MeltemiError):
    """Input given to a workflow or action does not match its declaration."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)


class EngineError(MeltemiError):
    """The engine cannot apply an event to a state."""


class TransitionError(EngineError):
    """A state machine forbids the requested transition."""

    def __init__(self, kind: str, old: str, new: str) -> None:
        self.kind = kind
        self.old = old
        self.new = new
        super().__init__(f"{kind} can not go from {old} to {new}")


class ActionError(MeltemiError):
    """An action failed. ``data`` is the error value shown as the task's result."""

    def __init__(self, message: str, *, data: Any = None) -> None:
        self.data = message if data is None else data
        super().__init__(message)


class ActionNotFound(ActionError):
    """No action is registered under the name."""


class ActionTimeout(ActionError):
    """An action ran longer than its timeout."""


class EgressDenied(ActionError):
    """An outgoing call is refused by the egress policy (scheme, host or address)."""


class StoreError(MeltemiError):
    """A persistence problem."""


class NotFound(StoreError):
    """A resource does not exist."""

    def __init__(self, kind: str, key: str) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"{kind} not found [{key}]")


class Conflict(StoreError):
    """A resource already exists, or its state forbids the requested change."""


class QueryError(StoreError):
    """A list query names an unknown field, or a filter or sort value is malformed."""


class LeaseLost(StoreError):
    """The lease this process held was taken over; its write was refused."""


class StoreUnavailable(StoreError):
    """The database could not be reached, or the connection broke mid-transaction.

    The transaction was not committed (or, if the break came with the commit, it may
    have been: callers retry operations that are safe to repeat, which steps and job
    writes are, being guarded by leases and unique keys).
    """


class ConfigError(MeltemiError):
    """Settings are invalid."""


class ClientError(MeltemiError):
    """The API answered a client's request with an error, or could not be reached.

    ``status`` is the HTTP status (``None`` when no server answered); the message is the
    server's ``faultstring`` or says which server was unreachable.
    """

    def __init__(self, message: str, *, status: int | None = None) -> None:
        self.status = status
        super().__init__(message)
