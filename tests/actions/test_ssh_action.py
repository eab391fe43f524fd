"""std.ssh and std.ssh_proxied against a real local asyncssh server."""

from __future__ import annotations

from typing import Any

import pytest

from meltemi import actions
from meltemi.settings import Settings


async def ssh(
    peer: Any,
    given: dict[str, Any],
    *,
    name: str = "std.ssh",
    limit: float | None = None,
    **settings: Any,
) -> actions.Outcome:
    registry = actions.Registry.default(plugins=False)
    ctx = actions.ActionContext(
        settings=Settings(ssh_known_hosts=str(peer.known_hosts), **settings)
    )
    base = {"host": "127.0.0.1", "port": peer.port, "username": peer.username}
    return await actions.run_action(registry.get(name), base | given, ctx, timeout=limit)


@pytest.mark.anyio
async def test_command_output_is_the_result(ssh_peer: Any) -> None:
    """A zero exit status gives the standard output (password login)."""
    outcome = await ssh(ssh_peer, {"cmd": "echo hello", "password": ssh_peer.password})
    assert outcome == actions.Succeeded("hello\n")


@pytest.mark.anyio
async def test_private_key_text_logs_in(ssh_peer: Any) -> None:
    """A private key given as text authenticates."""
    outcome = await ssh(ssh_peer, {"cmd": "whoami", "private_key": ssh_peer.client_key})
    assert outcome == actions.Succeeded("tester\n")


@pytest.mark.anyio
async def test_list_of_hosts_gives_a_list(ssh_peer: Any) -> None:
    """Several hosts give one output each, in order."""
    given = {"cmd": "echo hi", "password": ssh_peer.password, "host": ["127.0.0.1", "127.0.0.1"]}
    assert await ssh(ssh_peer, given) == actions.Succeeded(["hi\n", "hi\n"])


@pytest.mark.anyio
async def test_non_zero_exit_fails_with_stderr(ssh_peer: Any) -> None:
    """A failing command fails the action; message and data carry stderr."""
    outcome = await ssh(ssh_peer, {"cmd": "explode", "password": ssh_peer.password})
    assert isinstance(outcome, actions.Failed)
    assert "explode: command failed" in outcome.message
    assert outcome.data["exit_status"] == 3


@pytest.mark.anyio
async def test_wrong_password_fails(ssh_peer: Any) -> None:
    """Authentication failure fails the action."""
    outcome = await ssh(ssh_peer, {"cmd": "echo x", "password": "wrong"})
    assert isinstance(outcome, actions.Failed)
    assert "Failed to execute ssh cmd" in outcome.message


@pytest.mark.anyio
async def test_hanging_command_times_out(ssh_peer: Any) -> None:
    """A command that never ends is stopped by the run's timeout."""
    given = {"cmd": "hang", "password": ssh_peer.password}
    outcome = await ssh(ssh_peer, given, limit=0.5)
    assert isinstance(outcome, actions.Failed)
    assert outcome.timed_out


@pytest.mark.anyio
async def test_unknown_host_key_is_refused(ssh_peer: Any, tmp_path: Any) -> None:
    """A host key missing from known_hosts is refused, unless checking is off."""
    empty = tmp_path / "empty_known_hosts"
    empty.write_text("")
    registry = actions.Registry.default(plugins=False)
    given = {
        "cmd": "echo ok",
        "host": "127.0.0.1",
        "port": ssh_peer.port,
        "username": "u",
        "password": ssh_peer.password,
    }
    strict = actions.ActionContext(settings=Settings(ssh_known_hosts=str(empty)))
    outcome = await actions.run_action(registry.get("std.ssh"), given, strict)
    assert isinstance(outcome, actions.Failed)
    assert "HostKeyNotVerifiable" in outcome.message
    lax = actions.ActionContext(
        settings=Settings(ssh_known_hosts=str(empty), ssh_check_host_keys=False)
    )
    assert await actions.run_action(registry.get("std.ssh"), given, lax) == actions.Succeeded(
        "ok\n"
    )


@pytest.mark.anyio
async def test_proxied_command_goes_through_the_gateway(ssh_peer: Any) -> None:
    """std.ssh_proxied tunnels through the gateway (the same server) to the host."""
    given = {
        "cmd": "echo via gateway",
        "password": ssh_peer.password,
        "private_key_filename": None,
        "gateway_host": "127.0.0.1",
        "gateway_port": ssh_peer.port,
    }
    outcome = await ssh(ssh_peer, given, name="std.ssh_proxied")
    assert outcome == actions.Succeeded("via gateway\n")
