"""``meltemi run FILE``: run a workflow to completion on an embedded database.

Stores the file's definitions (workflows, a workbook, or ad-hoc actions next to them),
starts one execution, runs a worker in this process while a live table shows the
tasks, then prints the output as JSON. Exit status: 0 on SUCCESS, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import anyio
from rich.console import Console
from rich.live import Live
from rich.table import Table

from meltemi import errors
from meltemi.settings import Settings
from meltemi.store import db as dbm
from meltemi.store import executions, task_executions
from meltemi.worker import control, definitions, loop, step

FINAL = {"SUCCESS", "ERROR", "CANCELLED"}
COLOURS = {"SUCCESS": "green", "ERROR": "red", "RUNNING": "yellow", "PAUSED": "blue"}


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``run`` subcommand."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "run",
        help="run a workflow to completion",
        description="Store FILE's definitions, run one workflow in this process, print its output.",
    )
    parser.add_argument("file", metavar="FILE", help="workflow or workbook definition (YAML)")
    parser.add_argument("--workflow", "-w", help="workflow to run (default: the first)")
    parser.add_argument("--input", "-i", default="{}", help="input as JSON, or @file.json")
    parser.add_argument("--env", default=None, help="env as JSON, or @file.json")
    parser.add_argument("--db", default=None, help="database URL (default: embedded SQLite)")
    parser.add_argument("--quiet", "-q", action="store_true", help="no live table")
    return parser


def run(args: argparse.Namespace) -> int:
    """Carry out ``meltemi run``."""
    console = Console(stderr=True)
    try:
        return _run(args, console)
    except errors.MeltemiError as exc:
        console.print(f"[red]error:[/red] {exc}")
        return 1


def _json_arg(value: str | None, name: str) -> Any:
    if value is None:
        return None
    text = Path(value[1:]).read_text(encoding="utf-8") if value.startswith("@") else value
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise errors.InputError(f"--{name} is not valid JSON: {exc}", field=name) from None


def _run(args: argparse.Namespace, console: Console) -> int:
    settings = Settings.from_env(db_url=args.db)
    text = Path(args.file).read_text(encoding="utf-8")
    database = dbm.open_database(settings.db_url)
    dbm.migrate(database.engine)
    rt = step.Runtime.create(database, settings)
    with database.transaction() as session:
        names = definitions.save(session, text, source=args.file)
    workflow = args.workflow or names[0]
    params = {"env": _json_arg(args.env, "env")} if args.env else {}
    execution_id = control.start_execution(
        rt, workflow_identifier=workflow, input=_json_arg(args.input, "input"), params=params
    ).id
    console.print(f"execution [bold]{execution_id}[/bold] of {workflow} on {settings.db_url}")
    anyio.run(_drive, rt, execution_id, console, args.quiet)
    return _report(rt, execution_id, console)


async def _drive(rt: step.Runtime, execution_id: str, console: Console, quiet: bool) -> None:
    worker = loop.Worker(rt)

    def finished() -> bool:
        return _state(rt, execution_id) in FINAL

    if quiet:
        await worker.run(until=finished)
        return
    with Live(_table(rt, execution_id), console=console, refresh_per_second=8) as live:
        async with anyio.create_task_group() as tg:
            tg.start_soon(worker.run, finished)
            while not worker.stopping.is_set():
                live.update(_table(rt, execution_id))
                await anyio.sleep(0.1)
            live.update(_table(rt, execution_id))
    console.print()  # end the table's line before the output goes to stdout


def _state(rt: step.Runtime, execution_id: str) -> str:
    with rt.db.transaction(readonly=True) as session:
        return executions.get(session, execution_id).state


def _table(rt: step.Runtime, execution_id: str) -> Table:
    with rt.db.transaction(readonly=True) as session:
        row = executions.get(session, execution_id)
        tasks = task_executions.list_for_execution(session, execution_id)
        table = Table(title=f"{row.workflow_name}: {row.state}")
        for column in ("task", "state", "info"):
            table.add_column(column)
        for task in tasks:
            colour = COLOURS.get(task.state, "white")
            table.add_row(task.name, f"[{colour}]{task.state}[/{colour}]", task.state_info or "")
    return table


def _report(rt: step.Runtime, execution_id: str, console: Console) -> int:
    with rt.db.transaction(readonly=True) as session:
        row = executions.get(session, execution_id)
    if row.state != "SUCCESS":
        console.print(f"[red]{row.state}[/red]: {row.state_info}")
    print(json.dumps(row.output, indent=2, ensure_ascii=False, default=str))  # noqa: T201
    return 0 if row.state == "SUCCESS" else 1
