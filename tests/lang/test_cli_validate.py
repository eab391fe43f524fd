"""meltemi validate FILE...: OK lines, positioned problems, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from meltemi.cli import main

GOOD = "version: '2.0'\nwf:\n  tasks:\n    t1:\n      action: std.noop\n"
BAD = "version: '2.0'\nwf:\n  tasks:\n    t1:\n      action: std.noop\n      on-success: t9\n      timeout: -1\n"
BOOK = "version: '2.0'\nname: wb\nworkflows:\n  wf:\n    tasks:\n      t1: {action: std.noop}\n"


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_valid_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Each valid file (workflow or workbook) prints 'FILE: OK'; exit code 0."""
    good, book = _write(tmp_path, "good.yaml", GOOD), _write(tmp_path, "book.yaml", BOOK)
    assert main.main(["validate", good, book]) == 0
    assert capsys.readouterr().out == f"{good}: OK\n{book}: OK\n"


def test_invalid_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every problem prints as FILE:LINE:COL: message; exit code 1."""
    good, bad = _write(tmp_path, "good.yaml", GOOD), _write(tmp_path, "bad.yaml", BAD)
    assert main.main(["validate", bad, good]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{bad}:6:19: transition to unknown task 't9' (in task 't1')",
        f"{bad}:7:16: 'timeout' of task 't1' must be a non-negative number or an expression",
        f"{good}: OK",
    ]


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing file is a clear error and exit code 1."""
    missing = str(tmp_path / "nope.yaml")
    assert main.main(["validate", missing]) == 1
    assert (
        capsys.readouterr().out == f"{missing}: can not read the file: No such file or directory\n"
    )


@pytest.mark.parametrize("argv", [[], ["validate"], ["frobnicate"]])
def test_usage_errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """Missing or unknown subcommands and arguments exit with code 2."""
    assert main.main(argv) == 2
    assert "usage: meltemi" in capsys.readouterr().err
