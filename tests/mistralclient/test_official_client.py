"""python-mistralclient's real ``mistral`` command drives Meltemi and parses every answer.

The server (uvicorn on a pre-bound 127.0.0.1 socket in a thread, a real worker in the
same event loop, SQLite in ``tmp_path``) is the one ``meltemi server`` runs; the client runs
in a subprocess with no Keystone (no auth URL: it talks to ``OS_MISTRAL_URL`` as is).
This directory has no ``__init__.py`` on purpose: a package named ``mistralclient`` would
shadow the real client library.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from meltemi import testing
from meltemi.settings import Settings

COMMAND_LIMIT = 60.0
"""Seconds one ``mistral`` command may take."""


@pytest.fixture
def server(sqlite_template: Path, tmp_path: Path) -> Iterator[testing.LiveServer]:
    """A Meltemi server (API and worker) on a fresh SQLite database."""
    path = tmp_path / "meltemi.db"
    shutil.copyfile(sqlite_template, path)
    with testing.live_server(Settings(db_url=f"sqlite:///{path}")) as live:
        yield live


@dataclasses.dataclass(frozen=True)
class Result:
    """What one ``mistral`` command did."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        """Standard output decoded as JSON (``-f json``)."""
        return json.loads(self.out)


Mistral = Callable[..., Result]

_AUTH_VARIABLES = ("OS_AUTH_URL", "OS_AUTH_TOKEN", "OS_USERNAME", "OS_PASSWORD", "OS_CLOUD")


def _client_env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _AUTH_VARIABLES}
    return {**env, "OS_MISTRAL_URL": f"{url}/v2"}


@pytest.fixture
def mistral(server: testing.LiveServer, tmp_path: Path) -> Mistral:
    """Run python-mistralclient's ``mistral ARGS...`` against ``server``."""
    command = shutil.which("mistral", path=str(Path(sys.executable).parent))
    assert command is not None, "python-mistralclient is not installed (pip install -e '.[test]')"
    env = _client_env(server.url)

    def run(*argv: str) -> Result:
        done = subprocess.run(  # noqa: PLW1510 - the caller asserts on the exit code
            [command, *argv],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=COMMAND_LIMIT,
        )
        return Result(done.returncode, done.stdout, done.stderr)

    return run


GREET = """\
version: '2.0'
greet:
  input:
    - name
  output:
    text: <% $.greeting %>
  tasks:
    hello:
      action: std.echo output="hi <% $.name %>"
      publish:
        greeting: <% task().result %>
"""
ASK = """\
version: '2.0'
ask_human:
  output:
    answer: <% $.answer %>
  tasks:
    ask:
      action: std.async_noop
      publish:
        answer: <% task().result %>
"""
BOOK = """\
version: '2.0'
name: book1
workflows:
  inner:
    tasks:
      t:
        action: std.noop
"""


def ok(result: Result) -> Result:
    """The result of a command that must have succeeded."""
    assert result.code == 0, f"exit {result.code}: {result.err}"
    return result


def values(result: Result) -> list[str]:
    """The lines of ``-f value`` output."""
    return ok(result).out.splitlines()


@pytest.fixture
def define(mistral: Mistral, tmp_path: Path) -> Callable[[str, str], Result]:
    """Write a definition to a file and run ``mistral <command> FILE -f json``."""

    def run(command: str, text: str) -> Result:
        path = tmp_path / f"{command}.yaml"
        path.write_text(text, encoding="utf-8")
        return ok(mistral(command, str(path), "-f", "json"))

    return run


def execution_state(server: testing.LiveServer, execution_id: str) -> str:
    """The state the API reports for an execution (read without the client, to wait)."""
    answer = httpx.get(f"{server.url}/v2/executions/{execution_id}")
    return str(answer.json()["state"])


def wait_for_state(server: testing.LiveServer, execution_id: str, state: str) -> None:
    """Block until the execution reaches ``state`` (re-checked after each worker job)."""
    server.wait_until(lambda: execution_state(server, execution_id) == state)


def test_workflow_create_list_get(mistral: Mistral, define: Callable[[str, str], Result]) -> None:
    """workflow-create from a file, then workflow-list and workflow-get show it with its input."""
    [created] = define("workflow-create", GREET).json()
    assert (created["Name"], created["Input"], created["Scope"]) == ("greet", "name", "private")
    listed = ok(mistral("workflow-list", "-f", "json")).json()
    assert [(w["ID"], w["Name"]) for w in listed] == [(created["ID"], "greet")]
    shown = ok(mistral("workflow-get", "greet", "-f", "json")).json()
    assert shown == created
    assert ok(mistral("workflow-get-definition", "greet")).out.strip() == GREET.strip()


def test_workbook_create_defines_its_workflows(
    mistral: Mistral, define: Callable[[str, str], Result]
) -> None:
    """workbook-create answers the workbook; its workflow is listed under the book's name."""
    created = define("workbook-create", BOOK).json()
    assert (created["Name"], created["Scope"]) == ("book1", "private")
    assert values(mistral("workbook-list", "-f", "value", "-c", "Name")) == ["book1"]
    assert "book1.inner" in values(mistral("workflow-list", "-f", "value", "-c", "Name"))


def test_execution_with_input_runs_to_its_output(
    mistral: Mistral, server: testing.LiveServer, define: Callable[[str, str], Result]
) -> None:
    """execution-create with input JSON; list, get, task-list and get-output report the run."""
    define("workflow-create", GREET)
    created = ok(mistral("execution-create", "greet", '{"name": "Ann"}', "-f", "json")).json()
    assert created["Workflow name"] == "greet"
    assert created["State"] in {"RUNNING", "SUCCESS"}
    wait_for_state(server, created["ID"], "SUCCESS")
    listed = ok(mistral("execution-list", "-f", "json")).json()
    assert [(e["ID"], e["State"]) for e in listed] == [(created["ID"], "SUCCESS")]
    shown = ok(mistral("execution-get", created["ID"], "-f", "json")).json()
    assert (shown["State"], shown["Workflow ID"]) == ("SUCCESS", created["Workflow ID"])
    tasks = ok(mistral("task-list", created["ID"], "-f", "json")).json()
    assert [(t["Name"], t["State"], t["Workflow Execution ID"]) for t in tasks] == [
        ("hello", "SUCCESS", created["ID"])
    ]
    output = ok(mistral("execution-get-output", created["ID"])).out
    assert json.loads(output) == {"text": "hi Ann"}
    assert json.loads(ok(mistral("execution-get-input", created["ID"])).out) == {"name": "Ann"}


def test_async_action_completed_by_update(
    mistral: Mistral, server: testing.LiveServer, define: Callable[[str, str], Result]
) -> None:
    """action-execution-update --state SUCCESS completes std.async_noop; the execution finishes."""
    define("workflow-create", ASK)
    execution_id = values(mistral("execution-create", "ask_human", "-f", "value", "-c", "ID"))[0]
    server.wait_until(lambda: _async_action(mistral) is not None)
    action = _async_action(mistral)
    assert action is not None
    assert (action["State"], action["Accepted"], action["Task name"]) == ("RUNNING", False, "ask")
    update = ["action-execution-update", action["ID"], "--state", "SUCCESS"]
    updated = ok(mistral(*update, "--output", '{"approved": true}', "-f", "json")).json()
    assert (updated["ID"], updated["State"]) == (action["ID"], "SUCCESS")
    wait_for_state(server, execution_id, "SUCCESS")
    shown = ok(mistral("execution-get", execution_id, "-f", "value", "-c", "State"))
    assert values(shown) == ["SUCCESS"]
    output = ok(mistral("execution-get-output", execution_id)).out
    assert json.loads(output) == {"answer": {"approved": True}}


def _async_action(mistral: Mistral) -> dict[str, object] | None:
    """The std.async_noop action execution, as action-execution-list shows it, if any."""
    listed = ok(mistral("action-execution-list", "-f", "json")).json()
    found = [a for a in listed if a["Name"] == "std.async_noop"]
    return found[0] if found else None


def test_cron_trigger_create_and_delete(
    mistral: Mistral, define: Callable[[str, str], Result]
) -> None:
    """cron-trigger-create shows its pattern and next time; after cron-trigger-delete it is gone."""
    define("workflow-create", GREET)
    create = ["cron-trigger-create", "weekly", "greet", '{"name": "Bob"}']
    created = ok(mistral(*create, "--pattern", "0 9 * * 1", "-f", "json")).json()
    assert (created["Name"], created["Workflow"], created["Pattern"]) == (
        "weekly",
        "greet",
        "0 9 * * 1",
    )
    assert created["Next execution time"].endswith("09:00:00")
    assert values(mistral("cron-trigger-list", "-f", "value", "-c", "Name")) == ["weekly"]
    deleted = ok(mistral("cron-trigger-delete", "weekly"))
    assert "weekly" in deleted.out
    assert values(mistral("cron-trigger-list", "-f", "value", "-c", "Name")) == [""]
    missing = mistral("cron-trigger-get", "weekly")
    assert missing.code != 0
    assert "not found" in missing.err
    assert "weekly" in missing.err
