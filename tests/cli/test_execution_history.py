"""``GET /v2/executions/{id}/history`` and ``meltemi execution history``: every state
change, in order, through the API and the command line."""

from __future__ import annotations

from collections.abc import Callable

from .conftest import Cli, Server

WF = """\
version: '2.0'
parent:
  tasks:
    first:
      action: std.noop
      on-success: [call]
    call:
      workflow: child
child:
  tasks:
    inner:
      action: std.fail
      on-error: [recover]
    recover:
      action: std.noop
"""


def test_history_lists_each_change_in_order(
    cli: Cli, server: Server, write: Callable[[str, str], str]
) -> None:
    """The parent's changes chain from RUNNING to SUCCESS; with children, the
    sub-workflow's failed and recovered tasks appear too; paging misses nothing."""
    assert cli("workflow", "create", write("wf.yaml", WF)).code == 0
    execution_id = cli("execution", "start", "parent", "--json").json()["id"]
    assert cli("execution", "get", execution_id, "--watch", "--interval", "0.05").code == 0
    with server.api() as api:
        own = api.get(f"/v2/executions/{execution_id}/history")["history"]
        paged, after = [], None
        while page := api.get(f"/v2/executions/{execution_id}/history", limit=1, after=after)[
            "history"
        ]:
            paged += page
            after = page[-1]["id"]
    workflow = [(c["old_state"], c["new_state"]) for c in own if c["entity_kind"] == "workflow"]
    assert workflow == [("IDLE", "RUNNING"), ("RUNNING", "SUCCESS")]
    assert {c["name"] for c in own if c["entity_kind"] == "task"} == {"first", "call"}
    tree = cli("execution", "history", execution_id, "--children", "--json").json()
    inner = [(c["old_state"], c["new_state"]) for c in tree if c["name"] == "inner"]
    assert inner[-1] == ("RUNNING", "ERROR")
    assert [c["id"] for c in tree] == sorted(c["id"] for c in tree)
    assert paged == own
    table = cli("execution", "history", execution_id).out
    assert "first" in table
    assert "SUCCESS" in table


def test_history_of_an_unknown_execution_is_404(cli: Cli) -> None:
    """An unknown id is refused with the server's 404 message, exit status 1."""
    got = cli("execution", "history", "nope")
    assert got.code == 1
    assert "not found" in got.err
