"""``meltemi execution start|list|get|pause|resume|cancel|report|delete``.

``get ID --watch`` (and ``start --watch``) re-renders the execution until it is final,
then exits 0 on SUCCESS and 1 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from rich.console import Group, RenderableType
from rich.live import Live
from rich.text import Text

from meltemi import errors
from meltemi.cli import client, output, report, tasks
from meltemi.cli.client import Client
from meltemi.cli.output import Printer

FINAL = ("SUCCESS", "ERROR", "CANCELLED")
COLUMNS: tuple[output.Column, ...] = (
    ("ID", "id"),
    ("Workflow", "workflow_name"),
    ("Namespace", "workflow_namespace"),
    ("Description", "description"),
    ("State", "state"),
    ("State info", "state_info"),
    ("Created at", "created_at"),
    ("Updated at", "updated_at"),
)
SIGNALS = {"pause": "PAUSED", "resume": "RUNNING", "cancel": "CANCELLED"}
"""Verb -> the state it asks for."""


def path(execution_id: str) -> str:
    """The path of one execution."""
    return f"/v2/executions/{quote(execution_id, safe='')}"


def _watching(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--watch", "-w", action="store_true", help="re-render until final")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between refreshes")
    parser.add_argument("--timeout", type=float, default=None, help="give up after SECONDS")
    parser.add_argument("--tasks", "-t", action="store_true", help="show its tasks")
    parser.add_argument("--output", "-o", action="store_true", help="show its output")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``execution`` command and its verbs."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "execution",
        help="start and follow workflow executions on a server",
        description="Start, list, show, pause, resume, cancel, report and delete executions.",
    )
    add = client.verbs(parser)
    start = add("start", "start a workflow")
    start.add_argument("workflow", metavar="WORKFLOW", help="workflow name or id")
    start.add_argument("--input", "-i", default=None, help="input as JSON, or @file")
    start.add_argument("--env", "-e", default=None, help="env as JSON, @file, or a name")
    start.add_argument("--description", "-d", default="", help="free text")
    start.add_argument("--task-name", default=None, help="target task (reverse workflows)")
    start.add_argument("--namespace", "-n", default="", help="the workflow's namespace")
    _watching(start)
    listing = add("list", "list executions")
    listing.add_argument("--state", "-s", default=None, help="only in this state")
    listing.add_argument("--workflow", default=None, help="only of this workflow (name)")
    listing.add_argument("--limit", type=int, default=None, help="at most N")
    listing.add_argument("--marker", default=None, help="start after this execution id")
    get = add("get", "show one execution")
    get.add_argument("id", metavar="ID")
    _watching(get)
    _other_verbs(add)
    return parser


def _other_verbs(add: Callable[..., argparse.ArgumentParser]) -> None:
    signals = {verb: add(verb, f"set an execution to {state}") for verb, state in SIGNALS.items()}
    for parser in signals.values():
        parser.add_argument("id", metavar="ID")
    signals["resume"].add_argument("--env", "-e", default=None, help="new env as JSON or @file")
    signals["cancel"].add_argument("--reason", default=None, help="why (its state_info)")
    rep = add("report", "show an execution's tree of tasks, actions and sub-workflows")
    rep.add_argument("id", metavar="ID")
    hist = add("history", "show every state change of an execution, oldest first")
    hist.add_argument("id", metavar="ID")
    hist.add_argument(
        "--children", action="store_true", help="with the changes of its sub-workflows"
    )
    delete = add("delete", "delete finished executions")
    delete.add_argument("ids", nargs="+", metavar="ID")
    delete.add_argument("--force", action="store_true", help="even when not finished")


def _env(value: str | None) -> Any:
    """``--env``: JSON, ``@file``, or the name of a stored environment."""
    if value is None or value.startswith("@"):
        return client.json_arg(value, "env")
    try:
        return json.loads(value)
    except ValueError:
        return value


def start(api: Client, args: argparse.Namespace, out: Printer) -> int | None:
    """``start WORKFLOW``: a new execution (followed with ``--watch``)."""
    params: dict[str, Any] = {}
    if args.env is not None:
        params["env"] = _env(args.env)
    if args.task_name:
        params["task_name"] = args.task_name
    body = {
        "workflow_name": args.workflow,
        "workflow_namespace": args.namespace,
        "description": args.description,
        "input": json.dumps(client.json_object(args.input, "input") or {}),
        "params": json.dumps(params),
    }
    created = output.decode(api.post("/v2/executions", body))
    if args.watch:
        return watch(api, created["id"], args, out)
    out.item(created)
    return None


def list_(api: Client, args: argparse.Namespace, out: Printer) -> None:
    """``list``: executions, oldest first."""
    body = api.get(
        "/v2/executions",
        state=args.state,
        workflow_name=args.workflow,
        limit=args.limit,
        marker=args.marker,
    )
    found = output.decode_all(body["executions"])
    out.items(found, COLUMNS)
    if body.get("next") and found:
        out.note(f"More: --marker {found[-1]['id']}")


def view(api: Client, execution_id: str, args: argparse.Namespace) -> dict[str, Any]:
    """The execution, with ``tasks`` when ``--tasks`` asks for them."""
    item = output.decode(api.get(path(execution_id)))
    if args.tasks:
        item["tasks"] = output.decode_all(api.get(f"{path(execution_id)}/tasks")["tasks"])
    return item


def render(item: dict[str, Any], *, with_output: bool) -> RenderableType:
    """One execution for people: its fields, its tasks, its output."""
    fields = {k: v for k, v in item.items() if k not in {"tasks", "output"}}
    parts: list[RenderableType] = [output.record(fields)]
    if "tasks" in item:
        parts.append(output.table(item["tasks"], tasks.COLUMNS))
    if with_output:
        parts.append(Text(json.dumps(item.get("output"), indent=2, ensure_ascii=False)))
    return Group(*parts)


def get(api: Client, args: argparse.Namespace, out: Printer) -> int | None:
    """``get ID``: one execution (followed until final with ``--watch``)."""
    if args.watch:
        return watch(api, args.id, args, out)
    item = view(api, args.id, args)
    if out.as_json:
        out.json(item)
    else:
        out.show(render(item, with_output=args.output))
    return None


def watch(api: Client, execution_id: str, args: argparse.Namespace, out: Printer) -> int:
    """Re-render the execution every ``--interval`` until it is final; 0 on SUCCESS."""
    deadline = None if args.timeout is None else time.monotonic() + args.timeout
    live = (
        contextlib.nullcontext(None)
        if out.as_json
        else Live(console=out.console, auto_refresh=False)
    )
    with live as screen:
        item = view(api, execution_id, args)
        while True:
            if screen is not None:
                screen.update(render(item, with_output=args.output), refresh=True)
            if item["state"] in FINAL:
                break
            if deadline is not None and time.monotonic() >= deadline:
                raise errors.ClientError(
                    f"execution {execution_id} is still {item['state']} after {args.timeout}s"
                )
            time.sleep(args.interval)
            item = view(api, execution_id, args)
    if out.as_json:
        out.json(item)
    return 0 if item["state"] == "SUCCESS" else 1


def signal(api: Client, args: argparse.Namespace, out: Printer) -> None:
    """``pause|resume|cancel ID``: ask for a state change."""
    body: dict[str, Any] = {"state": SIGNALS[args.verb]}
    env = client.json_object(getattr(args, "env", None), "env")
    if env:
        body["params"] = json.dumps({"env": env})
    if getattr(args, "reason", None):
        body["state_info"] = args.reason
    out.item(output.decode(api.put(path(args.id), body)))


def delete(api: Client, args: argparse.Namespace, out: Printer) -> None:
    """``delete ID...``: remove executions with their tasks."""
    force = True if args.force else None
    out.deleted("execution", args.ids, lambda key: api.delete(path(key), force=force))


def show_report(api: Client, args: argparse.Namespace, out: Printer) -> None:
    """``report ID``: the execution's tree and task counts."""
    tree = report.build(api, args.id)
    if out.as_json:
        out.json(tree)
    else:
        out.show(report.render(tree))


HISTORY_COLUMNS = (
    ("At", "at"),
    ("Kind", "entity_kind"),
    ("Name", "name"),
    ("From", "old_state"),
    ("To", "new_state"),
    ("Info", "state_info"),
)


def show_history(api: Client, args: argparse.Namespace, out: Printer) -> None:
    """``history ID``: the execution's state changes, every page of them."""
    changes: list[dict[str, Any]] = []
    after = None
    while True:
        page = api.get(
            f"{path(args.id)}/history", include_children=args.children or None, after=after
        )["history"]
        if not page:
            break
        changes += page
        after = page[-1]["id"]
    out.items(changes, HISTORY_COLUMNS)


HANDLERS: dict[str, client.Handler] = {
    "start": start,
    "list": list_,
    "get": get,
    "pause": signal,
    "resume": signal,
    "cancel": signal,
    "report": show_report,
    "history": show_history,
    "delete": delete,
}


def run(args: argparse.Namespace) -> int:
    """Carry out ``meltemi execution VERB``."""
    return client.execute(args, HANDLERS)
