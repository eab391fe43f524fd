"""``meltemi execution list``: a table for people, JSON for scripts, with filters."""

from __future__ import annotations

from collections.abc import Callable

from .conftest import Cli

WF = """\
version: '2.0'
ok:
  tasks:
    t:
      action: std.noop
broken:
  tasks:
    t:
      action: std.fail
"""


def test_list_table_json_and_filters(cli: Cli, write: Callable[[str, str], str]) -> None:
    """Finished executions are listed in both forms and filtered by state and workflow."""
    assert cli("workflow", "create", write("wf.yaml", WF)).code == 0
    ids = {}
    for name in ("ok", "broken"):
        ids[name] = cli(
            "execution", "start", name, "--description", f"run {name}", "--json"
        ).json()["id"]
        cli("execution", "get", ids[name], "--watch", "--interval", "0.05")
    listed = cli("execution", "list", "--json")
    assert listed.code == 0
    assert {(e["workflow_name"], e["state"]) for e in listed.json()} == {
        ("ok", "SUCCESS"),
        ("broken", "ERROR"),
    }
    assert all(isinstance(e["input"], dict) for e in listed.json())
    table = cli("execution", "list")
    for name, execution_id in ids.items():
        assert execution_id in table.out
        assert f"run {name}" in table.out
    assert "SUCCESS" in table.out
    assert "ERROR" in table.out
    errored = cli("execution", "list", "--state", "ERROR", "--json").json()
    assert [e["id"] for e in errored] == [ids["broken"]]
    of_ok = cli("execution", "list", "--workflow", "ok", "--json").json()
    assert [e["id"] for e in of_ok] == [ids["ok"]]
    first = cli("execution", "list", "--limit", "1")
    assert ids["ok"] in first.out
    assert ids["broken"] not in first.out
    assert f"More: --marker {ids['ok']}" in first.out
