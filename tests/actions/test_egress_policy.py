"""std.http refuses destinations the egress policy forbids, before connecting."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from meltemi import actions, errors
from meltemi.actions import http as http_module
from meltemi.settings import Settings


async def http(given: dict[str, Any], settings: Settings) -> actions.Outcome:
    registry = actions.Registry.default(plugins=False)
    ctx = actions.ActionContext(settings=settings)
    return await actions.run_action(registry.get("std.http"), given, ctx)


def denied(outcome: actions.Outcome) -> str:
    assert isinstance(outcome, actions.Failed)
    assert outcome.message.startswith("Egress denied"), outcome.message
    return outcome.message


@pytest.mark.anyio
async def test_loopback_is_denied_by_default(http_peer: str) -> None:
    """With default settings, a loopback URL is refused."""
    assert "127.0.0.1" in denied(await http({"url": f"{http_peer}/json"}, Settings()))


@pytest.mark.anyio
async def test_localhost_name_is_resolved_and_denied(http_peer: str) -> None:
    """A host name resolving to loopback is refused too."""
    url = http_peer.replace("127.0.0.1", "localhost")
    denied(await http({"url": f"{url}/json"}, Settings()))


@pytest.mark.anyio
async def test_empty_denied_cidrs_opens_loopback(http_peer: str) -> None:
    """Settings(http_denied_cidrs=()) lets the request through."""
    outcome = await http({"url": f"{http_peer}/json"}, Settings(http_denied_cidrs=()))
    assert isinstance(outcome, actions.Succeeded)


@pytest.mark.anyio
async def test_metadata_address_is_denied() -> None:
    """The cloud metadata address 169.254.169.254 is refused without connecting."""
    message = denied(await http({"url": "http://169.254.169.254/latest/meta-data/"}, Settings()))
    assert "169.254.0.0/16" in message


@pytest.mark.anyio
async def test_ipv4_mapped_ipv6_loopback_is_denied() -> None:
    """An IPv4-mapped IPv6 address is judged as the IPv4 address it maps."""
    denied(await http({"url": "http://[::ffff:127.0.0.1]:9/"}, Settings()))


@pytest.mark.anyio
async def test_non_http_scheme_is_denied() -> None:
    """file:// and other schemes are refused."""
    denied(await http({"url": "file:///etc/passwd"}, Settings(http_denied_cidrs=())))


@pytest.mark.anyio
async def test_redirect_to_denied_address_is_refused(http_peer: str) -> None:
    """Each redirect hop is checked: a hop to the metadata address is refused."""
    settings = Settings(http_denied_cidrs=("169.254.0.0/16",))
    target = "http://169.254.169.254/latest/meta-data/"
    given = {"url": f"{http_peer}/redirect", "params": {"to": target}, "allow_redirects": True}
    denied(await http(given, settings))


@pytest.mark.anyio
async def test_redirect_is_not_followed_by_default(http_peer: str) -> None:
    """As in Mistral, without allow_redirects the 302 itself is the result."""
    given = {"url": f"{http_peer}/redirect", "params": {"to": "http://169.254.169.254/"}}
    outcome = await http(given, Settings(http_denied_cidrs=()))
    assert isinstance(outcome, actions.Succeeded)
    assert outcome.result["status"] == 302


@pytest.mark.anyio
async def test_allowed_hosts_limits_host_names(http_peer: str) -> None:
    """With http_allowed_hosts set, other host names are refused."""
    settings = Settings(http_denied_cidrs=(), http_allowed_hosts=("api.example.com",))
    assert "http_allowed_hosts" in denied(await http({"url": f"{http_peer}/json"}, settings))
    allowed = Settings(http_denied_cidrs=(), http_allowed_hosts=("127.0.0.1",))
    assert isinstance(await http({"url": f"{http_peer}/json"}, allowed), actions.Succeeded)


@pytest.mark.anyio
async def test_connection_layer_checks_addresses_itself(http_peer: str) -> None:
    """The transport refuses a denied address even when no request hook ran."""
    policy = actions.EgressPolicy.from_settings(Settings())
    transport = http_module.guarded_transport(policy)
    async with transport:
        with pytest.raises(errors.EgressDenied):
            await transport.handle_async_request(httpx.Request("GET", f"{http_peer}/json"))
