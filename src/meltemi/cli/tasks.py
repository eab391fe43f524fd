"""``meltemi task list|get|rerun``: task executions."""

from __future__ import annotations

import argparse
import json
from typing import Any
from urllib.parse import quote

from meltemi.cli import client, output
from meltemi.cli.client import Client
from meltemi.cli.output import Printer

COLUMNS: tuple[output.Column, ...] = (
    ("ID", "id"),
    ("Name", "name"),
    ("Workflow", "workflow_name"),
    ("Execution ID", "workflow_execution_id"),
    ("State", "state"),
    ("State info", "state_info"),
    ("Started at", "started_at"),
    ("Finished at", "finished_at"),
)


def path(task_id: str) -> str:
    """The path of one task execution."""
    return f"/v2/tasks/{quote(task_id, safe='')}"


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``task`` command and its verbs."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "task",
        help="list, show and rerun task executions on a server",
        description="List, show and rerun task executions.",
    )
    add = client.verbs(parser)
    listing = add("list", "list task executions")
    listing.add_argument("--execution", "-x", default=None, help="of this execution only")
    listing.add_argument("--state", "-s", default=None, help="only in this state")
    listing.add_argument("--limit", type=int, default=None, help="at most N")
    get = add("get", "show one task execution with its result")
    get.add_argument("id", metavar="ID")
    rerun = add("rerun", "run a task in ERROR again")
    rerun.add_argument("id", metavar="ID")
    rerun.add_argument(
        "--no-reset",
        dest="reset",
        action="store_false",
        help="with-items: rerun only the failed iterations",
    )
    rerun.add_argument("--env", "-e", default=None, help="new env as JSON or @file")
    return parser


def list_(api: Client, args: argparse.Namespace, out: Printer) -> None:
    """``list``: task executions (of one execution with ``--execution``)."""
    body = api.get(
        "/v2/tasks", workflow_execution_id=args.execution, state=args.state, limit=args.limit
    )
    out.items(output.decode_all(body["tasks"]), COLUMNS)


def get(api: Client, args: argparse.Namespace, out: Printer) -> None:
    """``get ID``: one task execution with its result and published variables."""
    out.item(output.decode(api.get(path(args.id))))


def rerun(api: Client, args: argparse.Namespace, out: Printer) -> None:
    """``rerun ID``: its execution continues from this task."""
    body: dict[str, Any] = {"state": "RUNNING", "reset": args.reset}
    env = client.json_object(args.env, "env")
    if env:
        body["env"] = json.dumps(env)
    out.item(output.decode(api.put(path(args.id), body)))


HANDLERS: dict[str, client.Handler] = {"list": list_, "get": get, "rerun": rerun}


def run(args: argparse.Namespace) -> int:
    """Carry out ``meltemi task VERB``."""
    return client.execute(args, HANDLERS)
