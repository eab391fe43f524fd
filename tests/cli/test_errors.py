"""Errors: the server's faultstring or a clear cause on one line, and exit status 1."""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest

from meltemi.cli.main import main

from .conftest import Cli


def test_unknown_execution_prints_faultstring(cli: Cli) -> None:
    """An unknown id exits 1 with the API's faultstring on stderr."""
    result = cli("execution", "get", "no-such-id")
    assert result.code == 1
    assert result.out == ""
    assert result.err.startswith("error: ")
    assert "not found [no-such-id]" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_invalid_definition_is_refused(cli: Cli, write: Callable[[str, str], str]) -> None:
    """A definition the server refuses exits 1 with the server's reason."""
    result = cli("workflow", "create", write("bad.yaml", "version: '2.0'\nwf:\n  tasks: 3\n"))
    assert result.code == 1
    assert result.err.startswith("error: ")
    assert "tasks" in result.err


def test_bad_json_option(cli: Cli) -> None:
    """A malformed ``--input`` exits 1 before any request, naming the option."""
    result = cli("execution", "start", "wf", "--input", "{nope")
    assert result.code == 1
    assert "--input is not valid JSON" in result.err


def test_missing_file(cli: Cli) -> None:
    """An unreadable FILE exits 1 saying which file."""
    result = cli("workflow", "create", "/no/such/file.yaml")
    assert result.code == 1
    assert "can not read /no/such/file.yaml" in result.err


def test_server_down(capsys: pytest.CaptureFixture[str]) -> None:
    """Without a server at the URL the message says how to start one."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    code = main(["workflow", "list", "--url", url])
    err = capsys.readouterr().err
    assert code == 1
    assert err.strip() == f"error: no Meltemi server at {url}: start one with `meltemi server`"
