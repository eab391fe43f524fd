"""Action input signatures: derived from Python signatures, shown Mistral's way, checked.

Mistral shows an action's input as a string such as ``output, delay=0`` (defaults as
JSON); :class:`Signature` renders the same text and checks given input against it.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from meltemi import errors
from meltemi.lang import spec


@dataclasses.dataclass(frozen=True)
class Param:
    """One input parameter of an action."""

    name: str
    required: bool = True
    default: Any = None
    """Meaningful only when not ``required``."""

    def __str__(self) -> str:
        if self.required:
            return self.name
        try:
            shown = json.dumps(self.default)
        except (TypeError, ValueError):
            shown = repr(self.default)
        return f"{self.name}={shown}"


@dataclasses.dataclass(frozen=True)
class Signature:
    """The input an action accepts."""

    params: tuple[Param, ...] = ()
    var_keyword: str | None = None
    """Name of a ``**kwargs`` catch-all: any extra parameter is then accepted."""

    def __str__(self) -> str:
        parts = [str(p) for p in self.params]
        if self.var_keyword:
            parts.append(f"**{self.var_keyword}")
        return ", ".join(parts)

    @classmethod
    def of(cls, fn: Callable[..., Any], *, skip: Iterable[str] = ()) -> Signature:
        """The signature of ``fn``, leaving out the parameters named in ``skip``."""
        skipped = set(skip)
        params: list[Param] = []
        var_keyword = None
        for p in inspect.signature(fn).parameters.values():
            if p.name in skipped or p.kind is p.VAR_POSITIONAL:
                continue
            if p.kind is p.VAR_KEYWORD:
                var_keyword = p.name
                continue
            required = p.default is p.empty
            params.append(Param(p.name, required, None if required else p.default))
        return cls(tuple(params), var_keyword)

    @classmethod
    def declared(cls, inputs: Iterable[spec.InputParam]) -> Signature:
        """The signature of a DSL input declaration (ad-hoc actions, workflows)."""
        return cls(tuple(Param(i.name, not i.has_default, i.default) for i in inputs))


def bind(
    action_name: str,
    signature: Signature,
    given: Mapping[str, Any],
    *,
    with_defaults: bool = False,
) -> dict[str, Any]:
    """Check ``given`` against ``signature``; return it (plus defaults if asked).

    Raises:
        errors.ActionError: "Invalid input ..." naming the action and the missing or
            unexpected parameters.
    """
    names = {p.name for p in signature.params}
    missing = [p.name for p in signature.params if p.required and p.name not in given]
    unexpected = [] if signature.var_keyword else [k for k in given if k not in names]
    if missing or unexpected:
        raise errors.ActionError(_invalid_input(action_name, signature, missing, unexpected))
    bound = dict(given)
    if with_defaults:
        for p in signature.params:
            if not p.required:
                bound.setdefault(p.name, p.default)
    return bound


def _invalid_input(
    action_name: str, signature: Signature, missing: list[str], unexpected: list[str]
) -> str:
    problems = []
    if missing:
        problems.append("missing required parameter(s) " + ", ".join(map(repr, missing)))
    if unexpected:
        problems.append("unexpected parameter(s) " + ", ".join(map(repr, unexpected)))
    return (
        f"Invalid input for action '{action_name}': {'; '.join(problems)}"
        f" (accepted input: {str(signature) or 'none'})"
    )
