"""The ``meltemi`` command: argparse with one module per subcommand.

Each subcommand module provides ``add_parser(subparsers) -> argparse.ArgumentParser``
and ``run(args) -> int``; register it in :data:`COMMANDS` to add a command.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from types import ModuleType

from meltemi.cli import (
    action_executions,
    actions,
    cron_triggers,
    environments,
    executions,
    run,
    server,
    tasks,
    validate,
    workbooks,
    workflows,
)

COMMANDS: dict[str, ModuleType] = {
    "run": run,
    "server": server,
    "validate": validate,
    "workflow": workflows,
    "workbook": workbooks,
    "action": actions,
    "execution": executions,
    "task": tasks,
    "action-execution": action_executions,
    "environment": environments,
    "cron-trigger": cron_triggers,
}
"""Subcommand name -> module with ``add_parser`` and ``run``."""


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="meltemi", description="A durable workflow service speaking Mistral's DSL v2."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMANDS.values():
        sub = module.add_parser(subparsers)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``meltemi`` with ``argv`` (default: ``sys.argv[1:]``); return the exit code.

    Exit codes: 0 success, 1 the command failed (e.g. an invalid definition),
    2 usage error.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(sys.argv[1:] if argv is None else list(argv))
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    run: Callable[[argparse.Namespace], int] = args.run
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
