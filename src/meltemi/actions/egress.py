"""The egress policy of actions that call out by URL (``std.http``, ``std.mistral_http``).

Checked before any connection, for the first request and for every redirect:

1. the scheme is ``http`` or ``https``;
2. when ``settings.http_allowed_hosts`` is set, the host is one of them
   (``*.example.com`` allows sub-domains);
3. every address the host resolves to is outside ``settings.http_denied_cidrs``
   (loopback and link-local by default, so the cloud metadata address is refused).

:class:`GuardedBackend` repeats check 3 when the connection is made and connects to
the address it checked, so a DNS answer that changes in between cannot slip through.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import socket
from collections.abc import Iterable

import anyio
import httpcore

from meltemi import errors
from meltemi.settings import Settings

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

SCHEMES = frozenset({"http", "https"})


@dataclasses.dataclass(frozen=True)
class EgressPolicy:
    """Where actions may connect to."""

    denied: tuple[IPNetwork, ...] = ()
    allowed_hosts: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> EgressPolicy:
        """The policy that ``settings`` describe."""
        try:
            denied = tuple(
                ipaddress.ip_network(c, strict=False) for c in settings.http_denied_cidrs
            )
        except ValueError as e:
            raise errors.ConfigError(f"http_denied_cidrs: {e}") from None
        return cls(denied, tuple(h.lower() for h in settings.http_allowed_hosts))

    def check_target(self, scheme: str, host: str) -> None:
        """Refuse a URL whose scheme or host name the policy forbids."""
        if scheme.lower() not in SCHEMES:
            raise errors.EgressDenied(f"Egress denied: scheme {scheme!r} is not http or https")
        if not host:
            raise errors.EgressDenied("Egress denied: the URL has no host")
        if self.allowed_hosts and not _host_allowed(host.lower(), self.allowed_hosts):
            raise errors.EgressDenied(f"Egress denied: host {host!r} is not in http_allowed_hosts")

    def check_address(self, host: str, address: str) -> None:
        """Refuse ``address`` (one address of ``host``) if it is in a denied network."""
        ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        for network in self.denied:
            if ip.version == network.version and ip in network:
                raise errors.EgressDenied(
                    f"Egress denied: {host!r} resolves to {ip}, in denied network {network}"
                )

    async def resolve(self, host: str, port: int) -> list[str]:
        """The addresses of ``host``, all checked against the denied networks."""
        try:
            infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as e:
            raise errors.ActionError(f"Can not resolve host {host!r}: {e}") from None
        addresses = _unique(str(info[4][0]) for info in infos)
        for address in addresses:
            self.check_address(host, address)
        return addresses


def _host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    return any(
        host == pattern or (pattern.startswith("*.") and host.endswith(pattern[1:]))
        for pattern in allowed
    )


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that only connects to addresses the policy allows."""

    def __init__(self, policy: EgressPolicy) -> None:
        self._policy = policy
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's signature
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Resolve ``host``, check every address, connect to the first that answers."""
        addresses = await self._policy.resolve(host, port)
        last_error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as e:
                last_error = e
        raise last_error or httpcore.ConnectError(f"no address for {host}")

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's signature
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Unix sockets are never reachable from actions."""
        raise errors.EgressDenied("Egress denied: unix sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        """Sleep, as the inner backend does."""
        await self._inner.sleep(seconds)
