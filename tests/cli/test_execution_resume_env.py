"""``meltemi execution resume --env`` gives the rest of the execution a new env."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .conftest import Cli, Server

WF = """\
version: '2.0'
gated:
  output:
    k: <% $.k %>
  tasks:
    gate:
      action: std.async_noop
      on-success: read
    read:
      action: std.echo output=<% env().k %>
      publish:
        k: <% task().result %>
"""


def test_resume_with_env(cli: Cli, server: Server, write: Callable[[str, str], str]) -> None:
    """The env given on resume is what later tasks see."""
    assert cli("workflow", "create", write("wf.yaml", WF)).code == 0
    start = cli("execution", "start", "gated", "--env", '{"k": 0}', "--json")
    execution_id = start.json()["id"]

    def running() -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = cli(
            "action-execution", "list", "--state", "RUNNING", "--json"
        ).json()
        return found

    server.wait_until(lambda: bool(running()))
    assert cli("execution", "pause", execution_id).code == 0
    resumed = cli("execution", "resume", execution_id, "--env", '{"k": 1}', "--json")
    assert resumed.json()["state"] == "RUNNING"
    assert cli("action-execution", "complete", running()[0]["id"]).code == 0
    final = cli("execution", "get", execution_id, "--watch", "--interval", "0.05", "--json")
    assert final.json()["output"] == {"k": 1}
