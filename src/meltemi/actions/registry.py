"""The action registry: built-in std actions, entry-point plugins and Mistral plugins.

Plugins are found through two entry-point groups:

* ``meltemi.actions``: functions or classes marked with ``@meltemi.actions.action``
  (the entry point's own name is ignored; the mark names the action);
* ``mistral.actions``: subclasses of ``mistral_lib.actions.Action``, named by the
  entry point, exactly as Mistral registers them (needs mistral-lib).

Built-in names win: a plugin cannot replace ``std.*`` actions.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Iterator
from importlib import metadata

from meltemi import errors
from meltemi.actions import email, http, mistral, native, ssh, std
from meltemi.actions.base import ActionDef

log = logging.getLogger(__name__)

GROUP = "meltemi.actions"
MISTRAL_GROUP = "mistral.actions"


@dataclasses.dataclass(frozen=True)
class ActionInfo:
    """What ``/v2/actions`` shows about a registered action."""

    name: str
    input: str
    """Mistral's input string, e.g. ``output, delay=0``."""
    description: str
    is_async: bool
    kind: str


class Registry:
    """Actions by name. Built once at start-up and then only read."""

    def __init__(self, definitions: Iterable[ActionDef] = ()) -> None:
        self._actions: dict[str, ActionDef] = {}
        for definition in definitions:
            self.add(definition)

    @classmethod
    def default(cls, *, plugins: bool = True) -> Registry:
        """The std actions, plus every installed plugin when ``plugins`` is true."""
        registry = cls(builtin_definitions())
        if plugins:
            for definition in load_plugins():
                if definition.name in registry:
                    log.warning(
                        "plugin action ignored: name taken",
                        extra={"event": "action_plugin_shadowed", "action": definition.name},
                    )
                    continue
                registry.add(definition)
        return registry

    def add(self, definition: ActionDef) -> None:
        """Register ``definition``; a name can be registered once only."""
        if definition.name in self._actions:
            raise errors.ConfigError(f"action {definition.name!r} is already registered")
        self._actions[definition.name] = definition

    def find(self, name: str) -> ActionDef | None:
        """The action named ``name``, or ``None``."""
        return self._actions.get(name)

    def get(self, name: str) -> ActionDef:
        """The action named ``name``.

        Raises:
            errors.ActionNotFound: "Failed to find action [name=...]".
        """
        definition = self._actions.get(name)
        if definition is None:
            raise errors.ActionNotFound(f"Failed to find action [name={name}]")
        return definition

    def __contains__(self, name: object) -> bool:
        return name in self._actions

    def __iter__(self) -> Iterator[ActionDef]:
        return iter(sorted(self._actions.values(), key=lambda d: d.name))

    def describe(self) -> list[ActionInfo]:
        """Every action, sorted by name, as the API lists them."""
        return [
            ActionInfo(d.name, str(d.signature), d.description, d.is_async, d.kind) for d in self
        ]


def builtin_definitions() -> list[ActionDef]:
    """The std actions."""
    marked = (*std.ACTIONS, *http.ACTIONS, *ssh.ACTIONS, *email.ACTIONS)
    return [native.definition_of(obj) for obj in marked]


def load_plugins() -> list[ActionDef]:
    """Every action from installed entry points; broken plugins are logged and skipped."""
    found = [_load(ep, mistral_style=False) for ep in metadata.entry_points(group=GROUP)]
    if mistral.available():
        found += [
            _load(ep, mistral_style=True) for ep in metadata.entry_points(group=MISTRAL_GROUP)
        ]
    return [d for d in found if d is not None]


def _load(entry_point: metadata.EntryPoint, *, mistral_style: bool) -> ActionDef | None:
    try:
        obj = entry_point.load()
        if native.meta_of(obj) is not None:
            return native.definition_of(obj)
        if mistral.is_mistral_action(obj):
            return mistral.definition_of(obj, entry_point.name)
        raise errors.ConfigError("neither an @action nor a mistral_lib Action subclass")
    except Exception as e:
        log.warning(
            "action plugin skipped: %s",
            e,
            extra={
                "event": "action_plugin_failed",
                "entry_point": entry_point.value,
                "group": MISTRAL_GROUP if mistral_style else GROUP,
            },
        )
        return None
