"""``std.ssh`` and ``std.ssh_proxied``: run a command over SSH with asyncssh.

Parameters follow Mistral's (plus ``port`` / ``gateway_port``). ``host`` may be one
host (the result is the command's standard output) or a list (a list of outputs, in
order). A non-zero exit status fails the action with the standard error. Host keys
are checked against ``settings.ssh_known_hosts`` (default ``~/.ssh/known_hosts``)
unless ``settings.ssh_check_host_keys`` is false.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from meltemi import errors
from meltemi.actions.base import ActionContext, action

if TYPE_CHECKING:
    import asyncssh


def _asyncssh() -> ModuleType:
    """asyncssh, imported on the first SSH call: with ``cryptography`` it weighs about
    30 MB, which a server that never runs SSH should not carry."""
    return importlib.import_module("asyncssh")


@dataclasses.dataclass(frozen=True)
class _Login:
    """How to log in to one SSH server."""

    username: str
    password: str | None
    private_key_filename: str | None
    private_key: str | None


@action(name="std.ssh")
@dataclasses.dataclass(frozen=True)
class SshAction:
    """Runs a shell command on one host (or a list of hosts) over SSH."""

    cmd: str
    host: Any
    username: str
    password: str | None = ""
    private_key_filename: str | None = None
    private_key: str | None = None
    """The private key itself (PEM/OpenSSH text)."""
    port: int = 22

    async def run(self, ctx: ActionContext) -> Any:
        """Run ``cmd`` on every host."""
        login = _Login(self.username, self.password, self.private_key_filename, self.private_key)
        return await _run_on_hosts(
            ctx, self.cmd, host=self.host, port=self.port, login=login, gateway=None
        )


@action(name="std.ssh_proxied")
@dataclasses.dataclass(frozen=True)
class SshProxiedAction:
    """Runs a shell command over SSH through a gateway host."""

    cmd: str
    host: Any
    username: str
    private_key_filename: str | None
    gateway_host: str
    gateway_username: str | None = None
    password: str | None = None
    proxy_command: str | None = None
    private_key: str | None = None
    port: int = 22
    gateway_port: int = 22

    async def run(self, ctx: ActionContext) -> Any:
        """Run ``cmd`` on every host, tunnelled through the gateway."""
        login = _Login(self.username, self.password, self.private_key_filename, self.private_key)
        gateway = _Gateway(
            self.gateway_host,
            self.gateway_port,
            dataclasses.replace(login, username=self.gateway_username or self.username),
            self.proxy_command,
        )
        return await _run_on_hosts(
            ctx, self.cmd, host=self.host, port=self.port, login=login, gateway=gateway
        )


@dataclasses.dataclass(frozen=True)
class _Gateway:
    host: str
    port: int
    login: _Login
    proxy_command: str | None


async def _run_on_hosts(
    ctx: ActionContext, cmd: str, *, host: Any, port: int, login: _Login, gateway: _Gateway | None
) -> Any:
    hosts = host if isinstance(host, list) else [host]
    outputs = [
        await _run_on_host(ctx, cmd, host=str(h), port=int(port), login=login, gateway=gateway)
        for h in hosts
    ]
    return outputs if isinstance(host, list) else outputs[0]


async def _run_on_host(
    ctx: ActionContext, cmd: str, *, host: str, port: int, login: _Login, gateway: _Gateway | None
) -> str:
    failed = f"Failed to execute ssh cmd '{cmd}' on {host}"
    asyncssh = _asyncssh()
    try:
        async with _connect(ctx, host, port, login, gateway) as conn:
            completed = await conn.run(cmd, check=False)
    except (asyncssh.Error, OSError) as e:
        raise errors.ActionError(f"{failed}: {type(e).__name__}: {e}") from None
    stdout, stderr = _text(completed.stdout), _text(completed.stderr)
    if completed.exit_status:
        data = {
            "host": host,
            "exit_status": completed.exit_status,
            "stdout": stdout,
            "stderr": stderr,
        }
        raise errors.ActionError(
            f"{failed}: exit status {completed.exit_status}: {stderr.strip()}", data=data
        )
    return stdout


@contextlib.asynccontextmanager
async def _connect(
    ctx: ActionContext, host: str, port: int, login: _Login, gateway: _Gateway | None
) -> AsyncIterator[asyncssh.SSHClientConnection]:
    asyncssh = _asyncssh()
    if gateway is None:
        async with asyncssh.connect(host, port, **_options(ctx, login)) as conn:
            yield conn
        return
    if gateway.proxy_command:
        options = _options(ctx, login) | {"proxy_command": gateway.proxy_command}
        async with asyncssh.connect(host, port, **options) as conn:
            yield conn
        return
    async with (
        asyncssh.connect(gateway.host, gateway.port, **_options(ctx, gateway.login)) as tunnel,
        asyncssh.connect(host, port, tunnel=tunnel, **_options(ctx, login)) as conn,
    ):
        yield conn


def _options(ctx: ActionContext, login: _Login) -> dict[str, Any]:
    settings = ctx.settings
    known_hosts: Any = None
    if settings.ssh_check_host_keys:
        known_hosts = settings.ssh_known_hosts or ()  # () = asyncssh's default file
    return {
        "username": login.username,
        "password": login.password or None,
        "client_keys": _client_keys(login),
        "known_hosts": known_hosts,
    }


def _client_keys(login: _Login) -> Any:
    if login.private_key:
        asyncssh = _asyncssh()
        try:
            return [asyncssh.import_private_key(login.private_key)]
        except (asyncssh.KeyImportError, ValueError) as e:
            raise errors.ActionError(f"Invalid private_key: {e}") from None
    if login.private_key_filename:
        path = Path(login.private_key_filename).expanduser()
        # Mistral reads a relative key file name from ~/.ssh.
        return [str(path if path.is_absolute() else Path.home() / ".ssh" / path)]
    return None if login.password else ()  # () = asyncssh's default keys


def _text(output: Any) -> str:
    if output is None:
        return ""
    return output.decode(errors="replace") if isinstance(output, bytes) else str(output)


ACTIONS = (SshAction, SshProxiedAction)
