"""The ``meltemi`` command: argparse with one module per subcommand.

Each subcommand module provides ``add_parser(subparsers) -> argparse.ArgumentParser``
and ``run(args) -> int``; register it in :data:`COMMANDS` to add a command.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

COMMANDS: dict[str, str] = {
    "run": "meltemi.cli.run",
    "server": "meltemi.cli.server",
    "validate": "meltemi.cli.validate",
    "workflow": "meltemi.cli.workflows",
    "workbook": "meltemi.cli.workbooks",
    "action": "meltemi.cli.actions",
    "execution": "meltemi.cli.executions",
    "task": "meltemi.cli.tasks",
    "action-execution": "meltemi.cli.action_executions",
    "environment": "meltemi.cli.environments",
    "cron-trigger": "meltemi.cli.cron_triggers",
}
"""Subcommand name -> module with ``add_parser`` and ``run``."""


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The top-level parser with every registered subcommand, or just ``only``.

    A command run imports only its own module: ``meltemi server`` then carries neither
    the client's HTTP stack nor its tables in memory.
    """
    parser = argparse.ArgumentParser(
        prog="meltemi", description="A durable workflow service speaking Mistral's DSL v2."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, path in COMMANDS.items():
        if only is None or name == only:
            module = importlib.import_module(path)
            sub = module.add_parser(subparsers)
            sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``meltemi`` with ``argv`` (default: ``sys.argv[1:]``); return the exit code.

    Exit codes: 0 success, 1 the command failed (e.g. an invalid definition),
    2 usage error.
    """
    given = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(given[0] if given and given[0] in COMMANDS else None)
    try:
        args = parser.parse_args(given)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    run: Callable[[argparse.Namespace], int] = args.run
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
