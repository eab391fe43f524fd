"""Collecting every problem of a definition, each with its source position."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any, TypeVar

import pydantic

from meltemi import errors
from meltemi.lang import loader

M = TypeVar("M", bound=pydantic.BaseModel)


class Collector:
    """Gathers problems against one loaded document; raises them all at the end."""

    def __init__(self, document: loader.Document) -> None:
        self.document = document
        self.problems: list[errors.Problem] = []

    def add(self, message: str, path: loader.Path, *, key: bool = False) -> None:
        """Record a problem at ``path`` (the key's position when ``key`` is true)."""
        mark = self.document.locate(path, key=key)
        self.problems.append(
            errors.Problem(
                message,
                path=path,
                line=mark.line if mark else None,
                col=mark.col if mark else None,
                source=self.document.source,
            )
        )

    def raise_if_any(self) -> None:
        """Raise :class:`errors.DefinitionError` with every problem, sorted by position."""
        if self.problems:
            ordered = sorted(self.problems, key=lambda p: (p.line or 0, p.col or 0))
            raise errors.DefinitionError(ordered)

    def unknown_keys(
        self, data: dict[str, Any], allowed: Iterable[str], path: loader.Path, what: str
    ) -> None:
        """Record a problem for every key of ``data`` not in ``allowed``."""
        known = allowed if isinstance(allowed, frozenset | set) else frozenset(allowed)
        for key in data:
            if key not in known:
                close = difflib.get_close_matches(str(key), sorted(known), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.add(f"unknown key '{key}' in {what}{hint}", (*path, key), key=True)

    def validate(self, model: type[M], data: dict[str, Any], path: loader.Path) -> M | None:
        """Validate ``data`` as ``model``; map each pydantic error to a positioned problem."""
        try:
            return model.model_validate(data)
        except pydantic.ValidationError as exc:
            self._pydantic(exc, data, path)
            return None

    def _pydantic(self, exc: pydantic.ValidationError, data: Any, path: loader.Path) -> None:
        grouped: dict[loader.Path, list[str]] = {}
        for error in exc.errors(include_url=False):
            where = _data_path(data, error["loc"])
            reason = error["msg"].removeprefix("Value error, ").replace("Input should", "should")
            reasons = grouped.setdefault(where, [])
            if reason not in reasons:
                reasons.append(reason)
        for where, reasons in grouped.items():
            name = ".".join(str(step) for step in where) or "value"
            self.add(f"invalid '{name}': {' or '.join(reasons)}", (*path, *where))


def _data_path(data: Any, loc: tuple[str | int, ...]) -> loader.Path:
    """The longest prefix of a pydantic ``loc`` that exists in ``data``."""
    steps: list[str | int] = []
    for step in loc:
        found, data = loader.step_into(data, step)
        if not found:
            break
        steps.append(step)
    return tuple(steps)
