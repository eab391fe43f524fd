"""``meltemi environment``: create from a file or options, list, get, use, delete."""

from __future__ import annotations

from collections.abc import Callable

from .conftest import Cli

WF = """\
version: '2.0'
where:
  output:
    region: <% env().region %>
  tasks:
    t:
      action: std.noop
"""


def test_environment_lifecycle(cli: Cli, write: Callable[[str, str], str]) -> None:
    """Environments are created both ways, listed, shown, used by name and deleted."""
    from_file = write("prod.yaml", "name: prod\ndescription: live\nvariables:\n  region: eu\n")
    made = cli("environment", "create", from_file, "--json")
    assert made.code == 0, made.err
    assert made.json()["variables"] == {"region": "eu"}
    other = cli("environment", "create", "--name", "dev", "--variables", '{"region": "us"}')
    assert other.code == 0, other.err
    table = cli("environment", "list")
    assert "prod" in table.out
    assert "live" in table.out
    assert "dev" in table.out
    assert cli("environment", "get", "dev", "--json").json()["variables"] == {"region": "us"}
    assert cli("workflow", "create", write("wf.yaml", WF)).code == 0
    execution_id = cli("execution", "start", "where", "--env", "prod", "--json").json()["id"]
    final = cli("execution", "get", execution_id, "--watch", "--interval", "0.05", "--json")
    assert final.json()["output"] == {"region": "eu"}
    assert cli("environment", "delete", "prod", "dev").code == 0
    assert cli("environment", "list", "--json").json() == []
    assert cli("environment", "create").code == 1
