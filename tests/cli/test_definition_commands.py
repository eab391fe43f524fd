"""``meltemi workbook`` and ``meltemi action``: definitions other than workflows."""

from __future__ import annotations

from collections.abc import Callable

from .conftest import Cli

WORKBOOK = """\
version: '2.0'
name: book
actions:
  shout:
    base: std.echo
    base-input:
      output: <% $.text %>!
    input:
      - text
workflows:
  wf:
    tasks:
      t:
        action: book.shout text=hi
"""
ACTIONS = """\
version: '2.0'
greet:
  base: std.echo
  base-input:
    output: hello <% $.who %>
  input:
    - who
"""


def test_workbook_lifecycle(cli: Cli, write: Callable[[str, str], str]) -> None:
    """A workbook is created with its members, listed, shown and deleted."""
    made = cli("workbook", "create", write("wb.yaml", WORKBOOK), "--json")
    assert made.code == 0, made.err
    assert [w["name"] for w in made.json()] == ["book"]
    assert "book" in cli("workbook", "list").out
    assert [w["name"] for w in cli("workflow", "list", "--json").json()] == ["book.wf"]
    assert cli("workbook", "get", "book", "--json").json()["definition"] == WORKBOOK
    assert cli("workbook", "validate", write("wb2.yaml", WORKBOOK)).code == 0
    assert cli("workbook", "delete", "book").code == 0
    assert cli("workflow", "list", "--json").json() == []


def test_actions_lifecycle(cli: Cli, write: Callable[[str, str], str]) -> None:
    """Std actions are listed; an ad-hoc action is created, shown, run and deleted."""
    std = cli("action", "get", "std.echo", "--json").json()
    assert std["is_system"] is True
    made = cli("action", "create", write("a.yaml", ACTIONS), "--json")
    assert made.code == 0, made.err
    assert [(a["name"], a["input"]) for a in made.json()] == [("greet", "who")]
    names = [a["name"] for a in cli("action", "list", "--json").json()]
    assert "greet" in names
    assert "std.echo" in names
    ran = cli("action-execution", "run", "greet", "--input", '{"who": "Ann"}', "--json")
    assert ran.json()["output"] == {"result": "hello Ann"}
    assert cli("action", "delete", "greet").code == 0
    refused = cli("action", "delete", "std.echo")
    assert refused.code == 1
    assert "system action" in refused.err
