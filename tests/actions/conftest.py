"""Real local peers for the action tests: an HTTP server, an SSH server, an SMTP server.

Each listens on 127.0.0.1 on an ephemeral port. Sockets are bound and listening before
a test runs, so no test waits for a server to come up.
"""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import anyio
import asyncssh
import pytest
import uvicorn
from aiosmtpd.smtp import SMTP, Envelope, Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route


@pytest.fixture
def anyio_backend() -> str:
    """Run async tests on asyncio."""
    return "asyncio"


# --- HTTP ----------------------------------------------------------------------------


async def _json(request: Request) -> Response:
    response = JSONResponse({"hello": "world"})
    response.set_cookie("session", "abc")
    return response


async def _text(request: Request) -> Response:
    return PlainTextResponse("just text")


async def _echo(request: Request) -> Response:
    body = await request.body()
    return JSONResponse(
        {
            "method": request.method,
            "query": dict(request.query_params),
            "headers": dict(request.headers),
            "body": body.decode(),
            "cookies": dict(request.cookies),
        }
    )


async def _status(request: Request) -> Response:
    code = int(request.path_params["code"])
    return PlainTextResponse(f"status body {code}", status_code=code)


async def _redirect(request: Request) -> Response:
    return RedirectResponse(request.query_params["to"], status_code=302)


async def _slow(request: Request) -> Response:
    await anyio.sleep(2)
    return PlainTextResponse("late")


async def _big(request: Request) -> Response:
    return PlainTextResponse("x" * 5000)


HTTP_APP = Starlette(
    routes=[
        Route("/json", _json),
        Route("/text", _text),
        Route("/echo", _echo, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
        Route("/status/{code}", _status),
        Route("/redirect", _redirect),
        Route("/slow", _slow),
        Route("/big", _big),
    ]
)


@pytest.fixture(scope="session")
def http_peer() -> Iterator[str]:
    """Base URL of a real HTTP server (uvicorn in a thread)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    config = uvicorn.Config(
        HTTP_APP, lifespan="off", ws="none", log_level="warning", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


# --- SSH -----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class SshPeer:
    """A running SSH server and what a client needs to log in to it."""

    port: int
    known_hosts: Path
    """A known_hosts file that trusts the server's host key."""
    username: str
    password: str
    client_key: str
    """A private key (OpenSSH text) the server accepts for ``username``."""


class _SshServer(asyncssh.SSHServer):
    def __init__(self, password: str) -> None:
        self._password = password

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        return password == self._password

    def connection_requested(self, dest_host: str, dest_port: int, *args: Any) -> bool:
        return True  # lets the server act as the gateway of std.ssh_proxied


async def _ssh_process(process: Any) -> None:
    command = process.command or ""
    if command.startswith("echo "):
        process.stdout.write(command.removeprefix("echo ") + "\n")
        process.exit(0)
    elif command == "whoami":
        process.stdout.write(process.get_extra_info("username") + "\n")
        process.exit(0)
    elif command == "hang":
        await process.stdin.read()  # returns when the client goes away
        process.exit(0)
    else:
        process.stderr.write(f"{command}: command failed\n")
        process.exit(3)


@pytest.fixture(scope="session")
def ssh_keys() -> tuple[Any, Any]:
    """A host key and a client key (generated once)."""
    return asyncssh.generate_private_key("ssh-ed25519"), asyncssh.generate_private_key(
        "ssh-ed25519"
    )


@pytest.fixture
async def ssh_peer(tmp_path: Path, ssh_keys: tuple[Any, Any]) -> AsyncIterator[SshPeer]:
    """A real asyncssh server on 127.0.0.1 with a tiny command set."""
    host_key, client_key = ssh_keys
    password = "s3cret"
    server = await asyncssh.create_server(
        lambda: _SshServer(password),
        "127.0.0.1",
        0,
        server_host_keys=[host_key],
        authorized_client_keys=asyncssh.import_authorized_keys(
            client_key.export_public_key().decode()
        ),
        process_factory=_ssh_process,
    )
    port = server.sockets[0].getsockname()[1]
    known_hosts = tmp_path / "known_hosts"
    public = host_key.export_public_key().decode().strip()
    known_hosts.write_text(f"[127.0.0.1]:{port} {public}\n")
    yield SshPeer(port, known_hosts, "tester", password, client_key.export_private_key().decode())
    server.close()
    await server.wait_closed()


# --- SMTP ----------------------------------------------------------------------------


class SmtpInbox:
    """An aiosmtpd handler that keeps every accepted message."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address.startswith("nobody@"):
            return "550 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted"


@dataclasses.dataclass(frozen=True)
class SmtpPeer:
    """A running SMTP server and the messages it accepted."""

    address: str
    """``host:port``."""
    inbox: SmtpInbox


@pytest.fixture
async def smtp_peer() -> AsyncIterator[SmtpPeer]:
    """A real aiosmtpd server on 127.0.0.1."""
    inbox = SmtpInbox()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(inbox, hostname="meltemi.test"), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield SmtpPeer(f"127.0.0.1:{port}", inbox)
    server.close()
    await server.wait_closed()


@pytest.fixture
def silent_peer() -> Iterator[int]:
    """Port of a socket that accepts connections (kernel backlog) and never speaks."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield sock.getsockname()[1]
