"""``meltemi execution start`` then ``get --tasks --watch`` follows it to SUCCESS."""

from __future__ import annotations

from collections.abc import Callable

from .conftest import Cli

WF = """\
version: '2.0'
greet:
  input:
    - name
  output:
    text: <% $.text %>
  tasks:
    say:
      action: std.echo output="hello <% $.name %>"
      publish:
        text: <% task().result %>
"""


def test_start_and_watch_to_success(cli: Cli, write: Callable[[str, str], str]) -> None:
    """The started execution runs on the server's worker and ends with its output."""
    assert cli("workflow", "create", write("wf.yaml", WF)).code == 0
    started = cli("execution", "start", "greet", "--input", '{"name": "Ada"}', "--json")
    assert started.code == 0, started.err
    execution = started.json()
    assert execution["input"] == {"name": "Ada"}
    watched = cli(
        "execution", "get", execution["id"], "--tasks", "--watch", "--interval", "0.05", "--json"
    )
    assert watched.code == 0, watched.err
    final = watched.json()
    assert final["state"] == "SUCCESS"
    assert final["output"] == {"text": "hello Ada"}
    assert [(t["name"], t["state"]) for t in final["tasks"]] == [("say", "SUCCESS")]
    assert final["tasks"][0]["published"] == {"text": "hello Ada"}


def test_input_from_file_and_table_watch(cli: Cli, write: Callable[[str, str], str]) -> None:
    """``--input @file`` is read; the table view shows the final state, tasks and output."""
    assert cli("workflow", "create", write("wf.yaml", WF)).code == 0
    shown = cli(
        "execution",
        "start",
        "greet",
        "--input",
        "@" + write("in.json", '{"name": "Bo"}'),
        "--watch",
        "--tasks",
        "--output",
        "--interval",
        "0.05",
    )
    assert shown.code == 0, shown.err
    assert "SUCCESS" in shown.out
    assert "say" in shown.out
    assert '"text": "hello Bo"' in shown.out
