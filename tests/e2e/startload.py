"""STARTs asked in a loop on threads of their own while a test breaks something (Redis killed, a
primary failed over), every answer kept. About 12 starts a second in all by default: the sandbox,
like Tencent, allows 20 API calls a second."""

import http.client
import json
import re
import threading
import time
from dataclasses import dataclass
from typing import Optional
from urllib.parse import urlsplit

# The node that answered, from the X-EKYC-Node header the nodes' nginx adds (its socket path).
NODE = re.compile(r"/nodes/([ab])/")


def request(url, path, headers=None):
    """One GET on a fresh connection: (status, response, body, node); (None, None, b"", None)
    when the connection is refused or dropped."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        node = NODE.search(response.getheader("X-EKYC-Node") or "")
        return response.status, response, body, node.group(1) if node else None
    except OSError:
        return None, None, b"", None
    finally:
        connection.close()


@dataclass(frozen=True)
class Answer:
    sent: float                 # time.monotonic() when asked
    done: float                 # … and when answered
    status: Optional[int]       # None: no answer at all
    retry_after: Optional[str]
    what: Optional[str]         # the bizToken of a 200, else the error code
    node: Optional[str]


class StartLoad:
    def __init__(self, url, threads=3, interval=0.25):
        self.url = url
        self.answers = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.interval = interval
        self.threads = [threading.Thread(target=self.run) for _ in range(threads)]

    def run(self):
        while not self.stopping.wait(self.interval):
            sent = time.monotonic()
            status, response, body, node = request(self.url, "/ekyc/start", {"Accept": "application/json"})
            data = json.loads(body) if body.startswith(b"{") else {}
            what = data.get("bizToken") if status == 200 else data.get("error", {}).get("code")
            retry = response.getheader("Retry-After") if response else None
            with self.lock:
                self.answers.append(Answer(sent, time.monotonic(), status, retry, what, node))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join()

    def since(self, moment):
        """The answers that came after `moment`."""
        with self.lock:
            return [answer for answer in self.answers if answer.done > moment]

    def first_success_sent_after(self, moment):
        """When the first 200 to a START sent after `moment` came, or None."""
        with self.lock:
            done = [answer.done for answer in self.answers if answer.sent > moment and answer.status == 200]
        return min(done) if done else None

    def acknowledged(self):
        """The bizToken of every START answered 200."""
        with self.lock:
            return [answer.what for answer in self.answers if answer.status == 200]
