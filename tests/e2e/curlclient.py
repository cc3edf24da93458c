"""A tiny browser stand-in around the curl binary: one cookie jar, no redirects followed, so each
hop of the flow can be checked."""

import subprocess
import tempfile
from pathlib import Path

from responses import Response, parse_http_head


class Curl:
    def __init__(self, directory: Path):
        self.directory = directory
        self.jar = directory / "cookies.txt"

    def request(self, url: str, *options: str, cookies: bool = True) -> Response:
        # Files of its own for each request: a test may send several at once from one browser.
        with tempfile.TemporaryDirectory(dir=self.directory) as files:
            head, body = Path(files, "head.txt"), Path(files, "body.bin")
            command = ["curl", "--silent", "--show-error", "--max-time", "30",
                       "--dump-header", str(head), "--output", str(body)]
            if cookies:
                command += ["--cookie", str(self.jar), "--cookie-jar", str(self.jar)]
            subprocess.run(command + list(options) + ["--", url], check=True)
            return Response(*parse_http_head(head.read_text("latin-1")), body.read_bytes())

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

