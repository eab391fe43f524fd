"""Safe YAML loading that remembers where every key and value came from.

The text is untrusted. It is read as a stream of YAML events (libyaml when present)
and built into plain data (dicts, lists, str, int, float, bool, None) without ever
constructing Python objects from tags. Aliases are refused outright, so no alias bomb
can expand; the text size, the nesting depth and the number of nodes are bounded.
Duplicate mapping keys are problems, not silent overwrites.

Every value's position is kept in :class:`Document`, keyed by its path from the root
(``("wf", "tasks", "t1", "action")``), so any later problem can be reported as
``file:line:col``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import yaml

from meltemi import errors

MAX_TEXT_BYTES = 4 * 1024 * 1024
"""Largest definition text accepted."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and sequences accepted."""
MAX_NODES = 500_000
"""Most YAML nodes (scalars, mappings, sequences) accepted in one document."""

Path = tuple[str | int, ...]

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_CORE}{name}" for name in ("str", "int", "float", "bool", "null")}
_TIMESTAMP = f"{_CORE}timestamp"
_COLLECTION_TAGS = {None, "!", f"{_CORE}map", f"{_CORE}seq"}
_Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclasses.dataclass(frozen=True)
class Mark:
    """A 1-based line and column in the source text."""

    line: int
    col: int


@dataclasses.dataclass(frozen=True)
class Document:
    """Plain data loaded from YAML, with the position of every key and value."""

    data: Any
    """The document as plain data; ``None`` for an empty document."""
    source: str = "<string>"
    """The file name (or ``<string>``) the text came from."""
    values: dict[Path, Mark] = dataclasses.field(default_factory=dict)
    """Where each value starts (for a collection: its first key or item)."""
    keys: dict[Path, Mark] = dataclasses.field(default_factory=dict)
    """Where the key of each mapping entry starts."""

    def locate(self, path: Path, *, key: bool = False) -> Mark | None:
        """Position of ``path``, or of its nearest ancestor that has one.

        With ``key=True`` the position of the mapping key is preferred, else the
        position of a scalar value (or the key, for a collection value).
        """
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            found = self._mark(prefix, key=key)
            if found is not None:
                return found
        return None

    def _mark(self, path: Path, *, key: bool) -> Mark | None:
        key_mark = self.keys.get(path)
        if key and key_mark is not None:
            return key_mark
        value = self.values.get(path)
        if key_mark is not None and isinstance(_get(self.data, path), dict | list):
            return key_mark
        return value if value is not None else key_mark


def _get(data: Any, path: Path) -> Any:
    for step in path:
        found, data = step_into(data, step)
        if not found:
            return None
    return data


def step_into(data: Any, step: str | int) -> tuple[bool, Any]:
    """Follow one path step into ``data``: ``(True, child)`` or ``(False, None)``."""
    if isinstance(data, dict) and step in data:
        return True, data[step]
    if isinstance(data, list | tuple) and isinstance(step, int) and 0 <= step < len(data):
        return True, data[step]
    return False, None


def load(text: str, *, source: str = "<string>") -> Document:
    """Load one YAML document from ``text``.

    Raises:
        errors.DefinitionError: the text is too large, is not YAML, uses aliases or
            unsupported tags, nests too deeply, has too many nodes or duplicate keys.
    """
    size = len(text.encode("utf-8", errors="replace"))
    if size > MAX_TEXT_BYTES:
        raise errors.DefinitionError(
            [
                errors.Problem(
                    f"definition is too large: {size} bytes (at most {MAX_TEXT_BYTES})",
                    source=source,
                )
            ]
        )
    builder = _Builder(source)
    try:
        for event in _events(text):
            builder.feed(event)
    except yaml.MarkedYAMLError as exc:
        raise errors.DefinitionError([_syntax_problem(exc, source)]) from None
    except yaml.YAMLError as exc:
        problem = errors.Problem(f"invalid YAML: {exc}", source=source)
        raise errors.DefinitionError([problem]) from None
    except _Stop:
        pass
    if builder.problems:
        raise errors.DefinitionError(builder.problems)
    return Document(builder.root, source, builder.values, builder.keys)


def _events(text: str) -> Iterator[yaml.Event]:
    loader = _Loader(text)
    try:
        while loader.check_event():
            yield loader.get_event()
    finally:
        loader.dispose()


def _syntax_problem(exc: yaml.MarkedYAMLError, source: str) -> errors.Problem:
    mark = exc.problem_mark or exc.context_mark
    reason = exc.problem or exc.context or "syntax error"
    if exc.context and exc.problem:
        reason = f"{reason} ({exc.context})"
    line = mark.line + 1 if mark is not None else None
    col = mark.column + 1 if mark is not None else None
    return errors.Problem(f"invalid YAML: {reason}", line=line, col=col, source=source)


class _Stop(Exception):
    """Raised by the builder after a problem that makes reading on pointless."""


@dataclasses.dataclass
class _Frame:
    container: dict[str, Any] | list[Any]
    path: Path
    key: str | None = None
    """For a mapping: the key whose value is expected next (None: a key is expected)."""


class _Builder:
    """Turns YAML events into plain data and position maps, iteratively."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.root: Any = None
        self.values: dict[Path, Mark] = {}
        self.keys: dict[Path, Mark] = {}
        self.problems: list[errors.Problem] = []
        self.stack: list[_Frame] = []
        self.nodes = 0
        self.documents = 0

    def fail(self, message: str, mark: Any, *, stop: bool = False) -> None:
        self.problems.append(
            errors.Problem(message, line=mark.line + 1, col=mark.column + 1, source=self.source)
        )
        if stop:
            raise _Stop

    def feed(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                self.fail("only one YAML document is allowed", event.start_mark, stop=True)
        elif isinstance(event, yaml.AliasEvent):
            self.fail(
                f"YAML aliases are not allowed (*{event.anchor})", event.start_mark, stop=True
            )
        elif isinstance(event, yaml.ScalarEvent):
            self._scalar(event)
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            self._start(event)
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            self.stack.pop()

    def _count(self, event: yaml.NodeEvent) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            self.fail(f"definition has too many nodes (at most {MAX_NODES})", event.start_mark)
            raise _Stop

    def _scalar(self, event: yaml.ScalarEvent) -> None:
        self._count(event)
        frame = self.stack[-1] if self.stack else None
        if frame is not None and isinstance(frame.container, dict) and frame.key is None:
            self._key(frame, event)
            return
        self._place(_scalar_value(event, self), event)

    def _key(self, frame: _Frame, event: yaml.ScalarEvent) -> None:
        assert isinstance(frame.container, dict)
        key = event.value
        path = (*frame.path, key)
        if key in frame.container:
            first = self.keys[path]
            self.fail(
                f"duplicate key '{key}' (first defined at line {first.line})", event.start_mark
            )
        self.keys[path] = _mark(event.start_mark)
        frame.key = key

    def _start(self, event: yaml.MappingStartEvent | yaml.SequenceStartEvent) -> None:
        self._count(event)
        if event.tag not in _COLLECTION_TAGS:
            self.fail(f"unsupported YAML tag '{event.tag}'", event.start_mark)
        if len(self.stack) >= MAX_DEPTH:
            self.fail(f"definition nests too deeply (at most {MAX_DEPTH})", event.start_mark)
            raise _Stop
        frame = self.stack[-1] if self.stack else None
        if frame is not None and isinstance(frame.container, dict) and frame.key is None:
            self.fail("only plain scalars can be mapping keys", event.start_mark)
            raise _Stop
        container: dict[str, Any] | list[Any]
        container = {} if isinstance(event, yaml.MappingStartEvent) else []
        path = self._place(container, event)
        self.stack.append(_Frame(container, path))

    def _place(self, value: Any, event: yaml.NodeEvent) -> Path:
        if not self.stack:
            self.root = value
            self.values[()] = _mark(event.start_mark)
            return ()
        frame = self.stack[-1]
        if isinstance(frame.container, dict):
            assert frame.key is not None
            path = (*frame.path, frame.key)
            frame.container[frame.key] = value
            frame.key = None
        else:
            path = (*frame.path, len(frame.container))
            frame.container.append(value)
        self.values[path] = _mark(event.start_mark)
        return path


def _mark(mark: Any) -> Mark:
    return Mark(mark.line + 1, mark.column + 1)


_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()
_CONSTRUCTORS: dict[str, Any] = {
    f"{_CORE}int": _constructor.construct_yaml_int,
    f"{_CORE}float": _constructor.construct_yaml_float,
    f"{_CORE}bool": _constructor.construct_yaml_bool,
    f"{_CORE}null": _constructor.construct_yaml_null,
}


def _scalar_value(event: yaml.ScalarEvent, builder: _Builder) -> Any:
    tag = event.tag
    if tag is None:
        tag = _resolver.resolve(yaml.ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
    elif tag == "!":
        tag = f"{_CORE}str"
    if tag == _TIMESTAMP:
        return event.value
    if tag not in _SCALAR_TAGS:
        builder.fail(f"unsupported YAML tag '{tag}'", event.start_mark)
        return event.value
    construct = _CONSTRUCTORS.get(tag)
    if construct is None:
        return event.value
    try:
        return construct(yaml.ScalarNode(tag, event.value))
    except (yaml.YAMLError, ValueError):
        builder.fail(f"invalid {tag.removeprefix(_CORE)} value '{event.value}'", event.start_mark)
        return event.value
