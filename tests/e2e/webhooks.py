"""What the webhook tests stand on: a receiver on loopback whose answers a test scripts (a status,
a stall, or nothing at all: the port closed), and a gate of the test's own (the stack's config with
its own store, receiver and delivery schedule) through which a verification is finished as a
browser finishes it: ekyc-start and ekyc-callback run as CGI, the sandbox's page in between."""

import hashlib
import hmac
import json
import re
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit, parse_qs
from urllib.error import HTTPError
from urllib.request import HTTPRedirectHandler, Request, build_opener, urlopen

from installed import cgi_environment, clean_environment, parse_cgi, wait_for


def event_id(token: str) -> str:
    """The event id ekyc-gate derives from a BizToken (one event per verification)."""
    return "evt_" + hashlib.sha256(("verification-event\n" + token).encode()).hexdigest()[:32]


def signature_holds(key: str, header: str, body: bytes, tolerance=300) -> bool:
    """README's formula: EKYC-Signature: t=UNIX,v1=hex(HMAC-SHA256(key, t + "." + body))."""
    fields = dict(item.split("=", 1) for item in header.split(","))
    expected = hmac.new(key.encode(), fields["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"]) and abs(time.time() - int(fields["t"])) <= tolerance


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
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
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
        self.store.mkdir(mode=0o700, exist_ok=True)
        text = Path(stack.run_dir, "ekyc.conf").read_text()
        settings = {"store": "file:%s" % self.store, "webhook_url": receiver_url, **settings}
        for key, value in settings.items():
            text, count = re.subn(r"(?m)^%s = .*$" % key, "%s = %s" % (key, value), text)
            if not count:
                text += "%s = %s\n" % (key, value)
        self.config = directory / "ekyc.conf"
        self.config.write_text(text)
        self.log = directory / "deliver.log"
        self.process = None

    def binary(self, role):
        return str(Path(self.stack.bin_dir, "ekyc-" + role))

    def cgi(self, role, path, query="", cookie=None):
        environment = cgi_environment(path, query, cookie=cookie, EKYC_CONFIG=str(self.config))
        result = subprocess.run([self.binary(role)], env=environment, stdin=subprocess.DEVNULL,
                                capture_output=True, timeout=30)
        return parse_cgi(result.stdout)

    def finish_verification(self, outcome="pass") -> str:
        """start -> the sandbox's page -> callback, until the result is final; returns the token."""
        started = self.cgi("start", "/ekyc/start")
        assert started.status == 303, started.body
        token = parse_qs(urlsplit(started.headers["location"]).query)["token"][0]
        request = Request(self.stack.page_url + "/reflect/finish",
                          data=("token=%s&outcome=%s" % (token, outcome)).encode(), method="POST")
        finished = _status(request)
        assert finished == 303, finished
        deadline = time.monotonic() + 15
        while True:
            answer = self.cgi("callback", "/ekyc/callback", "token=" + token, cookie=started.cookies)
            if answer.status != 202:
                assert answer.status == 200, answer.body
                return token
            assert time.monotonic() < deadline, "still pending"
            time.sleep(float(answer.headers.get("retry-after", "1")))

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

    def events(self, *arguments) -> str:
        result = subprocess.run([self.binary("start"), "events", "--config", str(self.config), *arguments],
                                capture_output=True, text=True, timeout=30, env=clean_environment())
        assert result.returncode == 0, result.stderr
        return result.stdout


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _status(request) -> int:
    """The status of a request, redirects not followed."""
    try:
        with build_opener(_NoRedirect).open(request, timeout=10) as response:
            return response.status
    except HTTPError as error:
        return error.code


def demo_receiver_events(stack) -> dict:
    """What the stack's demo receiver holds: {event id: entry}."""
    with urlopen(stack.webhook_receiver + "/events.json", timeout=10) as response:
        return {entry["event"]["id"]: entry for entry in json.load(response)["events"]}
