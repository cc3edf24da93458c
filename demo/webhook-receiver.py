#!/usr/bin/env python3
"""The demo shop's backend, as far as webhooks go: receives ekyc-gate's signed events, checks
each with the README's Python snippet (docs/snippets/webhook-verify.py), and lists what arrived.

    python3 demo/webhook-receiver.py --port 8083 --secret-file RUN_DIR/secret.conf

POST /webhook     an event; 200 when its signature holds (stored once per event id), else 400
GET  /            the events received, newest first (the demo site links to it as /webhooks/)
GET  /events.json the same as JSON, with each delivery's body and signature, for the tests

Python's standard library only; listens on 127.0.0.1. Logs one line per delivery, with the event
id and type: never the verification's token or the shop's reference.
"""

import argparse
import html
import importlib.util
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SNIPPET = Path(__file__).resolve().parents[1] / "docs" / "snippets" / "webhook-verify.py"
MAX_BODY = 1 << 20


def load_snippet():
    spec = importlib.util.spec_from_file_location("webhook_verify", SNIPPET)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


verify_webhook = load_snippet().verify_webhook


def read_key(secret_file: Path) -> str:
    """webhook_key from the handlers' secret file (`key = value` lines)."""
    for line in secret_file.read_text().splitlines():
        name, _, value = line.partition("=")
        if name.strip() == "webhook_key" and value.strip():
            return value.strip().strip('"')
    sys.exit("webhook-receiver: no webhook_key in %s" % secret_file)


class Inbox:
    """The events received, one entry per event id (a delivery repeated counts, not duplicates)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.events = {}
        self.rejected = 0

    def add(self, event, body, signature):
        with self.lock:
            entry = self.events.get(event["id"])
            if entry is None:
                entry = self.events[event["id"]] = {"event": event, "received": time.time(), "deliveries": []}
            entry["deliveries"].append({"at": time.time(), "signature": signature, "body": body.decode()})
            return len(entry["deliveries"])

    def reject(self):
        with self.lock:
            self.rejected += 1

    def snapshot(self):
        with self.lock:
            return sorted(self.events.values(), key=lambda entry: -entry["received"]), self.rejected


class Handler(BaseHTTPRequestHandler):
    server_version = "demo-webhook-receiver"

    def do_POST(self):
        if self.path != "/webhook":
            return self.answer(404, "text/plain", b"not found\n")
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self.answer(413, "text/plain", b"too large\n")
        body = self.rfile.read(length)
        signature = self.headers.get("EKYC-Signature") or ""
        # The raw bytes are checked before anything reads them as JSON.
        if not verify_webhook(self.server.key, signature, body):
            self.server.inbox.reject()
            self.log("rejected a delivery: invalid or stale signature")
            return self.answer(400, "text/plain", b"invalid or stale signature\n")
        event = json.loads(body)
        count = self.server.inbox.add(event, body, signature)
        self.log("%s %s (delivery %d)" % (event["id"], event["type"], count))
        self.answer(200, "application/json", b'{"received": true}\n')

    def do_GET(self):
        events, rejected = self.server.inbox.snapshot()
        if self.path == "/events.json":
            return self.answer(200, "application/json", json.dumps({"events": events, "rejected": rejected}).encode())
        if self.path not in ("/", "/index.html"):
            return self.answer(404, "text/plain", b"not found\n")
        self.answer(200, "text/html; charset=utf-8", page(events, rejected).encode())

    def answer(self, status, content_type, body):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log(self, text):
        print("webhook-receiver: %s" % text, file=sys.stderr, flush=True)

    def log_message(self, format, *args):
        pass  # one line per delivery (above) is the log; request lines would repeat it


def page(events, rejected) -> str:
    rows = []
    for entry in events:
        data = entry["event"].get("data", {})
        verdict = data.get("status", "?")
        rows.append("<tr><td>%s</td><td class='%s'>%s</td><td>%s</td><td>%s</td><td>%s…</td><td>%d</td></tr>" % (
            time.strftime("%H:%M:%S", time.localtime(entry["received"])), html.escape(verdict), html.escape(verdict),
            html.escape(data.get("reason") or ""), html.escape(data.get("ref") or "–"),
            html.escape((data.get("id") or "")[:8]), len(entry["deliveries"])))
    table = ("<table><thead><tr><th>Received</th><th>Result</th><th>Reason</th><th>Reference</th><th>Verification</th>"
             "<th>Deliveries</th></tr></thead><tbody>%s</tbody></table>" % "".join(rows)) if rows else \
        "<p class='muted'>Nothing yet. Finish a verification: its result arrives here even if you close the eKYC tab.</p>"
    note = "<p class='muted'>%d delivery(ies) refused: bad signature.</p>" % rejected if rejected else ""
    return """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="2"><title>Demo shop – webhooks received</title><link rel="stylesheet" href="../style.css">
</head><body><main><h1>Demo shop backend</h1><section class="card"><h2>Webhooks received</h2>
<p class="muted">ekyc-gate posts each final result here, signed with webhook_key; this page checks every signature
with the README's Python snippet and refreshes every 2 seconds.</p>%s%s</section>
<p><a class="button" href="../">Back to the shop</a></p></main></body></html>
""" % (table, note)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret-file", type=Path, required=True, help="the handlers' secret file, with webhook_key")
    arguments = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", arguments.port), Handler)
    server.key = read_key(arguments.secret_file)
    server.inbox = Inbox()
    server.serve_forever()


if __name__ == "__main__":
    main()
