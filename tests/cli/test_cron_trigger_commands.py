"""``meltemi cron-trigger``: create, list, get, delete."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from .conftest import Cli

WF = """\
version: '2.0'
tick:
  input:
    - n: 0
  tasks:
    t:
      action: std.noop
"""


def test_cron_trigger_lifecycle(cli: Cli, write: Callable[[str, str], str]) -> None:
    """A trigger is created with a pattern and input, listed, shown and deleted."""
    assert cli("workflow", "create", write("wf.yaml", WF)).code == 0
    made = cli(
        "cron-trigger",
        "create",
        "nightly",
        "tick",
        "--pattern",
        "0 3 * * *",
        "--input",
        '{"n": 2}',
        "--json",
    )
    assert made.code == 0, made.err
    trigger = made.json()
    assert (trigger["workflow_name"], trigger["pattern"]) == ("tick", "0 3 * * *")
    assert trigger["workflow_input"] == {"n": 2}
    assert trigger["next_execution_time"].endswith("03:00:00")
    table = cli("cron-trigger", "list")
    assert "nightly" in table.out
    assert "0 3 * * *" in table.out
    assert cli("cron-trigger", "get", "nightly", "--json").json()["id"] == trigger["id"]
    assert cli("cron-trigger", "delete", "nightly").code == 0
    assert cli("cron-trigger", "list", "--json").json() == []


def test_first_time_is_sent_in_utc(cli: Cli, write: Callable[[str, str], str]) -> None:
    """``--first-time`` with an offset becomes the API's UTC ``YYYY-MM-DD HH:MM``."""
    assert cli("workflow", "create", write("wf.yaml", WF)).code == 0
    when = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).replace(second=0, microsecond=0)
    local = when.astimezone(dt.timezone(dt.timedelta(hours=2))).isoformat()
    made = cli("cron-trigger", "create", "once", "tick", "--first-time", local, "--json")
    assert made.code == 0, made.err
    assert made.json()["first_execution_time"] == when.replace(tzinfo=None).isoformat(sep=" ")
    assert made.json()["remaining_executions"] == 1
