"""Local stand-ins for the three outside systems of the salary example.

* the accounting system: ``GET /salaries/{employee_id}`` -> ``{"employee_id", "base"}``
  (404 for an unknown employee);
* the bonus system: ``GET /bonuses/{employee_id}`` -> ``{"employee_id", "bonus"}``;
  ``GET``/``PUT /switch`` with ``{"broken": true}`` makes every bonus request answer 503;
* the SMS gateway: ``POST /messages`` with ``{"to", "text"}`` records, prints and
  accepts a message (201); ``GET /messages`` lists the messages received so far.

Run all three on their fixed ports (8101, 8102, 8103 on 127.0.0.1)::

    python examples/salary/standins.py                  # Ctrl-C to stop
    python examples/salary/standins.py --break-bonus    # the bonus system starts broken

Tests start them in a background thread on ephemeral ports with :class:`StandIns`.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

HOST = "127.0.0.1"
PORTS = {"accounting": 8101, "bonus": 8102, "sms": 8103}
"""Fixed ports of ``python standins.py``; the workflow's input defaults use them."""
BASES = {"E-1": 4200, "E-2": 3900, "E-3": 5100}
BONUSES = {"E-1": 300, "E-2": 0, "E-3": 750}


@dataclasses.dataclass
class Systems:
    """The stand-ins' shared, changeable state."""

    bonus_broken: bool = False
    """When true the bonus system answers 503 to every bonus request."""
    messages: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    """The SMS messages received, oldest first."""
    quiet: bool = False
    """When false, each received SMS is printed."""


def accounting_app() -> Starlette:
    """The accounting system: base salaries by employee id."""

    async def salary(request: Request) -> JSONResponse:
        employee_id = request.path_params["employee_id"]
        if employee_id not in BASES:
            return JSONResponse({"error": f"unknown employee {employee_id}"}, status_code=404)
        return JSONResponse({"employee_id": employee_id, "base": BASES[employee_id]})

    return Starlette(routes=[Route("/salaries/{employee_id}", salary)])


def bonus_app(systems: Systems) -> Starlette:
    """The bonus system, with a switch that breaks it."""

    async def bonus(request: Request) -> JSONResponse:
        if systems.bonus_broken:
            return JSONResponse({"error": "bonus system unavailable"}, status_code=503)
        employee_id = request.path_params["employee_id"]
        return JSONResponse({"employee_id": employee_id, "bonus": BONUSES.get(employee_id, 0)})

    async def switch(request: Request) -> JSONResponse:
        if request.method == "PUT":
            systems.bonus_broken = bool((await request.json()).get("broken"))
        return JSONResponse({"broken": systems.bonus_broken})

    return Starlette(
        routes=[
            Route("/bonuses/{employee_id}", bonus),
            Route("/switch", switch, methods=["GET", "PUT"]),
        ]
    )


def sms_app(systems: Systems) -> Starlette:
    """The SMS gateway: records (and prints) what it is asked to send."""

    async def send(request: Request) -> JSONResponse:
        given = await request.json()
        message = {
            "id": len(systems.messages) + 1,
            "to": given.get("to"),
            "text": given.get("text"),
        }
        systems.messages.append(message)
        if not systems.quiet:
            print(f"SMS to {message['to']}: {message['text']}", flush=True)
        return JSONResponse({**message, "status": "queued"}, status_code=201)

    async def listing(_request: Request) -> JSONResponse:
        return JSONResponse({"messages": systems.messages})

    return Starlette(
        routes=[Route("/messages", send, methods=["POST"]), Route("/messages", listing)]
    )


def apps(systems: Systems) -> dict[str, Starlette]:
    """The three stand-in applications by name."""
    return {
        "accounting": accounting_app(),
        "bonus": bonus_app(systems),
        "sms": sms_app(systems),
    }


def listen(port: int) -> socket.socket:
    """A listening TCP socket on 127.0.0.1 (``port=0``: an ephemeral port)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, port))
    sock.listen(64)
    return sock


def servers(systems: Systems, log_level: str) -> dict[str, uvicorn.Server]:
    """One uvicorn server per stand-in (not started)."""
    return {
        name: uvicorn.Server(
            uvicorn.Config(app, log_level=log_level, lifespan="off", ws="none", access_log=False)
        )
        for name, app in apps(systems).items()
    }


async def serve(found: dict[str, uvicorn.Server], sockets: dict[str, socket.socket]) -> None:
    """Serve every stand-in on its already listening socket until they all exit."""
    await asyncio.gather(*(found[name].serve(sockets=[sockets[name]]) for name in found))


class StandIns:
    """The three stand-ins served from a background thread (for tests).

    The sockets listen before the thread starts, so the URLs work at once.
    """

    def __init__(self, *, ports: dict[str, int] | None = None) -> None:
        self.systems = Systems(quiet=True)
        self._servers = servers(self.systems, "warning")
        self._sockets = {name: listen((ports or {}).get(name, 0)) for name in self._servers}
        self._thread = threading.Thread(
            target=asyncio.run, args=(serve(self._servers, self._sockets),), daemon=True
        )

    def url(self, name: str) -> str:
        """``http://127.0.0.1:<port>`` of stand-in ``name`` (accounting, bonus, sms)."""
        return f"http://{HOST}:{self._sockets[name].getsockname()[1]}"

    def start(self) -> None:
        """Start serving."""
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close the sockets."""
        for server in self._servers.values():
            server.should_exit = True
        self._thread.join(timeout=10)
        for sock in self._sockets.values():
            sock.close()


@contextmanager
def running(*, ports: dict[str, int] | None = None) -> Iterator[StandIns]:
    """The stand-ins, serving for the duration of the ``with`` block."""
    standins = StandIns(ports=ports)
    standins.start()
    try:
        yield standins
    finally:
        standins.stop()


def main() -> None:
    """``python examples/salary/standins.py [--break-bonus]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--break-bonus", action="store_true", help="start the bonus system broken")
    args = parser.parse_args()
    systems = Systems(bonus_broken=args.break_bonus)
    sockets = {name: listen(port) for name, port in PORTS.items()}
    for name, port in PORTS.items():
        print(f"{name:<10} http://{HOST}:{port}", flush=True)
    with suppress(KeyboardInterrupt):  # Ctrl-C is how it stops
        asyncio.run(serve(servers(systems, "info"), sockets))


if __name__ == "__main__":
    main()
