"""Loopback ports and sockets: a free port to listen on, and whether something listens."""

import socket


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening(address: str) -> bool:
    """Whether something accepts connections at `host:port`, or at `unix:/path`."""
    if address.startswith("unix:"):
        with socket.socket(socket.AF_UNIX) as probe:
            return probe.connect_ex(address.removeprefix("unix:")) == 0
    host, port = address.rsplit(":", 1)
    with socket.socket() as probe:
        return probe.connect_ex((host, int(port))) == 0
