#!/usr/bin/env python3
"""Checks a webhook from ekyc-gate.

    EKYC_WEBHOOK_KEY=... python3 webhook-verify.py "$SIGNATURE" < body.json

Prints ok when SIGNATURE (the EKYC-Signature header) signs the body on standard input and is at
most 5 minutes old; otherwise exits 1. In a web app, call verify_webhook() on the raw body before
parsing it, and answer 2xx once the event is stored: ekyc-gate sends anything else again.
"""
import hashlib
import hmac
import os
import sys
import time

TOLERANCE = 300  # seconds between the signature's time and ours


def verify_webhook(key: str, header: str, body: bytes, now=None) -> bool:
    """header is "t=UNIX,v1=HEX" (more v1 during a key change), HEX = HMAC-SHA256(key, t + "." + body)."""
    t, signatures = None, []
    for field in header.split(","):
        name, _, value = field.strip().partition("=")
        if name == "t":
            if t is not None or not (value.isascii() and value.isdigit() and len(value) <= 12):
                return False
            t = value
        elif name == "v1":
            signatures.append(value.lower())
    if t is None or not signatures:
        return False
    expected = hmac.new(key.encode(), t.encode() + b"." + body, hashlib.sha256).hexdigest()
    # compare_digest takes as long whichever byte differs, so a signature cannot be guessed bytewise.
    matched = [hmac.compare_digest(expected, signature) for signature in signatures]
    return any(matched) and abs((time.time() if now is None else now) - int(t)) <= TOLERANCE


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    if not verify_webhook(os.environ["EKYC_WEBHOOK_KEY"], sys.argv[1], sys.stdin.buffer.read()):
        print("invalid or stale signature", file=sys.stderr)
        sys.exit(1)
    print("ok")
