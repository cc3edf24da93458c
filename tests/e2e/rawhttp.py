"""HTTP/1.1 requests to the stack's nginx sent as bytes, exactly as written: no client library
tidies hostile input before it arrives."""

import socket
from urllib.parse import urlsplit


def raw(stack, data: bytes, timeout=10.0) -> bytes:
    """Sends bytes as they are to the merchant site and returns the answer."""
    site = urlsplit(stack.site_url)
    with socket.create_connection((site.hostname, site.port), timeout=timeout) as conn:
        conn.sendall(data)
        chunks = []
        while True:
            try:
                chunk = conn.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0


def request(method, target, headers=(), body=b""):
    lines = ["%s %s HTTP/1.1" % (method, target), "Host: localhost", "Connection: close"] + list(headers)
    if body and not any(h.lower().startswith("content-length") for h in headers):
        lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def assert_4xx(answer: bytes):
    status = status_of(answer)
    assert 400 <= status < 500, answer[:300]
    return status
