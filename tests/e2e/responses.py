"""One HTTP answer as every test sees it, however it was fetched (curl, http.client, a CGI or
FastCGI handler's output): status, headers by lower-case name, body."""

import json
from dataclasses import dataclass, field
from typing import Optional
from urllib.parse import parse_qs, urlsplit


@dataclass
class Response:
    status: int
    headers: dict = field(default_factory=dict)   # lower-case name -> list of values, in order
    body: bytes = b""
    seconds: float = 0.0                           # how long it took, where the client measured it

    def header(self, name: str) -> Optional[str]:
        """The last value of a header, or None."""
        values = self.headers.get(name.lower())
        return values[-1] if values else None

    def json(self):
        return json.loads(self.body)

    def error_code(self) -> Optional[str]:
        """The `error.code` of a JSON error answer; None for any other body."""
        try:
            return self.json()["error"]["code"]
        except (ValueError, KeyError, TypeError):
            return None

    def query(self, name: str) -> Optional[str]:
        """A query parameter of the Location header."""
        values = parse_qs(urlsplit(self.header("location") or "").query).get(name)
        return values[0] if values else None

    def cookies(self) -> str:
        """The Cookie header a browser would send back: every Set-Cookie's name=value (Secure
        cookies included: a real browser keeps them on https, which the shop has in production)."""
        return "; ".join(value.split(";")[0] for value in self.headers.get("set-cookie", []))


def header_fields(lines) -> dict:
    """`Name: value` lines as {lower-case name: [values]}."""
    headers = {}
    for line in lines:
        if not line.strip():
            continue
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return headers


def parse_http_head(text: str):
    """Status and headers of the last response in a raw HTTP head (curl's --dump-header, `curl
    -i`); skips 100 Continue."""
    blocks = [block for block in text.replace("\r\n", "\n").split("\n\n") if block.strip()]
    lines = blocks[-1].split("\n")
    return int(lines[0].split()[1]), header_fields(lines[1:])


def parse_cgi(output: bytes) -> Response:
    """A CGI program's (or FastCGI responder's) output: the `Status:` header is the status."""
    head, found, body = output.partition(b"\r\n\r\n")
    if not found:
        head, _, body = output.partition(b"\n\n")
    headers = header_fields(head.decode().splitlines())
    status = int(headers.pop("status", ["200"])[0].split()[0])
    return Response(status, headers, body)
