"""A TCP proxy on 127.0.0.1 that a test can cut: a lost network between the service
and its database, without touching the database server other tests use."""

from __future__ import annotations

import contextlib
import socket
import threading


class Proxy:
    """Forwards connections on ``port`` to ``127.0.0.1:target``.

    :meth:`cut` drops every open connection and refuses new ones (they are closed as
    soon as accepted, as a dead network or a stopped server looks to a client) until
    :meth:`restore`.
    """

    def __init__(self, target: int) -> None:
        self.target = target
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._server.getsockname()[1]
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._down = False
        self.refused = 0
        """Connections refused while cut."""
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self) -> None:
        """Drop every connection; refuse new ones."""
        with self._lock:
            self._down = True
            dropped, self._open = self._open, set()
        for sock in dropped:
            _close(sock)

    def restore(self) -> None:
        """Let connections through again."""
        with self._lock:
            self._down = False

    def close(self) -> None:
        """Stop the proxy and drop what it carries."""
        self.cut()
        _close(self._server)

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return  # closed
            with self._lock:
                down = self._down
                if down:
                    self.refused += 1
            if down:
                _close(client)
                continue
            self._connect(client)

    def _connect(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(("127.0.0.1", self.target))
        except OSError:
            _close(client)
            return
        with self._lock:
            self._open |= {client, upstream}
        for source, sink in ((client, upstream), (upstream, client)):
            threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            sink.sendall(data)
    _close(source)
    _close(sink)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()
