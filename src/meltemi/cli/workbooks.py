"""``meltemi workbook create|update|list|get|delete|validate``: workbooks."""

from __future__ import annotations

import argparse
from typing import Any

from meltemi.cli import client
from meltemi.cli.definitions import Definitions

WORKBOOKS = Definitions(
    noun="workbook",
    resource="workbooks",
    columns=(
        ("ID", "id"),
        ("Name", "name"),
        ("Namespace", "namespace"),
        ("Tags", "tags"),
        ("Scope", "scope"),
        ("Created at", "created_at"),
        ("Updated at", "updated_at"),
    ),
)


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``workbook`` command and its verbs."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "workbook",
        help="manage workbooks on a server",
        description="Create, list, show, delete and validate workbooks (with their members).",
    )
    WORKBOOKS.add_verbs(client.verbs(parser))
    return parser


def run(args: argparse.Namespace) -> int:
    """Carry out ``meltemi workbook VERB``."""
    return client.execute(args, WORKBOOKS.handlers())
