"""A TCP proxy a test puts between the app and a real service, to cut it or black-hole it.

* ``open``: bytes flow both ways, as if the service were reached directly;
* ``refuse()``: the listening socket is closed and live connections are reset, so every new
  connection is refused at once (a stopped service);
* ``blackhole()``: connections are accepted but nothing is forwarded and every byte is dropped, in
  both directions, on live and new connections (a network partition: the peer never answers);
* ``restore()``: forwarding resumes for new connections; connections that lost bytes while black-holed
  are reset (their byte streams can never be whole again), like a partition long enough for TCP to
  give up.
"""

from __future__ import annotations

import contextlib
import select
import socket
import struct
import threading


def _reset(sock: socket.socket) -> None:
    """Close ``sock`` with a TCP reset rather than a polite FIN."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.close()


class _Pair:
    """One client connection and (unless black-holed from the start) its upstream connection."""

    def __init__(self, client: socket.socket, upstream: socket.socket | None) -> None:
        self.client = client
        self.upstream = upstream
        self.tainted = upstream is None
        self.closed = False

    def close(self) -> None:
        self.closed = True
        _reset(self.client)
        if self.upstream is not None:
            _reset(self.upstream)


class TcpProxy:
    """Forward ``127.0.0.1:<port>`` to ``target``; see the module docstring for the modes."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.mode = "open"
        self._lock = threading.Lock()
        self._pairs: set[_Pair] = set()
        self._stopped = threading.Event()
        self._listener: socket.socket | None = None
        self.port = self._listen(0)
        self._acceptor = threading.Thread(target=self._accept_loop, name="tcp-proxy-accept", daemon=True)
        self._acceptor.start()

    @property
    def host(self) -> str:
        return "127.0.0.1"

    def _listen(self, port: int) -> int:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen(128)
        sock.settimeout(0.1)
        self._listener = sock
        return sock.getsockname()[1]

    def _accept_loop(self) -> None:
        while not self._stopped.is_set():
            listener = self._listener
            if listener is None:
                self._stopped.wait(0.05)
                continue
            try:
                client, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            client.setblocking(True)
            upstream = None
            if self.mode == "open":
                try:
                    upstream = socket.create_connection(self.target, timeout=5)
                except OSError:
                    _reset(client)
                    continue
            pair = _Pair(client, upstream)
            with self._lock:
                self._pairs.add(pair)
            threading.Thread(target=self._pump, args=(pair,), name="tcp-proxy-pump", daemon=True).start()

    def _pump(self, pair: _Pair) -> None:
        sockets = [pair.client] + ([pair.upstream] if pair.upstream is not None else [])
        try:
            while not pair.closed and not self._stopped.is_set():
                try:
                    ready, _, _ = select.select(sockets, [], [], 0.1)
                except (OSError, ValueError):
                    break
                for src in ready:
                    data = src.recv(65536)
                    if not data:
                        raise ConnectionError("peer closed")
                    if self.mode != "open" or pair.tainted:
                        pair.tainted = True  # dropped on the floor
                        continue
                    dst = pair.upstream if src is pair.client else pair.client
                    dst.sendall(data)
        except OSError:
            pass
        finally:
            pair.close()
            with self._lock:
                self._pairs.discard(pair)

    def _close_pairs(self, only_tainted: bool) -> None:
        with self._lock:
            pairs = [p for p in self._pairs if p.tainted or not only_tainted]
        for pair in pairs:
            pair.close()

    def refuse(self) -> None:
        """Refuse new connections and reset the live ones."""
        self.mode = "refuse"
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        self._close_pairs(only_tainted=False)

    def blackhole(self) -> None:
        """Accept connections but drop every byte, both ways, on new and live connections."""
        if self._listener is None:
            self._listen(self.port)
        self.mode = "blackhole"

    def restore(self) -> None:
        """Forward again; reset connections that lost bytes."""
        self.mode = "open"
        self._close_pairs(only_tainted=True)
        if self._listener is None:
            self._listen(self.port)

    def close(self) -> None:
        """Stop the proxy and close every connection."""
        self._stopped.set()
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        self._close_pairs(only_tainted=False)
        self._acceptor.join(timeout=2)
