"""``meltemi action-execution run``: an action outside any workflow, sync or queued."""

from __future__ import annotations

from .conftest import Cli, Server


def test_run_sync_prints_output(cli: Cli) -> None:
    """A synchronous run answers with the action's output."""
    result = cli("action-execution", "run", "std.echo", "--input", '{"output": "hi"}', "--json")
    assert result.code == 0, result.err
    assert result.json()["state"] == "SUCCESS"
    assert result.json()["output"] == {"result": "hi"}


def test_run_async_is_done_by_worker(cli: Cli, server: Server) -> None:
    """``--async`` returns at once; the worker then runs the action."""
    queued = cli(
        "action-execution", "run", "std.echo", "--input", '{"output": 7}', "--async", "--json"
    )
    assert queued.code == 0, queued.err
    action_id = queued.json()["id"]

    def finished() -> bool:
        state: str = cli("action-execution", "get", action_id, "--json").json()["state"]
        return state == "SUCCESS"

    server.wait_until(finished)
    assert cli("action-execution", "get", action_id, "--json").json()["output"] == {"result": 7}


def test_unknown_action_fails(cli: Cli) -> None:
    """An unknown action name exits 1 with the server's reason."""
    result = cli("action-execution", "run", "no.such")
    assert result.code == 1
    assert "no.such" in result.err
