"""``meltemi action create|update|list|get|delete|validate``: std and ad-hoc actions."""

from __future__ import annotations

import argparse
from typing import Any

from meltemi.cli import client
from meltemi.cli.definitions import Definitions

ACTIONS = Definitions(
    noun="action",
    resource="actions",
    columns=(
        ("Name", "name"),
        ("System", "is_system"),
        ("Input", "input"),
        ("Description", "description"),
        ("Tags", "tags"),
        ("Namespace", "namespace"),
        ("Created at", "created_at"),
    ),
)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``action`` command and its verbs."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "action",
        help="list actions; manage ad-hoc actions on a server",
        description="List std and plugin actions; create, show and delete ad-hoc actions.",
    )
    ACTIONS.add_verbs(client.verbs(parser))
    return parser


def run(args: argparse.Namespace) -> int:
    """Carry out ``meltemi action VERB``."""
    return client.execute(args, ACTIONS.handlers())
