#!/usr/bin/env python3
"""The EKYC-Signature header of a request from your backend to ekyc-gate.

    EKYC_LINK_KEY=... python3 backend-request.py METHOD PATH [BODY_FILE] [T]

METHOD and PATH as sent (POST /ekyc/verifications, GET /ekyc/verifications/ID); BODY_FILE the
exact body bytes (none for a GET); T a Unix time (default: now). Prints the header's value.
"""
import hashlib
import hmac
import os
import sys
import time


def backend_signature(key: str, method: str, path: str, body: bytes, t: int) -> str:
    # The label, method, path, time and body hash are all signed: the signature is good for
    # this one request, within 5 minutes of T, and for nothing else signed with the same key.
    message = "backend-request\n%s\n%s\n%d\n%s" % (method, path, t, hashlib.sha256(body).hexdigest())
    return "t=%d,v1=%s" % (t, hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest())


if __name__ == "__main__":
    if not 3 <= len(sys.argv) <= 5:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    body = open(sys.argv[3], "rb").read() if len(sys.argv) > 3 and sys.argv[3] else b""
    t = int(sys.argv[4]) if len(sys.argv) > 4 else int(time.time())
    print(backend_signature(os.environ["EKYC_LINK_KEY"], sys.argv[1], sys.argv[2], body, t))
