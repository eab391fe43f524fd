"""``meltemi cron-trigger create|list|get|delete``: start workflows on a schedule."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any
from urllib.parse import quote

from meltemi import errors
from meltemi.cli import client, output
from meltemi.cli.client import Client
from meltemi.cli.output import Printer

COLUMNS: tuple[output.Column, ...] = (
    ("Name", "name"),
    ("Workflow", "workflow_name"),
    ("Pattern", "pattern"),
    ("Next execution", "next_execution_time"),
    ("Remaining", "remaining_executions"),
    ("Created at", "created_at"),
)
API_TIME = "%Y-%m-%d %H:%M"
"""How the API takes ``first_execution_time`` (UTC)."""


def path(name: str) -> str:
    """The path of one cron trigger."""
    return f"/v2/cron_triggers/{quote(name, safe='')}"


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``cron-trigger`` command and its verbs."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "cron-trigger",
        help="manage cron triggers on a server",
        description="Create, list, show and delete cron triggers.",
    )
    add = client.verbs(parser)
    create = add("create", "start WORKFLOW on a cron pattern or at a time")
    create.add_argument("name", metavar="NAME")
    create.add_argument("workflow", metavar="WORKFLOW", help="workflow name or id")
    create.add_argument("--pattern", default=None, help='cron pattern, e.g. "*/5 * * * *"')
    create.add_argument("--first-time", default=None, help="first run, ISO 8601 (UTC if naive)")
    create.add_argument("--count", type=int, default=None, help="number of runs")
    create.add_argument("--input", "-i", default=None, help="workflow input as JSON, or @file")
    create.add_argument("--params", default=None, help="workflow params as JSON, or @file")
    add("list", "list cron triggers")
    add("get", "show one cron trigger").add_argument("name", metavar="NAME")
    delete = add("delete", "delete cron triggers")
    delete.add_argument("names", nargs="+", metavar="NAME")
    return parser


def first_time(value: str | None) -> str | None:
    """``--first-time`` (ISO 8601) in the API's form, ``YYYY-MM-DD HH:MM`` UTC."""
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise errors.InputError(
            f"--first-time is not an ISO 8601 time: {value!r}", field="first-time"
        ) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.strftime(API_TIME)


def create(api: Client, args: argparse.Namespace, out: Printer) -> None:
    """``create NAME WORKFLOW``: a new trigger."""
    body = {
        "name": args.name,
        "workflow_name": args.workflow,
        "pattern": args.pattern,
        "first_execution_time": first_time(args.first_time),
        "remaining_executions": args.count,
        "workflow_input": json.dumps(client.json_object(args.input, "input") or {}),
        "workflow_params": json.dumps(client.json_object(args.params, "params") or {}),
    }
    out.item(output.decode(api.post("/v2/cron_triggers", body)))


def list_(api: Client, _args: argparse.Namespace, out: Printer) -> None:
    """``list``: every cron trigger."""
    out.items(output.decode_all(api.get("/v2/cron_triggers")["cron_triggers"]), COLUMNS)


def get(api: Client, args: argparse.Namespace, out: Printer) -> None:
    """``get NAME``: one cron trigger."""
    out.item(output.decode(api.get(path(args.name))))


def delete(api: Client, args: argparse.Namespace, out: Printer) -> None:
    """``delete NAME...``: remove cron triggers."""
    out.deleted("cron trigger", args.names, lambda name: api.delete(path(name)))


HANDLERS: dict[str, client.Handler] = {
    "create": create,
    "list": list_,
    "get": get,
    "delete": delete,
}


def run(args: argparse.Namespace) -> int:
    """Carry out ``meltemi cron-trigger VERB``."""
    return client.execute(args, HANDLERS)
