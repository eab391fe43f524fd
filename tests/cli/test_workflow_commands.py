"""``meltemi workflow``: create from a file, list, get, update, validate, delete."""

from __future__ import annotations

from collections.abc import Callable

from .conftest import Cli

WF = """\
version: '2.0'
greet:
  input:
    - name
    - greeting: hello
  tasks:
    say:
      action: std.echo output=<% $.greeting %>
"""


def test_create_then_list_get_delete(cli: Cli, write: Callable[[str, str], str]) -> None:
    """A workflow created from a file is listed, shown and deleted through the API."""
    created = cli("workflow", "create", write("wf.yaml", WF), "--json")
    assert created.code == 0, created.err
    assert [w["name"] for w in created.json()] == ["greet"]
    assert created.json()[0]["input"] == 'name, greeting="hello"'
    table = cli("workflow", "list")
    assert table.code == 0
    assert "greet" in table.out
    assert "name, greeting" in table.out
    shown = cli("workflow", "get", "greet", "--json").json()
    assert shown["definition"] == WF
    assert shown["interface"] == {"input": ["name", {"greeting": "hello"}], "output": []}
    assert cli("workflow", "get", "greet", "--definition").out == WF
    assert cli("workflow", "delete", "greet").code == 0
    assert cli("workflow", "list", "--json").json() == []


def test_update_replaces_definition(cli: Cli, write: Callable[[str, str], str]) -> None:
    """``workflow update FILE`` replaces the stored text."""
    assert cli("workflow", "create", write("wf.yaml", WF)).code == 0
    changed = WF.replace("greeting: hello", "greeting: hi")
    assert cli("workflow", "update", write("wf2.yaml", changed)).code == 0
    assert cli("workflow", "get", "greet", "--json").json()["definition"] == changed


def test_validate_reports_verdict(cli: Cli, write: Callable[[str, str], str]) -> None:
    """``workflow validate`` prints OK for a valid file, the error and exit 1 otherwise."""
    good = cli("workflow", "validate", write("good.yaml", WF))
    assert (good.code, good.out.strip().endswith(": OK")) == (0, True)
    bad = cli("workflow", "validate", write("bad.yaml", "version: '2.0'\nwf:\n  tasks: 3\n"))
    assert bad.code == 1
    assert "tasks" in bad.out


def test_namespace_separates_workflows(cli: Cli, write: Callable[[str, str], str]) -> None:
    """``--namespace`` stores, lists, shows and starts a workflow apart from the default."""
    path = write("wf.yaml", WF)
    assert cli("workflow", "create", path).code == 0
    assert cli("workflow", "create", path, "--namespace", "team").code == 0
    listed = cli("workflow", "list", "--namespace", "team", "--json").json()
    assert [(w["name"], w["namespace"]) for w in listed] == [("greet", "team")]
    assert cli("workflow", "get", "greet", "-n", "team", "--json").json()["namespace"] == "team"
    started = cli("execution", "start", "greet", "-n", "team", "--input", '{"name": "x"}', "--json")
    assert started.json()["workflow_namespace"] == "team"
    assert cli("workflow", "delete", "greet", "--namespace", "team").code == 0
    assert [w["namespace"] for w in cli("workflow", "list", "--json").json()] == [""]
