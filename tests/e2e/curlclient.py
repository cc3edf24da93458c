"""A tiny browser stand-in around the curl binary: one cookie jar, no redirects followed, so each
hop of the flow can be checked."""

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional
from urllib.parse import parse_qs, urlsplit


@dataclass
class Response:
    status: int
    headers: dict = field(default_factory=dict)   # lower-case name -> list of values
    body: bytes = b""

    def header(self, name: str) -> Optional[str]:
        values = self.headers.get(name.lower())
        return values[-1] if values else None

    def json(self):
        return json.loads(self.body)

    def query(self, name: str) -> Optional[str]:
        """A query parameter of the Location header."""
        values = parse_qs(urlsplit(self.header("location") or "").query).get(name)
        return values[0] if values else None


class Curl:
    def __init__(self, directory: Path):
        self.directory = directory
        self.jar = directory / "cookies.txt"

    def request(self, url: str, *options: str, cookies: bool = True) -> Response:
        head = self.directory / "head.txt"
        body = self.directory / "body.bin"
        command = ["curl", "--silent", "--show-error", "--max-time", "30",
                   "--dump-header", str(head), "--output", str(body)]
        if cookies:
            command += ["--cookie", str(self.jar), "--cookie-jar", str(self.jar)]
        subprocess.run(command + list(options) + ["--", url], check=True)
        return Response(*parse_head(head.read_text("latin-1")), body.read_bytes())

    def get(self, url: str, *options: str, cookies: bool = True) -> Response:
        return self.request(url, *options, cookies=cookies)

    def post_form(self, url: str, fields: dict) -> Response:
        options = []
        for name, value in fields.items():
            options += ["--data-urlencode", "%s=%s" % (name, value)]
        return self.request(url, *options)

    def post_multipart(self, url: str, *parts: str) -> Response:
        options = []
        for part in parts:
            options += ["--form", part]
        return self.request(url, *options)


def parse_head(text: str):
    """Status and headers of the last response in a --dump-header file (skips 100 Continue)."""
    blocks = [block for block in text.replace("\r\n", "\n").split("\n\n") if block.strip()]
    lines = blocks[-1].split("\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return status, headers
