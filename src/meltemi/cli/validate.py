"""``meltemi validate FILE...``: check workflow, workbook and action definitions offline."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from meltemi import errors, lang


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``validate`` subcommand."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "validate",
        help="check definition files",
        description=(
            "Check workflow, workbook or ad-hoc action definitions. Prints 'FILE: OK' "
            "or every problem as 'FILE:LINE:COL: message'; exits 1 if any file is invalid."
        ),
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="definition files (YAML)")
    return parser


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Validate every file of ``args.files``; 0 when all are valid, else 1."""
    stream = out or sys.stdout
    results = [validate_file(Path(name), stream) for name in args.files]
    return 0 if all(results) else 1


def validate_file(path: Path, out: TextIO) -> bool:
    """Validate one file, printing its verdict to ``out``; True when it is valid."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        print(f"{path}: can not read the file: {reason}", file=out)
        return False
    try:
        lang.load_any(text, source=str(path))
    except errors.DefinitionError as exc:
        for problem in exc.problems:
            print(_render(problem), file=out)
        return False
    print(f"{path}: OK", file=out)
    return True


def _render(problem: errors.Problem) -> str:
    where = problem.source
    if problem.line is not None:
        where += f":{problem.line}:{problem.col or 1}"
    return f"{where}: {problem.message}"
