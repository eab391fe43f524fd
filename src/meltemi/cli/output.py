"""How the resource commands print: rich tables for people, JSON for scripts.

The API encodes some fields as JSON text (Mistral's ``input``, ``output``, ``params``,
``published``, ``result`` ...); both outputs show them decoded.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TextIO

from rich.console import Console, RenderableType
from rich.markup import escape
from rich.table import Table
from rich.text import Text

JSON_FIELDS = frozenset(
    {
        "input",
        "output",
        "params",
        "published",
        "published_global",
        "result",
        "runtime_context",
        "env",
        "variables",
        "interface",
        "workflow_input",
        "workflow_params",
    }
)
"""Fields the API sends as JSON text."""
COLOURS = {
    "SUCCESS": "green",
    "ERROR": "red",
    "CANCELLED": "magenta",
    "RUNNING": "yellow",
    "PAUSED": "blue",
    "WAITING": "cyan",
    "IDLE": "white",
}
WIDE = 200
"""Table width when stdout is not a terminal (no truncated ids in pipes and logs)."""

Column = tuple[str, str]
"""``(header, field)`` of a table column."""


def decode(item: Mapping[str, Any]) -> dict[str, Any]:
    """``item`` with its JSON text fields decoded (text that is not JSON stays as is)."""
    out = dict(item)
    for name in JSON_FIELDS & out.keys():
        value = out[name]
        if isinstance(value, str) and value:
            with contextlib.suppress(ValueError):
                out[name] = json.loads(value)
    return out


def decode_all(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """:func:`decode` of every item."""
    return [decode(i) for i in items]


def cell(field: str, value: Any) -> RenderableType:
    """A table cell: states coloured, lists joined, data as compact JSON."""
    if value is None:
        return ""
    if field == "state" and isinstance(value, str):
        colour = COLOURS.get(value, "white")
        return Text(value, style=colour)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return Text(", ".join(value))
    if isinstance(value, dict | list | bool):
        return Text(json.dumps(value, ensure_ascii=False))
    return Text(str(value))


def _pretty(value: Any) -> RenderableType:
    if isinstance(value, dict | list):
        return Text(json.dumps(value, indent=2, ensure_ascii=False))
    return cell("", value)


def table(items: Sequence[Mapping[str, Any]], columns: Sequence[Column]) -> Table:
    """A table with one row per item."""
    grid = Table(show_lines=False)
    for header, _ in columns:
        grid.add_column(header, overflow="fold")
    for item in items:
        grid.add_row(*(cell(field, item.get(field)) for _, field in columns))
    return grid


def record(item: Mapping[str, Any]) -> Table:
    """A two-column table of one resource's fields and values."""
    grid = Table(show_header=True)
    grid.add_column("Field", style="bold")
    grid.add_column("Value", overflow="fold")
    for field, value in item.items():
        grid.add_row(field, cell(field, value) if field == "state" else _pretty(value))
    return grid


class Printer:
    """Prints a command's result as tables (default) or JSON (``--json``)."""

    def __init__(self, *, as_json: bool, file: TextIO | None = None) -> None:
        self.as_json = as_json
        self.file = file or sys.stdout
        self.console = Console(file=self.file, highlight=False)
        if not self.console.is_terminal:
            self.console = Console(file=self.file, highlight=False, width=WIDE)

    def json(self, data: Any) -> None:
        """Print ``data`` as indented JSON."""
        print(json.dumps(data, indent=2, ensure_ascii=False), file=self.file)

    def items(self, items: Sequence[Mapping[str, Any]], columns: Sequence[Column]) -> None:
        """Print a list of resources (already decoded)."""
        if self.as_json:
            self.json(list(items))
        else:
            self.console.print(table(items, columns))

    def item(self, item: Mapping[str, Any]) -> None:
        """Print one resource (already decoded)."""
        if self.as_json:
            self.json(item)
        else:
            self.console.print(record(item))

    def note(self, text: str) -> None:
        """Print a message for people (nothing in JSON mode)."""
        if not self.as_json:
            self.console.print(escape(text))

    def deleted(self, noun: str, keys: Sequence[str], delete: Callable[[str], object]) -> None:
        """Delete each of ``keys`` with ``delete``, saying so (a JSON summary with
        ``--json``)."""
        for key in keys:
            delete(key)
            self.note(f"Deleted {noun} {key}.")
        if self.as_json:
            self.json({"deleted": list(keys)})

    def show(self, renderable: RenderableType) -> None:
        """Print a rich renderable (tables mode only)."""
        if not self.as_json:
            self.console.print(renderable)
