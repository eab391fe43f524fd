"""What the resource commands share: the HTTP client of the API v2 and the verb runner.

Every resource command (``meltemi workflow list``, ``meltemi execution start`` ...)
talks to a running ``meltemi server`` at ``--url`` (or ``MELTEMI_URL``, default
:data:`DEFAULT_URL`). An error answer becomes :class:`errors.ClientError` with the
server's ``faultstring``; the runner prints it on one line and exits 1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Self

import httpx
from rich.console import Console
from rich.markup import escape

from meltemi import errors
from meltemi.cli import output

DEFAULT_URL = "http://127.0.0.1:8989"
TIMEOUT = 60.0
"""Seconds one request may take (a synchronous action run can be slow)."""


def base_url(given: str | None, env: Mapping[str, str] | None = None) -> str:
    """The server's URL: ``--url``, else ``MELTEMI_URL``, else :data:`DEFAULT_URL`.

    A URL without a scheme (``host:port``) means ``http://host:port``.
    """
    env = os.environ if env is None else env
    url = (given or env.get("MELTEMI_URL") or DEFAULT_URL).rstrip("/")
    return url if "://" in url else f"http://{url}"


def _fault(response: httpx.Response) -> str:
    """The one-line reason of an error response (``faultstring`` when there is one)."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and body.get("faultstring"):
        return str(body["faultstring"])
    text = response.text.strip().splitlines()
    return text[0] if text else f"HTTP {response.status_code} {response.reason_phrase}"


class Client:
    """A synchronous client of Meltemi's (Mistral's) REST API v2."""

    def __init__(self, url: str, *, transport: httpx.BaseTransport | None = None) -> None:
        self.url = url
        # Plain http needs no TLS context: loading the CA bundle costs ~50 ms a command.
        verify = url.startswith("https:")
        self._http = httpx.Client(base_url=url, timeout=TIMEOUT, transport=transport, verify=verify)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send one request; the decoded JSON answer (``None`` when empty).

        Raises :class:`errors.ClientError` for an error answer or an unreachable server.
        """
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.ConnectError:
            raise errors.ClientError(
                f"no Meltemi server at {self.url}: start one with `meltemi server`"
            ) from None
        except httpx.TimeoutException:
            raise errors.ClientError(f"the Meltemi server at {self.url} did not answer") from None
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise errors.ClientError(f"can not talk to {self.url}: {exc}") from None
        if response.is_error:
            raise errors.ClientError(_fault(response), status=response.status_code)
        return response.json() if response.content else None

    def get(self, path: str, **params: Any) -> Any:
        """``GET path?params`` (``None`` values are left out)."""
        return self.request("GET", path, params=_present(params))

    def post(self, path: str, body: Any, **params: Any) -> Any:
        """``POST`` a JSON body."""
        return self.request("POST", path, json=body, params=_present(params))

    def put(self, path: str, body: Any, **params: Any) -> Any:
        """``PUT`` a JSON body."""
        return self.request("PUT", path, json=body, params=_present(params))

    def send_text(self, method: str, path: str, text: str, **params: Any) -> Any:
        """Send a definition as ``text/plain``, as the definition endpoints take it."""
        headers = {"content-type": "text/plain", "accept": "*/*"}
        return self.request(method, path, content=text, headers=headers, params=_present(params))

    def delete(self, path: str, **params: Any) -> None:
        """``DELETE path``."""
        self.request("DELETE", path, params=_present(params))


def _present(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v is not None}


Handler = Callable[[Client, argparse.Namespace, output.Printer], int | None]
"""One verb: talks to the API, prints through the printer; its exit code (None: 0)."""


def common() -> argparse.ArgumentParser:
    """A parent parser with the options every verb takes: ``--url`` and ``--json``."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--url", default=None, help=f"server URL (default: $MELTEMI_URL or {DEFAULT_URL})"
    )
    parent.add_argument(
        "--json", action="store_true", help="print the API's JSON (JSON text fields decoded)"
    )
    return parent


def verbs(parser: argparse.ArgumentParser) -> Callable[..., argparse.ArgumentParser]:
    """A function adding one verb (with the common options) under ``parser``."""
    sub = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    parent = common()

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        verb: argparse.ArgumentParser = sub.add_parser(
            name, help=help_text, description=help_text, parents=[parent]
        )
        return verb

    return add


def execute(args: argparse.Namespace, handlers: Mapping[str, Handler]) -> int:
    """Run the verb ``args.verb`` against the server; its exit code (1 on any error)."""
    printer = output.Printer(as_json=args.json)
    try:
        with Client(base_url(args.url)) as api:
            return handlers[args.verb](api, args, printer) or 0
    except KeyboardInterrupt:
        return 130
    except errors.MeltemiError as exc:
        Console(stderr=True, highlight=False, soft_wrap=True).print(
            f"[red]error:[/red] {escape(str(exc))}"
        )
        return 1


def read_text(name: str) -> str:
    """The text of file ``name`` (``-`` is standard input); InputError if unreadable."""
    if name == "-":
        return sys.stdin.read()
    try:
        return Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise errors.InputError(f"can not read {name}: {reason}", field=name) from None


def json_arg(value: str | None, name: str) -> Any:
    """Decode an option given as JSON text or ``@file``; ``None`` when not given."""
    if value is None:
        return None
    text = read_text(value[1:]) if value.startswith("@") else value
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise errors.InputError(f"--{name} is not valid JSON: {exc}", field=name) from None


def json_object(value: str | None, name: str) -> dict[str, Any] | None:
    """Like :func:`json_arg`, but the value must be a JSON object."""
    decoded = json_arg(value, name)
    if decoded is not None and not isinstance(decoded, dict):
        raise errors.InputError(f"--{name} must be a JSON object", field=name)
    return decoded
