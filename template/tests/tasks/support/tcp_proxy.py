"""A TCP proxy on loopback that can wedge its connections: they stay open and
stop delivering, in both directions, without ever closing.

That is what a dropped NAT or firewall entry, or a peer that vanished without a
FIN, looks like to a client: nothing fails, nothing arrives. Connections opened
after `wedge()` work again, as a reconnect through a healthy path would.
"""

import socket
import threading
from dataclasses import dataclass, field

BUFFER_BYTES = 65536


@dataclass
class Link:
    """One client connection and its upstream twin."""

    client: socket.socket
    upstream: socket.socket
    wedged: threading.Event = field(default_factory=threading.Event)

    def close(self) -> None:
        for end in (self.client, self.upstream):
            end.close()


class WedgingProxy:
    """Forwards 127.0.0.1:`port` to 127.0.0.1:`target_port` until told to wedge."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self._links: list[Link] = []
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def wedge(self) -> int:
        """Silence every open connection for good; return how many there were."""
        with self._lock:
            for link in self._links:
                link.wedged.set()
            return len(self._links)

    def close(self) -> None:
        self._listener.close()
        with self._lock:
            for link in self._links:
                link.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:  # closed
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            link = Link(client, upstream)
            with self._lock:
                self._links.append(link)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(
                    target=self._pump, args=(link, source, sink), daemon=True
                ).start()

    @staticmethod
    def _pump(link: Link, source: socket.socket, sink: socket.socket) -> None:
        while True:
            try:
                data = source.recv(BUFFER_BYTES)
                if not data:
                    return
                # Wedged: read and drop, so the sender sees its bytes accepted
                # and waits for an answer that never comes.
                if not link.wedged.is_set():
                    sink.sendall(data)
            except OSError:
                return
