"""``meltemi workflow create|update|list|get|delete|validate``: workflow definitions."""

from __future__ import annotations

import argparse
from typing import Any

from meltemi.cli import client
from meltemi.cli.definitions import Definitions

WORKFLOWS = Definitions(
    noun="workflow",
    resource="workflows",
    columns=(
        ("ID", "id"),
        ("Name", "name"),
        ("Namespace", "namespace"),
        ("Tags", "tags"),
        ("Input", "input"),
        ("Created at", "created_at"),
        ("Updated at", "updated_at"),
    ),
)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``workflow`` command and its verbs."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "workflow",
        help="manage workflow definitions on a server",
        description="Create, list, show, delete and validate workflow definitions.",
    )
    WORKFLOWS.add_verbs(client.verbs(parser))
    return parser


def run(args: argparse.Namespace) -> int:
    """Carry out ``meltemi workflow VERB``."""
    return client.execute(args, WORKFLOWS.handlers())
