"""What the webhook tests stand on: a receiver on loopback whose answers a test scripts (a status,
a stall, or nothing at all: the port closed), and a gate of the test's own (the stack's config with
its own store, receiver and delivery schedule) through which a verification is finished as a
browser finishes it: ekyc-start and ekyc-callback run as CGI, the sandbox's page in between."""

import hashlib
import hmac
import json
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.request import urlopen

from cgirun import config_with
from installed import clean_environment, run_cgi
from polling import until_final, wait_for
from ports import free_port
from responses import parse_cgi
from sandbox import finish_on_sandbox


def event_id(token: str) -> str:
    """The event id ekyc-gate derives from a BizToken (one event per verification)."""
    return "evt_" + hashlib.sha256(("verification-event\n" + token).encode()).hexdigest()[:32]


def signature(key: str, body: bytes, t: int) -> str:
    """README's formula: EKYC-Signature: t=UNIX,v1=hex(HMAC-SHA256(key, t + "." + body))."""
    return "t=%d,v1=%s" % (t, hmac.new(key.encode(), b"%d." % t + body, hashlib.sha256).hexdigest())


def signature_holds(key: str, header: str, body: bytes, tolerance=300) -> bool:
    """Whether `header` is signature(key, body, t) for a t within `tolerance` seconds of now."""
    fields = dict(item.split("=", 1) for item in header.split(","))
    t = int(fields["t"])
    expected = signature(key, body, t).split(",v1=", 1)[1]
    return hmac.compare_digest(expected, fields["v1"]) and abs(time.time() - t) <= tolerance


@dataclass
class Delivery:
    at: float
    headers: dict
    body: bytes
    answered: int  # the status sent back; 0 while stalled or when the connection was dropped

    @property
    def event(self):
        return json.loads(self.body)


class Receiver:
    """An HTTP receiver on 127.0.0.1. `answers` is consumed one per request: an int is the status
    to answer, "stall" holds the request until `release()`; once empty, 200. `stop()` closes the
    port (connections are then refused) and `start()` opens it again on the same port."""

    def __init__(self, answers=()):
        self.answers = list(answers)
        self.deliveries = []
        self.lock = threading.Lock()
        self.released = threading.Event()
        self.server = None
        self.port = None

    @property
    def url(self) -> str:
        return "http://127.0.0.1:%d/webhook" % self.port

    def reserve(self):
        """Picks the port without listening on it: deliveries are refused until start()."""
        self.port = free_port()
        return self

    def start(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    answer = receiver.answers.pop(0) if receiver.answers else 200
                    delivery = Delivery(time.time(), {k.lower(): v for k, v in self.headers.items()}, body, 0)
                    receiver.deliveries.append(delivery)
                if answer == "stall":
                    receiver.released.wait(60)
                    answer = 200
                self.send_response(answer)
                self.send_header("Content-Length", "0")
                self.end_headers()
                delivery.answered = answer

            def log_message(self, format, *args):
                pass

        if self.port is None:
            self.reserve()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def release(self):
        self.released.set()

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def of(self, token):
        with self.lock:
            return [d for d in self.deliveries if d.headers.get("ekyc-event-id") == event_id(token)]

    def wait_for(self, token, count, seconds=20.0, answered=True):
        """The event's deliveries once there are `count`, the last of them answered (unless not
        `answered`: a stalled one)."""
        def arrived():
            deliveries = self.of(token)
            return len(deliveries) >= count and (not answered or deliveries[count - 1].answered != 0)
        wait_for(arrived, seconds, "%d deliveries of the event" % count)
        return self.of(token)


class Gate:
    """ekyc-start and ekyc-callback with the stack's config, but a store, a receiver and any
    other setting of this test's own; the deliverer runs as `ekyc-start deliver` on it."""

    def __init__(self, stack, directory: Path, receiver_url: str, **settings):
        self.stack = stack
        self.directory = directory
        self.store = directory / "tokens"
        self.config = config_with(stack, directory, **{"store": "file:%s" % self.store, "webhook_url": receiver_url,
                                                       **settings})
        self.log = directory / "deliver.log"
        self.process = None

    def binary(self, role):
        return str(Path(self.stack.bin_dir, "ekyc-" + role))

    def cgi(self, role, path, query="", cookie=None):
        return parse_cgi(run_cgi([self.binary(role)], path, query, cookie=cookie, EKYC_CONFIG=str(self.config)).stdout)

    def finish_verification(self, outcome="pass") -> str:
        """start -> the sandbox's page -> callback, until the result is final; returns the token."""
        started = self.cgi("start", "/ekyc/start")
        assert started.status == 303, started.body
        token = started.query("token")
        finish_on_sandbox(self.stack, token, outcome)
        answer = until_final(lambda: self.cgi("callback", "/ekyc/callback", "token=" + token, cookie=started.cookies()))
        assert answer.status == 200, answer.body
        return token

    def start_deliverer(self):
        self.process = subprocess.Popen([self.binary("start"), "deliver", "--config", str(self.config)],
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=open(self.log, "ab"), env=clean_environment())
        return self.process

    def kill_deliverer(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop_deliverer(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            assert self.process.wait(15) == 0
        self.process = None

    def wait_all_delivered(self, seconds=10):
        """Until `events` lists nothing undelivered: the deliverer marked every event delivered."""
        wait_for(lambda: self.events() == "no undelivered events\n", seconds, "every event marked delivered")

    def events(self, *arguments) -> str:
        result = subprocess.run([self.binary("start"), "events", "--config", str(self.config), *arguments],
                                capture_output=True, text=True, timeout=30, env=clean_environment())
        assert result.returncode == 0, result.stderr
        return result.stdout


def demo_receiver_events(stack) -> dict:
    """What the stack's demo receiver holds: {event id: entry}."""
    with urlopen(stack.webhook_receiver + "/events.json", timeout=10) as response:
        return {entry["event"]["id"]: entry for entry in json.load(response)["events"]}
