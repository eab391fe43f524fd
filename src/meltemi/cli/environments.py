"""``meltemi environment create|update|list|get|delete``: named env variable sets.

An environment comes from a YAML/JSON file (``name``, ``description``, ``variables``,
``scope``) or from ``--name`` and ``--variables``; ``execution start --env NAME`` uses it.
"""

from __future__ import annotations

import argparse
import json
from typing import Any
from urllib.parse import quote

import yaml

from meltemi import errors
from meltemi.cli import client, output
from meltemi.cli.client import Client
from meltemi.cli.output import Printer

COLUMNS: tuple[output.Column, ...] = (
    ("Name", "name"),
    ("Description", "description"),
    ("Scope", "scope"),
    ("Created at", "created_at"),
    ("Updated at", "updated_at"),
)
KEYS = ("name", "description", "variables", "scope")


def path(name: str) -> str:
    """The path of one environment."""
    return f"/v2/environments/{quote(name, safe='')}"


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``environment`` command and its verbs."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "environment",
        help="manage environments on a server",
        description="Create, change, list, show and delete environments.",
    )
    add = client.verbs(parser)
    for verb in ("create", "update"):
        change = add(verb, f"{verb} an environment from FILE or --name/--variables")
        change.add_argument("file", nargs="?", metavar="FILE", help="YAML or JSON file")
        change.add_argument("--name", default=None, help="its name")
        change.add_argument("--variables", default=None, help="variables as JSON, or @file")
        change.add_argument("--description", default=None, help="free text")
    add("list", "list environments")
    add("get", "show one environment").add_argument("name", metavar="NAME")
    delete = add("delete", "delete environments")
    delete.add_argument("names", nargs="+", metavar="NAME")
    return parser


def _from_file(name: str) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(client.read_text(name))
    except yaml.YAMLError as exc:
        raise errors.InputError(f"{name} is not YAML or JSON: {exc}", field="file") from None
    if not isinstance(loaded, dict):
        raise errors.InputError(f"{name} must hold a mapping of {', '.join(KEYS)}", field="file")
    return loaded


def payload(args: argparse.Namespace) -> dict[str, Any]:
    """The request body: the file's keys, overridden by the options."""
    body = _from_file(args.file) if args.file else {}
    variables = client.json_object(args.variables, "variables")
    options = {"name": args.name, "description": args.description, "variables": variables}
    body.update({k: v for k, v in options.items() if v is not None})
    if not body.get("name"):
        raise errors.InputError("give a FILE with a name, or --name", field="name")
    if isinstance(body.get("variables"), dict | list):
        body["variables"] = json.dumps(body["variables"])
    return body


def create(api: Client, args: argparse.Namespace, out: Printer) -> None:
    """``create``: a new environment."""
    out.item(output.decode(api.post("/v2/environments", payload(args))))


def update(api: Client, args: argparse.Namespace, out: Printer) -> None:
    """``update``: change an environment's variables or description."""
    out.item(output.decode(api.put("/v2/environments", payload(args))))


def list_(api: Client, _args: argparse.Namespace, out: Printer) -> None:
    """``list``: every environment."""
    out.items(output.decode_all(api.get("/v2/environments")["environments"]), COLUMNS)


def get(api: Client, args: argparse.Namespace, out: Printer) -> None:
    """``get NAME``: one environment with its variables."""
    out.item(output.decode(api.get(path(args.name))))


def delete(api: Client, args: argparse.Namespace, out: Printer) -> None:
    """``delete NAME...``: remove environments."""
    out.deleted("environment", args.names, lambda name: api.delete(path(name)))


HANDLERS: dict[str, client.Handler] = {
    "create": create,
    "update": update,
    "list": list_,
    "get": get,
    "delete": delete,
}


def run(args: argparse.Namespace) -> int:
    """Carry out ``meltemi environment VERB``."""
    return client.execute(args, HANDLERS)
