"""``meltemi action-execution list|get|complete|fail|run``: action executions.

``complete`` and ``fail`` answer an asynchronous action (``std.async_noop``, an
approval) that a task is waiting on; its workflow then goes on.
"""

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
    ("Task", "task_name"),
    ("Task ID", "task_execution_id"),
    ("State", "state"),
    ("Accepted", "accepted"),
    ("Created at", "created_at"),
    ("Updated at", "updated_at"),
)


def path(action_execution_id: str) -> str:
    """The path of one action execution."""
    return f"/v2/action_executions/{quote(action_execution_id, safe='')}"


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``action-execution`` command and its verbs."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "action-execution",
        help="list, answer and run action executions on a server",
        description="List and show action executions, complete or fail running ones, "
        "run an action outside any workflow.",
    )
    add = client.verbs(parser)
    listing = add("list", "list action executions")
    listing.add_argument("--task", default=None, help="of this task execution only")
    listing.add_argument("--state", "-s", default=None, help="only in this state")
    listing.add_argument("--limit", type=int, default=None, help="at most N")
    add("get", "show one action execution with its output").add_argument("id", metavar="ID")
    complete = add("complete", "answer a running action with its output")
    complete.add_argument("id", metavar="ID")
    complete.add_argument("--output", "-o", default=None, help="output as JSON, or @file")
    fail = add("fail", "answer a running action with an error")
    fail.add_argument("id", metavar="ID")
    fail.add_argument("--error", default=None, help="the error, as text or JSON")
    start = add("run", "run an action outside any workflow")
    start.add_argument("name", metavar="NAME", help="action name")
    start.add_argument("--input", "-i", default=None, help="input as JSON, or @file")
    start.add_argument("--async", dest="run_async", action="store_true", help="do not wait")
    start.add_argument("--timeout", type=float, default=None, help="seconds the action may run")
    return parser


def list_(api: Client, args: argparse.Namespace, out: Printer) -> None:
    """``list``: action executions (of one task with ``--task``)."""
    body = api.get(
        "/v2/action_executions",
        task_execution_id=args.task,
        state=args.state,
        limit=args.limit,
    )
    out.items(output.decode_all(body["action_executions"]), COLUMNS)


def get(api: Client, args: argparse.Namespace, out: Printer) -> None:
    """``get ID``: one action execution with its input and output."""
    out.item(output.decode(api.get(path(args.id))))


def complete(api: Client, args: argparse.Namespace, out: Printer) -> None:
    """``complete ID``: the action succeeded with ``--output``."""
    body = {"state": "SUCCESS", "output": json.dumps(client.json_arg(args.output, "output"))}
    out.item(output.decode(api.put(path(args.id), body)))


def fail(api: Client, args: argparse.Namespace, out: Printer) -> None:
    """``fail ID``: the action failed with ``--error`` (text, or JSON text)."""
    body = {"state": "ERROR", "output": args.error}
    out.item(output.decode(api.put(path(args.id), body)))


def run_action(api: Client, args: argparse.Namespace, out: Printer) -> int:
    """``run NAME``: run an action; waits for its output unless ``--async``."""
    params: dict[str, Any] = {"run_sync": not args.run_async, "save_result": True}
    if args.timeout is not None:
        params["timeout"] = args.timeout
    body = {
        "name": args.name,
        "input": json.dumps(client.json_object(args.input, "input") or {}),
        "params": json.dumps(params),
    }
    made = output.decode(api.post("/v2/action_executions", body))
    out.item(made)
    return 1 if made["state"] == "ERROR" else 0


HANDLERS: dict[str, client.Handler] = {
    "list": list_,
    "get": get,
    "complete": complete,
    "fail": fail,
    "run": run_action,
}


def run(args: argparse.Namespace) -> int:
    """Carry out ``meltemi action-execution VERB``."""
    return client.execute(args, HANDLERS)
