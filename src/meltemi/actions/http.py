"""``std.http`` and ``std.mistral_http``: HTTP requests on httpx, under the egress policy.

Parameters and result follow Mistral's ``std.http``. The result is a dict with
``content`` (parsed JSON when the body is JSON, else text), ``status``, ``headers``,
``url``, ``encoding``, ``reason``, ``cookies`` and ``elapsed``. A status outside
200-306 fails the action with that dict as error data. As in Mistral, redirects are
followed only with ``allow_redirects: true``; each hop passes the egress policy.
"""

from __future__ import annotations

import dataclasses
import json as jsonlib
import logging
import ssl
import time
from typing import Any

import httpx

from meltemi import errors
from meltemi.actions import redaction
from meltemi.actions.base import ActionContext, action
from meltemi.actions.egress import EgressPolicy, GuardedBackend

log = logging.getLogger(__name__)


@action(name="std.http")
@dataclasses.dataclass(frozen=True)
class HttpAction:
    """Sends an HTTP request and returns the response (content, status, headers...)."""

    url: str
    method: str = "GET"
    params: Any = None
    """Query string parameters (dict)."""
    body: Any = None
    """Request body; a dict or list is sent as JSON text."""
    json: Any = None
    """A value sent as JSON (exclusive with ``body``)."""
    headers: Any = None
    cookies: Any = None
    auth: Any = None
    """``"user:password"`` or ``[user, password]`` for Basic authentication."""
    timeout: Any = None
    """Seconds; default ``settings.http_timeout``."""
    allow_redirects: Any = None
    proxies: Any = None
    """``{"http": "http://proxy:3128", "https": ...}``."""
    verify: Any = None
    """For https: false skips certificate checks; a path names a CA bundle."""

    async def run(self, ctx: ActionContext) -> dict[str, Any]:
        """Send the request."""
        return await send(ctx, self, {})


@action(name="std.mistral_http", is_async=True)
@dataclasses.dataclass(frozen=True)
class MistralHttpAction(HttpAction):
    """Sends an HTTP request carrying ``Mistral-*`` headers (execution ids and the
    callback URL); the action completes when the callee reports back."""

    async def run(self, ctx: ActionContext) -> dict[str, Any]:
        """Send the request with the callback headers."""
        extra = {
            "Mistral-Workflow-Name": ctx.workflow_name,
            "Mistral-Workflow-Execution-Id": ctx.execution_id,
            "Mistral-Task-Id": ctx.task_id,
            "Mistral-Action-Execution-Id": ctx.action_execution_id,
            "Mistral-Callback-URL": ctx.callback_url,
        }
        return await send(ctx, self, {k: v for k, v in extra.items() if v is not None})


async def send(
    ctx: ActionContext, req: HttpAction, extra_headers: dict[str, str]
) -> dict[str, Any]:
    """Send ``req`` under the egress policy of ``ctx.settings``; return Mistral's result."""
    policy = EgressPolicy.from_settings(ctx.settings)
    try:
        url = httpx.URL(req.url)
    except httpx.InvalidURL as e:
        raise errors.ActionError(f"Invalid URL {req.url!r}: {e}") from None
    policy.check_target(url.scheme, url.host)
    log.info(
        "http request",
        extra={"event": "http_request", "url": redaction.redact("std.http", {"u": req.url})["u"]},
    )
    started = time.monotonic()
    try:
        async with _client(ctx, policy, req) as client:
            response, body = await _fetch(client, req, extra_headers, ctx.settings.max_result_bytes)
    except httpx.HTTPError as e:
        raise errors.ActionError(f"Failed to send HTTP request: {type(e).__name__}: {e}") from None
    result = _result(response, body, time.monotonic() - started)
    if not 200 <= response.status_code < 307:
        text = body.decode(response.encoding or "utf-8", errors="replace")[:500]
        message = f"HTTP request failed with status {response.status_code}: {text}"
        raise errors.ActionError(message, data=result)
    return result


def _client(ctx: ActionContext, policy: EgressPolicy, req: HttpAction) -> httpx.AsyncClient:
    verify = _verify(req.verify)

    async def check_hop(request: httpx.Request) -> None:
        # Runs for the first request and for every redirect, before connecting.
        policy.check_target(request.url.scheme, request.url.host)
        await policy.resolve(request.url.host, request.url.port or _default_port(request.url))

    mounts: dict[str, httpx.AsyncBaseTransport | None] = {
        (k if "://" in k else f"{k}://"): guarded_transport(policy, verify=verify, proxy=str(v))
        for k, v in (req.proxies or {}).items()
    }
    timeout = ctx.settings.http_timeout if req.timeout is None else float(req.timeout)
    return httpx.AsyncClient(
        transport=guarded_transport(policy, verify=verify),
        mounts=mounts,
        timeout=timeout,
        follow_redirects=bool(req.allow_redirects),
        trust_env=False,
        cookies=req.cookies,
        event_hooks={"request": [check_hop]},
    )


def guarded_transport(
    policy: EgressPolicy, *, verify: ssl.SSLContext | bool = True, proxy: str | None = None
) -> httpx.AsyncHTTPTransport:
    """An httpx transport whose connections pass :class:`GuardedBackend`."""
    transport = httpx.AsyncHTTPTransport(verify=verify, proxy=proxy, trust_env=False)
    # httpx has no public way to choose the network backend; its connection pool keeps
    # it in this attribute and hands it to every new connection.
    transport._pool._network_backend = GuardedBackend(policy)
    return transport


async def _fetch(
    client: httpx.AsyncClient, req: HttpAction, extra_headers: dict[str, str], limit: int
) -> tuple[httpx.Response, bytes]:
    request = client.build_request(
        str(req.method).upper(),
        req.url,
        params=req.params,
        headers={**_headers(req.headers), **extra_headers},
        **_body(req),
    )
    response = await client.send(request, stream=True, auth=_auth(req.auth))
    try:
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise errors.ActionError(
                    f"HTTP response body is larger than the limit of {limit} bytes"
                    " (max_result_bytes)"
                )
            chunks.append(chunk)
    finally:
        await response.aclose()
    return response, b"".join(chunks)


def _result(response: httpx.Response, body: bytes, elapsed: float) -> dict[str, Any]:
    text = body.decode(response.encoding or "utf-8", errors="replace")
    try:
        content: Any = jsonlib.loads(text)
    except ValueError:
        content = text
    return {
        "content": content,
        "status": response.status_code,
        "headers": dict(response.headers.items()),
        "url": str(response.url),
        "encoding": response.encoding,
        "reason": response.reason_phrase,
        "cookies": dict(response.cookies.items()),
        "elapsed": round(elapsed, 6),
    }


def _body(req: HttpAction) -> dict[str, Any]:
    if req.body is not None and req.json is not None:
        raise errors.ActionError("Only one of the parameters 'json' and 'body' can be passed")
    if req.json is not None:
        return {"json": req.json}
    if req.body is None:
        return {}
    if isinstance(req.body, dict | list):
        return {"content": jsonlib.dumps(req.body)}
    return {"content": req.body if isinstance(req.body, bytes) else str(req.body)}


def _headers(headers: Any) -> dict[str, str]:
    if headers is None:
        return {}
    if not isinstance(headers, dict):
        raise errors.ActionError("headers must be a dict")
    return {str(k): str(v) for k, v in headers.items()}


def _auth(auth: Any) -> httpx.BasicAuth | None:
    if auth is None:
        return None
    if isinstance(auth, str) and auth.count(":") == 1:
        return httpx.BasicAuth(*auth.split(":"))
    if isinstance(auth, list | tuple) and len(auth) == 2:
        return httpx.BasicAuth(str(auth[0]), str(auth[1]))
    raise errors.ActionError("auth must be 'user:password' or [user, password]")


def _verify(verify: Any) -> ssl.SSLContext | bool:
    if isinstance(verify, str):
        return ssl.create_default_context(cafile=verify)
    return True if verify is None else bool(verify)


def _default_port(url: httpx.URL) -> int:
    return 443 if url.scheme == "https" else 80


ACTIONS = (HttpAction, MistralHttpAction)
